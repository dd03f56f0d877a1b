// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/usage/pricing.h"

#include <QByteArray>
#include <QDateTime>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace rd::usage {

// Owns the current price table: the cached download (else the built-in copy) at start, replaced by refresh() from a
// LiteLLM-format URL, on request or on a timer. Lives on a control thread; current(), source() and loadedAt() may be
// called from any thread.
class PriceTableUpdater : public QObject
{
    Q_OBJECT
public:
    static constexpr int kTransferTimeoutMs = 30'000;       // no byte for this long ends a download
    static constexpr qint64 kMaxBytes = 32LL * 1024 * 1024; // a larger answer (or cache file) is refused
    static constexpr qsizetype kMinModels = 10;             // a smaller table is refused (a broken download)
    static constexpr int kMaxIntervalHours = 596;           // QTimer counts in int milliseconds

    // Loads cacheFilePath when it holds a usable table, else uses the built-in one. An empty path caches nothing.
    explicit PriceTableUpdater(QString cacheFilePath, QObject *parent = nullptr);
    ~PriceTableUpdater() override;

    std::shared_ptr<const PriceTable> current() const;
    QString source() const;     // "built-in", "cache <path>" or the URL it was downloaded from
    QDateTime loadedAt() const; // when current() got this table (UTC)

    // Downloads url (http or https), answered once, from the event loop: tableChanged() then refreshed() when the
    // table was replaced, else refreshFailed() with the table unchanged. Refused while another refresh is running.
    void refresh(const QUrl &url);
    // refresh(url) now and every intervalHours (clamped to kMaxIntervalHours); 0 stops the periodic refresh.
    void startPeriodic(const QUrl &url, int intervalHours);

signals:
    void tableChanged();
    void refreshed(int models);
    void refreshFailed(const QString &reason); // names the URL and what went wrong; safe to log

private:
    void loadCache();
    void onReadyRead();
    void onFinished();
    void abandon(const QString &reason); // stops the running download and reports reason
    void failLater(const QString &reason);
    void install(std::shared_ptr<const PriceTable> table, QString source);
    void saveCache(const QByteArray &bytes) const;

    const QString m_cachePath;
    mutable QMutex m_mutex; // guards the three below
    std::shared_ptr<const PriceTable> m_table;
    QString m_source;
    QDateTime m_loadedAt;

    QNetworkAccessManager *m_manager = nullptr; // created on first use, on this object's thread
    QNetworkReply *m_reply = nullptr;           // the running download
    QString m_where;                            // its URL, for reasons
    QByteArray m_body;
    QTimer *m_timer = nullptr;
    QUrl m_periodicUrl;
};

} // namespace rd::usage
