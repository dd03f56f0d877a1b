// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/auth/clientrecognition.h"
#include "core/http/httptypes.h"
#include "core/policy/keylimits.h"
#include "core/store/records.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <memory>

namespace rd::auth {

// A new RelayDesk key: "cr_" + 64 random lowercase hex characters (32 bytes from the OS RNG).
QByteArray generateKey();
// Lowercase hex SHA-256 of the key: the only form that is stored or compared.
QByteArray hashKey(QByteArrayView key);
// Short, non-reversible id for logs: the first 8 hex chars of the hash.
QByteArray logId(QByteArrayView keyHash);

// The key as the client presented it (PROTOCOLS.md §1.1): x-api-key, x-goog-api-key, authorization
// (Bearer or bare), api-key, then the "key" query parameter. Empty when none.
QByteArray presentedKey(const http::HeaderList &headers, QByteArrayView query);
bool hasPlausibleKeyLength(QByteArrayView key); // 10..512 characters

struct KeyEntry
{
    QString id;
    QString name;
    QByteArray logId;
    bool enabled = true;
    qint64 createdAtMs = 0;
    QString binding;                 // "", "account:<id>" or "group:<name>"
    bool isOwner = false;            // may use personal subscription accounts
    qint64 expiresAtMs = 0;          // 0 = never
    QList<QByteArray> permissions;   // service families; empty = all
    QList<QByteArray> allowedModels; // empty = every model
    QList<QByteArray> deniedModels;
    QString description;
    QStringList tags;
    QString ownerName;
    int activationDays = 0;                 // > 0: expires this many days after the first use
    qint64 activatedAtMs = 0;               // 0 = not used yet
    QList<KnownClient> allowedClients;      // empty = any client
    QHash<QByteArray, QString> bindings;    // family → "account:<id>" / "group:<name>" (claude: `binding`)
    QHash<QByteArray, double> serviceRates; // service → this key's rate multiplier (default 1.0)
    policy::KeyLimits limits;

    bool isExpired(qint64 nowMs) const { return expiresAtMs > 0 && nowMs >= expiresAtMs; }
    bool hasModelLists() const { return !allowedModels.isEmpty() || !deniedModels.isEmpty(); }
    QString bindingFor(QByteArrayView family) const
    {
        return family == "claude" ? binding : bindings.value(family.toByteArray());
    }
    double rate(QByteArrayView service) const { return serviceRates.value(service.toByteArray(), 1.0); }
    bool mayUseService(QByteArrayView family) const;
    bool mayUseModel(QByteArrayView model) const; // after stripping "ccr,"; case-insensitive
};

QList<QByteArray> splitList(const QString &commaList); // trimmed, lower-cased, empties dropped

// The runtime key from its stored record; a setting that no longer parses is an error naming it (the key is then
// refused rather than served without its limits).
[[nodiscard]] Result<KeyEntry> keyEntryFromRecord(const store::ApiKeyRecord &record);
// Family bindings as stored: {"openai": "group:x"}; each value "account:<id>" or "group:<name>".
[[nodiscard]] Result<QHash<QByteArray, QString>> parseBindings(const QString &json);
[[nodiscard]] Result<void> validateBinding(const QString &binding);

// Hash → key, immutable once built; workers hold it through a shared_ptr snapshot so no SQL is touched per request.
class KeyIndex
{
public:
    void insert(const QByteArray &keyHash, const KeyEntry &entry) { m_byHash.insert(keyHash, entry); }
    const KeyEntry *find(const QByteArray &keyHash) const
    {
        const auto it = m_byHash.constFind(keyHash);
        return it == m_byHash.cend() ? nullptr : &it.value();
    }
    qsizetype size() const { return m_byHash.size(); }

private:
    QHash<QByteArray, KeyEntry> m_byHash;
};

} // namespace rd::auth
