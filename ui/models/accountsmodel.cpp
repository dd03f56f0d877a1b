// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/models/accountsmodel.h"

#include "core/providers/console/consoleaccount.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace rd::ui {

AccountsModel::AccountsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void AccountsModel::setRows(QList<AccountRow> rows)
{
    bool same = rows.size() == m_rows.size();
    for (qsizetype i = 0; same && i < rows.size(); ++i) {
        same = rows.at(i).id == m_rows.at(i).id;
    }
    if (!same) {
        beginResetModel();
    }
    m_rows = std::move(rows);
    if (!same) {
        endResetModel();
    } else if (!m_rows.isEmpty()) {
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
}

const AccountRow *AccountsModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

QString AccountsModel::typeText(const QString &type)
{
    const std::optional<providers::AccountKind> kind = providers::accountKindFromType(type);
    if (!kind) {
        return type; // a type this version does not know: as stored
    }
    switch (*kind) {
    case providers::AccountKind::ClaudeConsole:
        return tr("Console");
    case providers::AccountKind::ClaudeOAuth:
        return tr("Subscription");
    case providers::AccountKind::OpenAIOAuth:
        return tr("ChatGPT (Codex)");
    case providers::AccountKind::OpenAIResponses:
        return tr("OpenAI Responses");
    case providers::AccountKind::AzureOpenAI:
        return tr("Azure OpenAI");
    }
    return type;
}

QString AccountsModel::detailText(const QString &type, const QString &extraJson, const QString &plan)
{
    const auto kind = providers::accountKindFromType(type);
    const providers::AccountExtra extra =
        providers::AccountExtra::fromJson(extraJson).value_or(providers::AccountExtra{});
    QStringList parts;
    if (kind == providers::AccountKind::AzureOpenAI) {
        parts << tr("deployment %1").arg(extra.azureDeployment)
              << (extra.azureApiVersion.isEmpty() ? tr("v1 API") : tr("api-version %1").arg(extra.azureApiVersion));
        if (!extra.pricingModel.isEmpty()) {
            parts << tr("priced as %1").arg(extra.pricingModel);
        }
    } else if (kind && providers::isOAuthKind(*kind)) {
        if (!plan.isEmpty()) {
            parts << tr("plan %1").arg(plan);
        }
        if (!extra.email.isEmpty()) {
            parts << extra.email;
        }
    }
    return parts.join(u" · "_s);
}

int AccountsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AccountsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AccountsModel::data(const QModelIndex &index, int role) const
{
    const AccountRow *r = rowAt(index.row());
    if (!r) {
        return {};
    }
    if (role == Qt::CheckStateRole && index.column() == Enabled) {
        return r->enabled ? Qt::Checked : Qt::Unchecked;
    }
    if (role == Qt::TextAlignmentRole
        && (index.column() == Priority || index.column() == Requests || index.column() == Cost)) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole && index.column() == Name) {
        return r->id;
    }
    if (role == Qt::ToolTipRole && index.column() == Type) {
        return r->detail.isEmpty() ? QVariant() : QVariant(r->detail);
    }
    if (role == Qt::ToolTipRole && index.column() == Status) {
        return r->status; // long cooldown reasons are cut off by the column
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (index.column()) {
    case Name:
        return r->name;
    case Type:
        return typeText(r->type);
    case Status:
        return r->status;
    case Priority:
        return r->priority;
    case Proxy:
        return r->proxy.isEmpty() ? tr("direct") : r->proxy;
    case Enabled:
        return r->enabled ? tr("yes") : tr("no");
    case Requests:
        return QLocale().toString(r->requests);
    case Cost:
        return QString(u"$"_s + QLocale().toString(r->costUsd, 'f', 2));
    default:
        return {};
    }
}

bool AccountsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    const AccountRow *r = rowAt(index.row());
    if (!r || role != Qt::CheckStateRole || index.column() != Enabled || !m_toggle) {
        return false;
    }
    m_toggle(r->id, value.toInt() == Qt::Checked); // the page writes the store, then reloads
    return true;
}

Qt::ItemFlags AccountsModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == Enabled) {
        f |= Qt::ItemIsUserCheckable;
    }
    return f;
}

QVariant AccountsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    static const char *const titles[] = {
        QT_TR_NOOP("Name"),
        QT_TR_NOOP("Type"),
        QT_TR_NOOP("Status"),
        QT_TR_NOOP("Priority"),
        QT_TR_NOOP("Proxy"),
        QT_TR_NOOP("Enabled"),
        QT_TR_NOOP("Requests"),
        QT_TR_NOOP("Cost"),
    };
    return section >= 0 && section < ColumnCount ? tr(titles[section]) : QVariant();
}

} // namespace rd::ui
