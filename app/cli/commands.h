// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

class QCoreApplication;

namespace rd::cli {

// Exit codes: 0 success, 1 the action failed, 2 bad usage.
int keysCommand(const QStringList &args);     // keyscommand.cpp
int settingsCommand(const QStringList &args); // keyscommand.cpp
int accountsCommand(const QStringList &args);
int statusCommand(const QStringList &args);
int usageCommand(const QStringList &args);
int serveCommand(const QStringList &args); // headless relay until SIGINT/SIGTERM
QString usageText();

} // namespace rd::cli
