// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/records.h"
#include "core/util/result.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

// Small SQL helpers shared by the store's translation units (not part of the store's API).
namespace rd::store::detail {

tl::unexpected<Error> sqlFailure(const QString &what, const QSqlError &error);
// Prepares `sql`, binds `values` positionally and runs it.
Result<QSqlQuery> run(QSqlDatabase &db, const QString &what, const QString &sql, const QVariantList &values = {});
QVariant nullableText(const QString &text);
qint64 toEpochMs(const QDateTime &time);
QDateTime fromEpochMs(const QVariant &value);

// The select list that sums usage_requests into a UsageTotals, and the reader of those eight columns from `first` on
// (the rollups' own SUM list reads the same way).
extern const QString kUsageTotalsColumns;
UsageTotals usageTotalsAt(const QSqlQuery &query, int first);

// A write transaction. On SQLite it is BEGIN IMMEDIATE: the write lock is taken up front (waiting up to the busy
// timeout), so a read followed by a write can never fail half-way with SQLITE_BUSY. Rolls back unless committed.
class WriteTransaction
{
public:
    explicit WriteTransaction(QSqlDatabase &db)
        : m_db(db)
    {}
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;
    [[nodiscard]] Result<void> begin();
    [[nodiscard]] Result<void> commit();

private:
    bool isSqlite() const { return m_db.driverName() == u"QSQLITE"; }
    bool statement(const QString &sql);
    QSqlDatabase &m_db;
    QString m_error;
    bool m_open = false;
};

} // namespace rd::store::detail
