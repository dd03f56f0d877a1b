// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/sqlhelpers.h"

#include "core/util/logging.h"

#include <QSqlError>

using namespace Qt::StringLiterals;

namespace rd::store::detail {

tl::unexpected<Error> sqlFailure(const QString &what, const QSqlError &error)
{
    // Values are always bound, so the driver's text never contains one.
    return fail(ErrorCode::StoreFailure, u"%1 failed: %2"_s.arg(what, error.text()));
}

// Prepares `sql`, binds `values` positionally and runs it.
Result<QSqlQuery> run(QSqlDatabase &db, const QString &what, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql)) {
        return sqlFailure(what, query.lastError());
    }
    for (const QVariant &value : values) {
        query.addBindValue(value);
    }
    if (!query.exec()) {
        return sqlFailure(what, query.lastError());
    }
    return query;
}

QVariant nullableText(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

qint64 toEpochMs(const QDateTime &time)
{
    return time.isValid() ? time.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
}

QDateTime fromEpochMs(const QVariant &value)
{
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

WriteTransaction::~WriteTransaction()
{
    if (m_open && !statement(u"ROLLBACK"_s)) {
        qCWarning(lcStore) << "rollback failed:" << m_db.lastError().text();
    }
}

Result<void> WriteTransaction::begin()
{
    const bool ok = isSqlite() ? statement(u"BEGIN IMMEDIATE"_s) : m_db.transaction();
    if (!ok) {
        return fail(ErrorCode::StoreFailure, u"begin transaction failed: %1"_s.arg(m_error));
    }
    m_open = true;
    return {};
}

Result<void> WriteTransaction::commit()
{
    if (!statement(u"COMMIT"_s)) {
        return fail(ErrorCode::StoreFailure, u"commit failed: %1"_s.arg(m_error));
    }
    m_open = false;
    return {};
}

bool WriteTransaction::statement(const QString &sql)
{
    if (!isSqlite()) {
        const bool ok = sql == u"COMMIT" ? m_db.commit() : m_db.rollback();
        m_error = m_db.lastError().text();
        return ok;
    }
    QSqlQuery query(m_db);
    const bool ok = query.exec(sql);
    m_error = query.lastError().text();
    return ok;
}

const QString kUsageTotalsColumns =
    u"COUNT(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), "
    "COALESCE(SUM(cache_create_5m_tokens), 0), COALESCE(SUM(cache_create_1h_tokens), 0), "
    "COALESCE(SUM(cache_read_tokens), 0), COALESCE(SUM(cost_usd), 0), COALESCE(SUM(rated_cost_usd), 0)"_s;

UsageTotals usageTotalsAt(const QSqlQuery &query, int first)
{
    UsageTotals t;
    t.requests = query.value(first).toLongLong();
    t.inputTokens = query.value(first + 1).toLongLong();
    t.outputTokens = query.value(first + 2).toLongLong();
    t.cacheCreate5mTokens = query.value(first + 3).toLongLong();
    t.cacheCreate1hTokens = query.value(first + 4).toLongLong();
    t.cacheReadTokens = query.value(first + 5).toLongLong();
    t.costUsd = query.value(first + 6).toDouble();
    t.ratedCostUsd = query.value(first + 7).toDouble();
    return t;
}

} // namespace rd::store::detail
