// SPDX-License-Identifier: GPL-3.0-or-later
// LogHub: redaction, a bounded ring filled from many threads, batched announcements and silence while idle.
#include "core/util/loghub.h"

#include <QHash>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcHubTest, "relaydesk.test.loghub", QtInfoMsg)

namespace {
// The handler LogHub chains to: counts what reached it and keeps the 8,000 test lines off stderr.
std::atomic<int> g_chained{0};
QString g_lastChained; // written only from the test thread's messages (checked after single-threaded logging)
void quietHandler(QtMsgType, const QMessageLogContext &, const QString &message)
{
    if (g_chained.fetch_add(1) == 0 || message.startsWith(u"chain:"_s)) {
        g_lastChained = message;
    }
}

constexpr int kThreads = 4;
constexpr int kLinesPerThread = 2000;

void logFromThreads()
{
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back(QThread::create([t] {
            for (int i = 0; i < kLinesPerThread; ++i) {
                qCInfo(lcHubTest, "thread %d line %d", t, i);
            }
        }));
    }
    for (auto &thread : threads) {
        thread->start();
    }
    for (auto &thread : threads) {
        QVERIFY(thread->wait(30000));
    }
}

// "thread <t> line <i>" → (t, i); (-1, -1) otherwise.
std::pair<int, int> parse(const QString &text)
{
    const QStringList parts = text.split(u' ');
    if (parts.size() != 4 || parts.at(0) != u"thread"_s) {
        return {-1, -1};
    }
    return {parts.at(1).toInt(), parts.at(3).toInt()};
}
} // namespace

class TestLogHub : public QObject
{
    Q_OBJECT
private:
    QtMessageHandler m_outer = nullptr;

private slots:
    void initTestCase() { m_outer = qInstallMessageHandler(quietHandler); }
    void cleanupTestCase() { qInstallMessageHandler(m_outer); }
    void cleanup() { rd::LogHub::uninstall(); }

    void redactsSecrets_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const QString key = u"cr_"_s + u"0123456789abcdef"_s.repeated(4);
        QTest::newRow("plain text") << u"relay listening on 127.0.0.1:8080"_s << u"relay listening on 127.0.0.1:8080"_s;
        QTest::newRow("RelayDesk key") << u"key "_s + key + u" refused"_s << u"key cr_012…redacted refused"_s;
        QTest::newRow("RelayDesk key, upper case hex") << u"cr_0123456789ABCDEF0123"_s << u"cr_012…redacted"_s;
        QTest::newRow("cr_ inside a word is not a key") << u"scr_0123456789abcdef"_s << u"scr_0123456789abcdef"_s;
        QTest::newRow("Anthropic API key")
            << u"account key sk-ant-api03-AbC_dEf-123456 rejected"_s << u"account key sk-ant…redacted rejected"_s;
        QTest::newRow("OAuth access token") << u"token=sk-ant-oat01-abcdefghijklmnop"_s << u"token=sk-ant…redacted"_s;
        QTest::newRow("OAuth refresh token") << u"(sk-ant-ort01-ZYXWVUTSRQ)"_s << u"(sk-ant…redacted)"_s;
        QTest::newRow("already masked") << u"key sk-ant-…4f2a"_s << u"key sk-ant-…4f2a"_s;
        QTest::newRow("Bearer") << u"Authorization: Bearer abcdefghijklmnopqrstuvwxyz"_s
                                << u"Authorization: Bearer abcdef…redacted"_s;
        QTest::newRow("bearer, any case, with a key")
            << u"authorization: bearer "_s + key << u"authorization: bearer cr_012…redacted"_s;
        QTest::newRow("x-api-key header") << u"x-api-key: secret-value-12345"_s << u"x-api-key: secret…redacted"_s;
        QTest::newRow("x-api-key in JSON")
            << uR"({"x-api-key":"abcdefghijkl","n":1})"_s << uR"({"x-api-key":"abcdef…redacted","n":1})"_s;
        QTest::newRow("refresh_token field")
            << uR"({"refresh_token": "rt-1234567890"})"_s << uR"({"refresh_token": "rt-123…redacted"})"_s;
        QTest::newRow("short secret keeps half") << u"Bearer abcd"_s << u"Bearer ab…redacted"_s;
        QTest::newRow("two secrets") << key + u" and "_s + key << u"cr_012…redacted and cr_012…redacted"_s;
    }
    void redactsSecrets()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(rd::LogHub::redact(text), expected);
        QCOMPARE(rd::LogHub::redact(expected), expected); // redacting twice changes nothing
    }

    void storesAndChainsOnlyTheRedactedText()
    {
        rd::LogHub *hub = rd::LogHub::install(100);
        QVERIFY(hub);
        QCOMPARE(rd::LogHub::install(), hub); // one per process
        QCOMPARE(rd::LogHub::instance(), hub);
        const int before = g_chained.load();
        qWarning("chain: key cr_0123456789abcdef0123456789abcdef");
        QCOMPARE(g_chained.load(), before + 1);
        QCOMPARE(g_lastChained, u"chain: key cr_012…redacted"_s); // stderr never shows the secret either
        const QList<rd::LogEntry> recent = hub->recent();
        QCOMPARE(recent.size(), 1);
        QCOMPARE(recent.first().level, QtWarningMsg);
        QCOMPARE(recent.first().category, u"default"_s);
        QCOMPARE(recent.first().text, u"chain: key cr_012…redacted"_s);
        QVERIFY(recent.first().timeMs > 0);

        rd::LogHub::uninstall();
        QCOMPARE(rd::LogHub::instance(), nullptr);
        qWarning("chain: after uninstall");
        QCOMPARE(g_lastChained, u"chain: after uninstall"_s); // the previous handler is back
    }

    void announcesEverythingLoggedFromManyThreads()
    {
        rd::LogHub *hub = rd::LogHub::install(kThreads * kLinesPerThread);
        QSignalSpy spy(hub, &rd::LogHub::entriesAdded);
        logFromThreads();
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 2000);
        // Batches keep arriving until everything was announced; each is a batch, not a line.
        qsizetype announced = 0;
        quint64 lastSeq = 0;
        const auto count = [&] {
            for (; !spy.isEmpty();) {
                const auto batch = spy.takeFirst().at(0).value<QList<rd::LogEntry>>();
                QVERIFY(!batch.isEmpty());
                for (const rd::LogEntry &e : batch) {
                    QCOMPARE(e.seq, lastSeq + 1); // nothing lost, nothing twice, in order
                    lastSeq = e.seq;
                }
                announced += batch.size();
            }
        };
        for (int i = 0; i < 20 && announced < kThreads * kLinesPerThread; ++i) {
            count();
            if (announced < kThreads * kLinesPerThread) {
                spy.wait(500);
            }
        }
        count();
        QCOMPARE(announced, kThreads * kLinesPerThread);

        const QList<rd::LogEntry> recent = hub->recent();
        QCOMPARE(recent.size(), kThreads * kLinesPerThread);
        QHash<int, int> next;
        for (const rd::LogEntry &e : recent) {
            const auto [t, i] = parse(e.text);
            QVERIFY2(t >= 0, qPrintable(e.text));
            QCOMPARE(e.category, u"relaydesk.test.loghub"_s);
            QCOMPARE(e.level, QtInfoMsg);
            QCOMPARE(i, next.value(t, 0)); // every line of every thread, in that thread's order
            next[t] = i + 1;
        }
    }

    void ringKeepsTheNewestInOrder()
    {
        constexpr int kCapacity = 1000;
        rd::LogHub *hub = rd::LogHub::install(kCapacity);
        QCOMPARE(hub->capacity(), kCapacity);
        QSignalSpy spy(hub, &rd::LogHub::entriesAdded);
        logFromThreads();
        const QList<rd::LogEntry> recent = hub->recent();
        QCOMPARE(recent.size(), kCapacity);
        // The newest kCapacity overall: for each thread, a run of consecutive lines ending with its last one.
        QHash<int, int> last;
        for (int k = 0; k < recent.size(); ++k) {
            const rd::LogEntry &e = recent.at(k);
            if (k > 0) {
                QCOMPARE(e.seq, recent.at(k - 1).seq + 1);
            }
            const auto [t, i] = parse(e.text);
            QVERIFY(t >= 0);
            if (last.contains(t)) {
                QCOMPARE(i, last.value(t) + 1);
            }
            last[t] = i;
        }
        for (auto it = last.cbegin(); it != last.cend(); ++it) {
            QCOMPARE(it.value(), kLinesPerThread - 1);
        }
        QCOMPARE(recent.last().seq, quint64(kThreads * kLinesPerThread));

        // What is announced is bounded by the ring too, however much was logged before the timer ran.
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 2000);
        qsizetype announced = 0;
        QTest::qWait(2 * rd::LogHub::kEmitIntervalMs);
        for (const QList<QVariant> &args : std::as_const(spy)) {
            announced += args.at(0).value<QList<rd::LogEntry>>().size();
        }
        QVERIFY(announced >= kCapacity);
        QVERIFY(announced <= kThreads * kLinesPerThread);
    }

    void staysSilentWhileIdleAndBatchesBursts()
    {
        rd::LogHub *hub = rd::LogHub::install(100);
        QSignalSpy spy(hub, &rd::LogHub::entriesAdded);
        qInfo("one");
        QVERIFY(spy.wait(1000));
        QCOMPARE(spy.takeFirst().at(0).value<QList<rd::LogEntry>>().size(), 1);

        // A burst right after a batch waits for the interval and arrives as one batch.
        for (int i = 0; i < 10; ++i) {
            qInfo("burst %d", i);
        }
        QVERIFY(spy.wait(1000));
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.takeFirst().at(0).value<QList<rd::LogEntry>>().size(), 10);

        // Idle: nothing is emitted.
        QVERIFY(!spy.wait(600));
        QVERIFY(spy.isEmpty());
        QCOMPARE(hub->recent().size(), 11);
    }

    void batchesAreAtLeastTheIntervalApart()
    {
        rd::LogHub *hub = rd::LogHub::install(10000);
        QList<qint64> times;
        QElapsedTimer clock;
        clock.start();
        connect(hub, &rd::LogHub::entriesAdded, this, [&] { times.append(clock.elapsed()); });
        QElapsedTimer logging;
        logging.start();
        int n = 0;
        while (logging.elapsed() < 1200) { // steady logging for 1.2 s, the event loop running in between
            qInfo("steady %d", n++);
            QTest::qWait(5);
        }
        QTRY_VERIFY(!times.isEmpty());
        QVERIFY2(times.size() <= 1200 / rd::LogHub::kEmitIntervalMs + 2, qPrintable(QString::number(times.size())));
        for (int i = 1; i < times.size(); ++i) {
            QVERIFY(times.at(i) - times.at(i - 1) >= rd::LogHub::kEmitIntervalMs - 20);
        }
    }
};

QTEST_GUILESS_MAIN(TestLogHub)
#include "tst_loghub.moc"
