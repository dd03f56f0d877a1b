// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/config/clientsnippets.h"

using namespace Qt::StringLiterals;

namespace rd::config {

namespace {

QString origin(const QString &host, quint16 port)
{
    QString h = host.trimmed();
    if (h.isEmpty() || h == u"0.0.0.0"_s || h == u"::"_s || h == u"[::]"_s) {
        h = u"127.0.0.1"_s;
    }
    if (h.contains(u':') && !h.startsWith(u'[')) {
        h = u'[' + h + u']';
    }
    return u"http://%1:%2"_s.arg(h).arg(port);
}

QString claudeCode(const QString &o, const QString &key)
{
    return u"# Shell, or the \"env\" object of ~/.claude/settings.json\n"
           "export ANTHROPIC_BASE_URL=\"%1/api\"\n"
           "export ANTHROPIC_AUTH_TOKEN=\"%2\"\n"
           "# optional: no start-up probes or telemetry\n"
           "export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1\n"_s.arg(o, key);
}

QString codex(const QString &o, const QString &key)
{
    return u"# ~/.codex/config.toml\n"
           "model_provider = \"relaydesk\"\n"
           "\n"
           "[model_providers.relaydesk]\n"
           "name = \"RelayDesk\"\n"
           "base_url = \"%1/openai\"\n"
           "env_key = \"RELAYDESK_API_KEY\"\n"
           "wire_api = \"responses\"\n"
           "\n"
           "# On a machine without internet access also set:\n"
           "# check_for_update_on_startup = false\n"
           "# [analytics]\n"
           "# enabled = false\n"
           "\n"
           "# Shell (then: codex exec \"…\")\n"
           "export RELAYDESK_API_KEY=\"%2\"\n"_s.arg(o, key);
}

QString gemini(const QString &o, const QString &key)
{
    return u"# ~/.gemini/settings.json\n"
           "{\"security\":{\"auth\":{\"selectedType\":\"gemini-api-key\"}},"
           "\"privacy\":{\"usageStatisticsEnabled\":false}}\n"
           "\n"
           "# Shell\n"
           "export GOOGLE_GEMINI_BASE_URL=\"%1/gemini\"\n"
           "export GEMINI_API_KEY=\"%2\"\n"_s.arg(o, key);
}

QString droid(const QString &o, const QString &key)
{
    return u"// ~/.factory/config.json\n"
           "{\"custom_models\":[\n"
           "  {\"model_display_name\":\"Sonnet [RelayDesk]\",\"model\":\"claude-sonnet-4-5-20250929\","
           "\"base_url\":\"%1/droid/claude\",\"api_key\":\"%2\",\"provider\":\"anthropic\",\"max_tokens\":64000},\n"
           "  {\"model_display_name\":\"GPT [RelayDesk]\",\"model\":\"gpt-5.1\","
           "\"base_url\":\"%1/droid/openai\",\"api_key\":\"%2\",\"provider\":\"openai\",\"max_tokens\":16384},\n"
           "  {\"model_display_name\":\"Gemini [RelayDesk]\",\"model\":\"gemini-2.5-pro\","
           "\"base_url\":\"%1/droid/comm/v1/\",\"api_key\":\"%2\",\"provider\":\"generic-chat-completion-api\","
           "\"max_tokens\":65535}]}\n"_s.arg(o, key);
}

QString anthropicJs(const QString &o, const QString &key)
{
    return u"import Anthropic from \"@anthropic-ai/sdk\";\n"
           "\n"
           "const client = new Anthropic({ baseURL: \"%1/api\", apiKey: \"%2\" });\n"_s.arg(o, key);
}

QString anthropicPython(const QString &o, const QString &key)
{
    return u"import anthropic\n"
           "\n"
           "client = anthropic.Anthropic(base_url=\"%1/api\", api_key=\"%2\")\n"_s.arg(o, key);
}

QString openAi(const QString &o, const QString &key)
{
    return u"import OpenAI from \"openai\";\n"
           "\n"
           "// GPT models (Responses and Chat Completions)\n"
           "const openai = new OpenAI({ baseURL: \"%1/openai/v1\", apiKey: \"%2\" });\n"
           "// Claude models through the Chat Completions API\n"
           "const claude = new OpenAI({ baseURL: \"%1/openai/claude/v1\", apiKey: \"%2\" });\n"_s.arg(o, key);
}

QString genai(const QString &o, const QString &key)
{
    return u"import { GoogleGenAI } from \"@google/genai\";\n"
           "\n"
           "const ai = new GoogleGenAI({ apiKey: \"%2\", httpOptions: { baseUrl: \"%1/gemini\" } });\n"_s.arg(o, key);
}

} // namespace

QList<ClientSnippet> clientSnippets(const QString &host, quint16 port, const QString &key)
{
    const QString o = origin(host, port);
    return {
        {"claude-code", "Claude Code", claudeCode(o, key)},
        {"codex", "Codex CLI", codex(o, key)},
        {"gemini-cli", "Gemini CLI", gemini(o, key)},
        {"droid", "Droid CLI", droid(o, key)},
        {"anthropic-sdk", "Anthropic SDK (JS)", anthropicJs(o, key)},
        {"anthropic-sdk-python", "Anthropic SDK (Python)", anthropicPython(o, key)},
        {"openai-sdk", "OpenAI SDK", openAi(o, key)},
        {"genai-sdk", "Google GenAI SDK", genai(o, key)},
    };
}

QStringList snippetClientIds()
{
    QStringList ids;
    for (const ClientSnippet &s : clientSnippets(QString(), 0, QString())) {
        ids << QString::fromLatin1(s.id);
    }
    return ids;
}

} // namespace rd::config
