// SPDX-License-Identifier: GPL-3.0-or-later
// DataKeyProvider without a usable keychain (DBUS_SESSION_BUS_ADDRESS=disabled:): key file, environment, refusals.
#include "core/secrets/datakeyprovider.h"
#include "core/secrets/sealer.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using rd::ErrorCode;
using rd::Result;
using rd::secrets::DataKey;
using rd::secrets::DataKeyProvider;
using rd::secrets::DataKeySource;

Q_DECLARE_METATYPE(std::optional<DataKeySource>)

namespace {

constexpr QFileDevice::Permissions kGroupOrOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup
                                                   | QFileDevice::ExeGroup | QFileDevice::ReadOther
                                                   | QFileDevice::WriteOther | QFileDevice::ExeOther;
constexpr const char *kEnvVar = "RELAYDESK_TEST_DATA_KEY";

struct Outcome
{
    int calls = 0;
    std::optional<Result<DataKey>> result;
};

// Runs one load to the end. False when the callback came from inside load() or never came.
bool loadKey(const DataKeyProvider::Options &options, Outcome &outcome)
{
    DataKeyProvider provider(options);
    provider.load([&outcome](Result<DataKey> result) {
        ++outcome.calls;
        outcome.result = std::move(result);
    });
    if (outcome.calls != 0) {
        return false;
    }
    return QTest::qWaitFor([&outcome] { return outcome.calls > 0; }, 10000);
}

void writeKeyFile(const QString &path, const QByteArray &text, QFileDevice::Permissions permissions)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(text), text.size());
    file.close();
    QVERIFY(QFile::setPermissions(path, permissions));
}

// The key must not show up in any form a careless message could carry.
void verifyKeyNotIn(const DataKey &key, const QString &text)
{
    const QByteArray raw = key.key.expose().toByteArray();
    QVERIFY(!text.contains(QString::fromLatin1(raw.toBase64())));
    QVERIFY(!text.contains(QString::fromLatin1(raw.toHex()), Qt::CaseInsensitive));
    QVERIFY(!text.toLatin1().contains(raw));
}

} // namespace

class TestDataKeyFallback : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // An immediate, deterministic "keychain unusable": no session bus at all (TOOLCHAIN §5).
        qputenv("DBUS_SESSION_BUS_ADDRESS", "disabled:");
        qunsetenv("RELAYDESK_KEY_STORE");
        qunsetenv(kEnvVar);
    }
    void init()
    {
        m_dir.emplace();
        QVERIFY(m_dir->isValid());
        m_options = DataKeyProvider::Options{};
        m_options.service = u"RelayDesk-test-fallback"_s;
        m_options.keyFilePath = m_dir->filePath(u"nested/deeper/data.key"_s);
        m_options.envVarName = kEnvVar;
        m_options.keychainTimeoutMs = 3000;
    }
    void cleanup()
    {
        qunsetenv("RELAYDESK_KEY_STORE");
        qunsetenv(kEnvVar);
        m_dir.reset();
    }

    void sourceNamesRoundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<std::optional<DataKeySource>>("source");
        QTest::newRow("keychain") << u"keychain"_s << std::optional(DataKeySource::Keychain);
        QTest::newRow("file") << u"file"_s << std::optional(DataKeySource::KeyFile);
        QTest::newRow("env") << u"env"_s << std::optional(DataKeySource::Environment);
        QTest::newRow("unknown") << u"wallet"_s << std::optional<DataKeySource>();
        QTest::newRow("empty") << QString() << std::optional<DataKeySource>();
    }
    void sourceNamesRoundTrip()
    {
        QFETCH(QString, name);
        QFETCH(std::optional<DataKeySource>, source);
        QCOMPARE(rd::secrets::dataKeySourceFromName(name), source);
        if (source) {
            QCOMPARE(rd::secrets::dataKeySourceName(*source), name);
        }
    }

    void fallsBackToOwnerOnlyKeyFileWhenKeychainUnusable()
    {
        Outcome first;
        QVERIFY(loadKey(m_options, first));
        QCOMPARE(first.calls, 1);
        QVERIFY(*first.result);
        const DataKey &created = **first.result;
        QCOMPARE(created.source, DataKeySource::KeyFile);
        QVERIFY(created.created);
        QCOMPARE(created.key.size(), rd::secrets::Sealer::kKeyBytes);
        QVERIFY(created.warning.contains(u"keychain"_s));
        QVERIFY(created.warning.contains(m_options.keyFilePath));
        verifyKeyNotIn(created, created.warning);

        const QFileInfo file(m_options.keyFilePath);
        QVERIFY(file.isFile());
        QCOMPARE(file.permissions() & kGroupOrOther, QFileDevice::Permissions());
        QVERIFY(file.permissions().testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        for (const QString &dir : {m_dir->filePath(u"nested"_s), m_dir->filePath(u"nested/deeper"_s)}) {
            QCOMPARE(QFileInfo(dir).permissions() & kGroupOrOther, QFileDevice::Permissions());
        }

        // Later runs: recorded as "file", or not recorded yet and the keychain still unusable.
        for (const std::optional<DataKeySource> recorded :
             {std::optional(DataKeySource::KeyFile), std::optional<DataKeySource>()}) {
            DataKeyProvider::Options options = m_options;
            options.recordedSource = recorded;
            Outcome again;
            QVERIFY(loadKey(options, again));
            QVERIFY(*again.result);
            QCOMPARE((*again.result)->source, DataKeySource::KeyFile);
            QVERIFY(!(*again.result)->created);
            QVERIFY(!(*again.result)->warning.isEmpty());
            QVERIFY((*again.result)->key.equals(created.key.expose()));
        }
    }

    void neverReplacesAKeyRecordedInTheKeychain()
    {
        m_options.recordedSource = DataKeySource::Keychain;
        Outcome outcome;
        QVERIFY(loadKey(m_options, outcome));
        QVERIFY(!*outcome.result);
        QCOMPARE(outcome.result->error().code, ErrorCode::KeychainUnavailable);
        QVERIFY(!QFileInfo::exists(m_options.keyFilePath));
        QVERIFY(!QFileInfo::exists(m_dir->filePath(u"nested"_s)));
    }

    void refusesAMissingRecordedKeyFile()
    {
        m_options.recordedSource = DataKeySource::KeyFile;
        Outcome outcome;
        QVERIFY(loadKey(m_options, outcome));
        QVERIFY(!*outcome.result);
        QCOMPARE(outcome.result->error().code, ErrorCode::InvalidConfig);
        QVERIFY(outcome.result->error().detail.contains(u"missing"_s));
        QVERIFY(!QFileInfo::exists(m_options.keyFilePath));
    }

    void refusesARecordedEnvironmentKeyThatIsGone()
    {
        m_options.recordedSource = DataKeySource::Environment;
        Outcome outcome;
        QVERIFY(loadKey(m_options, outcome));
        QVERIFY(!*outcome.result);
        QCOMPARE(outcome.result->error().code, ErrorCode::InvalidConfig);
        QVERIFY(outcome.result->error().detail.contains(QString::fromLatin1(kEnvVar)));
        QVERIFY(!QFileInfo::exists(m_options.keyFilePath));
    }

    void takesKeyFromEnvironment_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("valid");
        const QByteArray key(32, '\x5a');
        QTest::newRow("base64 of 32 bytes") << key.toBase64() << true;
        QTest::newRow("surrounding whitespace") << " "_ba + key.toBase64() + "\n"_ba << true;
        QTest::newRow("16 bytes") << QByteArray(16, 'a').toBase64() << false;
        QTest::newRow("33 bytes") << QByteArray(33, 'a').toBase64() << false;
        QTest::newRow("not base64") << "this is not a key at all, no!!"_ba << false;
        QTest::newRow("base64url alphabet") << QByteArray(32, '\xfb').toBase64(QByteArray::Base64UrlEncoding) << false;
    }
    void takesKeyFromEnvironment()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, valid);
        qputenv(kEnvVar, value);
        Outcome outcome;
        QVERIFY(loadKey(m_options, outcome));
        QCOMPARE(bool(*outcome.result), valid);
        QVERIFY(!QFileInfo::exists(m_options.keyFilePath));
        if (!valid) {
            QCOMPARE(outcome.result->error().code, ErrorCode::InvalidConfig);
            QVERIFY(!outcome.result->error().detail.contains(QString::fromLatin1(value.trimmed())));
            return;
        }
        const DataKey &key = **outcome.result;
        QCOMPARE(key.source, DataKeySource::Environment);
        QVERIFY(!key.created);
        QVERIFY(key.key.equals(QByteArray(32, '\x5a')));
        QVERIFY(key.warning.contains(QString::fromLatin1(kEnvVar)));
        verifyKeyNotIn(key, key.warning);
    }

    void refusesKeyFileOthersCanAccess_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<std::optional<DataKeySource>>("recorded");
        const auto groupRead = static_cast<int>(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser
                                                | QFileDevice::WriteUser | QFileDevice::ReadGroup);
        const auto otherRead = static_cast<int>(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser
                                                | QFileDevice::WriteUser | QFileDevice::ReadOther);
        QTest::newRow("0640, recorded file") << groupRead << std::optional(DataKeySource::KeyFile);
        QTest::newRow("0604, recorded file") << otherRead << std::optional(DataKeySource::KeyFile);
        QTest::newRow("0640, first run (keychain fallback)") << groupRead << std::optional<DataKeySource>();
    }
    void refusesKeyFileOthersCanAccess()
    {
        QFETCH(int, mode);
        QFETCH(std::optional<DataKeySource>, recorded);
        m_options.keyFilePath = m_dir->filePath(u"data.key"_s);
        m_options.recordedSource = recorded;
        writeKeyFile(
            m_options.keyFilePath, QByteArray(32, 'k').toBase64() + "\n"_ba, QFileDevice::Permissions::fromInt(mode));
        Outcome outcome;
        QVERIFY(loadKey(m_options, outcome));
        QVERIFY(!*outcome.result);
        QCOMPARE(outcome.result->error().code, ErrorCode::InvalidConfig);
        QVERIFY(outcome.result->error().detail.contains(m_options.keyFilePath));
        QVERIFY(outcome.result->error().detail.contains(u"chmod 600"_s));
    }

    void refusesKeyFileWithoutAKey()
    {
        m_options.keyFilePath = m_dir->filePath(u"data.key"_s);
        m_options.recordedSource = DataKeySource::KeyFile;
        writeKeyFile(m_options.keyFilePath, "c2hvcnQ=\n"_ba, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        Outcome outcome;
        QVERIFY(loadKey(m_options, outcome));
        QVERIFY(!*outcome.result);
        QCOMPARE(outcome.result->error().code, ErrorCode::InvalidConfig);
        QVERIFY(outcome.result->error().detail.contains(m_options.keyFilePath));
    }

    void honoursKeyStoreFileChoice()
    {
        qputenv("RELAYDESK_KEY_STORE", "file");
        Outcome outcome;
        QVERIFY(loadKey(m_options, outcome));
        QVERIFY(*outcome.result);
        QCOMPARE((*outcome.result)->source, DataKeySource::KeyFile);
        QVERIFY((*outcome.result)->created);
        QVERIFY(QFileInfo::exists(m_options.keyFilePath));
        // Chosen, not fallen back to: the warning names no keychain error.
        QVERIFY(!(*outcome.result)->warning.contains(u"cannot be used"_s));
        verifyKeyNotIn(**outcome.result, (*outcome.result)->warning);
    }

    void reportsOnceWhenTheTimeoutRacesTheJob()
    {
        m_options.keychainTimeoutMs = 1;
        DataKeyProvider provider(m_options);
        Outcome outcome;
        provider.load([&outcome](Result<DataKey> result) {
            ++outcome.calls;
            outcome.result = std::move(result);
        });
        QCOMPARE(outcome.calls, 0);
        QTRY_COMPARE(outcome.calls, 1);
        QVERIFY(*outcome.result); // job error or timeout: either way the key file
        QCOMPARE((*outcome.result)->source, DataKeySource::KeyFile);
        // Let the loser of the race (and any timer) run: a second load on the same provider finishing
        // means the earlier events were delivered too.
        Outcome second;
        provider.load([&second](Result<DataKey> result) {
            ++second.calls;
            second.result = std::move(result);
        });
        QTRY_COMPARE(second.calls, 1);
        QCOMPARE(outcome.calls, 1);
    }

private:
    std::optional<QTemporaryDir> m_dir;
    DataKeyProvider::Options m_options;
};

QTEST_GUILESS_MAIN(TestDataKeyFallback)
#include "tst_datakeyfallback.moc"
