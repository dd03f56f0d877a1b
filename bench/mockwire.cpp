// SPDX-License-Identifier: GPL-3.0-or-later
#include "mockwire.h"

#include <cstdio>

namespace rd::bench {

bool equalsNoCase(const char *a, size_t alen, std::string_view b)
{
    if (alen != b.size()) {
        return false;
    }
    for (size_t i = 0; i < alen; ++i) {
        char x = a[i];
        if (x >= 'A' && x <= 'Z') {
            x = static_cast<char>(x - 'A' + 'a');
        }
        if (x != b[i]) {
            return false;
        }
    }
    return true;
}

bool bodyWantsStream(std::string_view body)
{
    size_t pos = 0;
    while ((pos = body.find("\"stream\"", pos)) != std::string_view::npos) {
        const bool escaped = pos > 0 && body[pos - 1] == '\\';
        size_t i = pos + 8;
        pos = i;
        if (escaped) {
            continue;
        }
        while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) {
            ++i;
        }
        if (i >= body.size() || body[i] != ':') {
            continue;
        }
        ++i;
        while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) {
            ++i;
        }
        if (body.substr(i, 4) == "true") {
            return true;
        }
    }
    return false;
}

std::string_view bodyModel(std::string_view body)
{
    const size_t key = body.find("\"model\"");
    if (key == std::string_view::npos) {
        return kDefaultModel;
    }
    const size_t open = body.find('"', key + 7);
    if (open == std::string_view::npos || open > key + 16) {
        return kDefaultModel;
    }
    size_t end = open + 1;
    while (end < body.size() && end - open < 128) {
        const char ch = body[end];
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-'
                        || ch == '.' || ch == '_' || ch == ':' || ch == '@';
        if (!ok) {
            break;
        }
        ++end;
    }
    if (end >= body.size() || body[end] != '"' || end == open + 1) {
        return kDefaultModel;
    }
    return body.substr(open + 1, end - open - 1);
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 529:
        return "Overloaded";
    default:
        return "Status";
    }
}

std::string errorBody(int status)
{
    const char *type = "api_error";
    const char *message = "Internal server error";
    switch (status) {
    case 400:
        type = "invalid_request_error";
        message = "anthropic-version: header is required";
        break;
    case 401:
        type = "authentication_error";
        message = "x-api-key header is required";
        break;
    case 403:
        type = "permission_error";
        message = "Your API key does not have permission to use the specified resource.";
        break;
    case 404:
        type = "not_found_error";
        message = "Not found";
        break;
    case 413:
        type = "request_too_large";
        message = "Request exceeds the maximum allowed number of bytes.";
        break;
    case 429:
        type = "rate_limit_error";
        message = "This request would exceed your account's rate limit. Please try again later.";
        break;
    case 529:
        type = "overloaded_error";
        message = "Overloaded";
        break;
    default:
        break;
    }
    std::string body = R"({"type":"error","error":{"type":")";
    body += type;
    body += R"(","message":")";
    body += message;
    body += "\"}}";
    return body;
}

void appendSseChunk(std::string &out, std::string_view eventName, std::string_view data)
{
    // One SSE event per HTTP chunk: "event: X\ndata: {...}\n\n".
    const size_t len = 7 + eventName.size() + 1 + 6 + data.size() + 2;
    char size[24];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", len);
    out.append(size, static_cast<size_t>(n));
    out += "event: ";
    out += eventName;
    out += "\ndata: ";
    out += data;
    out += "\n\n\r\n";
}

} // namespace rd::bench
