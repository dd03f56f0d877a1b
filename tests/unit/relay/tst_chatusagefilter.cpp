// SPDX-License-Identifier: GPL-3.0-or-later
// The usage chunk the relay asked for on a client's behalf is dropped, everything else passes unchanged.
#include "core/relay/chatusagefilter.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QByteArray kStream =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"prompt_filter_results\":[]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
    "\"Hi\"},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},"
    "\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":20,"
    "\"completion_tokens\":2,\"total_tokens\":22}}\n\n"
    "data: [DONE]\n\n";
} // namespace

class TestChatUsageFilter : public QObject
{
    Q_OBJECT
private slots:
    void dropsOnlyTheUsageChunk()
    {
        QByteArray expected = kStream;
        const qsizetype at =
            expected.indexOf("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                             "\"usage\"");
        QVERIFY(at > 0);
        expected.remove(at, expected.indexOf("\n\n", at) + 2 - at);
        // Any split of the upstream bytes gives the same output.
        for (qsizetype step : {qsizetype(1), qsizetype(7), qsizetype(64), kStream.size()}) {
            auto filter = rd::relay::makeUsageChunkFilter();
            QByteArray out;
            for (qsizetype i = 0; i < kStream.size(); i += step) {
                filter->feed(QByteArrayView(kStream).sliced(i, std::min(step, kStream.size() - i)), out);
            }
            filter->finish(out);
            QCOMPARE(out, expected);
            QVERIFY(out.contains("prompt_filter_results")); // Azure's empty-choices first chunk is not usage
            QVERIFY(out.endsWith("data: [DONE]\n\n"));
            QCOMPARE(filter->contentType(), "text/event-stream"_ba);
        }
    }
};

QTEST_GUILESS_MAIN(TestChatUsageFilter)
#include "tst_chatusagefilter.moc"
