// SPDX-License-Identifier: GPL-3.0-or-later
// Wire helpers of the mock upstream: request-body sniffing and Anthropic-shaped bodies (PROTOCOLS.md §3.1, §2.1).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rd::bench {

inline constexpr const char *kDefaultModel = "claude-sonnet-4-5-20250929";

bool equalsNoCase(const char *a, size_t alen, std::string_view lowerB);
// True if the JSON text has a `"stream": true` member (whitespace tolerant; escaped quotes inside strings ignored).
bool bodyWantsStream(std::string_view body);
// The request's model name when it is a plain identifier, else kDefaultModel.
std::string_view bodyModel(std::string_view body);
const char *reasonPhrase(int status);
// Anthropic error body for a status: {"type":"error","error":{"type":...,"message":...}}.
std::string errorBody(int status);
// Appends one SSE event ("event: X\ndata: {...}\n\n") as one HTTP/1.1 chunk.
void appendSseChunk(std::string &out, std::string_view eventName, std::string_view data);

} // namespace rd::bench
