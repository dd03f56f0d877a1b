// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/providers/console/consoleaccount.h"

#include <QList>
#include <QSet>
#include <QString>

#include <memory>

namespace rd::scheduling {

enum class SelectionOutcome
{
    Selected,
    NoAccounts,    // nothing configured or all disabled/unschedulable
    ModelNotServed // accounts exist, none serves the model
};

struct Selection
{
    SelectionOutcome outcome = SelectionOutcome::NoAccounts;
    std::shared_ptr<const providers::ConsoleAccount> account;
};

// The simple scheduler of the relay engine (priority ascending, then least recently used, then oldest).
// The full scheduler (stickiness, cooldowns, groups) replaces this seam later.
Selection selectAccount(const QList<std::shared_ptr<const providers::ConsoleAccount>> &accounts,
                        const QByteArray &model,
                        const QSet<QString> &exclude = {});

// Marks the account as the most recently used one (a global sequence, so ties within a millisecond
// still rotate); any thread.
void markUsed(const providers::ConsoleAccount &account);

} // namespace rd::scheduling
