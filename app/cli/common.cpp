// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/common.h"

#include "core/config/datapaths.h"
#include "core/config/endpoints.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>

#include <openssl/rand.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace rd::cli {

QString newId(const char *prefix)
{
    unsigned char raw[8];
    RAND_bytes(raw, sizeof raw);
    return QString::fromLatin1(prefix)
           + QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(raw), sizeof raw).toHex());
}

void printOut(const QString &text)
{
    QTextStream(stdout) << text << Qt::endl;
}

void printErr(const QString &text)
{
    QTextStream(stderr) << text << Qt::endl;
}

int reportFailure(const QString &message)
{
    printErr(u"relaydesk: "_s + message);
    return 1;
}

int reportResult(const Result<void> &r, const QString &done)
{
    if (!r) {
        return reportFailure(r.error().detail);
    }
    if (!done.isEmpty()) {
        printOut(done);
    }
    return 0;
}

int usageError(const QString &message)
{
    printErr(u"relaydesk: "_s + message);
    printErr(u"Run 'relaydesk --help' for usage."_s);
    return 2;
}

std::optional<store::Database> openStore(const QString &dataDirOption, QString *resolvedDir)
{
    const QString dir = config::resolveDataDir(dataDirOption);
    if (resolvedDir) {
        *resolvedDir = dir;
    }
    auto db = store::Database::open(store::StoreLocation{config::databasePath(dir)}, u"relaydesk-cli"_s);
    if (!db) {
        printErr(u"relaydesk: cannot open the store in %1: %2"_s.arg(dir, db.error().detail));
        return std::nullopt;
    }
    return std::move(*db);
}

Result<QByteArray> readSecret(const char *envVar, const QString &prompt)
{
    const QByteArray fromEnv = qgetenv(envVar);
    if (!fromEnv.isEmpty()) {
        return fromEnv.trimmed();
    }
    std::string line;
#ifdef Q_OS_UNIX
    const bool tty = isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (tty) {
        std::fputs(qPrintable(prompt + u" "_s), stderr);
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::getline(std::cin, line);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fputs("\n", stderr);
    }
#else
    std::getline(std::cin, line);
#endif
    QByteArray secret = QByteArray::fromStdString(line).trimmed();
    std::fill(line.begin(), line.end(), '\0');
    if (secret.isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"no secret on standard input (or in %1)"_s.arg(QString::fromLatin1(envVar)));
    }
    return secret;
}

Result<relay::RelayConfig>
relayConfigFrom(const QString &host, const QString &port, const QString &workers, const QString &maxBodyMb)
{
    relay::RelayConfig config;
    config.claudeOAuth = config::claudeEndpointsFromEnvironment();
    config.openaiOAuth = config::openaiEndpointsFromEnvironment();
    if (!host.isEmpty()) {
        QHostAddress address;
        if (host == u"localhost"_s) {
            address = QHostAddress(QHostAddress::LocalHost);
        } else if (!address.setAddress(host)) {
            return fail(ErrorCode::InvalidArgument, u"--host must be an IP address, not '%1'"_s.arg(host));
        }
        config.host = address;
    }
    bool ok = true;
    if (!port.isEmpty()) {
        const int p = port.toInt(&ok);
        if (!ok || p < 0 || p > 65535) {
            return fail(ErrorCode::InvalidArgument, u"--port must be 0..65535, not '%1'"_s.arg(port));
        }
        config.port = static_cast<quint16>(p);
    }
    if (!workers.isEmpty()) {
        const int w = workers.toInt(&ok);
        if (!ok || w < 1 || w > 256) {
            return fail(ErrorCode::InvalidArgument, u"--workers must be 1..256"_s);
        }
        config.workerThreads = w;
    }
    if (!maxBodyMb.isEmpty()) {
        const int mb = maxBodyMb.toInt(&ok);
        if (!ok || mb < 1 || mb > 1024) {
            return fail(ErrorCode::InvalidArgument, u"--max-body-mb must be 1..1024"_s);
        }
        config.server.limits.maxBodyBytes = static_cast<qsizetype>(mb) * 1024 * 1024;
    }
    return config;
}

#ifdef Q_OS_UNIX
namespace {
int s_signalPipe[2] = {-1, -1};
void onSignal(int)
{
    const char b = 1;
    [[maybe_unused]] const auto n = ::write(s_signalPipe[1], &b, 1);
}
} // namespace
#endif

void quitOnSignals()
{
#ifdef Q_OS_UNIX
    if (s_signalPipe[0] >= 0 || ::socketpair(AF_UNIX, SOCK_STREAM, 0, s_signalPipe) != 0) {
        return;
    }
    auto *notifier = new QSocketNotifier(s_signalPipe[0], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, QCoreApplication::instance(), [] {
        char b = 0;
        [[maybe_unused]] const auto n = ::read(s_signalPipe[0], &b, 1);
        QCoreApplication::quit();
    });
    struct sigaction sa
    {
    };
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
#endif
}

} // namespace rd::cli
