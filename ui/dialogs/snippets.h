// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QPair>
#include <QString>

namespace rd::ui {

// Ready-to-paste client configuration for a new key (PROTOCOLS.md §6.8 and §6.5): pairs of (tab title, text), in the
// order Claude Code, Codex CLI, Gemini CLI, Droid CLI, then the SDKs. An IPv6 host is bracketed; an "any" address
// (0.0.0.0, ::) becomes 127.0.0.1, since clients cannot connect to it.
QList<QPair<QString, QString>> clientSnippets(const QString &host, quint16 port, const QString &key);

} // namespace rd::ui
