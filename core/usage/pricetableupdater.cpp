// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/usage/pricetableupdater.h"

#include "core/util/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSaveFile>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <utility>

using namespace Qt::StringLiterals;

namespace rd::usage {

namespace {

constexpr int kMaxRedirects = 5;
constexpr qint64 kReadBufferBytes = qint64(1024) * 1024; // how far QNAM may read ahead of us (we drain on readyRead)

// What a download and the cache file must hold: a price table with enough models and a Claude entry, so a truncated
// or unrelated file never replaces good prices. The JSON is parsed here for a precise error and the key scan, then
// again by PriceTable::fromJson (the table does not list its ids); a few milliseconds a day.
Result<std::shared_ptr<const PriceTable>> usableTable(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        return fail(ErrorCode::InvalidConfig,
                    u"invalid JSON (%1 at offset %2)"_s.arg(error.errorString()).arg(error.offset));
    }
    if (!doc.isObject()) {
        return fail(ErrorCode::InvalidConfig, u"the JSON is not an object of models"_s);
    }
    auto table = PriceTable::fromJson(json);
    if (!table) {
        return fail(ErrorCode::InvalidConfig, table.error().detail);
    }
    if ((*table)->size() < PriceTableUpdater::kMinModels) {
        return fail(
            ErrorCode::InvalidConfig,
            u"only %1 priced models (at least %2 expected)"_s.arg((*table)->size()).arg(PriceTableUpdater::kMinModels));
    }
    const QJsonObject root = doc.object();
    for (auto it = root.constBegin(); it != root.constEnd(); ++it) {
        if (it.key().contains("claude"_L1, Qt::CaseInsensitive) && (*table)->find(it.key().toUtf8())) {
            return table;
        }
    }
    return fail(ErrorCode::InvalidConfig, u"no Claude model is priced"_s);
}

Result<std::shared_ptr<const PriceTable>> readCache(QFile &file)
{
    if (file.size() > PriceTableUpdater::kMaxBytes) {
        return fail(ErrorCode::InvalidConfig, u"larger than 32 MiB"_s);
    }
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(ErrorCode::InvalidConfig, file.errorString());
    }
    return usableTable(file.readAll());
}

QString displayed(const QUrl &url)
{
    return url.toDisplayString(QUrl::RemoveUserInfo);
}

} // namespace

PriceTableUpdater::PriceTableUpdater(QString cacheFilePath, QObject *parent)
    : QObject(parent)
    , m_cachePath(std::move(cacheFilePath))
{
    loadCache();
}

PriceTableUpdater::~PriceTableUpdater()
{
    if (m_reply) { // abandoned without a report: nobody is left to hear it
        m_reply->disconnect(this);
        m_reply->abort();
    }
}

std::shared_ptr<const PriceTable> PriceTableUpdater::current() const
{
    QMutexLocker lock(&m_mutex);
    return m_table;
}

QString PriceTableUpdater::source() const
{
    QMutexLocker lock(&m_mutex);
    return m_source;
}

QDateTime PriceTableUpdater::loadedAt() const
{
    QMutexLocker lock(&m_mutex);
    return m_loadedAt;
}

void PriceTableUpdater::loadCache()
{
    QFile file(m_cachePath);
    if (!m_cachePath.isEmpty() && file.exists()) {
        Result<std::shared_ptr<const PriceTable>> table = readCache(file);
        if (table) {
            install(std::move(*table), u"cache "_s + m_cachePath);
            return;
        }
        qCWarning(lcUsage).noquote() << u"price cache %1 unusable (%2); using the built-in prices"_s.arg(
            m_cachePath, table.error().detail);
    }
    install(PriceTable::builtIn(), u"built-in"_s);
}

void PriceTableUpdater::refresh(const QUrl &url)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const QString where = displayed(url);
    if (m_reply) {
        failLater(u"price table refresh from %1 refused: the refresh from %2 is still running"_s.arg(where, m_where));
        return;
    }
    if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http") || url.host().isEmpty()) {
        failLater(u"price table refresh from '%1' refused: only http:// and https:// URLs are fetched"_s.arg(where));
        return;
    }
    if (!m_manager) {
        m_manager = new QNetworkAccessManager(this);
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(kTransferTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setMaximumRedirectsAllowed(kMaxRedirects);
    request.setHeader(QNetworkRequest::UserAgentHeader, u"RelayDesk"_s);
    m_where = where;
    m_body.clear();
    m_reply = m_manager->get(request);
    m_reply->setReadBufferSize(kReadBufferBytes);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        const QVariant length = m_reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid() && length.toLongLong() > kMaxBytes) {
            abandon(u"price table refresh from %1 failed: the answer is larger than 32 MiB"_s.arg(m_where));
        }
    });
    connect(m_reply, &QNetworkReply::readyRead, this, [this] { onReadyRead(); });
    connect(m_reply, &QNetworkReply::finished, this, [this] { onFinished(); });
}

void PriceTableUpdater::startPeriodic(const QUrl &url, int intervalHours)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (intervalHours <= 0) {
        if (m_timer) {
            m_timer->stop();
        }
        return;
    }
    if (!m_timer) {
        m_timer = new QTimer(this);
        m_timer->setObjectName(u"periodicTimer"_s);
        m_timer->setTimerType(Qt::VeryCoarseTimer);
        connect(m_timer, &QTimer::timeout, this, [this] { refresh(m_periodicUrl); });
    }
    m_periodicUrl = url;
    m_timer->start(std::chrono::hours(std::min(intervalHours, kMaxIntervalHours)));
    refresh(url);
}

void PriceTableUpdater::onReadyRead()
{
    if (m_body.size() + m_reply->bytesAvailable() > kMaxBytes) {
        abandon(u"price table refresh from %1 failed: the answer is larger than 32 MiB"_s.arg(m_where));
        return;
    }
    m_body += m_reply->readAll();
}

void PriceTableUpdater::onFinished()
{
    onReadyRead(); // whatever arrived with the end
    if (!m_reply) {
        return; // it was too large: already reported
    }
    QNetworkReply *reply = std::exchange(m_reply, nullptr);
    reply->deleteLater();
    const QString what = u"price table refresh from %1 failed: "_s.arg(m_where);
    const QByteArray body = std::exchange(m_body, {});
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (status.isValid() && (status.toInt() < 200 || status.toInt() > 299)) {
        const QString detail = reply->error() == QNetworkReply::NoError || status.toInt() >= 400
                                   ? QString()
                                   : u" (%1)"_s.arg(reply->errorString()); // a redirect not followed says why
        emit refreshFailed(what + u"HTTP %1"_s.arg(status.toInt()) + detail);
        return;
    }
    if (reply->error() == QNetworkReply::OperationCanceledError) { // only the transfer timeout cancels it
        emit refreshFailed(what + u"no data for %1 s"_s.arg(kTransferTimeoutMs / 1000));
        return;
    }
    if (reply->error() != QNetworkReply::NoError) {
        emit refreshFailed(what + reply->errorString());
        return;
    }
    Result<std::shared_ptr<const PriceTable>> table = usableTable(body);
    if (!table) {
        emit refreshFailed(what + table.error().detail);
        return;
    }
    saveCache(body);
    const int models = static_cast<int>((*table)->size());
    install(std::move(*table), m_where);
    qCInfo(lcUsage).noquote() << "price table refreshed from" << m_where << "with" << models << "models";
    emit tableChanged();
    emit refreshed(models);
}

void PriceTableUpdater::abandon(const QString &reason)
{
    QNetworkReply *reply = std::exchange(m_reply, nullptr);
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
    m_body.clear();
    emit refreshFailed(reason);
}

void PriceTableUpdater::failLater(const QString &reason)
{
    // Queued, so refresh() always answers from the event loop, never from inside the call.
    QMetaObject::invokeMethod(
        this, [this, reason] { emit refreshFailed(reason); }, Qt::QueuedConnection);
}

void PriceTableUpdater::install(std::shared_ptr<const PriceTable> table, QString source)
{
    QMutexLocker lock(&m_mutex);
    m_table = std::move(table);
    m_source = std::move(source);
    m_loadedAt = QDateTime::currentDateTimeUtc();
}

void PriceTableUpdater::saveCache(const QByteArray &bytes) const
{
    if (m_cachePath.isEmpty()) {
        return;
    }
    // A cache that cannot be written costs only the next start-up's prices: the new table is used anyway.
    if (!QDir().mkpath(QFileInfo(m_cachePath).absolutePath())) {
        qCWarning(lcUsage).noquote() << "cannot create the folder of the price cache" << m_cachePath;
        return;
    }
    QSaveFile file(m_cachePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        qCWarning(lcUsage).noquote() << u"cannot write the price cache %1: %2"_s.arg(m_cachePath, file.errorString());
    }
}

} // namespace rd::usage
