// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scheduling/accountselector.h"

#include <atomic>
#include <tuple>

namespace rd::scheduling {

Selection selectAccount(const QList<std::shared_ptr<const providers::ConsoleAccount>> &accounts,
                        const QByteArray &model,
                        const QSet<QString> &exclude)
{
    Selection out;
    bool anyUsable = false;
    std::tuple<int, qint64, qint64> best{};
    for (const auto &account : accounts) {
        if (!account->isUsable() || exclude.contains(account->id)) {
            continue;
        }
        anyUsable = true;
        if (!model.isEmpty() && !account->servesModel(model)) {
            continue;
        }
        const std::tuple<int, qint64, qint64> rank{
            account->priority, account->state->lastUsedMs.load(std::memory_order_relaxed), account->createdAtMs};
        if (!out.account || rank < best) {
            out.account = account;
            best = rank;
        }
    }
    if (out.account) {
        out.outcome = SelectionOutcome::Selected;
    } else {
        out.outcome = anyUsable ? SelectionOutcome::ModelNotServed : SelectionOutcome::NoAccounts;
    }
    return out;
}

void markUsed(const providers::ConsoleAccount &account)
{
    static std::atomic<qint64> sequence{0};
    account.state->lastUsedMs.store(sequence.fetch_add(1, std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

} // namespace rd::scheduling
