// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/auth/apikeys.h"

#include "core/config/relaysettings.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/rand.h>
#include <openssl/sha.h>

using namespace Qt::StringLiterals;

namespace rd::auth {

QByteArray generateKey()
{
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        qFatal("the system random number generator failed");
    }
    QByteArray key("cr_");
    key.append(QByteArray(reinterpret_cast<const char *>(raw), sizeof raw).toHex());
    return key;
}

QByteArray hashKey(QByteArrayView key)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(key.data()), static_cast<size_t>(key.size()), digest);
    return QByteArray(reinterpret_cast<const char *>(digest), sizeof digest).toHex();
}

QByteArray logId(QByteArrayView keyHash)
{
    return keyHash.first(std::min<qsizetype>(8, keyHash.size())).toByteArray();
}

bool hasPlausibleKeyLength(QByteArrayView key)
{
    return key.size() >= 10 && key.size() <= 512;
}

namespace {
QByteArray queryKey(QByteArrayView query)
{
    qsizetype pos = 0;
    while (pos < query.size()) {
        qsizetype end = query.indexOf('&', pos);
        if (end < 0) {
            end = query.size();
        }
        const QByteArrayView pair = query.sliced(pos, end - pos);
        if (pair.startsWith("key=")) {
            return QByteArray::fromPercentEncoding(pair.sliced(4).toByteArray());
        }
        pos = end + 1;
    }
    return {};
}
} // namespace

QByteArray presentedKey(const http::HeaderList &headers, QByteArrayView query)
{
    QByteArray v = http::headerValue(headers, "x-api-key").trimmed();
    if (!v.isEmpty()) {
        return v;
    }
    v = http::headerValue(headers, "x-goog-api-key").trimmed();
    if (!v.isEmpty()) {
        return v;
    }
    v = http::headerValue(headers, "authorization").trimmed();
    if (!v.isEmpty()) {
        if (v.size() >= 7 && QByteArrayView(v).first(7).compare("bearer ", Qt::CaseInsensitive) == 0) {
            return v.mid(7).trimmed();
        }
        if (v.contains(' ')) {
            return {}; // another scheme (Basic …) is not a RelayDesk key
        }
        return v;
    }
    v = http::headerValue(headers, "api-key").trimmed();
    if (!v.isEmpty()) {
        return v;
    }
    return queryKey(query);
}

QList<QByteArray> splitList(const QString &commaList)
{
    QList<QByteArray> out;
    for (const QString &part : commaList.split(u',')) {
        const QByteArray item = part.trimmed().toLower().toUtf8();
        if (!item.isEmpty()) {
            out.append(item);
        }
    }
    return out;
}

bool KeyEntry::mayUseService(QByteArrayView family) const
{
    return permissions.isEmpty() || permissions.contains(family.toByteArray());
}

bool KeyEntry::mayUseModel(QByteArrayView model) const
{
    QByteArray m = model.toByteArray().toLower();
    if (m.startsWith("ccr,")) {
        m = m.mid(4);
    }
    if (deniedModels.contains(m)) {
        return false;
    }
    return allowedModels.isEmpty() || allowedModels.contains(m);
}

} // namespace rd::auth

namespace rd::auth {

Result<void> validateBinding(const QString &binding)
{
    if (binding.isEmpty() || (binding.startsWith(u"account:"_s) && binding.size() > 8)
        || (binding.startsWith(u"group:"_s) && binding.size() > 6)) {
        return {};
    }
    return fail(ErrorCode::InvalidArgument, u"a binding is account:<id> or group:<name>, not '%1'"_s.arg(binding));
}

Result<QHash<QByteArray, QString>> parseBindings(const QString &json)
{
    QHash<QByteArray, QString> out;
    if (json.trimmed().isEmpty()) {
        return out;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    if (!doc.isObject()) {
        return fail(ErrorCode::InvalidArgument, u"key bindings are not a JSON object"_s);
    }
    const QJsonObject object = doc.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString binding = it.value().toString();
        if (auto valid = validateBinding(binding); !valid || binding.isEmpty()) {
            return fail(ErrorCode::InvalidArgument,
                        u"the binding for '%1' must be account:<id> or group:<name>"_s.arg(it.key()));
        }
        out.insert(it.key().toLower().toLatin1(), binding);
    }
    return out;
}

Result<KeyEntry> keyEntryFromRecord(const store::ApiKeyRecord &k)
{
    KeyEntry e;
    e.id = k.id;
    e.name = k.name;
    e.logId = logId(k.keyHash);
    e.enabled = k.enabled;
    e.createdAtMs = k.createdAt.toMSecsSinceEpoch();
    e.binding = k.binding;
    e.isOwner = k.isOwner;
    e.expiresAtMs = k.expiresAtMs;
    e.permissions = splitList(k.permissions);
    e.allowedModels = splitList(k.allowedModels);
    e.deniedModels = splitList(k.deniedModels);
    e.description = k.description;
    for (const QString &tag : k.tags.split(u',', Qt::SkipEmptyParts)) {
        e.tags.append(tag.trimmed());
    }
    e.ownerName = k.ownerName;
    e.activationDays = k.activationDays;
    e.activatedAtMs = k.activatedAtMs;
    auto clients = parseClientList(k.allowedClients);
    if (!clients) {
        return tl::unexpected(clients.error());
    }
    e.allowedClients = std::move(*clients);
    auto bindings = parseBindings(k.bindings);
    if (!bindings) {
        return tl::unexpected(bindings.error());
    }
    e.bindings = std::move(*bindings);
    auto rates = config::parseServiceRates(k.serviceRates);
    if (!rates) {
        return tl::unexpected(rates.error());
    }
    e.serviceRates = std::move(*rates);
    auto limits = policy::KeyLimits::fromText(k.limits);
    if (!limits) {
        return tl::unexpected(limits.error());
    }
    e.limits = std::move(*limits);
    return e;
}

} // namespace rd::auth
