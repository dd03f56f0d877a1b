// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/secrets/secretbytes.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestSecretBytes : public QObject
{
    Q_OBJECT
private slots:
    void masksKeepingOnlyPrefixAndTail_data()
    {
        QTest::addColumn<QByteArray>("plain");
        QTest::addColumn<QString>("masked");
        QTest::newRow("anthropic key") << "sk-ant-api03-abcdefghijkl4f2a"_ba << u"sk-ant-…4f2a"_s;
        QTest::newRow("no dashes") << "abcdefghijklmnop"_ba << u"…mnop"_s;
        QTest::newRow("too short to show anything") << "short"_ba << u"…"_s;
    }
    void masksKeepingOnlyPrefixAndTail()
    {
        QFETCH(QByteArray, plain);
        QFETCH(QString, masked);
        const rd::SecretBytes secret{QByteArray(plain)};
        QCOMPARE(secret.masked(), masked);
    }
    void movesAndWipes()
    {
        rd::SecretBytes a{"secret-value"_ba};
        rd::SecretBytes b = std::move(a);
        QVERIFY(b.equals("secret-value"));
        QVERIFY(!b.equals("secret-valuf"));
        QVERIFY(!b.equals("secret"));
        b.wipe();
        QVERIFY(b.isEmpty());
    }
    void wipeBytesClearsOwnedBytesAndSparesSharedOnes()
    {
        QByteArray owned = "secret-value"_ba;
        owned.detach();
        rd::wipeBytes(owned);
        QVERIFY(owned.isEmpty());

        const QByteArray keep = QByteArray("secret-value", 12);
        QByteArray shared = keep;
        rd::wipeBytes(shared); // shared with `keep`: only released
        QVERIFY(shared.isEmpty());
        QCOMPARE(keep, "secret-value"_ba);
    }
};

QTEST_GUILESS_MAIN(TestSecretBytes)
#include "tst_secretbytes.moc"
