// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/providers/console/consoleaccount.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>
#include <iterator>
#include <utility>

using namespace Qt::StringLiterals;

namespace rd::providers {

bool AccountState::tryAcquireSlot(int limit)
{
    if (limit <= 0) {
        inFlight.fetch_add(1, std::memory_order_acq_rel);
        return true;
    }
    int current = inFlight.load(std::memory_order_acquire);
    while (current < limit) {
        if (inFlight.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel)) {
            return true;
        }
    }
    return false;
}

QByteArray AccountState::sealedCredentials(const QByteArray &fromSnapshot) const
{
    QMutexLocker lock(&m_mutex);
    return m_sealedOverride.isEmpty() ? fromSnapshot : m_sealedOverride;
}

void AccountState::setRefreshedCredentials(QByteArray sealed, qint64 expiresAtMs)
{
    QMutexLocker lock(&m_mutex);
    m_sealedOverride = std::move(sealed);
    tokenExpiresAtMs.store(expiresAtMs, std::memory_order_release);
}

void AccountState::adoptStored(qint64 storedExpiresAtMs)
{
    QMutexLocker lock(&m_mutex);
    // Only a strictly newer stored token (the user signed in again) replaces the one refreshed here: until every
    // worker has the new snapshot, an older snapshot may still carry the previous, already rotated, refresh token.
    if (storedExpiresAtMs > tokenExpiresAtMs.load(std::memory_order_acquire)) {
        m_sealedOverride.clear();
        tokenExpiresAtMs.store(storedExpiresAtMs, std::memory_order_release);
    }
}

QString AccountState::subscriptionFacts() const
{
    QMutexLocker lock(&m_mutex);
    return m_subscription;
}

store::AccountStateRow AccountState::stateRow(const QString &accountId, qint64 nowMs) const
{
    store::AccountStateRow row = health.toRow(accountId, nowMs);
    row.subscription = subscriptionFacts();
    return row;
}

bool AccountState::mergeSubscriptionFacts(const QJsonObject &facts)
{
    QMutexLocker lock(&m_mutex);
    QJsonObject merged = QJsonDocument::fromJson(m_subscription.toUtf8()).object();
    for (auto it = facts.begin(); it != facts.end(); ++it) {
        merged.insert(it.key(), it.value());
    }
    const QString json = QString::fromUtf8(QJsonDocument(merged).toJson(QJsonDocument::Compact));
    return std::exchange(m_subscription, json) != json;
}

Result<scheduling::CooldownSettings> parseCooldownOverrides(const QString &json)
{
    scheduling::CooldownSettings s;
    if (json.trimmed().isEmpty()) {
        return s;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    if (!doc.isObject()) {
        return fail(ErrorCode::InvalidArgument, u"cooldown overrides must be a JSON object of seconds"_s);
    }
    const QJsonObject o = doc.object();
    const std::pair<const char *, int *> fields[] = {{"unauthorized", &s.unauthorized},
                                                     {"forbidden", &s.forbidden},
                                                     {"overloaded", &s.overloaded},
                                                     {"serviceUnavailable", &s.serviceUnavailable},
                                                     {"serverError", &s.serverError},
                                                     {"timeout", &s.timeout},
                                                     {"network", &s.network},
                                                     {"usageLimitWithoutReset", &s.usageLimitWithoutReset},
                                                     {"rateLimitWithoutReset", &s.rateLimitWithoutReset},
                                                     {"retryAfterCap", &s.retryAfterCap}};
    for (auto it = o.begin(); it != o.end(); ++it) {
        const auto *field = std::find_if(
            std::begin(fields), std::end(fields), [&](const auto &f) { return it.key() == QLatin1String(f.first); });
        if (field == std::end(fields) || !it.value().isDouble() || it.value().toInt(-1) < 0) {
            return fail(ErrorCode::InvalidArgument,
                        u"unknown cooldown '%1' or not a number of seconds ≥ 0"_s.arg(it.key()));
        }
        *field->second = it.value().toInt();
    }
    return s;
}

bool ConsoleAccount::servesModel(const QByteArray &model) const
{
    if (modelMap.isEmpty()) {
        return true;
    }
    return modelMap.contains(model) || modelMapLower.contains(model.toLower());
}

QByteArray ConsoleAccount::mapModel(const QByteArray &model) const
{
    if (modelMap.isEmpty()) {
        return model;
    }
    if (const auto it = modelMap.constFind(model); it != modelMap.cend()) {
        return it.value();
    }
    if (const auto it = modelMapLower.constFind(model.toLower()); it != modelMapLower.cend()) {
        return it.value();
    }
    return model;
}

QByteArray ConsoleAccount::upstreamPath(QByteArrayView endpointPath) const
{
    // A base URL that already ends with the endpoint ("…/v1/messages") is used as is.
    if (endpointPath == "/v1/messages" && basePath.endsWith("/v1/messages")) {
        return basePath;
    }
    if (basePath.endsWith("/v1/messages")) {
        return basePath.chopped(12) + endpointPath.toByteArray();
    }
    return basePath + endpointPath.toByteArray();
}

QNetworkProxy ConsoleAccount::proxyWith(const ConsoleCredentials &credentials) const
{
    QNetworkProxy proxy = endpoint.proxy;
    if (!credentials.proxyPassword.isEmpty()) {
        proxy.setPassword(QString::fromUtf8(credentials.proxyPassword.expose()));
    }
    return proxy;
}

Result<ConsoleCredentials> openCredentials(const secrets::Sealer *sealer, const ConsoleAccount &account)
{
    if (!sealer) {
        return fail(ErrorCode::CryptoFailure, u"account credentials are locked"_s);
    }
    const Result<SecretBytes> plain =
        sealer->unseal(account.state->sealedCredentials(account.sealedCredentials), account.id.toUtf8());
    if (!plain) {
        return tl::unexpected(plain.error());
    }
    return decodeCredentials(*plain);
}

Result<SecretBytes> encodeCredentials(QByteArrayView apiKey, QByteArrayView proxyPassword)
{
    if (apiKey.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"the API key is empty"_s);
    }
    for (QByteArrayView part : {apiKey, proxyPassword}) {
        if (part.contains('\n') || part.contains('\0') || part.contains('\r')) {
            return fail(ErrorCode::InvalidArgument, u"a credential contains a line break or NUL byte"_s);
        }
    }
    QByteArray plain;
    plain.reserve(apiKey.size() + proxyPassword.size() + 8);
    plain.append("rdc1\n");
    plain.append(apiKey);
    plain.append('\n');
    plain.append(proxyPassword);
    return SecretBytes(std::move(plain));
}

Result<SecretBytes>
encodeOAuthCredentials(QByteArrayView access, QByteArrayView refresh, qint64 expiresAtMs, QByteArrayView proxyPassword)
{
    if (access.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"the access token is empty"_s);
    }
    for (QByteArrayView part : {access, refresh, proxyPassword}) {
        if (part.contains('\n') || part.contains('\0') || part.contains('\r')) {
            return fail(ErrorCode::InvalidArgument, u"a credential contains a line break or NUL byte"_s);
        }
    }
    QByteArray plain;
    plain.reserve(access.size() + refresh.size() + proxyPassword.size() + 40);
    plain.append("rdo1\n");
    plain.append(access);
    plain.append('\n');
    plain.append(refresh);
    plain.append('\n');
    plain.append(QByteArray::number(expiresAtMs));
    plain.append('\n');
    plain.append(proxyPassword);
    return SecretBytes(std::move(plain));
}

namespace {
Result<ConsoleCredentials> decodeOAuthCredentials(QByteArrayView rest)
{
    QList<QByteArrayView> parts;
    qsizetype pos = 0;
    for (int i = 0; i < 3; ++i) {
        const qsizetype nl = rest.indexOf('\n', pos);
        if (nl < 0) {
            return fail(ErrorCode::CryptoFailure, u"truncated credentials"_s);
        }
        parts.append(rest.sliced(pos, nl - pos));
        pos = nl + 1;
    }
    parts.append(rest.sliced(pos));
    ConsoleCredentials out;
    out.oauth = true;
    out.apiKey = SecretBytes(parts.at(0).toByteArray());
    out.refreshToken = SecretBytes(parts.at(1).toByteArray());
    out.expiresAtMs = parts.at(2).toLongLong();
    out.proxyPassword = SecretBytes(parts.at(3).toByteArray());
    return out;
}
} // namespace

Result<ConsoleCredentials> decodeCredentials(const SecretBytes &plain)
{
    const QByteArrayView v = plain.expose();
    if (v.startsWith("rdo1\n")) {
        return decodeOAuthCredentials(v.sliced(5));
    }
    if (!v.startsWith("rdc1\n")) {
        return fail(ErrorCode::CryptoFailure, u"unknown credential format"_s);
    }
    const QByteArrayView rest = v.sliced(5);
    const qsizetype nl = rest.indexOf('\n');
    if (nl < 0) {
        return fail(ErrorCode::CryptoFailure, u"truncated credentials"_s);
    }
    ConsoleCredentials out;
    out.apiKey = SecretBytes(rest.first(nl).toByteArray());
    out.proxyPassword = SecretBytes(rest.sliced(nl + 1).toByteArray());
    return out;
}

Result<void> validateBaseUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"http" && url.scheme() != u"https")) {
        return fail(ErrorCode::InvalidArgument, u"base URL must be an http:// or https:// URL with a host"_s);
    }
    if (!url.userInfo().isEmpty()) {
        return fail(ErrorCode::InvalidArgument, u"base URL must not contain credentials"_s);
    }
    return {};
}

Result<void> validateProxyUrl(const QString &text)
{
    if (text.isEmpty()) {
        return {};
    }
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"http" && url.scheme() != u"socks5")
        || url.port() <= 0) {
        return fail(ErrorCode::InvalidArgument,
                    u"proxy must look like socks5://[user@]host:port or http://[user@]host:port"_s);
    }
    if (!url.password().isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"the proxy password must not be part of the URL; give it separately (it is sealed)"_s);
    }
    return {};
}

Result<QHash<QByteArray, QByteArray>> parseModelMapping(const QString &json)
{
    QHash<QByteArray, QByteArray> map;
    if (json.trimmed().isEmpty()) {
        return map;
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        return fail(ErrorCode::InvalidArgument,
                    u"model mapping must be a JSON object {\"client-model\":\"upstream-model\"}"_s);
    }
    const QJsonObject obj = doc.object();
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (!it.value().isString() || it.key().isEmpty() || it.value().toString().isEmpty()) {
            return fail(ErrorCode::InvalidArgument, u"model mapping values must be non-empty strings"_s);
        }
        map.insert(it.key().toUtf8(), it.value().toString().toUtf8());
    }
    return map;
}

namespace {
struct KindName
{
    AccountKind kind;
    const char *type;
    const char *family;
};
constexpr KindName kKinds[] = {
    {AccountKind::ClaudeConsole, kClaudeConsoleType, "claude"},
    {AccountKind::ClaudeOAuth, kClaudeOAuthType, "claude"},
    {AccountKind::OpenAIOAuth, kOpenAIOAuthType, "openai"},
    {AccountKind::OpenAIResponses, kOpenAIResponsesType, "openai"},
    {AccountKind::AzureOpenAI, kAzureOpenAIType, "azure"},
};
} // namespace

std::optional<AccountKind> accountKindFromType(QStringView type)
{
    for (const KindName &k : kKinds) {
        if (type == QLatin1String(k.type)) {
            return k.kind;
        }
    }
    return std::nullopt;
}

const char *accountTypeName(AccountKind kind)
{
    for (const KindName &k : kKinds) {
        if (k.kind == kind) {
            return k.type;
        }
    }
    return kClaudeConsoleType;
}

QByteArray schedulerFamily(AccountKind kind)
{
    for (const KindName &k : kKinds) {
        if (k.kind == kind) {
            return QByteArray(k.family);
        }
    }
    return QByteArrayLiteral("claude");
}

QString AccountExtra::toJson() const
{
    QJsonObject o;
    const std::pair<const char16_t *, const QString *> fields[] = {{u"deployment", &azureDeployment},
                                                                   {u"api_version", &azureApiVersion},
                                                                   {u"pricing_model", &pricingModel},
                                                                   {u"chatgpt_account_id", &chatgptAccountId},
                                                                   {u"email", &email}};
    for (const auto &[name, value] : fields) {
        if (!value->isEmpty()) {
            o.insert(QString::fromUtf16(name), *value);
        }
    }
    return o.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

Result<AccountExtra> AccountExtra::fromJson(const QString &json)
{
    AccountExtra e;
    if (json.trimmed().isEmpty()) {
        return e;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    if (!doc.isObject()) {
        return fail(ErrorCode::InvalidConfig, u"the account's extra settings are not a JSON object"_s);
    }
    const QJsonObject o = doc.object();
    e.azureDeployment = o.value(u"deployment"_s).toString();
    e.azureApiVersion = o.value(u"api_version"_s).toString();
    e.pricingModel = o.value(u"pricing_model"_s).toString();
    e.chatgptAccountId = o.value(u"chatgpt_account_id"_s).toString();
    e.email = o.value(u"email"_s).toString();
    return e;
}

Result<ConsoleAccount> consoleAccountFromRecord(const store::AccountRecord &record, std::shared_ptr<AccountState> state)
{
    const std::optional<AccountKind> kind = accountKindFromType(record.type);
    if (!kind) {
        return fail(ErrorCode::InvalidConfig, u"unknown account type: '%1'"_s.arg(record.type));
    }
    const bool oauth = isOAuthKind(*kind);
    Result<AccountExtra> extra = AccountExtra::fromJson(record.extra);
    if (!extra) {
        return tl::unexpected(extra.error());
    }
    if (*kind == AccountKind::AzureOpenAI && extra->azureDeployment.isEmpty()) {
        return fail(ErrorCode::InvalidConfig, u"an Azure OpenAI account needs a deployment name"_s);
    }
    if (*kind == AccountKind::OpenAIOAuth && extra->chatgptAccountId.isEmpty()) {
        return fail(ErrorCode::InvalidConfig, u"a ChatGPT account needs its account id (sign in again)"_s);
    }
    if (auto ok = validateBaseUrl(record.baseUrl); !ok) {
        return tl::unexpected(ok.error());
    }
    if (auto ok = validateProxyUrl(record.proxyUrl); !ok) {
        return tl::unexpected(ok.error());
    }
    auto mapping = parseModelMapping(record.modelMapping);
    if (!mapping) {
        return tl::unexpected(mapping.error());
    }
    auto cooldowns = parseCooldownOverrides(record.cooldownOverrides);
    if (!cooldowns) {
        return tl::unexpected(cooldowns.error());
    }
    ConsoleAccount a;
    a.id = record.id;
    a.name = record.name;
    const QUrl url(record.baseUrl);
    a.endpoint.tls = url.scheme() == u"https";
    a.endpoint.host = url.host();
    a.endpoint.port = static_cast<quint16>(url.port(a.endpoint.tls ? 443 : 80));
    QByteArray path = url.path(QUrl::FullyEncoded).toUtf8();
    while (path.endsWith('/')) {
        path.chop(1);
    }
    a.basePath = path;
    if (!record.proxyUrl.isEmpty()) {
        const QUrl proxy(record.proxyUrl);
        a.endpoint.proxy =
            QNetworkProxy(proxy.scheme() == u"socks5" ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy,
                          proxy.host(),
                          static_cast<quint16>(proxy.port()),
                          proxy.userName());
    }
    if (!record.caCertPem.isEmpty()) {
        a.endpoint.extraCaCertificates = QSslCertificate::fromData(record.caCertPem.toUtf8(), QSsl::Pem);
        if (a.endpoint.extraCaCertificates.isEmpty()) {
            return fail(ErrorCode::InvalidConfig, u"the account's CA certificate is not valid PEM"_s);
        }
    }
    a.userAgent = record.userAgent.toUtf8();
    a.modelMap = *mapping;
    for (auto it = a.modelMap.cbegin(); it != a.modelMap.cend(); ++it) {
        a.modelMapLower.insert(it.key().toLower(), it.value());
    }
    a.priority = record.priority;
    a.schedulable = record.schedulable;
    a.enabled = record.enabled;
    a.createdAtMs = record.createdAt.toMSecsSinceEpoch();
    a.sealedCredentials = record.sealedCredentials;
    a.maxConcurrency = record.maxConcurrency;
    a.groupName = record.groupName;
    a.dedicated = record.dedicated;
    a.sharedWithOthers = record.sharedWithOthers;
    a.cooldowns = *cooldowns;
    a.stateEpoch = record.stateEpoch;
    a.kind = *kind;
    a.family = schedulerFamily(*kind);
    a.extra = std::move(*extra);
    a.oauth = oauth;
    a.personal = oauth; // a subscription is personal by default (the guardrail)
    a.state = state ? std::move(state) : std::make_shared<AccountState>();
    return a;
}

http::Header credentialHeader(const SecretBytes &apiKey)
{
    const QByteArrayView key = apiKey.expose();
    if (key.startsWith("sk-ant-")) {
        return {QByteArrayLiteral("x-api-key"), key.toByteArray()};
    }
    return {QByteArrayLiteral("authorization"), "Bearer " + key.toByteArray()};
}

} // namespace rd::providers
