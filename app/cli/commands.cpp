// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/args.h"
#include "app/cli/common.h"
#include "app/cli/engine.h"
#include "app/cli/login.h"
#include "core/auth/apikeys.h"
#include "core/config/datapaths.h"
#include "core/providers/console/consoleaccount.h"
#include "core/scheduling/accounthealth.h"
#include "core/secrets/storeunlock.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace rd::cli {

namespace {
QString yesNo(bool b)
{
    return b ? u"yes"_s : u"no"_s;
}

Result<QString> readCaFile(const QString &path)
{
    if (path.isEmpty()) {
        return QString();
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return fail(ErrorCode::InvalidArgument, u"cannot read --ca-file %1: %2"_s.arg(path, f.errorString()));
    }
    const QByteArray pem = f.readAll();
    if (QSslCertificate::fromData(pem, QSsl::Pem).isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"--ca-file %1 holds no PEM certificate"_s.arg(path));
    }
    return QString::fromLatin1(pem);
}

// add-console (Claude Console key), add-openai (an OpenAI-compatible Responses API key) and add-azure (an Azure OpenAI
// resource and deployment): the same settings, a key read from standard input, sealed under the account id.
int accountsAddKeyed(store::Database &db, const QString &dataDir, const Args &a, providers::AccountKind kind)
{
    const QString verb = a.positional().value(0);
    store::AccountRecord r;
    r.id = newId("acc_");
    r.type = QString::fromLatin1(providers::accountTypeName(kind));
    r.name = a.value(u"name"_s).trimmed();
    const QString defaultBase =
        kind == providers::AccountKind::OpenAIResponses ? u"https://api.openai.com"_s : u"https://api.anthropic.com"_s;
    r.baseUrl = a.value(kind == providers::AccountKind::AzureOpenAI ? u"endpoint"_s : u"base-url"_s, defaultBase);
    if (kind == providers::AccountKind::AzureOpenAI) {
        providers::AccountExtra extra;
        extra.azureDeployment = a.value(u"deployment"_s).trimmed();
        extra.azureApiVersion = a.value(u"api-version"_s, u"2025-04-01-preview"_s).trimmed();
        if (a.value(u"api-version"_s) == u"v1"_s) {
            extra.azureApiVersion.clear(); // the v1 API: /openai/v1/…, no api-version
        }
        extra.pricingModel = a.value(u"model"_s).trimmed();
        if (!a.has(u"endpoint"_s) || extra.azureDeployment.isEmpty()) {
            return usageError(
                u"accounts add-azure needs --endpoint https://NAME.openai.azure.com and --deployment NAME"_s);
        }
        r.extra = extra.toJson();
    }
    r.userAgent = a.value(u"user-agent"_s);
    r.modelMapping = a.value(u"model-map"_s);
    r.proxyUrl = a.value(u"proxy"_s);
    r.schedulable = !a.has(u"unschedulable"_s);
    r.enabled = true;
    r.groupName = a.value(u"group"_s);
    r.dedicated = a.has(u"dedicated"_s);
    r.cooldownOverrides = a.value(u"cooldowns"_s);
    r.createdAt = QDateTime::currentDateTimeUtc();
    if (r.name.isEmpty()) {
        return usageError(u"accounts %1 needs --name NAME"_s.arg(verb));
    }
    bool ok = true;
    r.priority = a.value(u"priority"_s, u"50"_s).toInt(&ok);
    if (!ok || r.priority < 1 || r.priority > 100) {
        return usageError(u"--priority must be 1..100"_s);
    }
    r.maxConcurrency = a.value(u"max-concurrency"_s, u"0"_s).toInt(&ok);
    if (!ok || r.maxConcurrency < 0 || r.maxConcurrency > 10000) {
        return usageError(u"--max-concurrency must be 0 (unlimited) .. 10000"_s);
    }
    if (auto cooldowns = providers::parseCooldownOverrides(r.cooldownOverrides); !cooldowns) {
        return usageError(cooldowns.error().detail);
    }
    for (const Result<void> &check : {providers::validateBaseUrl(r.baseUrl),
                                      providers::validateProxyUrl(r.proxyUrl),
                                      providers::parseModelMapping(r.modelMapping).map([](auto &&) {})}) {
        if (!check) {
            return usageError(check.error().detail);
        }
    }
    const Result<QString> ca = readCaFile(a.value(u"ca-file"_s));
    if (!ca) {
        return usageError(ca.error().detail);
    }
    r.caCertPem = *ca;
    Result<QByteArray> apiKey = readSecret("RELAYDESK_ACCOUNT_API_KEY", u"Paste the account's API key:"_s);
    if (!apiKey) {
        return usageError(apiKey.error().detail);
    }
    QByteArray proxyPassword;
    if (QUrl(r.proxyUrl).userName().size() > 0) {
        Result<QByteArray> pw = readSecret("RELAYDESK_PROXY_PASSWORD", u"Proxy password:"_s);
        if (!pw) {
            return usageError(pw.error().detail);
        }
        proxyPassword = *pw;
    }
    Result<SecretBytes> plain = providers::encodeCredentials(*apiKey, proxyPassword);
    apiKey->fill('\0');
    proxyPassword.fill('\0');
    if (!plain) {
        return usageError(plain.error().detail);
    }
    int code = 1;
    secrets::unlockStore(db, dataDir, QCoreApplication::instance(), [&](Result<secrets::Unlocked> unlocked) {
        if (!unlocked) {
            printErr(u"relaydesk: cannot unlock the credential store: "_s + unlocked.error().detail);
        } else {
            if (!unlocked->warning.isEmpty()) {
                printErr(u"warning: "_s + unlocked->warning);
            }
            Result<QByteArray> sealed = unlocked->sealer->seal(plain->expose(), r.id.toUtf8());
            if (!sealed) {
                printErr(u"relaydesk: "_s + sealed.error().detail);
            } else {
                r.sealedCredentials = *sealed;
                const QString what = kind == providers::AccountKind::AzureOpenAI       ? u"Azure OpenAI"_s
                                     : kind == providers::AccountKind::OpenAIResponses ? u"OpenAI Responses"_s
                                                                                       : u"Claude Console"_s;
                code = reportResult(db.insertAccount(r),
                                    u"Added %1 account '%2' (%3) → %4"_s.arg(what, r.name, r.id, r.baseUrl));
            }
        }
        QCoreApplication::exit(code);
    });
    QCoreApplication::exec();
    return code;
}

// "5h 42% (resets 14:05), 7d 13%" from the unified rate-limit facts the relay saved.
QString subscriptionSummary(const QString &json)
{
    const QJsonObject facts = QJsonDocument::fromJson(json.toUtf8()).object();
    QStringList parts;
    if (const QString plan = facts.value(u"plan"_s).toString(); !plan.isEmpty()) {
        parts << u"plan "_s + plan;
    }
    for (const QString &window : {u"5h"_s, u"7d"_s, u"7d_opus"_s}) {
        const QJsonObject w = facts.value(window).toObject();
        if (w.isEmpty()) {
            continue;
        }
        QString part = u"%1 %2%"_s.arg(window).arg(qRound(w.value(u"utilization"_s).toDouble() * 100));
        const qint64 reset = w.value(u"reset"_s).toInteger();
        if (reset > 0) {
            part += u" (resets %1)"_s.arg(QDateTime::fromSecsSinceEpoch(reset).toString(u"MM-dd HH:mm"_s));
        }
        parts << part;
    }
    return parts.join(u", "_s);
}

int accountsList(store::Database &db)
{
    auto accounts = db.listAccounts();
    auto states = db.accountStates();
    if (!accounts || !states) {
        printErr(u"relaydesk: "_s + (accounts ? states.error().detail : accounts.error().detail));
        return 1;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    printOut(u"%1  %2  %3  %4  %5  %6  %7"_s.arg(u"ID"_s, -20)
                 .arg(u"NAME"_s, -20)
                 .arg(u"TYPE"_s, -14)
                 .arg(u"ENABLED"_s, -7)
                 .arg(u"PRIO"_s, -4)
                 .arg(u"BASE URL"_s, -32)
                 .arg(u"STATE"_s));
    for (const auto &r : std::as_const(*accounts)) {
        // The relay saves its view of each account; a reset since then (a newer epoch) means it starts clean.
        scheduling::AccountHealth health;
        const auto row = states->constFind(r.id);
        if (row != states->cend() && row->epoch == r.stateEpoch) {
            health.restore(*row);
        }
        QString state = !r.enabled ? u"disabled"_s : !r.schedulable ? u"not schedulable"_s : health.describe(now);
        QStringList notes;
        if (r.type == QLatin1String(providers::kAzureOpenAIType)) {
            const auto extra = providers::AccountExtra::fromJson(r.extra);
            if (extra) {
                notes << u"deployment "_s + extra->azureDeployment
                             + (extra->azureApiVersion.isEmpty()
                                    ? u" (v1 API)"_s
                                    : u" (api-version "_s + extra->azureApiVersion + u")"_s);
            }
        }
        if (r.type == QLatin1String(providers::kClaudeOAuthType)
            || r.type == QLatin1String(providers::kOpenAIOAuthType)) {
            notes << (r.sharedWithOthers ? u"subscription, shared"_s : u"subscription, personal"_s);
            if (row != states->cend()) {
                notes << subscriptionSummary(row->subscription);
            }
            notes.removeAll(QString());
        }
        if (!r.groupName.isEmpty()) {
            notes << u"group "_s + r.groupName;
        }
        if (r.dedicated) {
            notes << u"dedicated"_s;
        }
        if (r.maxConcurrency > 0) {
            notes << u"max %1 concurrent"_s.arg(r.maxConcurrency);
        }
        if (!r.proxyUrl.isEmpty()) {
            notes << u"via "_s + r.proxyUrl;
        }
        if (!notes.isEmpty()) {
            state += u" ["_s + notes.join(u", "_s) + u"]"_s;
        }
        printOut(u"%1  %2  %3  %4  %5  %6  %7"_s.arg(r.id, -20)
                     .arg(r.name, -20)
                     .arg(r.type, -14)
                     .arg(yesNo(r.enabled), -7)
                     .arg(r.priority, -4)
                     .arg(r.baseUrl, -32)
                     .arg(state));
    }
    return 0;
}
} // namespace

int accountsCommand(const QStringList &args)
{
    Args a;
    const QSet<QString> values{u"name"_s,
                               u"base-url"_s,
                               u"priority"_s,
                               u"user-agent"_s,
                               u"model-map"_s,
                               u"proxy"_s,
                               u"ca-file"_s,
                               u"data-dir"_s,
                               u"max-concurrency"_s,
                               u"group"_s,
                               u"cooldowns"_s,
                               u"endpoint"_s,
                               u"deployment"_s,
                               u"api-version"_s,
                               u"model"_s};
    if (!a.parse(args,
                 values,
                 {u"unschedulable"_s,
                  u"dedicated"_s,
                  u"setup-token"_s,
                  u"paste-token"_s,
                  u"i-understand"_s,
                  u"no-listen"_s})) {
        return usageError(a.error());
    }
    const QStringList &pos = a.positional();
    const QString verb = pos.value(0);
    static const QStringList verbs{u"add-console"_s,
                                   u"add-openai"_s,
                                   u"add-azure"_s,
                                   u"login-claude"_s,
                                   u"login-openai"_s,
                                   u"list"_s,
                                   u"enable"_s,
                                   u"disable"_s,
                                   u"delete"_s,
                                   u"reset"_s,
                                   u"share"_s,
                                   u"unshare"_s};
    if (!verbs.contains(verb)) {
        return usageError(u"accounts needs one of: "_s + verbs.join(u", "_s));
    }
    const bool noTarget = verb.startsWith(u"add-"_s) || verb.startsWith(u"login-"_s) || verb == u"list"_s;
    if (noTarget ? pos.size() != 1 : pos.size() != 2) {
        return usageError(noTarget ? u"accounts %1 takes no further words"_s.arg(verb)
                                   : u"accounts %1 needs an account id or name"_s.arg(verb));
    }
    QString dataDir;
    auto db = openStore(a.value(u"data-dir"_s), &dataDir);
    if (!db) {
        return 1;
    }
    if (verb == u"add-console"_s) {
        return accountsAddKeyed(*db, dataDir, a, providers::AccountKind::ClaudeConsole);
    }
    if (verb == u"add-openai"_s) {
        return accountsAddKeyed(*db, dataDir, a, providers::AccountKind::OpenAIResponses);
    }
    if (verb == u"add-azure"_s) {
        return accountsAddKeyed(*db, dataDir, a, providers::AccountKind::AzureOpenAI);
    }
    if (verb == u"login-claude"_s) {
        return loginClaude(*db, dataDir, a);
    }
    if (verb == u"login-openai"_s) {
        return loginOpenAI(*db, dataDir, a);
    }
    if (verb == u"list"_s) {
        return accountsList(*db);
    }
    const QString target = pos.at(1);
    if (verb == u"delete"_s) {
        return reportResult(db->deleteAccount(target), u"Deleted account %1"_s.arg(target));
    }
    if (verb == u"share"_s || verb == u"unshare"_s) {
        return shareAccount(*db, target, verb == u"share"_s, a.has(u"i-understand"_s));
    }
    if (verb == u"reset"_s) {
        return reportResult(db->resetAccountState(target), u"Account %1: cooldowns and blocks cleared"_s.arg(target));
    }
    const bool enable = verb == u"enable"_s;
    if (enable) {
        // Enabling is the user's "try it again": cooldowns and blocks are forgotten too.
        if (auto reset = db->resetAccountState(target); !reset) {
            return reportResult(reset, {});
        }
    }
    return reportResult(db->setAccountEnabled(target, enable),
                        u"Account %1 %2"_s.arg(target, enable ? u"enabled"_s : u"disabled"_s));
}

int statusCommand(const QStringList &args)
{
    Args a;
    if (!a.parse(args, {u"data-dir"_s}, {})) {
        return usageError(a.error());
    }
    if (!a.positional().isEmpty()) {
        return usageError(u"status takes no further words"_s);
    }
    QString dataDir;
    auto db = openStore(a.value(u"data-dir"_s), &dataDir);
    if (!db) {
        return 1;
    }
    const auto keys = db->listKeys();
    const auto accounts = db->listAccounts();
    const auto listen = db->meta(u"relay_listen"_s);
    const auto source = db->meta(u"data_key_source"_s);
    printOut(u"data folder:   %1"_s.arg(dataDir));
    printOut(u"schema:        version %1"_s.arg(db->schemaVersion()));
    printOut(u"keys:          %1"_s.arg(keys ? keys->size() : -1));
    printOut(u"accounts:      %1"_s.arg(accounts ? accounts->size() : -1));
    printOut(u"data key in:   %1"_s.arg(source && source->has_value() ? **source : u"(not created yet)"_s));
    const QString where = listen && listen->has_value() ? **listen : QString();
    if (where.isEmpty()) {
        printOut(u"relay:         not running"_s);
        return 0;
    }
    // Ask the running relay itself (control plane: QNetworkAccessManager).
    QNetworkAccessManager nam;
    QString host = where.section(u':', 0, -2);
    if (host.contains(u':')) {
        host = u"["_s + host + u"]"_s;
    }
    QNetworkRequest request(QUrl(u"http://%1:%2/health"_s.arg(host, where.section(u':', -1))));
    request.setTransferTimeout(3000);
    QNetworkReply *reply = nam.get(request);
    int code = 0;
    QObject::connect(reply, &QNetworkReply::finished, &nam, [&] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError && status == 0) {
            printOut(u"relay:         not reachable at %1 (%2)"_s.arg(where, reply->errorString()));
            code = 1;
        } else {
            const QJsonObject health = QJsonDocument::fromJson(reply->readAll()).object();
            printOut(u"relay:         %1 at http://%2 (version %3)"_s.arg(
                health.value(u"status"_s).toString(), where, health.value(u"version"_s).toString()));
            code = status == 200 ? 0 : 1;
        }
        reply->deleteLater();
        QCoreApplication::exit(code);
    });
    QCoreApplication::exec();
    return code;
}

int serveCommand(const QStringList &args)
{
    Args a;
    if (!a.parse(args, {u"host"_s, u"port"_s, u"workers"_s, u"max-body-mb"_s, u"data-dir"_s}, {})) {
        return usageError(a.error());
    }
    if (!a.positional().isEmpty()) {
        return usageError(u"serve takes no further words"_s);
    }
    Result<relay::RelayConfig> config =
        relayConfigFrom(a.value(u"host"_s), a.value(u"port"_s), a.value(u"workers"_s), a.value(u"max-body-mb"_s));
    if (!config) {
        return usageError(config.error().detail);
    }
    if (config->host != QHostAddress(QHostAddress::LocalHost)
        && config->host != QHostAddress(QHostAddress::LocalHostIPv6)) {
        printErr(u"warning: listening on %1 beyond this machine: anyone who can reach it and holds a key can use "
                 "your accounts"_s.arg(config->host.toString()));
    }
    quitOnSignals();
    Engine engine(*config, config::resolveDataDir(a.value(u"data-dir"_s)));
    engine.setExplicitListen(a.has(u"host"_s), a.has(u"port"_s));
    int code = 0;
    QObject::connect(&engine, &Engine::running, &engine, [&engine](const QString &address, quint16 port) {
        printErr(u"relaydesk: listening on %1:%2 (data in %3)"_s.arg(address).arg(port).arg(engine.dataDir()));
        if (!engine.keyWarning().isEmpty()) {
            printErr(u"warning: "_s + engine.keyWarning());
        }
    });
    QObject::connect(&engine, &Engine::failed, &engine, [&code](const QString &message) {
        printErr(u"relaydesk: "_s + message);
        code = 1;
        QCoreApplication::exit(1);
    });
    engine.start();
    const int loop = QCoreApplication::exec();
    return code != 0 ? code : loop;
}

QString usageText()
{
    return uR"(RelayDesk — a desktop relay for AI APIs.

Usage:
  relaydesk [--minimized] [serve options]   the window (headless serve when no display exists)
  relaydesk serve [--host IP] [--port N] [--workers N] [--max-body-mb N] [--data-dir DIR]
  relaydesk keys create --name NAME [key settings]        prints the new key once
  relaydesk keys set ID-OR-NAME [key settings]             changes only the settings given ("" or 0 clears one)
  relaydesk keys show ID-OR-NAME | list
  relaydesk keys enable|disable|delete ID-OR-NAME
  relaydesk keys snippet --client codex|claude-code|openai-sdk|gemini-cli|droid|anthropic-sdk|genai-sdk
                 [--host H] [--port N]   the client's configuration for a key (read from RELAYDESK_API_KEY or
                 standard input) and this relay's address (default: the relay.host / relay.port settings)
  relaydesk keys bind ID-OR-NAME [--bind account:ID|group:NAME] [--owner]   (no --bind: the shared pool)
      key settings: [--description TEXT] [--tags a,b] [--owner-name WHO] [--owner]
                 [--bind account:ID|group:NAME] [--bind-family openai=group:X,gemini=account:Y]
                 [--expires 2026-12-31|never] [--activate-days N]   (N days after the first use)
                 [--services claude,openai,gemini,droid,bedrock,azure] [--clients claude-code,codex-cli,…]
                 [--allow-models a,b] [--deny-models c] [--rates claude=1.2,…]
                 [--concurrency N [--queue N] [--queue-timeout SECONDS]]
                 [--window-minutes N [--window-requests N] [--window-tokens N] [--window-cost USD]]
                 [--daily-cost USD] [--weekly-cost USD] [--total-cost USD]
                 [--weekly-family opus --weekly-family-cost USD]
  relaydesk settings list | set KEY VALUE | unset KEY      relay-wide settings (time zone, price table, …)
  relaydesk accounts add-console --name NAME [--base-url URL] [--priority 1-100]
                 [--user-agent UA] [--model-map JSON] [--proxy socks5://user@host:port]
                 [--ca-file PEM] [--unschedulable] [--max-concurrency N] [--group NAME]
                 [--dedicated] [--cooldowns '{"overloaded":60,"serverError":300,…}']
      The API key is read from standard input (or RELAYDESK_ACCOUNT_API_KEY); a proxy password,
      when the proxy URL names a user, from the next line (or RELAYDESK_PROXY_PASSWORD).
  relaydesk accounts add-openai --name NAME [--base-url https://api.openai.com] [--user-agent UA] [same options]
      An OpenAI-compatible Responses API key (read like the Console key): POST {base}/v1/responses.
  relaydesk accounts add-azure --name NAME --endpoint https://RES.openai.azure.com --deployment NAME
                 [--api-version 2025-04-01-preview|v1] [--model gpt-4o] [same options]
      An Azure OpenAI deployment; the api-key is read like the Console key. --model names the deployment's
      model for prices. Served on /azure/chat/completions, /azure/responses and /azure/embeddings.
  relaydesk accounts login-openai --name NAME [--no-listen] [--proxy URL] [--priority 1-100] [--group NAME]
      Signs a ChatGPT subscription in for Codex: prints the sign-in address and waits for the browser's
      callback on http://localhost:1455/auth/callback; or paste the callback URL (or RELAYDESK_OAUTH_CODE).
      Personal like a Claude subscription: only --owner keys use it until shared.
  relaydesk accounts login-claude --name NAME [--setup-token | --paste-token] [--proxy URL] [--priority 1-100]
                 [--base-url URL] [--group NAME]
      Signs a Claude subscription in: prints the sign-in address, then reads the code (or the callback URL)
      from standard input (or RELAYDESK_OAUTH_CODE). --paste-token reads a `claude setup-token` token instead.
      Subscriptions are personal: only keys created with --owner use them until
  relaydesk accounts share ID-OR-NAME --i-understand   … opens one to other keys (unshare: personal again)
  relaydesk accounts list
  relaydesk accounts enable|disable|delete|reset ID-OR-NAME   (enable and reset clear cooldowns and blocks)
  relaydesk status
  relaydesk usage [--by key|model|account|key-model] [--since 2026-11-01|7d] [--series hour|day|month] [--csv]
  relaydesk --version | --help

Every command takes --data-dir DIR (default $RELAYDESK_DATA_DIR or ~/.local/share/RelayDesk).
Secrets are never accepted as command-line arguments.
)"_s;
}

} // namespace rd::cli
