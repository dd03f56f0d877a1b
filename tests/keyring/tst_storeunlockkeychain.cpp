// SPDX-License-Identifier: GPL-3.0-or-later
// unlockStore against the real Secret Service (gnome-keyring in dbus-run-session, RELAYDESK_TEST_KEYRING=1):
// the store records that its key lives in the keychain, reopens with the same key, and two data folders never share
// or overwrite each other's key. Skipped elsewhere.
#include "core/config/datapaths.h"
#include "core/secrets/datakeyprovider.h"
#include "core/secrets/storeunlock.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using rd::Result;
using rd::secrets::Unlocked;

namespace {
std::optional<Result<Unlocked>> unlock(rd::store::Database &db, const QString &dir, const QString &service)
{
    std::optional<Result<Unlocked>> out;
    QObject context;
    rd::secrets::unlockStore(
        db, dir, &context, [&out](Result<Unlocked> r) { out = std::move(r); }, service);
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, 10000)) {
        return std::nullopt;
    }
    return out;
}

std::optional<rd::store::Database> open(const QString &dir, const QString &name)
{
    auto db = rd::store::Database::open(rd::store::StoreLocation{rd::config::databasePath(dir)}, name);
    return db ? std::optional<rd::store::Database>(std::move(*db)) : std::nullopt;
}
} // namespace

class TestStoreUnlockKeychain : public QObject
{
    Q_OBJECT
private:
    QString m_service;

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("RELAYDESK_TEST_KEYRING") != u"1"_s) {
            QSKIP("needs the session keyring: run through scripts/test.sh");
        }
        qunsetenv("RELAYDESK_KEY_STORE");
        qunsetenv("RELAYDESK_DATA_KEY");
        m_service = u"RelayDesk-test-%1"_s.arg(QRandomGenerator::global()->generate(), 0, 16);
    }

    void keyLivesInTheKeychainAndReopens()
    {
        QTemporaryDir dir;
        QByteArray sealed;
        {
            auto db = open(dir.path(), u"first"_s);
            QVERIFY(db);
            const auto unlocked = unlock(*db, dir.path(), m_service);
            QVERIFY(unlocked && unlocked->has_value());
            QCOMPARE((*unlocked)->source, u"keychain"_s);
            QVERIFY((*unlocked)->warning.isEmpty()); // no loud warning: the key is where it belongs
            QVERIFY(!QFile::exists(rd::config::keyFilePath(dir.path())));
            QCOMPARE(db->meta(u"data_key_source"_s)->value_or(QString()), u"keychain"_s);
            sealed = *(*unlocked)->sealer->seal("sk-ant-sealed", "acc_1");
        }
        auto db = open(dir.path(), u"second"_s);
        const auto again = unlock(*db, dir.path(), m_service);
        QVERIFY(again && again->has_value());
        const auto plain = (*again)->sealer->unseal(sealed, "acc_1");
        QVERIFY(plain.has_value());
        QVERIFY(plain->equals("sk-ant-sealed"));
    }

    void twoDataFoldersHaveTwoKeys()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        auto dbA = open(a.path(), u"a"_s);
        auto dbB = open(b.path(), u"b"_s);
        const auto ua = unlock(*dbA, a.path(), m_service);
        const auto ub = unlock(*dbB, b.path(), m_service);
        QVERIFY(ua && ua->has_value() && ub && ub->has_value());
        QVERIFY(dbA->meta(u"data_key_entry"_s)->value_or(QString())
                != dbB->meta(u"data_key_entry"_s)->value_or(QString()));
        const QByteArray sealed = *(*ua)->sealer->seal("secret", "x");
        QVERIFY(!(*ub)->sealer->unseal(sealed, "x").has_value());
    }
};

QTEST_GUILESS_MAIN(TestStoreUnlockKeychain)
#include "tst_storeunlockkeychain.moc"
