// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scheduling/accountselector.h"

#include <QDateTime>

#include <algorithm>
#include <atomic>
#include <tuple>

using namespace Qt::StringLiterals;

namespace rd::scheduling {

namespace {
using AccountPtr = std::shared_ptr<const providers::ConsoleAccount>;

// Whether the key may use the account at all (before health and load are considered).
bool allowedForKey(const providers::ConsoleAccount &a, const SelectionInput &in)
{
    if (in.binding.startsWith(u"account:"_s)) {
        return a.id == in.binding.mid(8);
    }
    if (in.binding.startsWith(u"group:"_s)) {
        return a.groupName == in.binding.mid(6);
    }
    if (a.dedicated || !a.groupName.isEmpty()) {
        return false; // dedicated and group accounts are reached only through a binding
    }
    return !a.personal || a.sharedWithOthers || in.keyIsOwner;
}

QString unavailableReason(Availability availability, const providers::ConsoleAccount &a, qint64 nowMs)
{
    switch (availability) {
    case Availability::Blocked:
    case Availability::NeedsSignIn:
    case Availability::CoolingDown:
        return u"account '%1' is %2"_s.arg(a.name, a.state->health.describe(nowMs));
    case Availability::Available:
        break;
    }
    return {};
}
} // namespace

Selection selectAccount(const QList<AccountPtr> &accounts, const SelectionInput &in)
{
    Selection out;
    QList<AccountPtr> ready;
    bool anyAllowed = false;
    bool anyServing = false;
    qint64 earliest = 0;
    for (const AccountPtr &a : accounts) {
        if (a->family != in.serviceFamily || !a->isUsable() || !allowedForKey(*a, in)) {
            continue;
        }
        anyAllowed = true;
        if (!in.model.isEmpty() && !a->servesModel(in.model)) {
            continue;
        }
        anyServing = true;
        if (in.exclude.contains(a->id)) {
            continue;
        }
        const Availability availability = a->state->health.availability(in.nowMs, in.family);
        if (availability != Availability::Available) {
            if (availability == Availability::CoolingDown) {
                const qint64 at = a->state->health.availableAtMs(in.family);
                earliest = earliest == 0 ? at : std::min(earliest, at);
            }
            if (out.reason.isEmpty()) {
                out.reason = unavailableReason(availability, *a, in.nowMs);
            }
            continue;
        }
        ready.append(a);
    }
    const bool bound = in.binding.startsWith(u"account:"_s);
    if (ready.isEmpty()) {
        out.retryAtMs = earliest;
        if (!anyAllowed) {
            out.outcome = SelectionOutcome::NoAccounts;
        } else if (!anyServing) {
            out.outcome = SelectionOutcome::ModelNotServed;
        } else {
            out.outcome = bound ? SelectionOutcome::BoundUnavailable : SelectionOutcome::AllUnavailable;
        }
        return out;
    }
    std::sort(ready.begin(), ready.end(), [](const AccountPtr &x, const AccountPtr &y) {
        return std::tuple(x->priority, x->state->lastUsedMs.load(std::memory_order_relaxed), x->createdAtMs)
               < std::tuple(y->priority, y->state->lastUsedMs.load(std::memory_order_relaxed), y->createdAtMs);
    });
    if (in.sticky) {
        const auto it =
            std::find_if(ready.begin(), ready.end(), [&](const AccountPtr &a) { return a->id == *in.sticky; });
        if (it != ready.end()) {
            std::rotate(ready.begin(), it, it + 1);
            out.fromSticky = true;
        }
    }
    for (qsizetype i = 0; i < ready.size(); ++i) {
        const AccountPtr &a = ready.at(i);
        if (a->state->tryAcquireSlot(a->maxConcurrency)) {
            out.outcome = SelectionOutcome::Selected;
            out.account = a;
            out.fromSticky = out.fromSticky && i == 0;
            return out;
        }
    }
    out.outcome = bound ? SelectionOutcome::BoundUnavailable : SelectionOutcome::AllBusy;
    out.reason = u"every account is at its concurrency limit"_s;
    return out;
}

void markUsed(const providers::ConsoleAccount &account)
{
    static std::atomic<qint64> sequence{0};
    account.state->lastUsedMs.store(sequence.fetch_add(1, std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

} // namespace rd::scheduling
