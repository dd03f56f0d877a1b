// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/database.h"
#include "core/store/migrations.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::ErrorCode;
using rd::store::Database;

namespace {

constexpr QFileDevice::Permissions kAnyGroupOrOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup
                                                      | QFileDevice::ExeGroup | QFileDevice::ReadOther
                                                      | QFileDevice::WriteOther | QFileDevice::ExeOther;

rd::store::ApiKeyRecord makeKey(const QString &id, const QString &name)
{
    rd::store::ApiKeyRecord key;
    key.id = id;
    key.name = name;
    key.keyHash = QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex();
    key.createdAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000, Qt::UTC);
    return key;
}

rd::store::AccountRecord makeAccount(const QString &id, const QString &name, int priority = 50)
{
    rd::store::AccountRecord account;
    account.id = id;
    account.type = u"claude-console"_s;
    account.name = name;
    account.baseUrl = u"https://api.example.test"_s;
    account.sealedCredentials = "\x01sealed\x00bytes"_ba;
    account.priority = priority;
    account.createdAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000, Qt::UTC);
    return account;
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

// A connection that bypasses Database, for what the API deliberately cannot do (fake a newer schema).
bool rawExec(const QString &path, const QString &sql)
{
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
        db.setDatabaseName(path);
        ok = db.open() && QSqlQuery(db).exec(sql);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"raw"_s);
    return ok;
}

enum class Change
{
    InsertKey,
    DisableKey,
    DeleteKey,
    InsertAccount,
    DisableAccount,
    UnscheduleAccount,
    DeleteAccount,
};

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path() const { return m_dir.filePath(u"relaydesk.db"_s); }
    rd::store::StoreLocation location() const { return {path()}; }
    Database openOrFail(const QString &name = u"test"_s)
    {
        rd::Result<Database> db = Database::open(location(), name);
        if (!db) {
            qFatal("open failed: %s", qPrintable(db.error().detail));
        }
        return std::move(*db);
    }

private slots:
    void init()
    {
        QTest::failOnWarning(QRegularExpression(u"still in use"_s));
        const QStringList suffixes{u""_s, u"-wal"_s, u"-shm"_s};
        for (const QString &suffix : suffixes) {
            QFile::remove(path() + suffix);
        }
    }

    void createsPrivateFolderAndFileInWalMode()
    {
        const QString folder = m_dir.filePath(u"new/data"_s);
        rd::Result<Database> db = Database::open({folder + u"/relaydesk.db"_s}, u"test"_s);
        QVERIFY2(db, qPrintable(db.error().detail));
        const QFileInfo file(folder + u"/relaydesk.db"_s);
        QVERIFY(file.exists());
        QCOMPARE(file.permissions() & kAnyGroupOrOther, QFileDevice::Permissions());
        QVERIFY(file.permissions().testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QVERIFY(!file.permissions().testFlag(QFileDevice::ExeOwner));
        const QFileInfo dir(folder);
        QCOMPARE(dir.permissions() & kAnyGroupOrOther, QFileDevice::Permissions());
        QVERIFY(dir.permissions().testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));

        QSqlQuery mode(db->connection());
        QVERIFY(mode.exec(u"PRAGMA journal_mode"_s) && mode.next());
        QCOMPARE(mode.value(0).toString(), u"wal"_s);
        QCOMPARE(db->schemaVersion(), rd::store::latestSchemaVersion());
    }

    void reopeningRunsNoMigrationTwice()
    {
        {
            Database db = openOrFail();
            QVERIFY(db.insertKey(makeKey(u"key_1"_s, u"laptop"_s)));
        }
        Database db = openOrFail();
        QCOMPARE(db.schemaVersion(), rd::store::latestSchemaVersion());
        QSqlQuery count(db.connection());
        QVERIFY(count.exec(u"SELECT COUNT(*), MAX(version) FROM schema_version"_s) && count.next());
        QCOMPARE(count.value(0).toInt(), int(rd::store::migrations().size()));
        QCOMPARE(count.value(1).toInt(), rd::store::latestSchemaVersion());
        count.finish();
        QCOMPARE(db.listKeys()->size(), 1);
        QCOMPARE(*db.configRevision(), 1);
    }

    void refusesSchemaFromNewerRelayDeskWithoutTouchingIt()
    {
        {
            Database db = openOrFail();
        }
        QVERIFY(rawExec(path(),
                        u"INSERT INTO schema_version (version, applied_at) VALUES (%1, 0)"_s.arg(
                            rd::store::latestSchemaVersion() + 1)));
        const QByteArray before = fileHash(path());
        const rd::Result<Database> db = Database::open(location(), u"test"_s);
        QVERIFY(!db);
        QCOMPARE(db.error().code, ErrorCode::InvalidConfig);
        QVERIFY2(db.error().detail.contains(u"newer RelayDesk"_s), qPrintable(db.error().detail));
        QCOMPARE(fileHash(path()), before);
        QVERIFY(!QSqlDatabase::contains(u"test"_s));
    }

    void refusesConnectionNameInUse()
    {
        Database first = openOrFail(u"same"_s);
        const rd::Result<Database> second = Database::open(location(), u"same"_s);
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::InvalidArgument);
        QVERIFY(first.isUsable());
    }

    void moveLeavesNothingForTheMovedFromToClose()
    {
        Database a = openOrFail(u"moved"_s);
        {
            const Database b(std::move(a));
            QVERIFY(QSqlDatabase::contains(u"moved"_s));
        }
        QVERIFY(!QSqlDatabase::contains(u"moved"_s));
    }

    void keysAreFoundByIdOrName_data()
    {
        QTest::addColumn<QString>("idOrName");
        QTest::newRow("id") << u"key_0123456789abcdef"_s;
        QTest::newRow("name") << u"laptop"_s;
    }
    void keysAreFoundByIdOrName()
    {
        QFETCH(QString, idOrName);
        Database db = openOrFail();
        const rd::store::ApiKeyRecord key = makeKey(u"key_0123456789abcdef"_s, u"laptop"_s);
        QVERIFY(db.insertKey(key));
        QVERIFY(db.insertKey(makeKey(u"key_other"_s, u"desktop"_s)));

        QVERIFY(db.setKeyEnabled(idOrName, false));
        const QList<rd::store::ApiKeyRecord> keys = *db.listKeys();
        QCOMPARE(keys.size(), 2);
        const auto stored = std::find_if(keys.cbegin(), keys.cend(), [](const auto &k) { return k.name == u"laptop"; });
        QVERIFY(stored != keys.cend());
        QCOMPARE(stored->id, key.id);
        QCOMPARE(stored->keyHash, key.keyHash);
        QCOMPARE(stored->createdAt, key.createdAt);
        QCOMPARE(stored->createdAt.timeSpec(), Qt::UTC);
        QVERIFY(!stored->enabled);

        QVERIFY(db.deleteKey(idOrName));
        QCOMPARE(db.listKeys()->size(), 1);
        QCOMPARE(db.listKeys()->constFirst().name, u"desktop"_s);
    }

    void missingRowsAreNotFound_data()
    {
        QTest::addColumn<int>("operation");
        QTest::addColumn<QString>("detail");
        QTest::newRow("enable key") << 0 << u"no key named or with id 'ghost'"_s;
        QTest::newRow("delete key") << 1 << u"no key named or with id 'ghost'"_s;
        QTest::newRow("enable account") << 2 << u"no account named or with id 'ghost'"_s;
        QTest::newRow("unschedule account") << 3 << u"no account named or with id 'ghost'"_s;
        QTest::newRow("delete account") << 4 << u"no account named or with id 'ghost'"_s;
    }
    void missingRowsAreNotFound()
    {
        QFETCH(int, operation);
        QFETCH(QString, detail);
        Database db = openOrFail();
        QVERIFY(db.insertKey(makeKey(u"key_1"_s, u"real"_s)));
        const QString ghost = u"ghost"_s;
        const rd::Result<void> results[] = {db.setKeyEnabled(ghost, true),
                                            db.deleteKey(ghost),
                                            db.setAccountEnabled(ghost, true),
                                            db.setAccountSchedulable(ghost, false),
                                            db.deleteAccount(ghost)};
        const rd::Result<void> &result = results[operation];
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::NotFound);
        QCOMPARE(result.error().detail, detail);
    }

    void duplicateNamesAreInvalidArguments()
    {
        Database db = openOrFail();
        QVERIFY(db.insertKey(makeKey(u"key_1"_s, u"laptop"_s)));
        rd::store::ApiKeyRecord again = makeKey(u"key_2"_s, u"laptop"_s);
        again.keyHash = QByteArray(64, 'a');
        const rd::Result<void> key = db.insertKey(again);
        QVERIFY(!key);
        QCOMPARE(key.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(key.error().detail, u"a key named 'laptop' already exists"_s);

        QVERIFY(db.insertAccount(makeAccount(u"acc_1"_s, u"main"_s)));
        const rd::Result<void> account = db.insertAccount(makeAccount(u"acc_2"_s, u"main"_s));
        QVERIFY(!account);
        QCOMPARE(account.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(account.error().detail, u"an account named 'main' already exists"_s);

        rd::store::ApiKeyRecord clash = makeKey(u"key_3"_s, u"laptop"_s); // the hash of key_1
        clash.name = u"other"_s;
        const rd::Result<void> sameHash = db.insertKey(clash);
        QVERIFY(!sameHash); // a different UNIQUE column: the driver's words, no values
        QCOMPARE(sameHash.error().code, ErrorCode::StoreFailure);
        QVERIFY2(sameHash.error().detail.contains(u"key_hash"_s), qPrintable(sameHash.error().detail));
    }

    void accountsRoundTripEveryField()
    {
        Database db = openOrFail();
        rd::store::AccountRecord full = makeAccount(u"acc_full"_s, u"full"_s, 10);
        full.userAgent = u"agent/1.0"_s;
        full.modelMapping = uR"({"a":"b"})"_s;
        full.schedulable = false;
        full.enabled = false;
        full.proxyUrl = u"socks5://user@proxy:1080"_s;
        full.caCertPem = u"-----BEGIN CERTIFICATE-----"_s;
        const rd::store::AccountRecord bare = makeAccount(u"acc_bare"_s, u"bare"_s, 90);
        QVERIFY(db.insertAccount(bare));
        QVERIFY(db.insertAccount(full));

        const QList<rd::store::AccountRecord> accounts = *db.listAccounts();
        QCOMPARE(accounts.size(), 2);
        const rd::store::AccountRecord &a = accounts.at(0); // lower priority value first
        QCOMPARE(a.id, full.id);
        QCOMPARE(a.type, full.type);
        QCOMPARE(a.name, full.name);
        QCOMPARE(a.baseUrl, full.baseUrl);
        QCOMPARE(a.sealedCredentials, full.sealedCredentials);
        QCOMPARE(a.userAgent, full.userAgent);
        QCOMPARE(a.modelMapping, full.modelMapping);
        QCOMPARE(a.priority, 10);
        QCOMPARE(a.schedulable, false);
        QCOMPARE(a.enabled, false);
        QCOMPARE(a.proxyUrl, full.proxyUrl);
        QCOMPARE(a.caCertPem, full.caCertPem);
        QCOMPARE(a.createdAt, full.createdAt);
        QVERIFY(accounts.at(1).userAgent.isEmpty());

        QSqlQuery nulls(db.connection()); // empty optional texts are NULL, not ''
        QVERIFY(nulls.exec(u"SELECT COUNT(*) FROM accounts WHERE user_agent IS NULL AND model_mapping IS NULL "
                           "AND proxy_url IS NULL AND ca_cert_pem IS NULL"_s)
                && nulls.next());
        QCOMPARE(nulls.value(0).toInt(), 1);
        nulls.finish();

        QVERIFY(db.setAccountSchedulable(u"bare"_s, false));
        QVERIFY(db.setAccountEnabled(u"acc_full"_s, true));
        QVERIFY(!db.listAccounts()->at(1).schedulable);
        QVERIFY(db.listAccounts()->at(0).enabled);
        QVERIFY(db.deleteAccount(u"full"_s));
        QCOMPARE(db.listAccounts()->size(), 1);
    }

    void sealedCredentialsRoundTripAsBytes_data()
    {
        QTest::addColumn<QByteArray>("sealed");
        QTest::newRow("embedded NULs") << "\x00\x00nonce\x00tag\x00"_ba;
        QTest::newRow("high bytes") << "\xff\xfe\x80\x00\x7f"_ba;
        QByteArray large(64 * 1024, Qt::Uninitialized);
        QRandomGenerator(42).fillRange(reinterpret_cast<quint32 *>(large.data()), large.size() / 4);
        QTest::newRow("64 KiB random") << large;
    }
    void sealedCredentialsRoundTripAsBytes()
    {
        QFETCH(QByteArray, sealed);
        Database db = openOrFail();
        rd::store::AccountRecord account = makeAccount(u"acc_1"_s, u"blob"_s);
        account.sealedCredentials = sealed;
        QVERIFY(db.insertAccount(account));
        QCOMPARE(db.listAccounts()->constFirst().sealedCredentials, sealed);
    }

    void configRevisionCountsChangesFromAnotherConnection_data()
    {
        QTest::addColumn<Change>("change");
        QTest::newRow("insert key") << Change::InsertKey;
        QTest::newRow("disable key") << Change::DisableKey;
        QTest::newRow("delete key") << Change::DeleteKey;
        QTest::newRow("insert account") << Change::InsertAccount;
        QTest::newRow("disable account") << Change::DisableAccount;
        QTest::newRow("unschedule account") << Change::UnscheduleAccount;
        QTest::newRow("delete account") << Change::DeleteAccount;
    }
    void configRevisionCountsChangesFromAnotherConnection()
    {
        QFETCH(Change, change);
        Database relay = openOrFail(u"relay"_s);
        QCOMPARE(*relay.configRevision(), 0);
        QVERIFY(relay.insertKey(makeKey(u"key_1"_s, u"laptop"_s)));
        QVERIFY(relay.insertAccount(makeAccount(u"acc_1"_s, u"main"_s)));
        const qint64 before = *relay.configRevision();
        QCOMPARE(before, 2);

        Database cli = openOrFail(u"cli"_s); // what `relaydesk keys …` does while the relay runs
        switch (change) {
        case Change::InsertKey:
            QVERIFY(cli.insertKey(makeKey(u"key_2"_s, u"desktop"_s)));
            break;
        case Change::DisableKey:
            QVERIFY(cli.setKeyEnabled(u"laptop"_s, false));
            break;
        case Change::DeleteKey:
            QVERIFY(cli.deleteKey(u"key_1"_s));
            break;
        case Change::InsertAccount:
            QVERIFY(cli.insertAccount(makeAccount(u"acc_2"_s, u"backup"_s)));
            break;
        case Change::DisableAccount:
            QVERIFY(cli.setAccountEnabled(u"main"_s, false));
            break;
        case Change::UnscheduleAccount:
            QVERIFY(cli.setAccountSchedulable(u"acc_1"_s, false));
            break;
        case Change::DeleteAccount:
            QVERIFY(cli.deleteAccount(u"main"_s));
            break;
        }
        QCOMPARE(*relay.configRevision(), before + 1);
        QCOMPARE(*cli.configRevision(), before + 1);
    }

    void usageAndMetaLeaveConfigRevisionAlone()
    {
        Database db = openOrFail();
        QVERIFY(db.setMeta(u"data_key_source"_s, u"keychain"_s));
        QVERIFY(db.insertUsage({rd::store::UsageRow{}}, rd::policy::LimitCalendar()));
        QCOMPARE(*db.configRevision(), 0);
    }

    void metaReadsWhatWasWritten()
    {
        Database db = openOrFail();
        QCOMPARE(*db.meta(u"absent"_s), std::nullopt);
        QVERIFY(db.setMeta(u"key_check"_s, u"one"_s));
        QCOMPARE(*db.meta(u"key_check"_s), std::optional<QString>(u"one"_s));
        QVERIFY(db.setMeta(u"key_check"_s, u"two"_s));
        QCOMPARE(*db.meta(u"key_check"_s), std::optional<QString>(u"two"_s));
        QCOMPARE(*db.meta(u"config_revision"_s), std::optional<QString>(u"0"_s));
    }

    void usageRoundTripsAndSums()
    {
        Database db = openOrFail();
        rd::store::UsageRow full{u"req_1"_s,
                                 1000,
                                 u"key_a"_s,
                                 u"acc_1"_s,
                                 u"claude"_s,
                                 u"anthropic.messages"_s,
                                 200,
                                 true,
                                 true,
                                 10,
                                 20,
                                 30,
                                 40,
                                 50,
                                 true,
                                 123,
                                 4567};
        rd::store::UsageRow bare;
        bare.requestId = u"req_2"_s;
        bare.timestampMs = 2000;
        bare.inputTokens = 1;
        QVERIFY(db.insertUsage({full, bare}, rd::policy::LimitCalendar()));

        const QList<rd::store::UsageRow> recent = *db.recentUsage(10);
        QCOMPARE(recent.size(), 2);
        QCOMPARE(recent.at(0).requestId, u"req_2"_s); // newest first
        QCOMPARE(recent.at(0).firstByteMs, -1);
        QVERIFY(recent.at(0).keyId.isEmpty());
        const rd::store::UsageRow &r = recent.at(1);
        QCOMPARE(r.timestampMs, full.timestampMs);
        QCOMPARE(r.keyId, full.keyId);
        QCOMPARE(r.accountId, full.accountId);
        QCOMPARE(r.model, full.model);
        QCOMPARE(r.route, full.route);
        QCOMPARE(r.status, 200);
        QVERIFY(r.stream && r.aborted && r.usageSeen);
        QCOMPARE(r.cacheCreate5mTokens, 30);
        QCOMPARE(r.cacheCreate1hTokens, 40);
        QCOMPARE(r.cacheReadTokens, 50);
        QCOMPARE(r.firstByteMs, 123);
        QCOMPARE(r.totalMs, 4567);
        QCOMPARE(db.recentUsage(1)->size(), 1);

        QSqlQuery nulls(db.connection());
        QVERIFY(nulls.exec(u"SELECT COUNT(*) FROM usage_requests WHERE first_byte_ms IS NULL AND key_id IS NULL"_s)
                && nulls.next());
        QCOMPARE(nulls.value(0).toInt(), 1);
        nulls.finish();

        const rd::store::UsageTotals all = *db.usageTotals();
        QCOMPARE(all.requests, 2);
        QCOMPARE(all.inputTokens, 11);
        QCOMPARE(all.outputTokens, 20);
        QCOMPARE(db.usageTotals(u"key_a"_s)->requests, 1);
        QCOMPARE(db.usageTotals(u"key_b"_s)->requests, 0);
        QCOMPARE(db.usageTotals({}, 1500)->inputTokens, 1);
        QCOMPARE(db.usageTotals(u"key_a"_s, 1500)->requests, 0);
    }

    void isUsableIsFalseOnceTheFileIsGone()
    {
        Database db = openOrFail();
        QVERIFY(db.isUsable());
        QVERIFY(QFile::remove(path()));
        QVERIFY(!db.isUsable());
    }

    void isUsableIsFalseForACorruptFile()
    {
        Database db = openOrFail();
        db.connection().close();
        QVERIFY(!db.isUsable()); // closed
        QFile::remove(path() + u"-wal"_s);
        QFile::remove(path() + u"-shm"_s);
        QFile file(path());
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QByteArray(8192, 'x'));
        file.close();
        QVERIFY(db.connection().open()); // SQLite opens lazily; the first read finds the damage
        QVERIFY(!db.isUsable());
    }

    void openingACorruptFileIsAStoreFailure()
    {
        QFile file(path());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
        file.close();
        const rd::Result<Database> db = Database::open(location(), u"test"_s);
        QVERIFY(!db);
        QCOMPARE(db.error().code, ErrorCode::StoreFailure);
        QVERIFY(!QSqlDatabase::contains(u"test"_s));
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
