// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scheduling/accounthealth.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace rd::scheduling {

Availability AccountHealth::availability(qint64 nowMs, const QByteArray &family) const
{
    QMutexLocker lock(&m_mutex);
    if (m_blocked) {
        return Availability::Blocked;
    }
    if (m_needsSignIn) {
        return Availability::NeedsSignIn;
    }
    if (m_cooldownUntilMs > nowMs) {
        return Availability::CoolingDown;
    }
    if (!family.isEmpty()) {
        const auto it = m_familyUntilMs.constFind(family);
        if (it != m_familyUntilMs.cend() && it.value() > nowMs) {
            return Availability::CoolingDown;
        }
    }
    return Availability::Available;
}

qint64 AccountHealth::availableAtMs(const QByteArray &family) const
{
    QMutexLocker lock(&m_mutex);
    qint64 at = m_cooldownUntilMs;
    if (!family.isEmpty()) {
        at = std::max(at, m_familyUntilMs.value(family, 0));
    }
    return at;
}

bool AccountHealth::apply(const Verdict &verdict, qint64 nowMs)
{
    QMutexLocker lock(&m_mutex);
    bool changed = false;
    if (verdict.blocked && !m_blocked) {
        m_blocked = true;
        m_reason = verdict.reason;
        changed = true;
    }
    if (verdict.cooldownUntilMs > nowMs) {
        if (verdict.modelFamily.isEmpty()) {
            if (verdict.cooldownUntilMs > m_cooldownUntilMs) {
                m_cooldownUntilMs = verdict.cooldownUntilMs;
                m_reason = verdict.reason;
                changed = true;
            }
        } else if (verdict.cooldownUntilMs > m_familyUntilMs.value(verdict.modelFamily, 0)) {
            m_familyUntilMs.insert(verdict.modelFamily, verdict.cooldownUntilMs);
            m_reason = verdict.reason;
            changed = true;
        }
    }
    return changed;
}

bool AccountHealth::markSuccess()
{
    QMutexLocker lock(&m_mutex);
    if (m_cooldownUntilMs == 0 && m_familyUntilMs.isEmpty() && m_reason.isEmpty()) {
        return false;
    }
    // A success proves the account works for this request; family limits of other families stay.
    m_cooldownUntilMs = 0;
    m_reason.clear();
    return true;
}

void AccountHealth::markNeedsSignIn(bool needed)
{
    QMutexLocker lock(&m_mutex);
    m_needsSignIn = needed;
}

bool AccountHealth::syncEpoch(int epoch)
{
    QMutexLocker lock(&m_mutex);
    if (epoch == m_epoch) {
        return false;
    }
    m_epoch = epoch;
    m_cooldownUntilMs = 0;
    m_familyUntilMs.clear();
    m_blocked = false;
    m_needsSignIn = false;
    m_reason.clear();
    return true;
}

QString AccountHealth::describe(qint64 nowMs) const
{
    QMutexLocker lock(&m_mutex);
    const auto time = [](qint64 ms) {
        return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s);
    };
    if (m_blocked) {
        return u"blocked: "_s + m_reason;
    }
    if (m_needsSignIn) {
        return u"needs sign-in"_s;
    }
    if (m_cooldownUntilMs > nowMs) {
        return u"cooling down until %1 (%2)"_s.arg(time(m_cooldownUntilMs), m_reason);
    }
    QStringList families;
    for (auto it = m_familyUntilMs.cbegin(); it != m_familyUntilMs.cend(); ++it) {
        if (it.value() > nowMs) {
            families << u"%1 until %2"_s.arg(QString::fromLatin1(it.key()), time(it.value()));
        }
    }
    return families.isEmpty() ? u"active"_s : u"active; rate-limited for "_s + families.join(u", "_s);
}

store::AccountStateRow AccountHealth::toRow(const QString &accountId, qint64 nowMs) const
{
    QMutexLocker lock(&m_mutex);
    store::AccountStateRow row;
    row.accountId = accountId;
    row.cooldownUntilMs = m_cooldownUntilMs;
    row.reason = m_reason;
    QJsonObject families;
    for (auto it = m_familyUntilMs.cbegin(); it != m_familyUntilMs.cend(); ++it) {
        families.insert(QString::fromLatin1(it.key()), it.value());
    }
    row.familyCooldowns =
        families.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(families).toJson(QJsonDocument::Compact));
    row.blocked = m_blocked;
    row.needsSignIn = m_needsSignIn;
    row.epoch = m_epoch;
    row.updatedMs = nowMs;
    return row;
}

void AccountHealth::restore(const store::AccountStateRow &row)
{
    QMutexLocker lock(&m_mutex);
    m_cooldownUntilMs = row.cooldownUntilMs;
    m_reason = row.reason;
    m_familyUntilMs.clear();
    const QJsonObject families = QJsonDocument::fromJson(row.familyCooldowns.toUtf8()).object();
    for (auto it = families.begin(); it != families.end(); ++it) {
        m_familyUntilMs.insert(it.key().toLatin1(), static_cast<qint64>(it.value().toDouble()));
    }
    m_blocked = row.blocked;
    m_needsSignIn = row.needsSignIn;
    m_epoch = row.epoch;
}

} // namespace rd::scheduling
