// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/auth/apikeys.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using rd::http::HeaderList;

class TestApiKeys : public QObject
{
    Q_OBJECT
private slots:
    void keyPolicyChecks()
    {
        rd::auth::KeyEntry k;
        QVERIFY(!k.isExpired(1'000));
        QVERIFY(k.mayUseService("claude"));
        QVERIFY(k.mayUseModel("claude-opus-4-1"));
        k.expiresAtMs = 1'000;
        QVERIFY(!k.isExpired(999));
        QVERIFY(k.isExpired(1'000));
        k.permissions = rd::auth::splitList(u" Claude , gemini,,"_s);
        QCOMPARE(k.permissions, (QList<QByteArray>{"claude", "gemini"}));
        QVERIFY(k.mayUseService("claude"));
        QVERIFY(!k.mayUseService("openai"));
        k.deniedModels = rd::auth::splitList(u"claude-opus-4-1"_s);
        QVERIFY(!k.mayUseModel("Claude-Opus-4-1"));
        QVERIFY(!k.mayUseModel("ccr,claude-opus-4-1"));
        QVERIFY(k.mayUseModel("claude-sonnet-4-5"));
        k.allowedModels = rd::auth::splitList(u"claude-haiku-4-5"_s);
        QVERIFY(k.mayUseModel("claude-haiku-4-5"));
        QVERIFY(!k.mayUseModel("claude-sonnet-4-5"));
    }

    void generatesCrPrefixedLowercaseHexKeys()
    {
        const QByteArray a = rd::auth::generateKey();
        const QByteArray b = rd::auth::generateKey();
        static const QRegularExpression format(u"^cr_[0-9a-f]{64}$"_s);
        QCOMPARE(a.size(), 67);
        QVERIFY2(format.match(QString::fromLatin1(a)).hasMatch(), a.constData());
        QVERIFY2(format.match(QString::fromLatin1(b)).hasMatch(), b.constData());
        QVERIFY(a != b);
    }

    void hashesWithSha256Hex_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QByteArray>("hash");
        QTest::newRow("abc") << "abc"_ba
                             << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"_ba;
        QTest::newRow("empty") << QByteArray() << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"_ba;
        QTest::newRow("two blocks") << "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"_ba
                                    << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"_ba;
    }
    void hashesWithSha256Hex()
    {
        QFETCH(QByteArray, key);
        QFETCH(QByteArray, hash);
        QCOMPARE(rd::auth::hashKey(key), hash);
    }

    void logIdIsTheFirstEightHashChars()
    {
        const QByteArray hash = rd::auth::hashKey("abc");
        QCOMPARE(rd::auth::logId(hash), "ba7816bf"_ba);
        QCOMPARE(rd::auth::logId("abc"), "abc"_ba); // shorter input: all of it
    }

    void findsKeyWhereverClientsPutIt_data()
    {
        QTest::addColumn<HeaderList>("headers");
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("nothing") << HeaderList{} << QByteArray() << QByteArray();
        QTest::newRow("x-api-key") << HeaderList{{"x-api-key", "cr_one"}} << QByteArray() << "cr_one"_ba;
        QTest::newRow("X-Api-Key any case") << HeaderList{{"X-API-KEY", "cr_one"}} << QByteArray() << "cr_one"_ba;
        QTest::newRow("x-goog-api-key") << HeaderList{{"x-goog-api-key", "cr_goog"}} << QByteArray() << "cr_goog"_ba;
        QTest::newRow("bearer") << HeaderList{{"Authorization", "Bearer cr_one"}} << QByteArray() << "cr_one"_ba;
        QTest::newRow("bearer lower case")
            << HeaderList{{"authorization", "bearer cr_one"}} << QByteArray() << "cr_one"_ba;
        QTest::newRow("BEARER upper case")
            << HeaderList{{"authorization", "BEARER cr_one"}} << QByteArray() << "cr_one"_ba;
        QTest::newRow("bearer extra spaces")
            << HeaderList{{"authorization", "  Bearer   cr_one  "}} << QByteArray() << "cr_one"_ba;
        QTest::newRow("bare authorization") << HeaderList{{"authorization", "cr_bare"}} << QByteArray() << "cr_bare"_ba;
        QTest::newRow("basic auth is no key")
            << HeaderList{{"authorization", "Basic eA=="}} << QByteArray() << QByteArray();
        QTest::newRow("api-key") << HeaderList{{"api-key", "cr_azure"}} << QByteArray() << "cr_azure"_ba;
        QTest::newRow("query") << HeaderList{} << "key=cr_q"_ba
                               << "cr_q"_ba;
        QTest::newRow("query percent-encoded") << HeaderList{} << "alt=sse&key=cr%5Fq%2B1"_ba
                                               << "cr_q+1"_ba;
        QTest::newRow("query middle") << HeaderList{} << "a=1&key=cr_q&b=2"_ba
                                      << "cr_q"_ba;
        QTest::newRow("query other name") << HeaderList{} << "apikey=cr_q&mykey=x"_ba << QByteArray();
        QTest::newRow("whitespace trimmed") << HeaderList{{"x-api-key", "  cr_one\t"}} << QByteArray() << "cr_one"_ba;
        // Precedence: x-api-key, x-goog-api-key, authorization, api-key, query.
        const HeaderList all{
            {"api-key", "cr_4"}, {"authorization", "Bearer cr_3"}, {"x-goog-api-key", "cr_2"}, {"x-api-key", "cr_1"}};
        QTest::newRow("x-api-key first") << all << "key=cr_5"_ba
                                         << "cr_1"_ba;
        QTest::newRow("then x-goog-api-key") << all.first(3) << "key=cr_5"_ba
                                             << "cr_2"_ba;
        QTest::newRow("then authorization") << all.first(2) << "key=cr_5"_ba
                                            << "cr_3"_ba;
        QTest::newRow("then api-key") << all.first(1) << "key=cr_5"_ba
                                      << "cr_4"_ba;
        QTest::newRow("blank header skipped")
            << HeaderList{{"x-api-key", "  "}, {"api-key", "cr_4"}} << QByteArray() << "cr_4"_ba;
    }
    void findsKeyWhereverClientsPutIt()
    {
        QFETCH(HeaderList, headers);
        QFETCH(QByteArray, query);
        QFETCH(QByteArray, expected);
        QCOMPARE(rd::auth::presentedKey(headers, query), expected);
    }

    void checksKeyLengthBeforeHashing_data()
    {
        QTest::addColumn<int>("length");
        QTest::addColumn<bool>("plausible");
        QTest::newRow("0") << 0 << false;
        QTest::newRow("9") << 9 << false;
        QTest::newRow("10") << 10 << true;
        QTest::newRow("67 (a real key)") << 67 << true;
        QTest::newRow("512") << 512 << true;
        QTest::newRow("513") << 513 << false;
    }
    void checksKeyLengthBeforeHashing()
    {
        QFETCH(int, length);
        QFETCH(bool, plausible);
        QCOMPARE(rd::auth::hasPlausibleKeyLength(QByteArray(length, 'k')), plausible);
    }

    void indexFindsKeysByHash()
    {
        rd::auth::KeyIndex index;
        const QByteArray hash = rd::auth::hashKey("cr_0123456789");
        rd::auth::KeyEntry laptop;
        laptop.id = u"key_1"_s;
        laptop.name = u"laptop"_s;
        laptop.logId = rd::auth::logId(hash);
        laptop.createdAtMs = 42;
        index.insert(hash, laptop);
        rd::auth::KeyEntry ci;
        ci.id = u"key_2"_s;
        ci.name = u"ci"_s;
        ci.enabled = false;
        index.insert(rd::auth::hashKey("cr_other"), ci);
        QCOMPARE(index.size(), 2);
        const rd::auth::KeyEntry *found = index.find(hash);
        QVERIFY(found);
        QCOMPARE(found->id, u"key_1"_s);
        QCOMPARE(found->name, u"laptop"_s);
        QCOMPARE(found->logId, hash.first(8));
        QCOMPARE(found->createdAtMs, qint64(42));
        QVERIFY(found->enabled);
        QVERIFY(!index.find(rd::auth::hashKey("cr_0123456788")));
        QVERIFY(!index.find("cr_0123456789")); // the raw key is never a lookup key
        QVERIFY(!index.find(rd::auth::hashKey("cr_other"))->enabled);
    }
};

QTEST_GUILESS_MAIN(TestApiKeys)
#include "tst_apikeys.moc"
