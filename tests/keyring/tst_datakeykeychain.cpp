// SPDX-License-Identifier: GPL-3.0-or-later
// DataKeyProvider against the real Secret Service: run by scripts/test.sh inside dbus-run-session with an
// unlocked gnome-keyring (RELAYDESK_TEST_KEYRING=1); skipped everywhere else.
#include "core/secrets/datakeyprovider.h"
#include "core/secrets/sealer.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using rd::ErrorCode;
using rd::Result;
using rd::secrets::DataKey;
using rd::secrets::DataKeyProvider;
using rd::secrets::DataKeySource;

namespace {

struct Outcome
{
    int calls = 0;
    std::optional<Result<DataKey>> result;
};

enum class Op
{
    Load,
    Remove,
};

// Runs one operation to the end. False when the callback came from inside the call or never came.
bool run(Op op, const DataKeyProvider::Options &options, Outcome &outcome)
{
    DataKeyProvider provider(options);
    auto done = [&outcome](Result<DataKey> result) {
        ++outcome.calls;
        outcome.result = std::move(result);
    };
    if (op == Op::Load) {
        provider.load(done);
    } else {
        provider.removeFromKeychain(done);
    }
    if (outcome.calls != 0) {
        return false;
    }
    return QTest::qWaitFor([&outcome] { return outcome.calls > 0; }, 10000);
}

} // namespace

class TestDataKeyKeychain : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (qgetenv("RELAYDESK_TEST_KEYRING") != "1") {
            QSKIP("needs an unlocked Secret Service: run through scripts/test.sh (RELAYDESK_TEST_KEYRING=1)");
        }
        qunsetenv("RELAYDESK_KEY_STORE");
        QVERIFY(m_dir.isValid());
        m_options.service = u"RelayDesk-test-%1"_s.arg(QRandomGenerator::global()->generate64(), 16, 16, QChar(u'0'));
        m_options.keyFilePath = m_dir.filePath(u"data/data.key"_s);
        m_options.envVarName = "RELAYDESK_TEST_DATA_KEY_UNUSED";
        qunsetenv(m_options.envVarName.constData());
        m_active = true;
    }
    void cleanupTestCase()
    {
        if (!m_active) {
            return; // skipped: never touch the default "RelayDesk" entry
        }
        Outcome removed;
        QVERIFY(run(Op::Remove, m_options, removed));
        QVERIFY(*removed.result);
    }

    void firstLoadCreatesTheKeyInTheKeychain()
    {
        Outcome outcome;
        QVERIFY(run(Op::Load, m_options, outcome));
        QCOMPARE(outcome.calls, 1);
        QVERIFY(*outcome.result);
        const DataKey &key = **outcome.result;
        QCOMPARE(key.source, DataKeySource::Keychain);
        QVERIFY(key.created);
        QCOMPARE(key.key.size(), rd::secrets::Sealer::kKeyBytes);
        QVERIFY(key.warning.isEmpty());
        QVERIFY(!QFileInfo::exists(m_options.keyFilePath));
        m_firstKey = key.key.expose().toByteArray();
    }

    void laterLoadsReadTheSameKey_data()
    {
        QTest::addColumn<bool>("recorded");
        QTest::newRow("recorded as keychain") << true;
        QTest::newRow("nothing recorded") << false;
    }
    void laterLoadsReadTheSameKey()
    {
        QFETCH(bool, recorded);
        QVERIFY(!m_firstKey.isEmpty());
        DataKeyProvider::Options options = m_options;
        if (recorded) {
            options.recordedSource = DataKeySource::Keychain;
        }
        Outcome outcome;
        QVERIFY(run(Op::Load, options, outcome));
        QVERIFY(*outcome.result);
        QCOMPARE((*outcome.result)->source, DataKeySource::Keychain);
        QVERIFY(!(*outcome.result)->created);
        QVERIFY((*outcome.result)->key.equals(m_firstKey));
        QVERIFY(!QFileInfo::exists(m_options.keyFilePath));
    }

    void removedKeyIsNeverSilentlyReplaced()
    {
        Outcome removed;
        QVERIFY(run(Op::Remove, m_options, removed));
        QVERIFY(*removed.result);

        DataKeyProvider::Options options = m_options;
        options.recordedSource = DataKeySource::Keychain;
        Outcome outcome;
        QVERIFY(run(Op::Load, options, outcome));
        QVERIFY(!*outcome.result);
        QCOMPARE(outcome.result->error().code, ErrorCode::KeychainUnavailable);
        QVERIFY(outcome.result->error().detail.contains(u"not found in keychain"_s));
        QVERIFY(!QFileInfo::exists(m_options.keyFilePath));

        // And no new entry was written: a first-run load now creates a different key.
        Outcome fresh;
        QVERIFY(run(Op::Load, m_options, fresh));
        QVERIFY(*fresh.result);
        QVERIFY((*fresh.result)->created);
        QVERIFY(!(*fresh.result)->key.equals(m_firstKey));
    }

private:
    QTemporaryDir m_dir;
    DataKeyProvider::Options m_options;
    QByteArray m_firstKey;
    bool m_active = false;
};

QTEST_GUILESS_MAIN(TestDataKeyKeychain)
#include "tst_datakeykeychain.moc"
