// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/nodeprocess.h"

#include <QProcess>
#include <QSignalSpy>

namespace rd::test {

ProcessResult runProcess(const QString &program,
                         const QStringList &args,
                         const QProcessEnvironment &env,
                         const QString &workDir,
                         int timeoutMs,
                         const QByteArray &standardInput)
{
    ProcessResult result;
    QProcess process;
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(workDir);
    if (standardInput.isEmpty()) {
        process.setStandardInputFile(QProcess::nullDevice());
    }
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(program, args);
    if (!process.waitForStarted(10000)) {
        return result;
    }
    result.started = true;
    if (!standardInput.isEmpty()) {
        process.write(standardInput);
        process.closeWriteChannel();
    }
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
