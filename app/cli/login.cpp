// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/login.h"

#include "app/cli/common.h"
#include "core/config/endpoints.h"
#include "core/oauth/claudeoauth.h"
#include "core/oauth/loopbackcallback.h"
#include "core/oauth/openaioauth.h"
#include "core/providers/console/consoleaccount.h"
#include "core/secrets/storeunlock.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimer>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <QSocketNotifier>

#include <termios.h>
#include <unistd.h>
#else
#include <iostream>
#include <string>
#include <thread>
#endif

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace rd::cli {

namespace {
// Runs the event loop until `start` reports through its callback.
template <typename T, typename Start>
Result<T> await(Start start)
{
    std::optional<Result<T>> out;
    start([&out](Result<T> r) {
        out = std::move(r);
        QCoreApplication::exit(0);
    });
    if (!out) {
        QCoreApplication::exec();
    }
    return std::move(*out);
}

// The account's proxy for the sign-in traffic, its password read from stdin or RELAYDESK_PROXY_PASSWORD.
struct AccountProxy
{
    QNetworkProxy proxy{QNetworkProxy::NoProxy};
    QByteArray password;
};

Result<AccountProxy> accountProxy(const QString &proxyUrl)
{
    AccountProxy out;
    if (proxyUrl.isEmpty()) {
        return out;
    }
    const QUrl url(proxyUrl);
    if (!url.userName().isEmpty()) {
        Result<QByteArray> pw = readSecret("RELAYDESK_PROXY_PASSWORD", u"Proxy password:"_s);
        if (!pw) {
            return tl::unexpected(pw.error());
        }
        out.password = std::move(*pw);
    }
    out.proxy = QNetworkProxy(url.scheme() == u"socks5" ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy,
                              url.host(),
                              static_cast<quint16>(url.port()),
                              url.userName(),
                              QString::fromUtf8(out.password));
    return out;
}

Result<std::shared_ptr<const secrets::Sealer>> unlockSealer(store::Database &db, const QString &dataDir)
{
    const Result<secrets::Unlocked> unlocked = await<secrets::Unlocked>(
        [&](auto done) { secrets::unlockStore(db, dataDir, QCoreApplication::instance(), std::move(done)); });
    if (!unlocked) {
        return fail(unlocked.error().code, u"cannot unlock the credential store: "_s + unlocked.error().detail);
    }
    if (!unlocked->warning.isEmpty()) {
        printErr(u"warning: "_s + unlocked->warning);
    }
    return unlocked->sealer;
}

Result<oauth::TokenSet>
signIn(const oauth::ClaudeOAuthEndpoints &endpoints, bool setupToken, const QNetworkProxy &proxy)
{
    const oauth::PkceSession session =
        oauth::startAuthorization(endpoints, setupToken, QDateTime::currentMSecsSinceEpoch());
    printOut(u"Open this address in a browser and sign in to Claude:"_s);
    printOut(session.authorizeUrl.toString(QUrl::FullyEncoded));
    Result<QByteArray> pasted =
        readSecret("RELAYDESK_OAUTH_CODE", u"Then paste the code (or the whole callback URL):"_s);
    if (!pasted) {
        return tl::unexpected(pasted.error());
    }
    const Result<QByteArray> code = oauth::extractAuthorizationCode(QString::fromUtf8(*pasted), session.state);
    pasted->fill('\0');
    if (!code) {
        return tl::unexpected(code.error());
    }
    oauth::ClaudeTokenClient client(endpoints);
    return await<oauth::TokenSet>(
        [&](oauth::ClaudeTokenClient::Callback done) { client.exchangeCode(session, *code, proxy, std::move(done)); });
}

// Reads one line from standard input without blocking the event loop; reports it (or EOF) through `done`.
class StdinLine : public QObject
{
public:
    using Done = std::function<void(std::optional<QByteArray>)>; // nullopt: end of input without a line

    explicit StdinLine(Done done)
        : m_done(std::move(done))
    {
#ifdef Q_OS_UNIX
        // Like readSecret: what is pasted holds an authorization code, so it is not echoed.
        m_tty = isatty(STDIN_FILENO) != 0;
        if (m_tty) {
            tcgetattr(STDIN_FILENO, &m_saved);
            termios quiet = m_saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        }
        m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, [this] { onReadable(); });
#else
        // No pollable console handle: a reader thread, detached, that posts its line to this object's thread.
        auto alive = m_alive;
        auto *self = this;
        std::thread([alive, self] {
            std::string line;
            const bool ok = static_cast<bool>(std::getline(std::cin, line));
            QByteArray bytes = QByteArray::fromStdString(line);
            std::fill(line.begin(), line.end(), '\0');
            QMetaObject::invokeMethod(QCoreApplication::instance(), [alive, self, ok, bytes]() mutable {
                if (*alive) {
                    self->report(ok ? std::optional<QByteArray>(std::move(bytes)) : std::nullopt);
                }
            });
        }).detach();
#endif
    }
    ~StdinLine() override
    {
#ifdef Q_OS_UNIX
        if (m_tty) {
            tcsetattr(STDIN_FILENO, TCSANOW, &m_saved);
        }
#else
        *m_alive = false;
#endif
        wipeBytes(m_buffer);
    }

private:
    void report(std::optional<QByteArray> line)
    {
        if (Done done = std::exchange(m_done, nullptr)) {
            done(std::move(line));
        }
    }
#ifdef Q_OS_UNIX
    void onReadable()
    {
        char chunk[512];
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
        if (n > 0) {
            m_buffer.append(chunk, n);
        }
        std::fill(std::begin(chunk), std::end(chunk), '\0');
        const qsizetype newline = m_buffer.indexOf('\n');
        if (newline < 0 && n > 0) {
            return;
        }
        m_notifier->setEnabled(false);
        if (m_tty) {
            std::fputs("\n", stderr);
        }
        if (newline < 0 && m_buffer.trimmed().isEmpty()) {
            report(std::nullopt); // end of input (or a read error) with nothing typed
            return;
        }
        QByteArray line = newline >= 0 ? m_buffer.left(newline) : m_buffer;
        wipeBytes(m_buffer);
        report(std::move(line));
    }

    QSocketNotifier *m_notifier = nullptr;
    termios m_saved{};
    bool m_tty = false;
#else
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
#endif
    Done m_done;
    QByteArray m_buffer;
};

// The callback URL (from the browser, via the loopback server) or what the user pasted, whichever comes first.
Result<QString> waitForCallback(const oauth::OpenAIOAuthEndpoints &endpoints, bool listen)
{
    if (const QByteArray fromEnv = qgetenv("RELAYDESK_OAUTH_CODE"); !fromEnv.trimmed().isEmpty()) {
        return QString::fromUtf8(fromEnv.trimmed());
    }
    oauth::LoopbackCallbackServer server;
    QString why;
    const bool listening = listen && server.listen(QUrl(endpoints.redirectUri), &why);
    if (listen && !listening) {
        printErr(u"note: "_s + why + u"; paste the callback URL instead."_s);
    }
    printErr(listening ? u"Waiting for the browser to come back to %1 … (or paste the address the browser ends on, or "
                         "the code, here)"_s.arg(endpoints.redirectUri)
                       : u"After signing in, the browser ends on a page at %1 that may not load: copy its whole "
                         "address and paste it here:"_s.arg(endpoints.redirectUri));
    std::optional<StdinLine> stdinLine;
    return await<QString>([&](auto done) {
        auto finish = std::make_shared<std::function<void(Result<QString>)>>(std::move(done));
        auto once = [finish](Result<QString> r) {
            if (auto f = std::exchange(*finish, nullptr)) {
                f(std::move(r));
            }
        };
        QObject::connect(
            &server, &oauth::LoopbackCallbackServer::callbackReceived, &server, [once](const QString &url) {
                printErr(u"The browser came back."_s);
                once(url);
            });
        stdinLine.emplace([once, listening](std::optional<QByteArray> line) {
            if (line) {
                once(QString::fromUtf8(*line));
                wipeBytes(*line);
            } else if (!listening) {
                once(fail(ErrorCode::InvalidArgument,
                          u"no callback URL or code on standard input (or in RELAYDESK_OAUTH_CODE)"_s));
            }
        });
        QTimer::singleShot(std::chrono::milliseconds(oauth::PkceSession::kLifetimeMs), &server, [once] {
            once(fail(ErrorCode::UpstreamTimeout, u"no sign-in arrived within 10 minutes; start again"_s));
        });
    });
}

Result<oauth::TokenSet>
signInOpenAI(const oauth::OpenAIOAuthEndpoints &endpoints, bool listen, const QNetworkProxy &proxy)
{
    const oauth::PkceSession session = oauth::startOpenAIAuthorization(endpoints, QDateTime::currentMSecsSinceEpoch());
    printOut(u"Open this address in a browser and sign in with your ChatGPT account:"_s);
    printOut(session.authorizeUrl.toString(QUrl::FullyEncoded));
    const Result<QString> callback = waitForCallback(endpoints, listen);
    if (!callback) {
        return tl::unexpected(callback.error());
    }
    const Result<QByteArray> code = oauth::extractOpenAICallbackCode(*callback, session.state);
    if (!code) {
        return tl::unexpected(code.error());
    }
    oauth::OpenAITokenClient client(endpoints);
    return await<oauth::TokenSet>(
        [&](oauth::OpenAITokenClient::Callback done) { client.exchangeCode(session, *code, proxy, std::move(done)); });
}
} // namespace

int loginClaude(store::Database &db, const QString &dataDir, const Args &a)
{
    store::AccountRecord r;
    r.id = newId("acc_");
    r.type = QString::fromLatin1(providers::kClaudeOAuthType);
    r.name = a.value(u"name"_s).trimmed();
    r.baseUrl = a.value(u"base-url"_s, u"https://api.anthropic.com"_s);
    r.proxyUrl = a.value(u"proxy"_s);
    r.groupName = a.value(u"group"_s);
    r.enabled = true;
    r.schedulable = true;
    r.createdAt = QDateTime::currentDateTimeUtc();
    bool ok = true;
    r.priority = a.value(u"priority"_s, u"50"_s).toInt(&ok);
    if (r.name.isEmpty() || !ok || r.priority < 1 || r.priority > 100) {
        return usageError(u"accounts login-claude needs --name NAME (and --priority 1..100 when given)"_s);
    }
    for (const Result<void> &check : {providers::validateBaseUrl(r.baseUrl), providers::validateProxyUrl(r.proxyUrl)}) {
        if (!check) {
            return usageError(check.error().detail);
        }
    }
    Result<AccountProxy> chosen = accountProxy(r.proxyUrl);
    if (!chosen) {
        return usageError(chosen.error().detail);
    }
    QByteArray proxyPassword = std::move(chosen->password);
    const QNetworkProxy proxy = chosen->proxy;
    const oauth::ClaudeOAuthEndpoints endpoints = config::claudeEndpointsFromEnvironment();
    Result<oauth::TokenSet> tokens = fail(ErrorCode::Internal);
    if (a.has(u"paste-token"_s)) {
        Result<QByteArray> pasted =
            readSecret("RELAYDESK_SETUP_TOKEN", u"Paste the token from `claude setup-token`:"_s);
        if (!pasted) {
            return usageError(pasted.error().detail);
        }
        tokens = oauth::tokenSetFromSetupToken(*pasted, QDateTime::currentMSecsSinceEpoch());
        pasted->fill('\0');
    } else {
        tokens = signIn(endpoints, a.has(u"setup-token"_s), proxy); // the exchange goes through the account's proxy
    }
    if (!tokens) {
        printErr(u"relaydesk: sign-in failed: "_s + tokens.error().detail);
        return 1;
    }
    Result<SecretBytes> plain = providers::encodeOAuthCredentials(
        tokens->accessToken.expose(), tokens->refreshToken.expose(), tokens->expiresAtMs, proxyPassword);
    proxyPassword.fill('\0');
    if (!plain) {
        printErr(u"relaydesk: "_s + plain.error().detail);
        return 1;
    }
    r.tokenExpiresAtMs = tokens->expiresAtMs;
    const Result<std::shared_ptr<const secrets::Sealer>> sealer = unlockSealer(db, dataDir);
    if (!sealer) {
        printErr(u"relaydesk: "_s + sealer.error().detail);
        return 1;
    }
    const Result<QByteArray> sealed = (*sealer)->seal(plain->expose(), r.id.toUtf8());
    if (!sealed) {
        printErr(u"relaydesk: "_s + sealed.error().detail);
        return 1;
    }
    r.sealedCredentials = *sealed;
    if (auto inserted = db.insertAccount(r); !inserted) {
        printErr(u"relaydesk: "_s + inserted.error().detail);
        return 1;
    }
    const QString who = tokens->email.isEmpty() ? QString() : u" as "_s + tokens->email;
    printOut(u"Signed in%1: Claude subscription account '%2' (%3), token valid until %4."_s.arg(
        who, r.name, r.id, QDateTime::fromMSecsSinceEpoch(r.tokenExpiresAtMs).toString(Qt::ISODate)));
    printOut(u"It is personal: only keys created with --owner use it. `relaydesk accounts share %1 --i-understand` "
             "opens it to other keys (the provider's terms may forbid sharing a subscription)."_s.arg(r.name));
    return 0;
}

int loginOpenAI(store::Database &db, const QString &dataDir, const Args &a)
{
    const QString name = a.value(u"name"_s).trimmed();
    const QString baseUrl = a.value(u"base-url"_s, QString::fromLatin1(oauth::kCodexBaseUrl));
    const QString proxyUrl = a.value(u"proxy"_s);
    bool ok = true;
    const int priority = a.value(u"priority"_s, u"50"_s).toInt(&ok);
    if (name.isEmpty() || !ok || priority < 1 || priority > 100) {
        return usageError(u"accounts login-openai needs --name NAME (and --priority 1..100 when given)"_s);
    }
    for (const Result<void> &check : {providers::validateBaseUrl(baseUrl), providers::validateProxyUrl(proxyUrl)}) {
        if (!check) {
            return usageError(check.error().detail);
        }
    }
    Result<AccountProxy> chosen = accountProxy(proxyUrl);
    if (!chosen) {
        return usageError(chosen.error().detail);
    }
    // Unlocked first: a locked store should not cost the user a sign-in (the code is single use).
    const Result<std::shared_ptr<const secrets::Sealer>> sealer = unlockSealer(db, dataDir);
    if (!sealer) {
        wipeBytes(chosen->password);
        return reportFailure(sealer.error().detail);
    }
    const Result<oauth::TokenSet> tokens =
        signInOpenAI(config::openaiEndpointsFromEnvironment(), !a.has(u"no-listen"_s), chosen->proxy);
    if (!tokens) {
        wipeBytes(chosen->password);
        printErr(u"relaydesk: sign-in failed: "_s + tokens.error().detail);
        return 1;
    }
    Result<store::AccountRecord> r =
        oauth::openAIAccountRecord(name, *tokens, **sealer, proxyUrl, chosen->password, baseUrl);
    wipeBytes(chosen->password);
    if (!r) {
        return reportFailure(r.error().detail);
    }
    r->priority = priority;
    r->groupName = a.value(u"group"_s);
    if (auto inserted = db.insertAccount(*r); !inserted) {
        return reportFailure(inserted.error().detail);
    }
    const QString who = tokens->email.isEmpty() ? QString() : u" as "_s + tokens->email;
    const QString plan = tokens->planType.isEmpty() ? u"unknown"_s : tokens->planType;
    printOut(u"Signed in%1: ChatGPT account '%2' (%3), plan %4, token valid until %5."_s.arg(
        who, r->name, r->id, plan, QDateTime::fromMSecsSinceEpoch(r->tokenExpiresAtMs).toString(Qt::ISODate)));
    printOut(u"It is personal: only keys created with --owner use it. `relaydesk accounts share %1 --i-understand` "
             "opens it to other keys (the provider's terms may forbid sharing a subscription)."_s.arg(r->name));
    return 0;
}

int shareAccount(store::Database &db, const QString &target, bool share, bool confirmed)
{
    const auto accounts = db.listAccounts();
    const bool subscription = accounts && std::any_of(accounts->cbegin(), accounts->cend(), [&](const auto &a) {
                                  const std::optional<providers::AccountKind> kind =
                                      providers::accountKindFromType(a.type);
                                  return (a.id == target || a.name == target) && kind && providers::isOAuthKind(*kind);
                              });
    if (accounts && !subscription) {
        printErr(u"relaydesk: '%1' is not a subscription account; only subscriptions are personal"_s.arg(target));
        return 1;
    }
    if (share && !confirmed) {
        printErr(u"relaydesk: sharing a personal subscription with other people's keys may break the provider's terms "
                 "of use. If that is what you want, run it again with --i-understand."_s);
        return 2;
    }
    const Result<void> done = db.setAccountShared(target, share);
    if (!done) {
        printErr(u"relaydesk: "_s + done.error().detail);
        return 1;
    }
    printOut(share ? u"Account %1 is shared with every key allowed to use it."_s.arg(target)
                   : u"Account %1 is personal again: only keys created with --owner use it."_s.arg(target));
    return 0;
}

} // namespace rd::cli
