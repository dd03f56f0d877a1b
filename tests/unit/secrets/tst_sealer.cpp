// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/secrets/sealer.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::ErrorCode;
using rd::Result;
using rd::SecretBytes;
using rd::secrets::Sealer;

namespace {

constexpr qsizetype kHeaderBytes = 4 + 12; // "RDS1" | nonce
constexpr qsizetype kTagBytes = 16;

SecretBytes fixedKey(char fill)
{
    return SecretBytes(QByteArray(Sealer::kKeyBytes, fill));
}

} // namespace

class TestSealer : public QObject
{
    Q_OBJECT
private slots:
    void roundTrips_data()
    {
        QTest::addColumn<QByteArray>("plain");
        QTest::addColumn<QByteArray>("aad");
        QTest::newRow("api key") << "sk-ant-api03-secret-value"_ba
                                 << "account:42"_ba;
        QTest::newRow("empty plaintext") << QByteArray() << "account:7"_ba;
        QTest::newRow("empty aad") << "token"_ba << QByteArray();
        QTest::newRow("binary, 4 KiB") << QByteArray(4096, '\xa5') << "account:1"_ba;
    }
    void roundTrips()
    {
        QFETCH(QByteArray, plain);
        QFETCH(QByteArray, aad);
        const Sealer sealer(Sealer::generateKey());
        const Result<QByteArray> sealed = sealer.seal(plain, aad);
        QVERIFY(sealed);
        QCOMPARE(sealed->size(), kHeaderBytes + plain.size() + kTagBytes);
        QVERIFY(sealed->startsWith("RDS1"));
        if (plain.size() >= 8) {
            QVERIFY(!sealed->contains(plain)); // not stored in the clear
        }
        const Result<SecretBytes> opened = sealer.unseal(*sealed, aad);
        QVERIFY(opened);
        QVERIFY(opened->equals(plain));
    }

    void eachSealUsesAFreshNonce()
    {
        const Sealer sealer(Sealer::generateKey());
        const Result<QByteArray> first = sealer.seal("same value", "aad");
        const Result<QByteArray> second = sealer.seal("same value", "aad");
        QVERIFY(first && second);
        QVERIFY(*first != *second);
        QVERIFY(first->mid(4, 12) != second->mid(4, 12));
    }

    void rejectsAnythingButTheOriginal_data()
    {
        QTest::addColumn<int>("flipAt");     // byte to flip, counted from the start (>= 0) or the end (< 0); none: 1000
        QTest::addColumn<int>("keepBytes");  // truncate to this many bytes; -1 keeps all
        QTest::addColumn<QByteArray>("aad"); // the AAD given to unseal
        QTest::addColumn<bool>("otherKey");  // unseal with a different key
        QTest::addColumn<QByteArray>("replaceMagic");
        QTest::newRow("flipped ciphertext byte")
            << static_cast<int>(kHeaderBytes + 2) << -1 << "account:1"_ba << false << QByteArray();
        QTest::newRow("flipped nonce byte") << 5 << -1 << "account:1"_ba << false << QByteArray();
        QTest::newRow("flipped tag byte") << -1 << -1 << "account:1"_ba << false << QByteArray();
        QTest::newRow("wrong aad") << 1000 << -1 << "account:2"_ba << false << QByteArray();
        QTest::newRow("empty aad") << 1000 << -1 << QByteArray() << false << QByteArray();
        QTest::newRow("truncated tag") << 1000 << static_cast<int>(kHeaderBytes + 20 + 10) << "account:1"_ba << false
                                       << QByteArray();
        QTest::newRow("shorter than header and tag")
            << 1000 << static_cast<int>(kHeaderBytes + kTagBytes - 1) << "account:1"_ba << false << QByteArray();
        QTest::newRow("empty input") << 1000 << 0 << "account:1"_ba << false << QByteArray();
        QTest::newRow("wrong magic") << 1000 << -1 << "account:1"_ba << false << "RDS2"_ba;
        QTest::newRow("wrong key") << 1000 << -1 << "account:1"_ba << true << QByteArray();
    }
    void rejectsAnythingButTheOriginal()
    {
        QFETCH(int, flipAt);
        QFETCH(int, keepBytes);
        QFETCH(QByteArray, aad);
        QFETCH(bool, otherKey);
        QFETCH(QByteArray, replaceMagic);
        const QByteArray plain = "twenty bytes secret!"_ba;
        const Sealer sealer(fixedKey('k'));
        Result<QByteArray> sealed = sealer.seal(plain, "account:1");
        QVERIFY(sealed);
        QByteArray tampered = *sealed;
        if (flipAt != 1000) {
            const qsizetype index = flipAt >= 0 ? flipAt : tampered.size() + flipAt;
            tampered[index] = static_cast<char>(tampered.at(index) ^ 0x01);
        }
        if (keepBytes >= 0) {
            tampered.truncate(keepBytes);
        }
        if (!replaceMagic.isEmpty()) {
            tampered.replace(0, 4, replaceMagic);
        }
        const Sealer other(fixedKey('x'));
        const Result<SecretBytes> opened = (otherKey ? other : sealer).unseal(tampered, aad);
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, ErrorCode::CryptoFailure);
        QVERIFY(!opened.error().detail.isEmpty());
        QVERIFY(!opened.error().detail.contains(QString::fromLatin1(plain)));
    }

    void generatesDistinct32ByteKeys()
    {
        const SecretBytes a = Sealer::generateKey();
        const SecretBytes b = Sealer::generateKey();
        QCOMPARE(a.size(), Sealer::kKeyBytes);
        QCOMPARE(b.size(), Sealer::kKeyBytes);
        QVERIFY(!a.equals(b.expose()));
    }

    void keyCheckTellsRightKeyFromWrong()
    {
        const Sealer right(fixedKey('r'));
        const Sealer wrong(fixedKey('w'));
        const Result<QByteArray> check = right.makeKeyCheck();
        QVERIFY(check);
        QVERIFY(right.verifyKeyCheck(*check));
        QVERIFY(!wrong.verifyKeyCheck(*check));
        QVERIFY(!right.verifyKeyCheck(QByteArray()));
        // A value sealed with another AAD is no key check, even under the right key.
        const Result<QByteArray> other = right.seal("anything", "account:1");
        QVERIFY(other);
        QVERIFY(!right.verifyKeyCheck(*other));
    }
};

QTEST_GUILESS_MAIN(TestSealer)
#include "tst_sealer.moc"
