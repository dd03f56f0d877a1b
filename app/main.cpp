// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/common.h"
#include "app/cli/engine.h"
#include "core/config/datapaths.h"

#include <QCoreApplication>

#ifdef RELAYDESK_WITH_UI
#include "core/util/loghub.h"
#include "ui/appearance.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/pages/logspage.h"
#include "ui/tray/trayicon.h"

#include <QApplication>
#include <QScopeGuard>
#endif

#include <memory>

using namespace Qt::StringLiterals;

namespace {

[[maybe_unused]] bool hasDisplay()
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
           || qEnvironmentVariable("QT_QPA_PLATFORM") == u"offscreen"_s;
#else
    return true;
#endif
}

#ifdef RELAYDESK_WITH_UI
int runWindow(int argc, char **argv, const QStringList &args)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"RelayDesk"_s);
    // The Logs page's live log: every message from here on, redacted; stderr keeps getting them as before. The guard
    // removes the hub after the window and the engine are gone, before the application object.
    rd::LogHub *logHub = rd::LogHub::install();
    const auto logHubGuard = qScopeGuard([] { rd::LogHub::uninstall(); });
    rd::cli::Args a;
    if (!a.parse(args, {u"host"_s, u"port"_s, u"workers"_s, u"max-body-mb"_s, u"data-dir"_s}, {u"minimized"_s})) {
        return rd::cli::usageError(a.error());
    }
    auto config = rd::cli::relayConfigFrom(
        a.value(u"host"_s), a.value(u"port"_s), a.value(u"workers"_s), a.value(u"max-body-mb"_s));
    if (!config) {
        return rd::cli::usageError(config.error().detail);
    }
    rd::cli::quitOnSignals();
    // Language and theme before the first widget: the user's choice, else the system's.
    const rd::ui::Preferences preferences;
    rd::ui::installTranslator(app, preferences.language());
    rd::ui::applyTheme(preferences.theme()); // "system" may still mean dark: the desktop is asked
    rd::ui::MainWindow window;
    if (auto *logsPage = window.findChild<rd::ui::LogsPage *>()) {
        logsPage->setLogHub(logHub);
    }
    rd::cli::Engine engine(*config, rd::config::resolveDataDir(a.value(u"data-dir"_s)));
    engine.setExplicitListen(a.has(u"host"_s), a.has(u"port"_s));
    rd::ui::TrayIcon tray(&window); // after the engine: goes before it
    const bool trayAvailable = QSystemTrayIcon::isSystemTrayAvailable();
    if (trayAvailable) {
        // The window may be hidden in the tray; Quit (tray menu) or closing it with "close to tray" off ends the app.
        QApplication::setQuitOnLastWindowClosed(false);
        QObject::connect(&app, &QGuiApplication::lastWindowClosed, &window, [] {
            if (!rd::ui::Preferences().closeToTray()) {
                QCoreApplication::quit();
            }
        });
    }
    QObject::connect(&engine, &rd::cli::Engine::running, &window, [&](const QString &address, quint16 port) {
        rd::cli::printErr(u"relaydesk: listening on %1:%2"_s.arg(address).arg(port));
        window.attach(engine.service(), engine.dataDir(), engine.keyWarning());
        tray.attach(window.context());
    });
    QObject::connect(&engine, &rd::cli::Engine::failed, &window, [&window, &tray](const QString &message) {
        rd::cli::printErr(u"relaydesk: "_s + message);
        window.showFailure(message);
        tray.showFailure(message);
    });
    tray.show();
    if (!a.has(u"minimized"_s)) {
        window.show();
    } else if (!trayAvailable) {
        rd::cli::printErr(u"relaydesk: no system tray; --minimized shows the window instead"_s);
        window.show();
    }
    engine.start();
    return QApplication::exec();
}
#endif

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 1; i < argc; ++i) {
        args.append(QString::fromLocal8Bit(argv[i]));
    }
    const QString command = args.value(0);
    if (command == u"--version"_s || command == u"-v"_s) {
        rd::cli::printOut(u"relaydesk " RELAYDESK_VERSION ""_s);
        return 0;
    }
    if (command == u"--help"_s || command == u"-h"_s || command == u"help"_s) {
        rd::cli::printOut(rd::cli::usageText());
        return 0;
    }
    const bool subcommand = !command.isEmpty() && !command.startsWith(u"--"_s);
#ifdef RELAYDESK_WITH_UI
    if (!subcommand && hasDisplay()) {
        return runWindow(argc, argv, args);
    }
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"RelayDesk"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(RELAYDESK_VERSION));
    if (!subcommand) {
        return rd::cli::serveCommand(args); // no display: the same relay, headless
    }
    const QStringList rest = args.mid(1);
    if (command == u"serve"_s) {
        return rd::cli::serveCommand(rest);
    }
    if (command == u"keys"_s) {
        return rd::cli::keysCommand(rest);
    }
    if (command == u"settings"_s) {
        return rd::cli::settingsCommand(rest);
    }
    if (command == u"accounts"_s) {
        return rd::cli::accountsCommand(rest);
    }
    if (command == u"status"_s) {
        return rd::cli::statusCommand(rest);
    }
    if (command == u"usage"_s) {
        return rd::cli::usageCommand(rest);
    }
    return rd::cli::usageError(u"unknown command '%1'"_s.arg(command));
}
