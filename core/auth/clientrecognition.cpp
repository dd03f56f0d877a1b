// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/auth/clientrecognition.h"

#include <QStringList>

#include <simdjson.h>

#include <array>
#include <initializer_list>
#include <string_view>

using namespace Qt::StringLiterals;

namespace rd::auth {

namespace {
constexpr std::array kAllClients{
    KnownClient::ClaudeCode, KnownClient::CodexCli, KnownClient::GeminiCli, KnownClient::DroidCli};

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isHex(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isHex(QByteArrayView text, qsizetype length)
{
    if (text.size() != length) {
        return false;
    }
    for (const char c : text) {
        if (!isHex(c)) {
            return false;
        }
    }
    return true;
}

// 8-4-4-4-12 hex digits, any version.
bool isUuid(QByteArrayView text)
{
    if (text.size() != 36) {
        return false;
    }
    for (qsizetype i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !isHex(text[i])) {
            return false;
        }
    }
    return true;
}

// How many digits start at `pos` (0 when none, or when pos is past the end).
qsizetype digitsAt(QByteArrayView text, qsizetype pos)
{
    qsizetype end = pos;
    while (end < text.size() && isDigit(text[end])) {
        ++end;
    }
    return end - pos;
}

// user_<64 hex>_account_<uuid or empty>_session_<uuid>, nothing after.
bool isOldFormUserId(QByteArrayView id)
{
    constexpr QByteArrayView kUser("user_");
    constexpr QByteArrayView kAccount("_account_");
    constexpr QByteArrayView kSession("_session_");
    if (!id.startsWith(kUser) || id.size() < kUser.size() + 64 || !isHex(id.sliced(kUser.size(), 64), 64)) {
        return false;
    }
    QByteArrayView rest = id.sliced(kUser.size() + 64);
    if (!rest.startsWith(kAccount)) {
        return false;
    }
    rest = rest.sliced(kAccount.size());
    if (rest.size() >= 36 && isUuid(rest.first(36))) {
        rest = rest.sliced(36);
    }
    return rest.startsWith(kSession) && isUuid(rest.sliced(kSession.size()));
}

// {"device_id":"<64 hex>","account_uuid":"<uuid or empty>","session_id":"<uuid>"}; other fields are ignored.
bool isJsonFormUserId(QByteArrayView id)
{
    using namespace simdjson;
    thread_local dom::parser parser; // never the body's parser: `id` may point into that document
    const padded_string padded(std::string_view(id.data(), static_cast<size_t>(id.size())));
    dom::element doc;
    dom::object object;
    std::string_view deviceId;
    std::string_view accountUuid;
    std::string_view sessionId;
    if (parser.parse(padded).get(doc) != SUCCESS || doc.get_object().get(object) != SUCCESS
        || object.at_key("device_id").get_string().get(deviceId) != SUCCESS
        || object.at_key("account_uuid").get_string().get(accountUuid) != SUCCESS
        || object.at_key("session_id").get_string().get(sessionId) != SUCCESS) {
        return false;
    }
    const auto view = [](std::string_view s) { return QByteArrayView(s.data(), static_cast<qsizetype>(s.size())); };
    return isHex(view(deviceId), 64) && (accountUuid.empty() || isUuid(view(accountUuid))) && isUuid(view(sessionId));
}

// Whether a comma-separated header value (anthropic-beta) has this item, items trimmed.
bool hasListItem(QByteArrayView list, QByteArrayView item)
{
    qsizetype pos = 0;
    while (pos <= list.size()) {
        qsizetype end = list.indexOf(',', pos);
        if (end < 0) {
            end = list.size();
        }
        if (list.sliced(pos, end - pos).trimmed() == item) {
            return true;
        }
        pos = end + 1;
    }
    return false;
}

// ^claude-cli/\d+\.\d+\.\d+
bool isClaudeCliUserAgent(QByteArrayView ua)
{
    constexpr QByteArrayView kName("claude-cli/");
    if (!ua.startsWith(kName)) {
        return false;
    }
    qsizetype pos = kName.size();
    for (int part = 0; part < 3; ++part) {
        const qsizetype digits = digitsAt(ua, pos);
        if (digits == 0) {
            return false;
        }
        pos += digits;
        if (part < 2) {
            if (pos >= ua.size() || ua[pos] != '.') {
                return false;
            }
            ++pos;
        }
    }
    return true;
}

bool matchesClaudeCode(const ClientFacts &facts)
{
    if (!isClaudeCliUserAgent(facts.userAgent)) {
        return false;
    }
    if (!facts.isMessagesRoute) {
        return true;
    }
    return !facts.xApp.isEmpty() && hasListItem(facts.anthropicBeta, "claude-code-20250219") && facts.metadataUserId
           && isValidClaudeCodeUserId(*facts.metadataUserId);
}

// <name>/<digit>…, and an originator header, when sent, equal to <name>.
bool matchesCodex(const ClientFacts &facts)
{
    static constexpr std::array<QByteArrayView, 3> kNames{"codex_exec", "codex_cli_rs", "codex_vscode"};
    for (const QByteArrayView name : kNames) {
        const QByteArrayView ua = facts.userAgent;
        if (ua.size() > name.size() + 1 && ua.startsWith(name) && ua[name.size()] == '/'
            && isDigit(ua[name.size() + 1])) {
            return facts.originator.isEmpty() || facts.originator == name;
        }
    }
    return false;
}

// ^GeminiCLI(-[a-z]+)?/v?\d
bool matchesGemini(const ClientFacts &facts)
{
    constexpr QByteArrayView kName("GeminiCLI");
    const QByteArrayView ua = facts.userAgent;
    if (!ua.startsWith(kName)) {
        return false;
    }
    qsizetype pos = kName.size();
    if (pos < ua.size() && ua[pos] == '-') {
        const qsizetype start = ++pos;
        while (pos < ua.size() && ua[pos] >= 'a' && ua[pos] <= 'z') {
            ++pos;
        }
        if (pos == start) {
            return false;
        }
    }
    if (pos >= ua.size() || ua[pos] != '/') {
        return false;
    }
    ++pos;
    if (pos < ua.size() && ua[pos] == 'v') {
        ++pos;
    }
    return pos < ua.size() && isDigit(ua[pos]);
}

bool matchesDroid(const ClientFacts &facts)
{
    if (facts.userAgent.contains("factory-cli/")) {
        return true;
    }
    const QByteArray client = facts.xFactoryClient.toByteArray().toLower();
    return client.contains("cli") || client.contains("droid");
}

// A prefix ending in "/" matches anything below it; otherwise the path must equal it or continue with "/".
bool isUnderAny(QByteArrayView path, std::initializer_list<QByteArrayView> prefixes)
{
    for (const QByteArrayView prefix : prefixes) {
        if (path.startsWith(prefix)
            && (prefix.endsWith('/') || path.size() == prefix.size() || path[prefix.size()] == '/')) {
            return true;
        }
    }
    return false;
}

QByteArrayView firstHeader(const http::HeaderList &headers, QByteArrayView lowerName)
{
    for (const http::Header &h : headers) {
        if (QByteArrayView(h.first).compare(lowerName, Qt::CaseInsensitive) == 0) {
            return QByteArrayView(h.second).trimmed();
        }
    }
    return {};
}
} // namespace

QByteArrayView clientId(KnownClient client)
{
    switch (client) {
    case KnownClient::ClaudeCode:
        return "claude-code";
    case KnownClient::CodexCli:
        return "codex-cli";
    case KnownClient::GeminiCli:
        return "gemini-cli";
    case KnownClient::DroidCli:
        return "droid-cli";
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<KnownClient> parseClientId(QByteArrayView id)
{
    const QByteArray normalised = id.toByteArray().toLower().replace('_', '-');
    for (const KnownClient client : kAllClients) {
        if (clientId(client) == normalised) {
            return client;
        }
    }
    return std::nullopt;
}

Result<QList<KnownClient>> parseClientList(const QString &commaList)
{
    QList<KnownClient> clients;
    for (const QString &part : commaList.split(u',')) {
        const QString entry = part.trimmed();
        if (entry.isEmpty()) {
            continue;
        }
        const std::optional<KnownClient> client = parseClientId(entry.toUtf8());
        if (!client) {
            QStringList valid;
            for (const KnownClient known : kAllClients) {
                valid.append(QString::fromLatin1(clientId(known)));
            }
            return fail(ErrorCode::InvalidArgument,
                        u"unknown client '%1' (valid: %2)"_s.arg(entry, valid.join(u", "_s)));
        }
        if (!clients.contains(*client)) {
            clients.append(*client);
        }
    }
    return clients;
}

ClientFacts clientFacts(const http::HeaderList &headers)
{
    ClientFacts facts;
    facts.userAgent = firstHeader(headers, "user-agent");
    facts.xApp = firstHeader(headers, "x-app");
    facts.anthropicBeta = firstHeader(headers, "anthropic-beta");
    facts.originator = firstHeader(headers, "originator");
    facts.xFactoryClient = firstHeader(headers, "x-factory-client");
    return facts;
}

bool isValidClaudeCodeUserId(QByteArrayView userId)
{
    // JSON may have whitespace around the object; the old form is matched exactly (no trailing newline either).
    return userId.trimmed().startsWith('{') ? isJsonFormUserId(userId) : isOldFormUserId(userId);
}

bool matchesClient(KnownClient client, const ClientFacts &facts)
{
    switch (client) {
    case KnownClient::ClaudeCode:
        return matchesClaudeCode(facts);
    case KnownClient::CodexCli:
        return matchesCodex(facts);
    case KnownClient::GeminiCli:
        return matchesGemini(facts);
    case KnownClient::DroidCli:
        return matchesDroid(facts);
    }
    return false;
}

bool pathAllowedFor(KnownClient client, QByteArrayView path)
{
    switch (client) {
    case KnownClient::ClaudeCode:
        return isUnderAny(path,
                          {"/api/v1/messages",
                           "/api/v1/models",
                           "/api/v1/me",
                           "/api/v1/usage",
                           "/api/v1/key-info",
                           "/api/v1/organizations",
                           "/claude/v1/messages",
                           "/claude/v1/models",
                           "/api/api/event_logging",
                           "/api/api/hello"});
    case KnownClient::CodexCli:
        return isUnderAny(path, {"/openai/responses", "/openai/v1/responses", "/azure/"});
    case KnownClient::GeminiCli:
        return isUnderAny(path, {"/gemini/"});
    case KnownClient::DroidCli:
        return isUnderAny(path, {"/droid/"});
    }
    return false;
}

ClientCheck checkClientRestriction(const QList<KnownClient> &allowed, const ClientFacts &facts, QByteArrayView path)
{
    if (allowed.isEmpty()) {
        return {true, std::nullopt};
    }
    std::optional<KnownClient> wrongPath;
    for (const KnownClient client : allowed) {
        if (!matchesClient(client, facts)) {
            continue;
        }
        if (pathAllowedFor(client, path)) {
            return {true, client};
        }
        if (!wrongPath) {
            wrongPath = client;
        }
    }
    return {false, wrongPath};
}

} // namespace rd::auth
