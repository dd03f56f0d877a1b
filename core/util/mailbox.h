// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaObject>
#include <QMutex>
#include <QObject>

#include <functional>

namespace rd {

// A way to post work to an object on another thread that may die first: the owner closes the mailbox in its
// destructor, after which posts are dropped instead of reaching a deleted object.
class Mailbox
{
public:
    explicit Mailbox(QObject *target)
        : m_target(target)
    {}
    void post(std::function<void()> work)
    {
        const QMutexLocker lock(&m_mutex);
        if (m_target) {
            QMetaObject::invokeMethod(m_target, std::move(work), Qt::QueuedConnection);
        }
    }
    void close()
    {
        const QMutexLocker lock(&m_mutex);
        m_target = nullptr;
    }

private:
    QMutex m_mutex;
    QObject *m_target;
};

} // namespace rd
