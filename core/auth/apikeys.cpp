// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/auth/apikeys.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

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
