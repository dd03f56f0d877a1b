// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/login.h"

#include "app/cli/common.h"
#include "core/config/endpoints.h"
#include "core/oauth/claudeoauth.h"
#include "core/providers/console/consoleaccount.h"
#include "core/secrets/storeunlock.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QUrl>

#include <algorithm>
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
    QByteArray proxyPassword;
    QNetworkProxy proxy(QNetworkProxy::NoProxy);
    if (!r.proxyUrl.isEmpty()) {
        const QUrl url(r.proxyUrl);
        if (!url.userName().isEmpty()) {
            Result<QByteArray> pw = readSecret("RELAYDESK_PROXY_PASSWORD", u"Proxy password:"_s);
            if (!pw) {
                return usageError(pw.error().detail);
            }
            proxyPassword = *pw;
        }
        proxy = QNetworkProxy(url.scheme() == u"socks5" ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy,
                              url.host(),
                              static_cast<quint16>(url.port()),
                              url.userName(),
                              QString::fromUtf8(proxyPassword));
    }
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
    const Result<secrets::Unlocked> unlocked = await<secrets::Unlocked>(
        [&](auto done) { secrets::unlockStore(db, dataDir, QCoreApplication::instance(), std::move(done)); });
    if (!unlocked) {
        printErr(u"relaydesk: cannot unlock the credential store: "_s + unlocked.error().detail);
        return 1;
    }
    if (!unlocked->warning.isEmpty()) {
        printErr(u"warning: "_s + unlocked->warning);
    }
    const Result<QByteArray> sealed = unlocked->sealer->seal(plain->expose(), r.id.toUtf8());
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

int shareAccount(store::Database &db, const QString &target, bool share, bool confirmed)
{
    const auto accounts = db.listAccounts();
    const bool subscription =
        accounts && std::any_of(accounts->cbegin(), accounts->cend(), [&](const auto &a) {
            return (a.id == target || a.name == target) && a.type == QLatin1String(providers::kClaudeOAuthType);
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
