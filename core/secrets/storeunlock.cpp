// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/secrets/storeunlock.h"

#include "core/config/datapaths.h"
#include "core/secrets/datakeyprovider.h"

#include <openssl/rand.h>

using namespace Qt::StringLiterals;

namespace rd::secrets {

namespace {
constexpr auto kSourceKey = "data_key_source";
constexpr auto kEntryKey = "data_key_entry";
constexpr auto kCheckKey = "data_key_check";

QString newEntryName()
{
    unsigned char raw[6];
    RAND_bytes(raw, sizeof raw);
    return u"data-key-"_s + QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(raw), sizeof raw).toHex());
}

QString metaOr(store::Database &db, const char *key, const QString &fallback = {})
{
    auto v = db.meta(QString::fromLatin1(key));
    return v && v->has_value() ? **v : fallback;
}
} // namespace

void unlockStore(store::Database &db,
                 const QString &dataDir,
                 QObject *context,
                 std::function<void(Result<Unlocked>)> done,
                 const QString &keychainService)
{
    const QString recorded = metaOr(db, kSourceKey);
    QString entry = metaOr(db, kEntryKey);
    const bool firstUse = entry.isEmpty();
    if (firstUse) {
        entry = newEntryName();
    }
    DataKeyProvider::Options options;
    options.service = keychainService;
    options.account = entry;
    options.keyFilePath = config::keyFilePath(dataDir);
    options.recordedSource = recorded.isEmpty() ? std::nullopt : dataKeySourceFromName(recorded);
    auto *provider = new DataKeyProvider(options, context);
    provider->load([provider, &db, entry, firstUse, recorded, done = std::move(done)](Result<DataKey> key) {
        provider->deleteLater();
        if (!key) {
            done(tl::unexpected(key.error()));
            return;
        }
        const QString source = dataKeySourceName(key->source);
        auto sealer = std::make_shared<const Sealer>(std::move(key->key));
        const QString check = metaOr(db, kCheckKey);
        if (!check.isEmpty()) {
            if (!sealer->verifyKeyCheck(QByteArray::fromBase64(check.toLatin1()))) {
                done(fail(ErrorCode::CryptoFailure,
                          u"the data key from the %1 does not open this store's credentials"_s.arg(source)));
                return;
            }
        } else {
            const Result<QByteArray> made = sealer->makeKeyCheck();
            if (!made) {
                done(tl::unexpected(made.error()));
                return;
            }
            auto ok = db.setMeta(QString::fromLatin1(kCheckKey), QString::fromLatin1(made->toBase64()));
            if (ok && firstUse) {
                ok = db.setMeta(QString::fromLatin1(kEntryKey), entry);
            }
            if (!ok) {
                done(tl::unexpected(ok.error()));
                return;
            }
        }
        if (recorded.isEmpty()) {
            if (auto ok = db.setMeta(QString::fromLatin1(kSourceKey), source); !ok) {
                done(tl::unexpected(ok.error()));
                return;
            }
        }
        done(Unlocked{std::move(sealer), source, key->warning});
    });
}

} // namespace rd::secrets
