// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/models/keysmodel.h"

#include "core/policy/keylimits.h"

#include <QDateTime>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace rd::ui {

KeysModel::KeysModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void KeysModel::setKeys(QList<store::ApiKeyRecord> keys,
                        QHash<QString, store::UsageTotals> usage,
                        QHash<QString, QString> accountNames)
{
    bool sameRows = keys.size() == m_keys.size();
    for (qsizetype i = 0; sameRows && i < keys.size(); ++i) {
        sameRows = keys.at(i).id == m_keys.at(i).id;
    }
    // Same keys in the same order: update in place so the selection and the current cell survive a refresh.
    if (!sameRows) {
        beginResetModel();
    }
    m_keys = std::move(keys);
    m_usage = std::move(usage);
    m_accountNames = std::move(accountNames);
    if (!sameRows) {
        endResetModel();
    } else if (!m_keys.isEmpty()) {
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
}

const store::ApiKeyRecord *KeysModel::keyAt(int row) const
{
    return row >= 0 && row < m_keys.size() ? &m_keys.at(row) : nullptr;
}

int KeysModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int KeysModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString KeysModel::limitsSummary(const QString &limitsJson)
{
    const Result<policy::KeyLimits> parsed = policy::KeyLimits::fromText(limitsJson);
    if (!parsed) {
        return tr("invalid: %1").arg(parsed.error().detail);
    }
    const policy::KeyLimits &l = *parsed;
    const QLocale locale;
    const auto usd = [&locale](double v) -> QString { return u"$"_s + locale.toString(v, 'f', 2); };
    QStringList parts;
    if (l.concurrency > 0) {
        parts << (l.queueSize > 0 ? tr("%1 concurrent (+%2 queued)").arg(l.concurrency).arg(l.queueSize)
                                  : tr("%1 concurrent").arg(l.concurrency));
    }
    if (l.hasWindow()) {
        QStringList amounts;
        if (l.windowRequests > 0) {
            amounts << tr("%1 requests").arg(l.windowRequests);
        }
        if (l.windowTokens > 0) {
            amounts << tr("%1 tokens").arg(l.windowTokens);
        }
        if (l.windowCostUsd > 0) {
            amounts << usd(l.windowCostUsd);
        }
        parts << tr("%1 / %2 min").arg(amounts.join(u", "_s)).arg(l.windowMinutes);
    }
    if (l.dailyCostUsd > 0) {
        parts << tr("%1/day").arg(usd(l.dailyCostUsd));
    }
    if (l.weeklyCostUsd > 0) {
        parts << tr("%1/week").arg(usd(l.weeklyCostUsd));
    }
    if (l.totalCostUsd > 0) {
        parts << tr("%1 total").arg(usd(l.totalCostUsd));
    }
    if (l.weeklyFamilyCostUsd > 0) {
        parts << tr("%1 %2/week").arg(QString::fromLatin1(l.weeklyFamily), usd(l.weeklyFamilyCostUsd));
    }
    return parts.isEmpty() ? tr("none") : parts.join(u", "_s);
}

QString KeysModel::bindingText(const store::ApiKeyRecord &key) const
{
    if (key.binding.isEmpty()) {
        return tr("shared pool");
    }
    if (key.binding.startsWith(u"account:"_s)) {
        const QString id = key.binding.mid(8);
        return tr("account %1").arg(m_accountNames.value(id, id));
    }
    if (key.binding.startsWith(u"group:"_s)) {
        return tr("group %1").arg(key.binding.mid(6));
    }
    return key.binding;
}

QString KeysModel::expiryText(const store::ApiKeyRecord &key)
{
    if (key.activationDays > 0 && key.activatedAtMs == 0) {
        return tr("%n day(s) after the first use", nullptr, key.activationDays);
    }
    if (key.expiresAtMs <= 0) {
        return tr("never");
    }
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(key.expiresAtMs), QLocale::ShortFormat);
}

QVariant KeysModel::data(const QModelIndex &index, int role) const
{
    const store::ApiKeyRecord *key = keyAt(index.row());
    if (!key) {
        return {};
    }
    const store::UsageTotals usage = m_usage.value(key->id);
    if (role == Qt::CheckStateRole && index.column() == Enabled) {
        return key->enabled ? Qt::Checked : Qt::Unchecked;
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Requests || index.column() == Cost)) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole && index.column() == Name) {
        return key->description.isEmpty() ? key->id : key->description;
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (index.column()) {
    case Name:
        return key->name;
    case Enabled:
        return key->enabled ? tr("yes") : tr("no");
    case Binding:
        return QString(bindingText(*key) + (key->isOwner ? tr(", owner") : QString()));
    case Limits:
        return limitsSummary(key->limits);
    case Expires:
        return expiryText(*key);
    case Requests:
        return QLocale().toString(usage.requests);
    case Cost:
        return QString(u"$"_s + QLocale().toString(usage.costUsd, 'f', 2));
    default:
        return {};
    }
}

bool KeysModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    const store::ApiKeyRecord *key = keyAt(index.row());
    if (!key || role != Qt::CheckStateRole || index.column() != Enabled || !m_toggle) {
        return false;
    }
    // The store decides: the page writes it and reloads, so the box shows what was saved.
    m_toggle(key->id, value.toInt() == Qt::Checked);
    return true;
}

Qt::ItemFlags KeysModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == Enabled) {
        f |= Qt::ItemIsUserCheckable;
    }
    return f;
}

QVariant KeysModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case Name:
        return tr("Name");
    case Enabled:
        return tr("Enabled");
    case Binding:
        return tr("Binding");
    case Limits:
        return tr("Limits");
    case Expires:
        return tr("Expires");
    case Requests:
        return tr("Requests");
    case Cost:
        return tr("Cost");
    default:
        return {};
    }
}

} // namespace rd::ui
