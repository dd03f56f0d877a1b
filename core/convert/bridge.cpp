// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/convert/bridge.h"

#include "core/convert/chatoutput.h"
#include "core/convert/transforms.h"

namespace rd::convert {

namespace {
class JsonAnswerToChat final : public BodyTransform
{
public:
    JsonAnswerToChat(const TransformOptions &options, AnswerErrorOf errorOf, AnswerToChat toChat)
        : m_options(options)
        , m_errorOf(errorOf)
        , m_toChat(toChat)
    {}

    void feed(QByteArrayView upstream, QByteArray &) override { m_body.append(upstream); }

    void finish(QByteArray &out) override
    {
        bool ok = false;
        const QJsonObject answer = parseObject(m_body, &ok);
        m_body.clear();
        if (!ok) {
            m_sawError = true;
            out += errorBody(openAIErrorForStatus(502, QStringLiteral("The upstream answer is not valid JSON")));
            return;
        }
        if (const QJsonObject error = m_errorOf(answer); !error.isEmpty()) {
            m_sawError = true;
            out += errorBody(error);
            return;
        }
        out += compactJson(m_toChat(answer, m_options));
    }

    QByteArray contentType() const override { return QByteArrayLiteral("application/json"); }
    bool sawError() const override { return m_sawError; }

private:
    TransformOptions m_options;
    AnswerErrorOf m_errorOf;
    AnswerToChat m_toChat;
    QByteArray m_body;
    bool m_sawError = false;
};
} // namespace

std::unique_ptr<BodyTransform>
makeJsonAnswerToChat(const TransformOptions &options, AnswerErrorOf errorOf, AnswerToChat toChat)
{
    return std::make_unique<JsonAnswerToChat>(options, errorOf, toChat);
}

std::unique_ptr<BodyTransform> makeTransform(UpstreamFormat from, ClientFormat to, const TransformOptions &options)
{
    switch (from) {
    case UpstreamFormat::AnthropicStream:
        return to == ClientFormat::ChatStream ? makeAnthropicStreamToChatStream(options) : nullptr;
    case UpstreamFormat::AnthropicJson:
        return to == ClientFormat::ChatJson ? makeAnthropicJsonToChatJson(options) : nullptr;
    case UpstreamFormat::ResponsesStream:
        return to == ClientFormat::ChatStream ? makeResponsesStreamToChatStream(options)
                                              : makeResponsesStreamToJson(options, to);
    case UpstreamFormat::ResponsesJson:
        return to == ClientFormat::ChatJson ? makeResponsesJsonToChatJson(options) : nullptr;
    }
    return nullptr;
}

} // namespace rd::convert
