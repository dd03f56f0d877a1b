// SPDX-License-Identifier: GPL-3.0-or-later
// The updater downloads from a real loopback HTTP server (MockUpstream) and caches in a temporary folder.
#include "core/usage/pricetableupdater.h"
#include "tests/support/mockupstream.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using rd::test::MockReply;
using rd::test::MockUpstream;
using rd::usage::PriceTable;
using rd::usage::PriceTableUpdater;

namespace {

constexpr const char *kClaude = "claude-sonnet-4-5-20250929";
constexpr double kNewClaudeInput = 1.234e-5; // the built-in table says 3e-6

// A LiteLLM-format table: `models` priced entries (the first a Claude model when withClaude) and LiteLLM's unpriced
// "sample_spec" entry.
QByteArray tableJson(int models, bool withClaude, double claudeInput = kNewClaudeInput)
{
    QJsonObject root;
    root.insert(u"sample_spec"_s, QJsonObject{{u"mode"_s, u"chat"_s}});
    for (int i = 0; i < models; ++i) {
        const bool claude = withClaude && i == 0;
        root.insert(claude ? QString::fromLatin1(kClaude) : u"test-model-%1"_s.arg(i),
                    QJsonObject{{u"input_cost_per_token"_s, claude ? claudeInput : 1e-6 * (i + 1)},
                                {u"output_cost_per_token"_s, 5e-6},
                                {u"litellm_provider"_s, claude ? u"anthropic"_s : u"openai"_s}});
    }
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

MockReply answer(int status, QByteArray body)
{
    MockReply reply;
    reply.status = status;
    reply.body = std::move(body);
    return reply;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

double claudeInputPrice(const PriceTableUpdater &updater)
{
    const auto *price = updater.current()->find(kClaude);
    return price ? price->input : -1;
}

} // namespace

class TestPriceTableUpdater : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        m_upstream = std::make_unique<MockUpstream>();
        QVERIFY(m_upstream->listen());
    }
    void init()
    {
        m_upstream->clear();
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_cache = m_dir->filePath(u"pricing/model_prices.json"_s); // the folder does not exist yet
    }

    void startsFromTheBuiltInTable()
    {
        PriceTableUpdater updater(m_cache);
        QCOMPARE(updater.source(), u"built-in"_s);
        QCOMPARE(updater.current(), PriceTable::builtIn());
        QVERIFY(updater.loadedAt().isValid());
        QCOMPARE(claudeInputPrice(updater), 3e-6);
    }

    void refreshReplacesTheTableAndCachesIt()
    {
        const QByteArray json = tableJson(12, true);
        m_upstream->enqueue(answer(200, json));
        PriceTableUpdater updater(m_cache);
        QSignalSpy changed(&updater, &PriceTableUpdater::tableChanged);
        QSignalSpy refreshed(&updater, &PriceTableUpdater::refreshed);
        QSignalSpy failed(&updater, &PriceTableUpdater::refreshFailed);

        const QUrl url(m_upstream->baseUrl() + u"/prices.json"_s);
        updater.refresh(url);
        QVERIFY(refreshed.wait());
        QCOMPARE(refreshed.first().first().toInt(), 12);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(claudeInputPrice(updater), kNewClaudeInput);
        QCOMPARE(updater.current()->size(), 12);
        QCOMPARE(updater.source(), url.toString());
        QCOMPARE(m_upstream->requests().first().method, "GET"_ba);
        QCOMPARE(m_upstream->requests().first().target, "/prices.json"_ba);
        QCOMPARE(readFile(m_cache), json);

        // A restart picks the refreshed prices up from the cache.
        PriceTableUpdater restarted(m_cache);
        QCOMPARE(restarted.source(), u"cache "_s + m_cache);
        QCOMPARE(claudeInputPrice(restarted), kNewClaudeInput);
    }

    void acceptsTheBundledLiteLlmData()
    {
        QFile bundled(u":/pricing/model_prices.json"_s);
        QVERIFY(bundled.open(QIODevice::ReadOnly));
        m_upstream->enqueue(answer(200, bundled.readAll()));
        PriceTableUpdater updater(m_cache);
        QSignalSpy refreshed(&updater, &PriceTableUpdater::refreshed);
        updater.refresh(QUrl(m_upstream->baseUrl() + u"/model_prices_and_context_window.json"_s));
        QVERIFY(refreshed.wait());
        QCOMPARE(refreshed.first().first().toInt(), PriceTable::builtIn()->size());
        QCOMPARE(claudeInputPrice(updater), 3e-6);
    }

    void keepsTheTableWhenADownloadIsBad_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("reason");
        QTest::newRow("404") << 404 << "{\"error\":\"not found\"}"_ba << u"HTTP 404"_s;
        QTest::newRow("500 with a good table") << 500 << tableJson(20, true, 9e-6) << u"HTTP 500"_s;
        QTest::newRow("invalid JSON") << 200 << "{\"claude-x\": {\"input_cost_per_token\": "_ba << u"invalid JSON"_s;
        QTest::newRow("empty body") << 200 << QByteArray() << u"invalid JSON"_s;
        QTest::newRow("a JSON array") << 200 << "[1, 2]"_ba << u"not an object"_s;
        QTest::newRow("no prices") << 200 << "{\"claude-x\":{\"mode\":\"chat\"}}"_ba << u"no model prices"_s;
        QTest::newRow("too small") << 200 << tableJson(9, true, 9e-6) << u"only 9 priced models"_s;
        QTest::newRow("no Claude model") << 200 << tableJson(40, false) << u"no Claude model"_s;
    }
    void keepsTheTableWhenADownloadIsBad()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, reason);
        QVERIFY(QDir().mkpath(QFileInfo(m_cache).absolutePath()));
        const QByteArray good = tableJson(10, true);
        QVERIFY(writeFile(m_cache, good));
        PriceTableUpdater updater(m_cache);
        const auto before = updater.current();
        QCOMPARE(updater.source(), u"cache "_s + m_cache);
        QSignalSpy changed(&updater, &PriceTableUpdater::tableChanged);
        QSignalSpy refreshed(&updater, &PriceTableUpdater::refreshed);
        QSignalSpy failed(&updater, &PriceTableUpdater::refreshFailed);

        m_upstream->enqueue(answer(status, body));
        const QUrl url(m_upstream->baseUrl() + u"/bad/prices.json"_s);
        updater.refresh(url);
        QVERIFY(failed.wait());
        const QString got = failed.first().first().toString();
        QVERIFY2(got.contains(url.toString()) && got.contains(reason), qPrintable(got));
        QCOMPARE(changed.count(), 0);
        QCOMPARE(refreshed.count(), 0);
        QCOMPARE(updater.current(), before);
        QCOMPARE(updater.source(), u"cache "_s + m_cache);
        QCOMPARE(claudeInputPrice(updater), kNewClaudeInput);
        QCOMPARE(readFile(m_cache), good);
    }

    void refusesUrlsThatAreNotHttp_data()
    {
        QTest::addColumn<QUrl>("url");
        QTest::newRow("file") << QUrl(u"file:///etc/passwd"_s);
        QTest::newRow("ftp") << QUrl(u"ftp://127.0.0.1/prices.json"_s);
        QTest::newRow("relative") << QUrl(u"prices.json"_s);
        QTest::newRow("empty") << QUrl();
        QTest::newRow("no host") << QUrl(u"http://"_s);
    }
    void refusesUrlsThatAreNotHttp()
    {
        QFETCH(QUrl, url);
        PriceTableUpdater updater(m_cache);
        QSignalSpy failed(&updater, &PriceTableUpdater::refreshFailed);
        updater.refresh(url);
        QCOMPARE(failed.count(), 0); // reported from the event loop, not from inside refresh()
        QVERIFY(failed.wait());
        const QString got = failed.first().first().toString();
        QVERIFY2(got.contains(u"only http:// and https://"_s) && got.contains(url.toString()), qPrintable(got));
        QCOMPARE(m_upstream->requestCount(), 0);
        QCOMPARE(updater.source(), u"built-in"_s);
    }

    void refusesAnOversizedAnswer_data()
    {
        QTest::addColumn<bool>("chunked");
        QTest::newRow("content-length") << false; // refused from the header
        QTest::newRow("chunked") << true;         // refused while reading
    }
    void refusesAnOversizedAnswer()
    {
        QFETCH(bool, chunked);
        MockReply big = answer(200, QByteArray(PriceTableUpdater::kMaxBytes + 1, ' '));
        big.chunked = chunked;
        m_upstream->enqueue(big);
        PriceTableUpdater updater(m_cache);
        QSignalSpy failed(&updater, &PriceTableUpdater::refreshFailed);
        updater.refresh(QUrl(m_upstream->baseUrl() + u"/huge.json"_s));
        QVERIFY(failed.wait(20'000));
        QVERIFY2(failed.first().first().toString().contains(u"larger than 32 MiB"_s),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(updater.current(), PriceTable::builtIn());
        QVERIFY(!QFile::exists(m_cache));
    }

    void followsRedirects()
    {
        MockReply moved = answer(302, QByteArray());
        moved.headers = {{"location", (m_upstream->baseUrl() + u"/moved.json"_s).toUtf8()}};
        m_upstream->enqueue(moved);
        // Qt 6.4 sometimes sends the redirected GET a second time on the old connection (and drops that answer);
        // MockUpstream answers in order, whatever the path, so a spare table keeps the test independent of that.
        m_upstream->enqueue(answer(200, tableJson(11, true)));
        m_upstream->enqueue(answer(200, tableJson(11, true)));
        PriceTableUpdater updater(m_cache);
        QSignalSpy refreshed(&updater, &PriceTableUpdater::refreshed);
        QSignalSpy failed(&updater, &PriceTableUpdater::refreshFailed);
        updater.refresh(QUrl(m_upstream->baseUrl() + u"/old.json"_s));
        QVERIFY2(refreshed.wait(), qPrintable(failed.isEmpty() ? QString() : failed.first().first().toString()));
        QCOMPARE(refreshed.first().first().toInt(), 11);
        QCOMPARE(m_upstream->requests().first().target, "/old.json"_ba);
        const QList<rd::test::RecordedRequest> requests = m_upstream->requests();
        QVERIFY(
            std::any_of(requests.cbegin(), requests.cend(), [](const auto &r) { return r.target == "/moved.json"; }));
    }

    void reportsAnUnreachableServer()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const QUrl url(u"http://127.0.0.1:%1/prices.json"_s.arg(closed.serverPort()));
        closed.close();
        PriceTableUpdater updater(m_cache);
        QSignalSpy failed(&updater, &PriceTableUpdater::refreshFailed);
        updater.refresh(url);
        QVERIFY(failed.wait());
        QVERIFY2(failed.first().first().toString().contains(url.toString()),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(updater.current(), PriceTable::builtIn());
    }

    void refusesASecondRefreshWhileOneRuns()
    {
        MockReply slow = answer(200, tableJson(12, true));
        slow.headerDelayMs = 200;
        m_upstream->enqueue(slow);
        PriceTableUpdater updater(m_cache);
        QSignalSpy refreshed(&updater, &PriceTableUpdater::refreshed);
        QSignalSpy failed(&updater, &PriceTableUpdater::refreshFailed);
        updater.refresh(QUrl(m_upstream->baseUrl() + u"/first.json"_s));
        updater.refresh(QUrl(m_upstream->baseUrl() + u"/second.json"_s));
        QTRY_COMPARE(refreshed.count(), 1);
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.first().first().toString().contains(u"still running"_s),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(m_upstream->requestCount(), 1);
    }

    void fallsBackToBuiltInWhenTheCacheIsUnusable_data()
    {
        QTest::addColumn<QByteArray>("cached");
        QTest::newRow("garbage") << "\x89PNG not JSON"_ba;
        QTest::newRow("truncated") << tableJson(12, true).left(200);
        QTest::newRow("too small") << tableJson(3, true);
        QTest::newRow("empty file") << QByteArray();
    }
    void fallsBackToBuiltInWhenTheCacheIsUnusable()
    {
        QFETCH(QByteArray, cached);
        QVERIFY(QDir().mkpath(QFileInfo(m_cache).absolutePath()));
        QVERIFY(writeFile(m_cache, cached));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"price cache .* unusable .*built-in prices"_s));
        PriceTableUpdater updater(m_cache);
        QCOMPARE(updater.source(), u"built-in"_s);
        QCOMPARE(updater.current(), PriceTable::builtIn());
    }

    void refreshesPeriodically()
    {
        m_upstream->enqueue(answer(200, tableJson(12, true)));
        m_upstream->enqueue(answer(200, tableJson(13, true)));
        PriceTableUpdater updater(m_cache);
        QSignalSpy refreshed(&updater, &PriceTableUpdater::refreshed);
        const QUrl url(m_upstream->baseUrl() + u"/prices.json"_s);

        updater.startPeriodic(url, 24); // refreshes at once
        QVERIFY(refreshed.wait());
        auto *timer = updater.findChild<QTimer *>(u"periodicTimer"_s);
        QVERIFY(timer && timer->isActive());
        QCOMPARE(timer->interval(), 24 * 3'600'000);

        updater.startPeriodic(url, 100'000); // clamped to what a QTimer can count
        QVERIFY(refreshed.wait());
        QCOMPARE(refreshed.last().first().toInt(), 13);
        QCOMPARE(timer->interval(), PriceTableUpdater::kMaxIntervalHours * 3'600'000);

        updater.startPeriodic(url, 0); // off, and no refresh
        QVERIFY(!timer->isActive());
        QCOMPARE(m_upstream->requestCount(), 2);
    }

private:
    std::unique_ptr<MockUpstream> m_upstream;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_cache;
};

QTEST_GUILESS_MAIN(TestPriceTableUpdater)
#include "tst_pricetableupdater.moc"
