// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

namespace rd::config {

// Ready-to-paste client configuration for a key (PROTOCOLS.md §6.8 and §6.5), shared by `relaydesk keys snippet`
// and the desktop app's key dialog. An IPv6 host is bracketed; an "any" address (0.0.0.0, ::) becomes 127.0.0.1,
// since clients cannot connect to it.
struct ClientSnippet
{
    const char *id;    // "claude-code", "codex", "gemini-cli", "droid", "anthropic-sdk", "anthropic-sdk-python",
                       // "openai-sdk", "genai-sdk"
    const char *title; // English; the desktop app translates it (context "rd::ui::Snippets")
    QString text;
};

// In the order Claude Code, Codex CLI, Gemini CLI, Droid CLI, then the SDKs.
QList<ClientSnippet> clientSnippets(const QString &host, quint16 port, const QString &key);
QStringList snippetClientIds();

} // namespace rd::config
