// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/chatgptsigninwizard.h"

#include "core/oauth/loopbackcallback.h"
#include "core/providers/console/consoleaccount.h"
#include "core/secrets/sealer.h"
#include "core/secrets/secretbytes.h"
#include "ui/dialogs/signinproxy.h"

#include <QDateTime>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace rd::ui {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

ChatGPTSignInWizard::ChatGPTSignInWizard(std::shared_ptr<const secrets::Sealer> sealer,
                                         oauth::OpenAIOAuthEndpoints endpoints,
                                         QWidget *parent)
    : QDialog(parent)
    , m_sealer(std::move(sealer))
    , m_endpoints(std::move(endpoints))
{
    setObjectName(u"chatgptSignInWizard"_s);
    setWindowTitle(tr("Sign in a ChatGPT subscription (Codex)"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout();
    m_name = new QLineEdit(this);
    m_name->setObjectName(u"name"_s);
    m_name->setPlaceholderText(tr("e.g. my plus"));
    m_priority = new QSpinBox(this);
    m_priority->setObjectName(u"priority"_s);
    m_priority->setRange(1, 100);
    m_priority->setValue(50);
    m_priority->setToolTip(tr("Lower numbers are used first."));
    m_proxyUrl = new QLineEdit(this);
    m_proxyUrl->setObjectName(u"proxyUrl"_s);
    m_proxyUrl->setPlaceholderText(tr("optional: socks5://user@host:1080 or http://host:3128"));
    m_proxyPassword = new QLineEdit(this);
    m_proxyPassword->setObjectName(u"proxyPassword"_s);
    m_proxyPassword->setPlaceholderText(tr("optional"));
    m_proxyPassword->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Priority:"), m_priority);
    form->addRow(tr("Pro&xy URL:"), m_proxyUrl);
    form->addRow(tr("Proxy pass&word:"), m_proxyPassword);
    layout->addLayout(form);

    m_openBrowserButton = new QPushButton(tr("&Open the sign-in page"), this);
    m_openBrowserButton->setObjectName(u"openBrowserButton"_s);
    m_authorizeUrl = new QLineEdit(this);
    m_authorizeUrl->setObjectName(u"authorizeUrl"_s);
    m_authorizeUrl->setReadOnly(true); // to copy when no browser opens
    m_authorizeUrl->setPlaceholderText(tr("the sign-in address appears here"));
    m_listenLabel = new QLabel(this);
    m_listenLabel->setObjectName(u"listenLabel"_s);
    m_listenLabel->setWordWrap(true);
    auto *codeLabel = new QLabel(
        tr("If the browser does not come back by itself, paste the &address it ended on (or the code) here:"), this);
    codeLabel->setWordWrap(true);
    m_code = new QLineEdit(this);
    m_code->setObjectName(u"codeEdit"_s);
    m_code->setPlaceholderText(m_endpoints.redirectUri + u"?code=…&state=…"_s);
    codeLabel->setBuddy(m_code);
    layout->addWidget(m_openBrowserButton);
    layout->addWidget(m_authorizeUrl);
    layout->addWidget(m_listenLabel);
    layout->addWidget(codeLabel);
    layout->addWidget(m_code);

    m_accountLabel = new QLabel(this);
    m_accountLabel->setObjectName(u"accountLabel"_s);
    m_accountLabel->setWordWrap(true);
    layout->addWidget(m_accountLabel);
    m_guardrailLabel = new QLabel(
        tr("A subscription is personal: only keys created as the owner's keys use it. Sharing it with other keys is a "
           "separate, explicit step (the provider's terms may forbid sharing a subscription)."),
        this);
    m_guardrailLabel->setObjectName(u"guardrailLabel"_s);
    m_guardrailLabel->setWordWrap(true);
    layout->addWidget(m_guardrailLabel);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"progress"_s);
    m_progress->setRange(0, 0); // busy indicator: the exchange has no steps to count
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"statusLabel"_s);
    m_statusLabel->setWordWrap(true);
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(u"errorLabel"_s);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(u"QLabel { color: #b02a37; }"_s);
    layout->addWidget(m_progress);
    layout->addWidget(m_statusLabel);
    layout->addWidget(m_errorLabel);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(u"buttons"_s);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Sign in"));
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &ChatGPTSignInWizard::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ChatGPTSignInWizard::reject);
    connect(m_openBrowserButton, &QPushButton::clicked, this, &ChatGPTSignInWizard::startSignIn);
    for (QLineEdit *edit : {m_name, m_proxyUrl, m_proxyPassword, m_code}) {
        connect(edit, &QLineEdit::textChanged, this, &ChatGPTSignInWizard::validate);
    }
    // What was typed, pasted or received goes as soon as the dialog is done, whatever the outcome; so do the PKCE
    // verifier and the loopback port (Codex CLI may want it next).
    connect(this, &QDialog::finished, this, [this] {
        stopListening();
        m_code->clear();
        m_proxyPassword->clear();
        m_session.reset();
        m_tokens.reset();
    });
    validate();
    m_name->setFocus();
}

ChatGPTSignInWizard::~ChatGPTSignInWizard() = default;

QUrl ChatGPTSignInWizard::authorizeUrl() const
{
    return m_session ? m_session->authorizeUrl : QUrl();
}

bool ChatGPTSignInWizard::isListening() const
{
    return m_listener && m_listener->isListening();
}

bool ChatGPTSignInWizard::openBrowser(const QUrl &url)
{
    return QDesktopServices::openUrl(url);
}

Result<void> ChatGPTSignInWizard::checkSettings() const
{
    if (!m_sealer) {
        return fail(ErrorCode::CryptoFailure,
                    tr("Account credentials are locked (the data key is not available), so no account can be added."));
    }
    if (m_name->text().trimmed().isEmpty()) {
        return fail(ErrorCode::InvalidArgument, tr("Enter a name for the account."));
    }
    const QString proxyUrl = m_proxyUrl->text().trimmed();
    if (auto ok = providers::validateProxyUrl(proxyUrl); !ok) {
        return fail(ErrorCode::InvalidArgument, tr("Proxy URL: %1").arg(ok.error().detail));
    }
    if (!m_proxyPassword->text().isEmpty() && QUrl(proxyUrl).userName().isEmpty()) {
        return fail(ErrorCode::InvalidArgument, tr("A proxy password needs a proxy URL with a user name (user@host)."));
    }
    return {};
}

QNetworkProxy ChatGPTSignInWizard::proxy() const
{
    return signInProxy(m_proxyUrl->text(), m_proxyPassword->text());
}

void ChatGPTSignInWizard::startSignIn()
{
    m_tokens.reset();
    m_accountLabel->clear();
    m_session = oauth::startOpenAIAuthorization(m_endpoints, nowMs());
    m_authorizeUrl->setText(m_session->authorizeUrl.toString(QUrl::FullyEncoded));
    m_authorizeUrl->setCursorPosition(0);
    m_code->clear();
    m_listenLabel->setText(listenOnRedirect()); // before the browser can come back
    m_statusLabel->setText(
        openBrowser(m_session->authorizeUrl)
            ? tr("The sign-in page is open in your browser. Sign in to ChatGPT there.")
            : tr("No browser could be opened: copy the address above into a browser and sign in to ChatGPT."));
    m_code->setFocus();
    validate();
}

QString ChatGPTSignInWizard::listenOnRedirect()
{
    if (!m_listener) {
        m_listener = new oauth::LoopbackCallbackServer(this);
        connect(m_listener, &oauth::LoopbackCallbackServer::callbackReceived, this, [this](const QString &url) {
            callbackReceived(url);
        });
    }
    QString error;
    if (m_listener->listen(QUrl(m_endpoints.redirectUri), &error)) {
        return tr("Waiting for the browser on %1: the sign-in finishes by itself.").arg(m_endpoints.redirectUri);
    }
    // Most often the port is taken (the Codex CLI signing in, another wizard): the paste field still works.
    return tr("RelayDesk cannot wait for the browser (%1). After signing in, the browser shows an error page: copy "
              "its address and paste it below.")
        .arg(error);
}

void ChatGPTSignInWizard::stopListening()
{
    if (m_listener) {
        m_listener->stop();
    }
}

void ChatGPTSignInWizard::callbackReceived(const QString &url)
{
    stopListening(); // one callback per sign-in
    m_listenLabel->setText(tr("The browser came back."));
    m_code->setText(url);
    raise();
    activateWindow();
    if (!m_busy && checkSettings()) {
        submit();
    } // else validate() (through textChanged) says what is missing; "Sign in" then finishes with the received code
}

void ChatGPTSignInWizard::validate()
{
    if (m_busy) {
        return;
    }
    const Result<void> settings = checkSettings();
    QString problem = settings ? QString() : settings.error().detail;
    if (problem.isEmpty() && m_tokens) {
        // signed in already: only the account settings were wrong
    } else if (problem.isEmpty() && !m_session) {
        problem = tr("Open the sign-in page and sign in to ChatGPT.");
    } else if (problem.isEmpty() && m_code->text().trimmed().isEmpty()) {
        problem = isListening() ? QString() : tr("Paste the address the browser ended on.");
    }
    m_errorLabel->setText(problem);
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(problem.isEmpty() && (m_tokens || !m_code->text().trimmed().isEmpty()));
}

void ChatGPTSignInWizard::setBusy(bool busy, const QString &status)
{
    m_busy = busy;
    m_progress->setVisible(busy);
    m_statusLabel->setText(status);
    for (QWidget *w : std::initializer_list<QWidget *>{
             m_name, m_priority, m_proxyUrl, m_proxyPassword, m_openBrowserButton, m_code}) {
        w->setEnabled(!busy);
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy);
    if (busy) {
        m_errorLabel->clear();
    }
}

void ChatGPTSignInWizard::showError(const QString &message)
{
    setBusy(false);
    m_errorLabel->setText(message);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
}

void ChatGPTSignInWizard::submit()
{
    if (m_busy) {
        return;
    }
    if (!checkSettings()) {
        validate();
        return;
    }
    if (m_tokens) { // signed in before, but the store refused the account: try again with the corrected settings
        storeTokens(*m_tokens);
        return;
    }
    if (!m_session) {
        validate();
        return;
    }
    // A state in what was pasted must be this sign-in's: anything else is someone else's code.
    const Result<QByteArray> code = oauth::extractOpenAICallbackCode(m_code->text(), m_session->state);
    if (!code) {
        showError(tr("That is not a usable code: %1").arg(code.error().detail));
        return;
    }
    stopListening(); // the code is on its way: a second callback would only race it
    setBusy(true, tr("Signing in: exchanging the code for tokens…"));
    if (!m_client) {
        m_client = new oauth::OpenAITokenClient(m_endpoints, this); // deleting the wizard abandons the exchange
    }
    m_client->exchangeCode(
        *m_session, *code, proxy(), [this](Result<oauth::TokenSet> tokens) { exchanged(std::move(tokens)); });
}

void ChatGPTSignInWizard::exchanged(Result<oauth::TokenSet> tokens)
{
    if (!tokens) {
        showError(tr("Sign-in failed: %1").arg(tokens.error().detail));
        return;
    }
    m_session.reset(); // the code is spent
    m_tokens.emplace(std::move(*tokens));
    const QString plan = m_tokens->planType.isEmpty() ? tr("unknown") : m_tokens->planType;
    m_accountLabel->setText(m_tokens->email.isEmpty()
                                ? tr("Signed in to ChatGPT (plan: %1).").arg(plan)
                                : tr("Signed in to ChatGPT as %1 (plan: %2).").arg(m_tokens->email, plan));
    storeTokens(*m_tokens);
}

void ChatGPTSignInWizard::storeTokens(const oauth::TokenSet &tokens)
{
    if (const Result<void> settings = checkSettings(); !settings) {
        showError(settings.error().detail);
        return;
    }
    QByteArray proxyPassword = m_proxyPassword->text().toUtf8();
    Result<store::AccountRecord> r = oauth::openAIAccountRecord(
        m_name->text().trimmed(), tokens, *m_sealer, m_proxyUrl->text().trimmed(), proxyPassword);
    wipeBytes(proxyPassword);
    if (!r) {
        showError(tr("The account cannot be built: %1").arg(r.error().detail));
        return;
    }
    r->priority = m_priority->value();
    r->sharedWithOthers = false; // personal: only the owner's keys (the guardrail above)
    setBusy(true, tr("Saving the account…"));
    emit submitted(*r);
}

} // namespace rd::ui
