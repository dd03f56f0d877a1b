// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/util/loghub.h"

#include <QDateTime>
#include <QMutex>
#include <QRegularExpression>
#include <QTimer>

#include <algorithm>
#include <atomic>

using namespace Qt::StringLiterals;

namespace rd {

namespace {
// Guards s_instance and the ring of the installed hub. Held only to copy entries in or out, never across I/O.
QMutex s_mutex;
LogHub *s_instance = nullptr;
std::atomic<QtMessageHandler> s_previous{nullptr};
thread_local bool t_inHandler = false; // a message logged while the hub stores one is passed on, not stored

constexpr int kKeptChars = 6;

const QRegularExpression &secretPattern()
{
    // Either a header-like prefix (kept) and its value (group 2), or a credential on its own (group 3).
    static const QRegularExpression re(
        uR"(\b(?:(bearer\s+|x-api-key["']?\s*[:=]\s*["']?|(?:access|refresh)_token["']?\s*[:=]\s*["']?))"
        uR"(([^\s"',;)}\]]+)|(sk-ant-[a-z0-9_\-]+|cr_[0-9a-f]{6,})))"_s,
        QRegularExpression::CaseInsensitiveOption);
    return re;
}

QString masked(QStringView secret)
{
    if (secret.contains(u'…')) {
        return secret.toString(); // masked already (by us, or SecretBytes::masked())
    }
    const qsizetype kept = std::min<qsizetype>(kKeptChars, secret.size() / 2);
    return secret.left(kept) + u"…redacted"_s;
}
} // namespace

LogHub::LogHub(int capacity)
    : m_capacity(std::max(1, capacity))
{
    m_ring.reserve(m_capacity);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &LogHub::flush);
}

LogHub::~LogHub() = default;

LogHub *LogHub::install(int capacity)
{
    QMutexLocker lock(&s_mutex);
    if (s_instance) {
        return s_instance;
    }
    s_instance = new LogHub(capacity);
    s_previous.store(qInstallMessageHandler(&LogHub::handleMessage));
    return s_instance;
}

void LogHub::uninstall()
{
    LogHub *hub = nullptr;
    {
        QMutexLocker lock(&s_mutex);
        hub = std::exchange(s_instance, nullptr);
        if (!hub) {
            return;
        }
        qInstallMessageHandler(s_previous.exchange(nullptr));
    }
    delete hub;
}

LogHub *LogHub::instance()
{
    QMutexLocker lock(&s_mutex);
    return s_instance;
}

QList<LogEntry> LogHub::recent() const
{
    QMutexLocker lock(&s_mutex);
    return entriesAfter(0);
}

QString LogHub::redact(const QString &text)
{
    if (!text.contains(u"cr_"_s, Qt::CaseInsensitive) && !text.contains(u"sk-ant-"_s, Qt::CaseInsensitive)
        && !text.contains(u"bearer"_s, Qt::CaseInsensitive) && !text.contains(u"api-key"_s, Qt::CaseInsensitive)
        && !text.contains(u"_token"_s, Qt::CaseInsensitive)) {
        return text; // the common case: nothing that could match
    }
    QString out;
    out.reserve(text.size());
    qsizetype done = 0;
    QRegularExpressionMatchIterator it = secretPattern().globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        const int secretGroup = m.capturedLength(2) > 0 ? 2 : 3;
        out += QStringView(text).mid(done, m.capturedStart(secretGroup) - done);
        out += masked(m.capturedView(secretGroup));
        done = m.capturedEnd(secretGroup);
    }
    out += QStringView(text).mid(done);
    return out;
}

QString LogHub::levelName(QtMsgType level)
{
    switch (level) {
    case QtDebugMsg:
        return u"debug"_s;
    case QtInfoMsg:
        return u"info"_s;
    case QtWarningMsg:
        return u"warning"_s;
    case QtCriticalMsg:
        return u"critical"_s;
    case QtFatalMsg:
        return u"fatal"_s;
    }
    return u"unknown"_s;
}

int LogHub::severity(QtMsgType level)
{
    switch (level) {
    case QtDebugMsg:
        return 0;
    case QtInfoMsg:
        return 1;
    case QtWarningMsg:
        return 2;
    case QtCriticalMsg:
        return 3;
    case QtFatalMsg:
        return 4;
    }
    return 0;
}

void LogHub::handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString masked = redact(message); // stderr and the window see the same masked text (STYLE.md §6)
    if (!t_inHandler) {
        t_inHandler = true;
        LogEntry entry;
        entry.timeMs = QDateTime::currentMSecsSinceEpoch();
        entry.level = type;
        entry.category = context.category ? QString::fromUtf8(context.category) : u"default"_s;
        entry.text = masked;
        {
            QMutexLocker lock(&s_mutex);
            if (s_instance) {
                s_instance->store(std::move(entry));
            }
        }
        t_inHandler = false;
    }
    if (const QtMessageHandler previous = s_previous.load()) {
        previous(type, context, masked);
    }
}

void LogHub::store(LogEntry entry)
{
    entry.seq = ++m_lastSeq;
    if (m_ring.size() < m_capacity) {
        m_ring.append(std::move(entry));
    } else {
        m_ring[m_next] = std::move(entry);
    }
    m_next = (m_next + 1) % m_capacity;
    if (!m_flushPending) {
        m_flushPending = true; // one queued call per batch, however many threads log
        QMetaObject::invokeMethod(this, &LogHub::startFlushTimer, Qt::QueuedConnection);
    }
}

void LogHub::startFlushTimer()
{
    // Right away after a quiet spell, otherwise kEmitIntervalMs after the previous batch.
    const qint64 wait = m_sinceEmit.isValid() ? std::max<qint64>(0, kEmitIntervalMs - m_sinceEmit.elapsed()) : 0;
    m_timer->start(static_cast<int>(wait));
}

void LogHub::flush()
{
    QList<LogEntry> fresh;
    {
        QMutexLocker lock(&s_mutex);
        m_flushPending = false;
        fresh = entriesAfter(m_emittedSeq);
        m_emittedSeq = m_lastSeq;
    }
    m_sinceEmit.start();
    if (!fresh.isEmpty()) {
        emit entriesAdded(fresh);
    }
}

QList<LogEntry> LogHub::entriesAfter(quint64 seq) const
{
    const qsizetype size = m_ring.size();
    const qsizetype oldest = size < m_capacity ? 0 : m_next; // index of the oldest entry
    const qsizetype count = static_cast<qsizetype>(std::min<quint64>(static_cast<quint64>(size), m_lastSeq - seq));
    QList<LogEntry> out;
    out.reserve(count);
    for (qsizetype i = size - count; i < size; ++i) {
        out.append(m_ring.at((oldest + i) % size));
    }
    return out;
}

} // namespace rd
