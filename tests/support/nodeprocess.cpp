// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/nodeprocess.h"

#include <QProcess>
#include <QSignalSpy>

namespace rd::test {

ProcessResult runProcess(const QString &program,
                         const QStringList &args,
                         const QProcessEnvironment &env,
                         const QString &workDir,
                         int timeoutMs)
{
    ProcessResult result;
    QProcess process;
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(workDir);
    process.setStandardInputFile(QProcess::nullDevice());
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(program, args);
    if (!process.waitForStarted(10000)) {
        return result;
    }
    result.started = true;
    result.finished = finished.wait(timeoutMs);
    if (!result.finished) {
        process.kill();
        finished.wait(5000);
    }
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

} // namespace rd::test
