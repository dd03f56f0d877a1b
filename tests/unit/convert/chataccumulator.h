// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/convert/bridge.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

// What a chat client makes of a `data:` stream: the reassembled message, tool calls and usage, plus the facts a test
// checks about the framing. Written independently of the converters (it only reads the public chat chunk format).
struct ChatToolCall
{
    QString id;
    QString type;
    QString name;
    QString arguments;
};

struct AccumulatedChat
{
    QList<QJsonObject> chunks; // every JSON chunk, in order (error chunks included)
    bool framingOk = true;     // every event is exactly one `data: …` line followed by a blank line
    bool done = false;         // `data: [DONE]` was the last event
    bool dataAfterDone = false;
    QJsonObject error; // the `error` of an error chunk
    QString role;
    QString content;
    QString reasoning;
    QList<ChatToolCall> toolCalls;
    QString finishReason;
    int finishChunks = 0;
    QJsonObject usage; // the usage chunk's usage
    int usageChunks = 0;
    bool usageChunkLast = false; // the usage chunk came after the finish_reason chunk, right before [DONE]
    QSet<QString> ids;
    QSet<QString> models;
    QSet<QString> objects;
    QSet<qint64> created;
    int chunksWithNullUsage = 0;
    int chunksWithoutUsageKey = 0;
};

inline AccumulatedChat accumulateChat(const QByteArray &stream)
{
    AccumulatedChat chat;
    const QList<QByteArray> events = stream.split('\n');
    // Events are "data: …" "\n" "" "\n": odd lines must be empty, the stream must end with a blank line.
    if (!stream.endsWith("\n\n")) {
        chat.framingOk = false;
    }
    for (qsizetype i = 0; i + 1 < events.size(); i += 2) {
        const QByteArray &line = events.at(i);
        if (!events.at(i + 1).isEmpty() || !line.startsWith("data: ")) {
            chat.framingOk = false;
            continue;
        }
        const QByteArray payload = line.mid(6);
        if (chat.done) {
            chat.dataAfterDone = true;
        }
        if (payload == "[DONE]") {
            chat.done = true;
            continue;
        }
        const QJsonObject chunk = QJsonDocument::fromJson(payload).object();
        chat.chunks.append(chunk);
        if (chunk.contains(QLatin1String("error"))) {
            chat.error = chunk.value(QLatin1String("error")).toObject();
            continue;
        }
        chat.ids.insert(chunk.value(QLatin1String("id")).toString());
        chat.models.insert(chunk.value(QLatin1String("model")).toString());
        chat.objects.insert(chunk.value(QLatin1String("object")).toString());
        chat.created.insert(chunk.value(QLatin1String("created")).toInteger());
        const QJsonArray choices = chunk.value(QLatin1String("choices")).toArray();
        if (!chunk.contains(QLatin1String("usage"))) {
            ++chat.chunksWithoutUsageKey;
        } else if (chunk.value(QLatin1String("usage")).isNull()) {
            ++chat.chunksWithNullUsage;
        } else {
            chat.usage = chunk.value(QLatin1String("usage")).toObject();
            ++chat.usageChunks;
            chat.usageChunkLast = choices.isEmpty() && chat.finishChunks == 1;
        }
        for (const QJsonValue &value : choices) {
            const QJsonObject choice = value.toObject();
            const QJsonObject delta = choice.value(QLatin1String("delta")).toObject();
            if (delta.contains(QLatin1String("role"))) {
                chat.role = delta.value(QLatin1String("role")).toString();
            }
            chat.content += delta.value(QLatin1String("content")).toString();
            chat.reasoning += delta.value(QLatin1String("reasoning_content")).toString();
            for (const QJsonValue &callValue : delta.value(QLatin1String("tool_calls")).toArray()) {
                const QJsonObject call = callValue.toObject();
                const int index = call.value(QLatin1String("index")).toInt(-1);
                while (chat.toolCalls.size() <= index) {
                    chat.toolCalls.append(ChatToolCall());
                }
                if (index < 0) {
                    chat.framingOk = false;
                    continue;
                }
                ChatToolCall &target = chat.toolCalls[index];
                const QJsonObject function = call.value(QLatin1String("function")).toObject();
                if (call.contains(QLatin1String("id"))) {
                    target.id = call.value(QLatin1String("id")).toString();
                    target.type = call.value(QLatin1String("type")).toString();
                    target.name = function.value(QLatin1String("name")).toString();
                }
                target.arguments += function.value(QLatin1String("arguments")).toString();
            }
            if (!choice.value(QLatin1String("finish_reason")).isNull()) {
                chat.finishReason = choice.value(QLatin1String("finish_reason")).toString();
                ++chat.finishChunks;
            }
        }
    }
    return chat;
}

inline QByteArray readTestData(const QString &name)
{
    QFile file(qEnvironmentVariable("RELAYDESK_TEST_SOURCE_DIR") + QLatin1String("/tests/unit/convert/data/") + name);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("missing test data %s", qPrintable(name));
    }
    return file.readAll();
}

inline QJsonObject readTestJson(const QString &name)
{
    return QJsonDocument::fromJson(readTestData(name)).object();
}

// Runs `upstream` through a fresh transform, split into pieces of `step` bytes (0: one feed).
inline QByteArray runTransform(rd::convert::UpstreamFormat from,
                               rd::convert::ClientFormat to,
                               const rd::convert::TransformOptions &options,
                               const QByteArray &upstream,
                               qsizetype step = 0,
                               bool *sawError = nullptr)
{
    const std::unique_ptr<rd::convert::BodyTransform> transform = rd::convert::makeTransform(from, to, options);
    QByteArray out;
    if (step <= 0) {
        transform->feed(upstream, out);
    } else {
        for (qsizetype at = 0; at < upstream.size(); at += step) {
            transform->feed(QByteArrayView(upstream).sliced(at, std::min(step, upstream.size() - at)), out);
        }
    }
    transform->finish(out);
    if (sawError != nullptr) {
        *sawError = transform->sawError();
    }
    return out;
}

// Every two-piece split of `upstream` gives `expected`; returns the first failing split point or -1.
inline qsizetype firstSplitDifference(rd::convert::UpstreamFormat from,
                                      rd::convert::ClientFormat to,
                                      const rd::convert::TransformOptions &options,
                                      const QByteArray &upstream,
                                      const QByteArray &expected)
{
    for (qsizetype cut = 0; cut <= upstream.size(); ++cut) {
        const std::unique_ptr<rd::convert::BodyTransform> transform = rd::convert::makeTransform(from, to, options);
        QByteArray out;
        transform->feed(QByteArrayView(upstream).first(cut), out);
        transform->feed(QByteArrayView(upstream).sliced(cut), out);
        transform->finish(out);
        if (out != expected) {
            return cut;
        }
    }
    return -1;
}
