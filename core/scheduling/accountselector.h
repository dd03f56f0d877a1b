// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/providers/console/consoleaccount.h"

#include <QList>
#include <QSet>
#include <QString>

#include <memory>
#include <optional>

namespace rd::scheduling {

enum class SelectionOutcome
{
    Selected,         // `account` holds one of its concurrency slots: release it when the attempt ends
    NoAccounts,       // nothing this key may use is configured and enabled
    ModelNotServed,   // accounts exist, none serves the model
    AllUnavailable,   // every candidate is cooling down (retryAtMs), blocked or signed out (reason)
    AllBusy,          // every candidate is at its concurrency limit
    BoundUnavailable, // the key's dedicated account cannot take it (reason; retryAtMs when cooling): no fallback
};

struct SelectionInput
{
    QByteArray model;
    QByteArray family;                   // model family for per-family cooldowns ("opus", …)
    QByteArray serviceFamily = "claude"; // only accounts of this scheduler family ("claude", "openai", "azure")
    QString binding;                     // the key's for that family: "", "account:<id>" or "group:<name>"
    bool keyIsOwner = false;             // personal subscriptions serve only the owner's keys unless shared
    QSet<QString> exclude;               // accounts already tried for this request
    std::optional<QString> sticky;       // the session's account, preferred while it is usable
    qint64 nowMs = 0;
};

struct Selection
{
    SelectionOutcome outcome = SelectionOutcome::NoAccounts;
    std::shared_ptr<const providers::ConsoleAccount> account;
    bool fromSticky = false;
    qint64 retryAtMs = 0; // AllUnavailable / BoundUnavailable: the earliest recovery (0 = unknown)
    QString reason;
};

// Candidates: enabled, schedulable, allowed for the key (binding, group, personal guardrail), serving the model,
// not cooling/blocked/signed out, with a free slot. Order: the sticky account, then priority ascending, then least
// recently used, then oldest (PROTOCOLS.md §7.2).
Selection selectAccount(const QList<std::shared_ptr<const providers::ConsoleAccount>> &accounts,
                        const SelectionInput &input);

// Marks the account as the most recently used one (a global sequence, so ties within a millisecond still rotate).
void markUsed(const providers::ConsoleAccount &account);

} // namespace rd::scheduling
