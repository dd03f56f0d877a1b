// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/convert/bridge.h"

#include "core/convert/transforms.h"

namespace rd::convert {

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
