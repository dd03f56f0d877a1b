// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace rd::test {

struct ProcessResult
{
    bool started = false;
    bool finished = false; // false: killed at the timeout
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs a program while the test's event loop keeps serving the mocks (no blocking waits).
ProcessResult runProcess(const QString &program,
                         const QStringList &args,
                         const QProcessEnvironment &env,
                         const QString &workDir,
                         int timeoutMs,
                         const QByteArray &standardInput = {});

} // namespace rd::test
