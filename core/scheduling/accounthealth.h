// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scheduling/upstreamverdict.h"
#include "core/store/records.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

namespace rd::scheduling {

// Why an account cannot take a request right now.
enum class Availability
{
    Available,
    CoolingDown, // until availableAtMs()
    Blocked,     // the provider disabled it: needs the user
    NeedsSignIn, // OAuth grant gone: needs the user
};

// The runtime health of one account: cooldowns (whole account or one model family), blocks, sign-in state.
// Shared by every worker thread (a short lock per check), kept across config reloads, saved by the store writer.
class AccountHealth
{
public:
    Availability availability(qint64 nowMs, const QByteArray &family) const;
    qint64 availableAtMs(const QByteArray &family) const; // when a cooling account recovers (0 = now)
    // Applies an upstream verdict; returns true when the state changed (and should be saved).
    bool apply(const Verdict &verdict, qint64 nowMs);
    bool markSuccess(); // a success clears cooldowns; true when something was cleared
    void markNeedsSignIn(bool needed);
    // Resets everything when the user re-enabled or reset the account (a new state epoch from the store).
    bool syncEpoch(int epoch);
    QString describe(qint64 nowMs) const; // "active", "cooling down until 14:05:00 (overloaded (529))", "blocked: …"
    store::AccountStateRow toRow(const QString &accountId, qint64 nowMs) const;
    void restore(const store::AccountStateRow &row);

private:
    mutable QMutex m_mutex;
    qint64 m_cooldownUntilMs = 0;
    QString m_reason;
    QHash<QByteArray, qint64> m_familyUntilMs;
    bool m_blocked = false;
    bool m_needsSignIn = false;
    int m_epoch = 0;
};

} // namespace rd::scheduling
