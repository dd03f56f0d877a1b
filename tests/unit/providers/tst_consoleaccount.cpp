// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/providers/console/consoleaccount.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::providers::ConsoleAccount;

Q_DECLARE_METATYPE(rd::ErrorCode)
Q_DECLARE_METATYPE(QNetworkProxy::ProxyType)

namespace {
rd::store::AccountRecord record(const QString &baseUrl, const QString &mapping = {}, const QString &proxy = {})
{
    rd::store::AccountRecord r;
    r.id = u"acc_0123456789abcdef"_s;
    r.type = u"claude-console"_s;
    r.name = u"Console"_s;
    r.baseUrl = baseUrl;
    r.modelMapping = mapping;
    r.proxyUrl = proxy;
    return r;
}

ConsoleAccount account(const QString &baseUrl, const QString &mapping = {})
{
    auto a = rd::providers::consoleAccountFromRecord(record(baseUrl, mapping), nullptr);
    return a ? std::move(*a) : ConsoleAccount{};
}

// A self-signed test CA (no private key anywhere in the repository).
const QString kCaPem = u"-----BEGIN CERTIFICATE-----\n"
                       "MIIBjzCCATWgAwIBAgIUOtMKI1RP5cWd10rrqqGLgSEtw1MwCgYIKoZIzj0EAwIw\n"
                       "HDEaMBgGA1UEAwwRUmVsYXlEZXNrIFRlc3QgQ0EwIBcNMjYxMTI4MTQzNDM0WhgP\n"
                       "MjEyNjExMDQxNDM0MzRaMBwxGjAYBgNVBAMMEVJlbGF5RGVzayBUZXN0IENBMFkw\n"
                       "EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEiu6zMclomQwe4IfWu6nf2HezsJUCFV5U\n"
                       "WcugTPxrrcLkDMi4M5T5XjRt4TtiZ6gMvPOUColNCw1yQ56jK7hVwaNTMFEwHQYD\n"
                       "VR0OBBYEFNgGwQQUX3Kee/oNMhz8q5V2dksIMB8GA1UdIwQYMBaAFNgGwQQUX3Ke\n"
                       "e/oNMhz8q5V2dksIMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIg\n"
                       "fFqOyjJ8rjFGCwwZ+gY+khLueHZZ8o01vN1lQYGChWsCIQCLVRZHIp7e6N147ceX\n"
                       "LMy+2MvNYlvGG77oNnLcAauJgA==\n"
                       "-----END CERTIFICATE-----\n"_s;
} // namespace

class TestConsoleAccount : public QObject
{
    Q_OBJECT
private slots:
    void mapsModelsExactThenCaseInsensitive_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<QByteArray>("mapped");
        QTest::addColumn<bool>("served");
        QTest::newRow("exact") << "claude-sonnet-4-5"_ba
                               << "claude-sonnet-4-5-20250929"_ba << true;
        QTest::newRow("other case") << "Claude-Sonnet-4-5"_ba
                                    << "claude-sonnet-4-5-20250929"_ba << true;
        QTest::newRow("mixed-case key, lower asked") << "my-opus"_ba
                                                     << "claude-opus-4-1"_ba << true;
        QTest::newRow("exact beats case-insensitive (upper)") << "HAIKU"_ba
                                                              << "upper"_ba << true;
        QTest::newRow("exact beats case-insensitive (lower)") << "haiku"_ba
                                                              << "lower"_ba << true;
        QTest::newRow("unmapped") << "claude-3-haiku"_ba
                                  << "claude-3-haiku"_ba << false;
    }
    void mapsModelsExactThenCaseInsensitive()
    {
        QFETCH(QByteArray, model);
        QFETCH(QByteArray, mapped);
        QFETCH(bool, served);
        const ConsoleAccount a = account(
            u"https://api.anthropic.com"_s,
            uR"({"claude-sonnet-4-5":"claude-sonnet-4-5-20250929","My-Opus":"claude-opus-4-1","HAIKU":"upper","haiku":"lower"})"_s);
        QCOMPARE(a.modelMap.size(), 4);
        QCOMPARE(a.mapModel(model), mapped);
        QCOMPARE(a.servesModel(model), served);
    }

    void servesEveryModelWithoutAMapping()
    {
        const ConsoleAccount a = account(u"https://api.anthropic.com"_s);
        QVERIFY(a.modelMap.isEmpty());
        QVERIFY(a.servesModel("claude-anything"));
        QCOMPARE(a.mapModel("Claude-Anything"), "Claude-Anything"_ba);
    }

    void buildsUpstreamPathFromBaseUrl_data()
    {
        QTest::addColumn<QString>("baseUrl");
        QTest::addColumn<QByteArray>("messages");
        QTest::addColumn<QByteArray>("countTokens");
        QTest::newRow("host only") << u"https://api.anthropic.com"_s << "/v1/messages"_ba
                                   << "/v1/messages/count_tokens"_ba;
        QTest::newRow("host, slash") << u"https://api.anthropic.com/"_s << "/v1/messages"_ba
                                     << "/v1/messages/count_tokens"_ba;
        QTest::newRow("path, slash") << u"https://x.example/anthropic/"_s << "/anthropic/v1/messages"_ba
                                     << "/anthropic/v1/messages/count_tokens"_ba;
        QTest::newRow("ends with endpoint") << u"https://x.example/v1/messages"_s << "/v1/messages"_ba
                                            << "/v1/messages/count_tokens"_ba;
        QTest::newRow("path ending with endpoint, slash")
            << u"https://x.example/relay/v1/messages/"_s << "/relay/v1/messages"_ba
            << "/relay/v1/messages/count_tokens"_ba;
    }
    void buildsUpstreamPathFromBaseUrl()
    {
        QFETCH(QString, baseUrl);
        QFETCH(QByteArray, messages);
        QFETCH(QByteArray, countTokens);
        const ConsoleAccount a = account(baseUrl);
        QVERIFY(!a.id.isEmpty());
        QCOMPARE(a.endpoint.host, QUrl(baseUrl).host());
        QCOMPARE(a.upstreamPath("/v1/messages"), messages);
        QCOMPARE(a.upstreamPath("/v1/messages/count_tokens"), countTokens);
    }

    void roundTripsCredentials_data()
    {
        QTest::addColumn<QByteArray>("apiKey");
        QTest::addColumn<QByteArray>("proxyPassword");
        QTest::newRow("key and password") << "sk-ant-api03-abc"_ba
                                          << "p@ss word"_ba;
        QTest::newRow("no proxy password") << "sk-ant-api03-abc"_ba << QByteArray();
        QTest::newRow("utf-8") << "key-\xc3\xa9"_ba
                               << "\xe2\x82\xac"_ba;
    }
    void roundTripsCredentials()
    {
        QFETCH(QByteArray, apiKey);
        QFETCH(QByteArray, proxyPassword);
        const auto plain = rd::providers::encodeCredentials(apiKey, proxyPassword);
        QVERIFY(plain.has_value());
        QCOMPARE(plain->expose().toByteArray(), "rdc1\n" + apiKey + "\n" + proxyPassword);
        const auto creds = rd::providers::decodeCredentials(*plain);
        QVERIFY(creds.has_value());
        QVERIFY(creds->apiKey.equals(apiKey));
        QCOMPARE(creds->apiKey.size(), apiKey.size());
        QVERIFY(creds->proxyPassword.equals(proxyPassword));
        QCOMPARE(creds->proxyPassword.size(), proxyPassword.size());
    }

    void refusesCredentialsThatCannotBeFramed_data()
    {
        QTest::addColumn<QByteArray>("apiKey");
        QTest::addColumn<QByteArray>("proxyPassword");
        QTest::newRow("empty key") << QByteArray() << "pw"_ba;
        QTest::newRow("newline in key") << "sk-ant\n-x"_ba << QByteArray();
        QTest::newRow("carriage return in key") << "sk-ant\r-x"_ba << QByteArray();
        QTest::newRow("NUL in key") << QByteArray("sk-ant\0-x", 9) << QByteArray();
        QTest::newRow("newline in password") << "sk-ant-x"_ba
                                             << "a\nb"_ba;
        QTest::newRow("NUL in password") << "sk-ant-x"_ba << QByteArray("a\0b", 3);
    }
    void refusesCredentialsThatCannotBeFramed()
    {
        QFETCH(QByteArray, apiKey);
        QFETCH(QByteArray, proxyPassword);
        const auto plain = rd::providers::encodeCredentials(apiKey, proxyPassword);
        QVERIFY(!plain.has_value());
        QCOMPARE(plain.error().code, rd::ErrorCode::InvalidArgument);
        QVERIFY(!plain.error().detail.contains(QString::fromUtf8(apiKey)) || apiKey.isEmpty());
    }

    void refusesUnknownCredentialFormats_data()
    {
        QTest::addColumn<QByteArray>("plain");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("other version") << "rdc2\nkey\npw"_ba;
        QTest::newRow("json") << R"({"apiKey":"k"})"_ba;
        QTest::newRow("truncated") << "rdc1\nkey-without-separator"_ba;
    }
    void refusesUnknownCredentialFormats()
    {
        QFETCH(QByteArray, plain);
        const auto creds = rd::providers::decodeCredentials(rd::SecretBytes(QByteArray(plain)));
        QVERIFY(!creds.has_value());
        QCOMPARE(creds.error().code, rd::ErrorCode::CryptoFailure);
    }

    void validatesBaseUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ok");
        QTest::newRow("https") << u"https://api.anthropic.com"_s << true;
        QTest::newRow("http with port and path") << u"http://127.0.0.1:8080/anthropic"_s << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("no scheme") << u"api.anthropic.com"_s << false;
        QTest::newRow("ftp") << u"ftp://x.example"_s << false;
        QTest::newRow("no host") << u"https://"_s << false;
        QTest::newRow("credentials") << u"https://user:secret@x.example"_s << false;
        QTest::newRow("user only") << u"https://user@x.example"_s << false;
    }
    void validatesBaseUrls()
    {
        QFETCH(QString, url);
        QFETCH(bool, ok);
        const auto r = rd::providers::validateBaseUrl(url);
        QCOMPARE(r.has_value(), ok);
        if (!ok) {
            QCOMPARE(r.error().code, rd::ErrorCode::InvalidArgument);
            QVERIFY(!r.error().detail.contains(u"secret"_s));
        }
    }

    void validatesProxyUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ok");
        QTest::newRow("none") << QString() << true;
        QTest::newRow("socks5") << u"socks5://127.0.0.1:1080"_s << true;
        QTest::newRow("socks5 with user") << u"socks5://alice@proxy.example:1080"_s << true;
        QTest::newRow("http") << u"http://proxy.example:3128"_s << true;
        QTest::newRow("password in url") << u"socks5://alice:secret@proxy.example:1080"_s << false;
        QTest::newRow("http password in url") << u"http://alice:secret@proxy.example:3128"_s << false;
        QTest::newRow("missing port") << u"http://proxy.example"_s << false;
        QTest::newRow("port zero") << u"socks5://proxy.example:0"_s << false;
        QTest::newRow("ftp") << u"ftp://proxy.example:21"_s << false;
        QTest::newRow("https proxy") << u"https://proxy.example:443"_s << false;
        QTest::newRow("no host") << u"socks5://:1080"_s << false;
    }
    void validatesProxyUrls()
    {
        QFETCH(QString, url);
        QFETCH(bool, ok);
        const auto r = rd::providers::validateProxyUrl(url);
        QCOMPARE(r.has_value(), ok);
        if (!ok) {
            QCOMPARE(r.error().code, rd::ErrorCode::InvalidArgument);
            QVERIFY(!r.error().detail.contains(u"secret"_s));
        }
    }

    void parsesModelMappings_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("size");
        QTest::newRow("empty text") << QString() << true << 0;
        QTest::newRow("blank text") << u"  \n"_s << true << 0;
        QTest::newRow("empty object") << u"{}"_s << true << 0;
        QTest::newRow("two entries") << uR"({"a":"b","c":"d"})"_s << true << 2;
        QTest::newRow("bad json") << uR"({"a":)"_s << false << 0;
        QTest::newRow("array") << uR"(["a","b"])"_s << false << 0;
        QTest::newRow("number value") << uR"({"a":1})"_s << false << 0;
        QTest::newRow("object value") << uR"({"a":{"b":"c"}})"_s << false << 0;
        QTest::newRow("empty value") << uR"({"a":""})"_s << false << 0;
        QTest::newRow("empty key") << uR"({"":"b"})"_s << false << 0;
    }
    void parsesModelMappings()
    {
        QFETCH(QString, json);
        QFETCH(bool, ok);
        QFETCH(int, size);
        const auto map = rd::providers::parseModelMapping(json);
        QCOMPARE(map.has_value(), ok);
        if (ok) {
            QCOMPARE(map->size(), size);
        } else {
            QCOMPARE(map.error().code, rd::ErrorCode::InvalidArgument);
        }
    }

    void picksTheCredentialHeader_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("console key") << "sk-ant-api03-abc"_ba
                                     << "x-api-key"_ba
                                     << "sk-ant-api03-abc"_ba;
        QTest::newRow("other key") << "or-token-1"_ba
                                   << "authorization"_ba
                                   << "Bearer or-token-1"_ba;
        QTest::newRow("prefix is case-sensitive") << "SK-ANT-x"_ba
                                                  << "authorization"_ba
                                                  << "Bearer SK-ANT-x"_ba;
    }
    void picksTheCredentialHeader()
    {
        QFETCH(QByteArray, key);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        const rd::http::Header h = rd::providers::credentialHeader(rd::SecretBytes(QByteArray(key)));
        QCOMPARE(h.first, name);
        QCOMPARE(h.second, value);
    }

    void fillsEndpointFromRecord_data()
    {
        QTest::addColumn<QString>("baseUrl");
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QByteArray>("basePath");
        QTest::newRow("https default port")
            << u"https://api.anthropic.com"_s << true << u"api.anthropic.com"_s << 443 << QByteArray();
        QTest::newRow("http default port")
            << u"http://10.0.0.2/anthropic/"_s << false << u"10.0.0.2"_s << 80 << "/anthropic"_ba;
        QTest::newRow("explicit port") << u"https://x.example:8443/a/b"_s << true << u"x.example"_s << 8443
                                       << "/a/b"_ba;
    }
    void fillsEndpointFromRecord()
    {
        QFETCH(QString, baseUrl);
        QFETCH(bool, tls);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QByteArray, basePath);
        const auto a = rd::providers::consoleAccountFromRecord(record(baseUrl), nullptr);
        QVERIFY(a.has_value());
        QCOMPARE(a->endpoint.tls, tls);
        QCOMPARE(a->endpoint.host, host);
        QCOMPARE(int(a->endpoint.port), port);
        QCOMPARE(a->basePath, basePath);
        QCOMPARE(a->endpoint.proxy.type(), QNetworkProxy::NoProxy);
        QVERIFY(a->endpoint.extraCaCertificates.isEmpty());
    }

    void copiesRecordFieldsAndKeepsState()
    {
        rd::store::AccountRecord r = record(u"https://api.anthropic.com"_s, uR"({"A":"b"})"_s);
        r.userAgent = u"custom/1.0"_s;
        r.priority = 7;
        r.schedulable = false;
        r.enabled = true;
        r.sealedCredentials = "sealed-bytes"_ba;
        r.createdAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'123, Qt::UTC);
        auto state = std::make_shared<rd::providers::AccountState>();
        const auto a = rd::providers::consoleAccountFromRecord(r, state);
        QVERIFY(a.has_value());
        QCOMPARE(a->id, r.id);
        QCOMPARE(a->name, r.name);
        QCOMPARE(a->userAgent, "custom/1.0"_ba);
        QCOMPARE(a->priority, 7);
        QVERIFY(!a->schedulable);
        QVERIFY(!a->isUsable());
        QCOMPARE(a->createdAtMs, qint64(1'700'000'000'123));
        QCOMPARE(a->sealedCredentials, "sealed-bytes"_ba);
        QCOMPARE(a->state.get(), state.get()); // reused across reloads
        QCOMPARE(a->modelMapLower.value("a"), "b"_ba);

        const auto fresh = rd::providers::consoleAccountFromRecord(r, nullptr);
        QVERIFY(fresh.has_value());
        QVERIFY(fresh->state);
        QVERIFY(fresh->state.get() != state.get());
    }

    void takesProxyTypeAndUserFromRecord_data()
    {
        QTest::addColumn<QString>("proxy");
        QTest::addColumn<QNetworkProxy::ProxyType>("type");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("user");
        QTest::newRow("socks5 with user")
            << u"socks5://alice@127.0.0.1:1080"_s << QNetworkProxy::Socks5Proxy << u"127.0.0.1"_s << 1080 << u"alice"_s;
        QTest::newRow("http") << u"http://proxy.example:3128"_s << QNetworkProxy::HttpProxy << u"proxy.example"_s
                              << 3128 << QString();
    }
    void takesProxyTypeAndUserFromRecord()
    {
        QFETCH(QString, proxy);
        QFETCH(QNetworkProxy::ProxyType, type);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, user);
        const auto a = rd::providers::consoleAccountFromRecord(record(u"https://api.anthropic.com"_s, {}, proxy), {});
        QVERIFY(a.has_value());
        QCOMPARE(a->endpoint.proxy.type(), type);
        QCOMPARE(a->endpoint.proxy.hostName(), host);
        QCOMPARE(int(a->endpoint.proxy.port()), port);
        QCOMPARE(a->endpoint.proxy.user(), user);
        QVERIFY(a->endpoint.proxy.password().isEmpty());
    }

    void acceptsAValidCaCertificate()
    {
        rd::store::AccountRecord r = record(u"https://x.example"_s);
        r.caCertPem = kCaPem;
        const auto a = rd::providers::consoleAccountFromRecord(r, nullptr);
        QVERIFY(a.has_value());
        QCOMPARE(a->endpoint.extraCaCertificates.size(), 1);
        QCOMPARE(a->endpoint.extraCaCertificates.first().subjectInfo(QSslCertificate::CommonName),
                 QStringList{u"RelayDesk Test CA"_s});
    }

    void refusesUnusableRecords_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("baseUrl");
        QTest::addColumn<QString>("mapping");
        QTest::addColumn<QString>("proxy");
        QTest::addColumn<QString>("caPem");
        QTest::addColumn<rd::ErrorCode>("code");
        const QString ok = u"https://api.anthropic.com"_s;
        QTest::newRow("wrong type") << u"gemini-api"_s << ok << QString() << QString() << QString()
                                    << rd::ErrorCode::InvalidConfig;
        QTest::newRow("bad base url") << u"claude-console"_s << u"ftp://x"_s << QString() << QString() << QString()
                                      << rd::ErrorCode::InvalidArgument;
        QTest::newRow("bad proxy") << u"claude-console"_s << ok << QString() << u"socks5://a:b@h:1"_s << QString()
                                   << rd::ErrorCode::InvalidArgument;
        QTest::newRow("bad mapping") << u"claude-console"_s << ok << u"[1]"_s << QString() << QString()
                                     << rd::ErrorCode::InvalidArgument;
        QTest::newRow("bad CA PEM") << u"claude-console"_s << ok << QString() << QString()
                                    << u"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"_s
                                    << rd::ErrorCode::InvalidConfig;
        QTest::newRow("CA not PEM at all")
            << u"claude-console"_s << ok << QString() << QString() << u"hello"_s << rd::ErrorCode::InvalidConfig;
    }
    void refusesUnusableRecords()
    {
        QFETCH(QString, type);
        QFETCH(QString, baseUrl);
        QFETCH(QString, mapping);
        QFETCH(QString, proxy);
        QFETCH(QString, caPem);
        QFETCH(rd::ErrorCode, code);
        rd::store::AccountRecord r = record(baseUrl, mapping, proxy);
        r.type = type;
        r.caCertPem = caPem;
        const auto a = rd::providers::consoleAccountFromRecord(r, nullptr);
        QVERIFY(!a.has_value());
        QCOMPARE(a.error().code, code);
    }
};

QTEST_GUILESS_MAIN(TestConsoleAccount)
#include "tst_consoleaccount.moc"
