// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/convert/bridge.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QLatin1String>
#include <QString>

namespace rd::convert {

// Shared pieces of the bridges: JSON helpers, the error tables of PROTOCOLS.md §2.1/§2.2 and the writer of
// chat.completion chunks. Internal to core/convert.

QByteArray compactJson(const QJsonObject &object);
// `utf8` as a JSON string literal, quotes included.
QByteArray jsonString(QByteArrayView utf8);
// The JSON object in `json`; `ok` false (and an empty object) when it is not one.
QJsonObject parseObject(QByteArrayView json, bool *ok = nullptr);

// {"message","type","param":null,"code"}: the OpenAI error object; an empty code is null.
QJsonObject openAIError(const QString &message, QLatin1String type, QLatin1String code);
// The OpenAI type/code for an HTTP status (§2.1/§2.2), e.g. 429 → requests/rate_limit_exceeded.
QJsonObject openAIErrorForStatus(int status, const QString &message);
// The status an Anthropic error.type stands for (§2.1), 500 when unknown.
int statusForAnthropicErrorType(QStringView type);
// A Responses error (`error` event, response.failed's `error`, Codex's nested shape) → the OpenAI error object.
QJsonObject openAIErrorFromResponses(const QJsonObject &event);
// {"error":{…}} as compact JSON.
QByteArray errorBody(const QJsonObject &error);

// Anthropic stop_reason → chat finish_reason (§3.9).
QLatin1String finishReasonForStopReason(QStringView stopReason);

// Token counts in the chat shape.
struct ChatUsage
{
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 totalTokens = -1; // -1 → prompt + completion
    qint64 cachedTokens = 0;
    qint64 reasoningTokens = 0;

    QJsonObject toJson() const;
    static ChatUsage fromAnthropic(const QJsonObject &usage);
    static ChatUsage fromResponses(const QJsonObject &usage);
};

// A chat.completion id and creation time: the options' when set, else random / now.
QByteArray chatId(const TransformOptions &options);
qint64 chatCreated(const TransformOptions &options);

// Writes `data: <chunk>\n\n` lines of one chat stream: one id, one created, one model for all chunks.
class ChatChunkWriter
{
public:
    explicit ChatChunkWriter(const TransformOptions &options);
    // The upstream's model; takes effect for chunks written after it.
    void setModel(QByteArrayView model);
    bool started() const { return m_started; }
    void markStarted() { m_started = true; }

    void delta(const QJsonObject &delta, QByteArray &out);
    void finishReason(QLatin1String reason, QByteArray &out);
    void usage(const ChatUsage &usage, QByteArray &out);
    static void done(QByteArray &out);
    static void error(const QJsonObject &error, QByteArray &out);

private:
    const QByteArray &prefix();
    void choice(QByteArrayView deltaJson, QByteArrayView finish, QByteArray &out);

    QByteArray m_id;
    qint64 m_created = 0;
    QByteArray m_model;
    bool m_includeUsage = false;
    bool m_started = false;
    QByteArray m_prefix; // `data: {"id":…,"model":…,` built once per model
};

} // namespace rd::convert
