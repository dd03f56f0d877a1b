// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QList>

#include <functional>

namespace rd::ui {

// One upstream account as the Accounts page shows it: no credentials, only what the table needs.
struct AccountRow
{
    QString id;
    QString name;
    QString type;   // stored type ("claude-console", "claude-oauth", …)
    QString status; // the relay's live state when it holds the account, else the store's account_state
    int priority = 50;
    QString proxy; // without a password: records never hold it
    bool enabled = true;
    qint64 requests = 0;
    double costUsd = 0;
    QString detail; // per type: "deployment gpt-4o · v1 API", "plan plus · me@example.com", … (the type's tooltip)
};

// The accounts table; lives on the GUI thread, filled by the page. The enabled box calls back instead of writing.
class AccountsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Type,
        Status,
        Priority,
        Proxy,
        Enabled,
        Requests,
        Cost,
        ColumnCount
    };
    using Toggle = std::function<void(const QString &id, bool enabled)>;

    explicit AccountsModel(QObject *parent = nullptr);
    void setToggle(Toggle toggle) { m_toggle = std::move(toggle); }
    void setRows(QList<AccountRow> rows); // same ids in the same order: updated in place (selection kept)
    const AccountRow *rowAt(int row) const;
    static QString typeText(const QString &type);
    // The type's settings worth seeing in the table: Azure deployment and API version, a subscription's plan and
    // e-mail. Empty when there is nothing to add.
    static QString detailText(const QString &type, const QString &extraJson, const QString &plan);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<AccountRow> m_rows;
    Toggle m_toggle;
};

} // namespace rd::ui
