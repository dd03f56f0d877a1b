// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/claudesigninwizard.h"

#include "core/providers/console/consoleaccount.h"
#include "core/secrets/sealer.h"
#include "core/secrets/secretbytes.h"
#include "ui/dialogs/recordid.h"
#include "ui/dialogs/signinproxy.h"

#include <QComboBox>
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
// Where a subscription's requests go, as `accounts login-claude` stores it without --base-url.
const QString kAnthropicApi = u"https://api.anthropic.com"_s;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

ClaudeSignInWizard::ClaudeSignInWizard(std::shared_ptr<const secrets::Sealer> sealer,
                                       oauth::ClaudeOAuthEndpoints endpoints,
                                       QWidget *parent)
    : QDialog(parent)
    , m_sealer(std::move(sealer))
    , m_endpoints(std::move(endpoints))
{
    setObjectName(u"claudeSignInWizard"_s);
    setWindowTitle(tr("Sign in a Claude subscription"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout();
    m_name = new QLineEdit(this);
    m_name->setObjectName(u"name"_s);
    m_name->setPlaceholderText(tr("e.g. my max"));
    m_method = new QComboBox(this);
    m_method->setObjectName(u"method"_s);
    m_method->addItem(tr("Sign in with the browser"), int(Method::Browser));
    m_method->addItem(tr("Long-lived token (one year, sign in with the browser)"), int(Method::SetupToken));
    m_method->addItem(tr("Paste a token from `claude setup-token`"), int(Method::PasteToken));
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
    form->addRow(tr("&How:"), m_method);
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
    m_codeLabel = new QLabel(this);
    m_codeLabel->setWordWrap(true);
    m_code = new QLineEdit(this);
    m_code->setObjectName(u"codeEdit"_s);
    m_codeLabel->setBuddy(m_code);
    layout->addWidget(m_openBrowserButton);
    layout->addWidget(m_authorizeUrl);
    layout->addWidget(m_codeLabel);
    layout->addWidget(m_code);

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

    connect(m_buttons, &QDialogButtonBox::accepted, this, &ClaudeSignInWizard::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ClaudeSignInWizard::reject);
    connect(m_openBrowserButton, &QPushButton::clicked, this, &ClaudeSignInWizard::startBrowserSignIn);
    connect(m_method, &QComboBox::currentIndexChanged, this, &ClaudeSignInWizard::methodChanged);
    for (QLineEdit *edit : {m_name, m_proxyUrl, m_proxyPassword, m_code}) {
        connect(edit, &QLineEdit::textChanged, this, &ClaudeSignInWizard::validate);
    }
    // What was typed or pasted goes as soon as the dialog is done, whatever the outcome; so does the PKCE verifier.
    connect(this, &QDialog::finished, this, [this] {
        m_code->clear();
        m_proxyPassword->clear();
        m_session.reset();
        m_tokens.reset();
    });
    methodChanged();
    m_name->setFocus();
}

ClaudeSignInWizard::~ClaudeSignInWizard() = default;

QUrl ClaudeSignInWizard::authorizeUrl() const
{
    return m_session ? m_session->authorizeUrl : QUrl();
}

bool ClaudeSignInWizard::openBrowser(const QUrl &url)
{
    return QDesktopServices::openUrl(url);
}

ClaudeSignInWizard::Method ClaudeSignInWizard::method() const
{
    return static_cast<Method>(m_method->currentData().toInt());
}

void ClaudeSignInWizard::methodChanged()
{
    m_tokens.reset();
    const bool browser = method() != Method::PasteToken;
    // Another method is another sign-in (the setup token asks for other scopes): the pending one is dropped.
    m_session.reset();
    m_authorizeUrl->clear();
    m_code->clear();
    m_statusLabel->clear();
    m_openBrowserButton->setVisible(browser);
    m_authorizeUrl->setVisible(browser);
    m_code->setEchoMode(browser ? QLineEdit::Normal : QLineEdit::Password);
    m_codeLabel->setText(browser ? tr("Then paste the &code the page shows (or the whole address it ends on):")
                                 : tr("Paste the &token printed by `claude setup-token` (sk-ant-oat01-…):"));
    validate();
}

Result<store::AccountRecord> ClaudeSignInWizard::record() const
{
    if (!m_sealer) {
        return fail(ErrorCode::CryptoFailure,
                    tr("Account credentials are locked (the data key is not available), so no account can be added."));
    }
    store::AccountRecord r;
    r.type = QString::fromLatin1(providers::kClaudeOAuthType);
    r.name = m_name->text().trimmed();
    r.baseUrl = kAnthropicApi;
    r.proxyUrl = m_proxyUrl->text().trimmed();
    r.priority = m_priority->value();
    if (r.name.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, tr("Enter a name for the account."));
    }
    if (auto ok = providers::validateProxyUrl(r.proxyUrl); !ok) {
        return fail(ErrorCode::InvalidArgument, tr("Proxy URL: %1").arg(ok.error().detail));
    }
    if (!m_proxyPassword->text().isEmpty() && QUrl(r.proxyUrl).userName().isEmpty()) {
        return fail(ErrorCode::InvalidArgument, tr("A proxy password needs a proxy URL with a user name (user@host)."));
    }
    return r;
}

QNetworkProxy ClaudeSignInWizard::proxy() const
{
    return signInProxy(m_proxyUrl->text(), m_proxyPassword->text());
}

void ClaudeSignInWizard::startBrowserSignIn()
{
    m_session = oauth::startAuthorization(m_endpoints, method() == Method::SetupToken, nowMs());
    m_authorizeUrl->setText(m_session->authorizeUrl.toString(QUrl::FullyEncoded));
    m_authorizeUrl->setCursorPosition(0);
    m_code->clear();
    m_statusLabel->setText(
        openBrowser(m_session->authorizeUrl)
            ? tr("The sign-in page is open in your browser. Sign in, then copy the code it shows.")
            : tr("No browser could be opened: copy the address above into a browser, sign in, then copy the code."));
    m_code->setFocus();
    validate();
}

void ClaudeSignInWizard::validate()
{
    if (m_busy) {
        return;
    }
    const Result<store::AccountRecord> r = record();
    QString problem = r ? QString() : r.error().detail;
    if (problem.isEmpty() && m_tokens) {
        // signed in already: only the account settings were wrong
    } else if (problem.isEmpty() && method() != Method::PasteToken && !m_session) {
        problem = tr("Open the sign-in page and sign in to Claude.");
    } else if (problem.isEmpty() && m_code->text().trimmed().isEmpty()) {
        problem = method() == Method::PasteToken ? tr("Paste the token.") : tr("Paste the code the page shows.");
    }
    m_errorLabel->setText(problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

void ClaudeSignInWizard::setBusy(bool busy, const QString &status)
{
    m_busy = busy;
    m_progress->setVisible(busy);
    m_statusLabel->setText(status);
    for (QWidget *w : std::initializer_list<QWidget *>{
             m_name, m_method, m_priority, m_proxyUrl, m_proxyPassword, m_openBrowserButton, m_code}) {
        w->setEnabled(!busy);
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy);
    if (busy) {
        m_errorLabel->clear();
    }
}

void ClaudeSignInWizard::showError(const QString &message)
{
    setBusy(false);
    m_errorLabel->setText(message);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
}

void ClaudeSignInWizard::submit()
{
    if (m_busy) {
        return;
    }
    if (const Result<store::AccountRecord> r = record(); !r) {
        validate();
        return;
    }
    if (m_tokens) { // signed in before, but the store refused the account: try again with the corrected settings
        storeTokens(*m_tokens);
        return;
    }
    if (method() == Method::PasteToken) {
        QByteArray pasted = m_code->text().trimmed().toUtf8();
        Result<oauth::TokenSet> tokens = oauth::tokenSetFromSetupToken(pasted, nowMs());
        wipeBytes(pasted);
        if (!tokens) {
            showError(tr("Not a usable token: %1").arg(tokens.error().detail));
            return;
        }
        m_tokens.emplace(std::move(*tokens));
        storeTokens(*m_tokens);
        return;
    }
    if (!m_session) {
        validate();
        return;
    }
    // A state in what was pasted must be this sign-in's: anything else is someone else's code.
    const Result<QByteArray> code = oauth::extractAuthorizationCode(m_code->text(), m_session->state);
    if (!code) {
        showError(tr("That is not a usable code: %1").arg(code.error().detail));
        return;
    }
    setBusy(true, tr("Signing in: exchanging the code for tokens…"));
    if (!m_client) {
        m_client = new oauth::ClaudeTokenClient(m_endpoints, this); // deleting the wizard abandons the exchange
    }
    m_client->exchangeCode(
        *m_session, *code, proxy(), [this](Result<oauth::TokenSet> tokens) { exchanged(std::move(tokens)); });
}

void ClaudeSignInWizard::exchanged(Result<oauth::TokenSet> tokens)
{
    if (!tokens) {
        showError(tr("Sign-in failed: %1").arg(tokens.error().detail));
        return;
    }
    m_session.reset(); // the code is spent
    m_tokens.emplace(std::move(*tokens));
    storeTokens(*m_tokens);
}

void ClaudeSignInWizard::storeTokens(const oauth::TokenSet &tokens)
{
    Result<store::AccountRecord> r = record();
    if (!r) {
        showError(r.error().detail);
        return;
    }
    r->id = newRecordId(QLatin1String("acc_"));
    r->enabled = true;
    r->schedulable = true;
    r->sharedWithOthers = false; // personal: only the owner's keys (the guardrail above)
    r->createdAt = QDateTime::currentDateTimeUtc();
    r->tokenExpiresAtMs = tokens.expiresAtMs;
    QByteArray proxyPassword = m_proxyPassword->text().toUtf8();
    const Result<SecretBytes> plain = providers::encodeOAuthCredentials(
        tokens.accessToken.expose(), tokens.refreshToken.expose(), tokens.expiresAtMs, proxyPassword);
    wipeBytes(proxyPassword);
    const Result<QByteArray> sealed =
        plain ? m_sealer->seal(plain->expose(), r->id.toUtf8()) : Result<QByteArray>(tl::unexpected(plain.error()));
    if (!sealed) {
        showError(tr("The tokens cannot be sealed: %1").arg(sealed.error().detail));
        return;
    }
    r->sealedCredentials = *sealed;
    setBusy(true,
            tokens.email.isEmpty() ? tr("Signed in; saving the account…")
                                   : tr("Signed in as %1; saving the account…").arg(tokens.email));
    emit submitted(*r);
}

} // namespace rd::ui
