// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/records.h"

#include <QAbstractTableModel>
#include <QHash>

#include <functional>

namespace rd::ui {

// The keys table: one row per stored key with its usage. Holds no key, only records (hashes) and totals; lives on
// the GUI thread and is filled by the page from StoreClient answers. The enabled box calls back instead of writing.
class KeysModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Enabled,
        Binding,
        Limits,
        Expires,
        Requests,
        Cost,
        ColumnCount
    };
    using Toggle = std::function<void(const QString &id, bool enabled)>;

    explicit KeysModel(QObject *parent = nullptr);
    void setToggle(Toggle toggle) { m_toggle = std::move(toggle); }
    // accountNames: id → name, to show "account:<id>" bindings by name.
    void setKeys(QList<store::ApiKeyRecord> keys,
                 QHash<QString, store::UsageTotals> usage,
                 QHash<QString, QString> accountNames);
    const store::ApiKeyRecord *keyAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString limitsSummary(const QString &limitsJson); // "2 concurrent, 100 requests / 60 min, $5.00/day"

private:
    QString bindingText(const store::ApiKeyRecord &key) const;
    static QString expiryText(const store::ApiKeyRecord &key);

    QList<store::ApiKeyRecord> m_keys;
    QHash<QString, store::UsageTotals> m_usage;
    QHash<QString, QString> m_accountNames;
    Toggle m_toggle;
};

} // namespace rd::ui
