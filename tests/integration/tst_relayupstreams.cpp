// SPDX-License-Identifier: GPL-3.0-or-later
// Per-account transport options: TLS upstreams (system store + the account's extra CA), SOCKS5 and HTTP CONNECT
// proxies with credentials, and the User-Agent override.
#include "tests/support/mockproxy.h"
#include "tests/support/mockupstream.h"
#include "tests/support/relayclient.h"
#include "tests/support/relayharness.h"

#include <QTest>

using namespace Qt::StringLiterals;
using rd::test::MockProxy;
using rd::test::MockUpstream;
using rd::test::RelayClient;

namespace {
const QByteArray kStreamBody = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":16,\"stream\":true,"
                               "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
} // namespace

class TestRelayUpstreams : public QObject
{
    Q_OBJECT
private:
    static RelayClient::Response call(quint16 port, const QByteArray &key, const rd::http::HeaderList &extra = {})
    {
        rd::http::HeaderList headers = RelayClient::anthropicHeaders(key);
        headers.append(extra);
        return RelayClient::roundTrip(port, RelayClient::post("/api/v1/messages", kStreamBody, headers));
    }

private slots:
    void tlsUpstreamNeedsTheAccountsCa()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen(true));
        QVERIFY(upstream.baseUrl().startsWith(u"https://"_s));
        rd::test::RelayHarness relay;
        const QByteArray key = relay.addKey(u"k"_s);
        rd::test::RelayHarness::AccountOptions untrusted;
        untrusted.baseUrl = upstream.baseUrl();
        untrusted.priority = 1;
        relay.config().workerThreads = 1; // one worker, one upstream pool
        const QString untrustedId = relay.addAccount(untrusted);
        QVERIFY(!untrustedId.isEmpty());
        QVERIFY(relay.start());
        // A self-signed upstream is refused: TLS errors are never ignored.
        QCOMPARE(call(relay.port(), key).status, 502);
        QCOMPARE(upstream.requestCount(), 0);

        QVERIFY(relay.db().setAccountEnabled(untrustedId, false).has_value());
        rd::test::RelayHarness::AccountOptions trusted = untrusted;
        trusted.caPem = QString::fromLatin1(upstream.caCertificatePem());
        QVERIFY(!relay.addAccount(trusted).isEmpty());
        QVERIFY(relay.waitForRevision());
        const RelayClient::Response r = call(relay.port(), key);
        QCOMPARE(r.status, 200);
        QVERIFY(r.complete);
        QVERIFY(r.body.contains("message_stop"));
        QCOMPARE(upstream.requestCount(), 1);
        const int connections = upstream.connectionsAccepted();
        QCOMPARE(call(relay.port(), key).status, 200);
        QCOMPARE(upstream.connectionsAccepted(), connections); // the worker's TLS connection is kept alive and reused
    }

    void socks5ProxyWithCredentials()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        MockProxy proxy(MockProxy::Kind::Socks5);
        proxy.requireCredentials("alice", "s3cret-proxy-pw");
        QVERIFY(proxy.listen());
        rd::test::RelayHarness relay;
        const QByteArray key = relay.addKey(u"k"_s);
        rd::test::RelayHarness::AccountOptions a;
        a.baseUrl = upstream.baseUrl();
        a.proxyUrl = u"socks5://alice@127.0.0.1:%1"_s.arg(proxy.port());
        a.proxyPassword = "s3cret-proxy-pw";
        QVERIFY(!relay.addAccount(a).isEmpty());
        QVERIFY(relay.start());
        const RelayClient::Response r = call(relay.port(), key);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("message_stop"));
        QCOMPARE(proxy.tunnelsOpened(), 1);
        QCOMPARE(proxy.authFailures(), 0);
        QCOMPARE(proxy.targets().first(), u"127.0.0.1:%1"_s.arg(upstream.port()).toLatin1());
        QCOMPARE(upstream.requestCount(), 1);
    }

    void socks5ProxyWithWrongPasswordIs502()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen());
        MockProxy proxy(MockProxy::Kind::Socks5);
        proxy.requireCredentials("alice", "right");
        QVERIFY(proxy.listen());
        rd::test::RelayHarness relay;
        const QByteArray key = relay.addKey(u"k"_s);
        rd::test::RelayHarness::AccountOptions a;
        a.baseUrl = upstream.baseUrl();
        a.proxyUrl = u"socks5://alice@127.0.0.1:%1"_s.arg(proxy.port());
        a.proxyPassword = "wrong";
        QVERIFY(!relay.addAccount(a).isEmpty());
        QVERIFY(relay.start());
        QCOMPARE(call(relay.port(), key).status, 502);
        QVERIFY(proxy.authFailures() >= 1);
        QCOMPARE(upstream.requestCount(), 0);
    }

    void httpConnectProxyToTlsUpstream()
    {
        MockUpstream upstream;
        QVERIFY(upstream.listen(true));
        MockProxy proxy(MockProxy::Kind::HttpConnect);
        proxy.requireCredentials("bob", "pw-for-connect");
        QVERIFY(proxy.listen());
        rd::test::RelayHarness relay;
        const QByteArray key = relay.addKey(u"k"_s);
        rd::test::RelayHarness::AccountOptions a;
        a.baseUrl = upstream.baseUrl();
        a.caPem = QString::fromLatin1(upstream.caCertificatePem());
        a.proxyUrl = u"http://bob@127.0.0.1:%1"_s.arg(proxy.port());
        a.proxyPassword = "pw-for-connect";
        a.userAgent = u"relaydesk-test-agent/1.0"_s;
        QVERIFY(!relay.addAccount(a).isEmpty());
        QVERIFY(relay.start());
        const RelayClient::Response r = call(relay.port(), key, {{"user-agent", "claude-cli/2.1.332 (external, cli)"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(proxy.tunnelsOpened(), 1);
        QCOMPARE(upstream.requestCount(), 1);
        QCOMPARE(upstream.requests().first().header("user-agent"), "relaydesk-test-agent/1.0"_ba);
        QCOMPARE(call(relay.port(), key).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestRelayUpstreams)
#include "tst_relayupstreams.moc"
