// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>
#include <QtGlobal>

class QTimer;

namespace rd {

// One log message as the Logs page shows it: secrets already masked (LogHub::redact).
struct LogEntry
{
    quint64 seq = 0;   // 1, 2, 3 … in the order the hub received the messages
    qint64 timeMs = 0; // ms since epoch (UTC)
    QtMsgType level = QtDebugMsg;
    QString category; // "relaydesk.relay", "default", …
    QString text;
};

// The process's in-memory log (STYLE.md §4): a Qt message handler that keeps the last `capacity` messages from any
// thread in a ring, redacted, and passes every message on unchanged to the handler that was installed before it (so
// stderr and any file handler keep working). New entries are announced on the hub's thread by entriesAdded, batched
// and at most once per kEmitIntervalMs; an idle process emits nothing and runs no timer.
class LogHub : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultCapacity = 5000;
    static constexpr int kEmitIntervalMs = 250;

    // Creates the hub on the calling thread and installs its handler; a second call returns the installed hub.
    static LogHub *install(int capacity = kDefaultCapacity);
    // Restores the previous handler and deletes the hub (tests, shutdown); call on the hub's thread.
    static void uninstall();
    static LogHub *instance(); // nullptr when not installed

    ~LogHub() override;
    int capacity() const { return m_capacity; }
    QList<LogEntry> recent() const; // oldest first, at most capacity()

    // Masks what looks like a credential: RelayDesk keys (cr_ + hex), Anthropic keys and OAuth tokens (sk-ant-…),
    // "Bearer <token>", x-api-key and access/refresh token values. A secret keeps its first 6 characters (at most half
    // of it) followed by "…redacted".
    static QString redact(const QString &text);
    static QString levelName(QtMsgType level); // "debug", "info", "warning", "critical", "fatal"
    static int severity(QtMsgType level);      // debug 0 < info 1 < warning 2 < critical 3 < fatal 4

signals:
    void entriesAdded(const QList<rd::LogEntry> &entries); // oldest first

private:
    explicit LogHub(int capacity);
    static void handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message);
    void store(LogEntry entry);                      // under s_mutex
    void startFlushTimer();                          // on the hub's thread
    void flush();                                    // on the hub's thread
    QList<LogEntry> entriesAfter(quint64 seq) const; // under s_mutex

    const int m_capacity;
    QList<LogEntry> m_ring; // circular once full; m_next is where the next entry goes
    int m_next = 0;
    quint64 m_lastSeq = 0;    // the newest entry stored
    quint64 m_emittedSeq = 0; // the newest entry announced
    bool m_flushPending = false;
    QTimer *m_timer = nullptr;
    QElapsedTimer m_sinceEmit;
};

} // namespace rd
