// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/relay/relayconfig.h"
#include "core/relay/relayservice.h"
#include "core/store/database.h"

#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace rd::cli {

// Start-up shared by the window and `relaydesk serve`: open the store, unlock the credentials' data key,
// start the relay, and remember where it listens (for `relaydesk status`).
class Engine : public QObject
{
    Q_OBJECT
public:
    Engine(relay::RelayConfig config, QString dataDir, QObject *parent = nullptr);
    ~Engine() override;
    // The command line named the host / port: the stored relay.host / relay.port settings do not apply.
    void setExplicitListen(bool host, bool port)
    {
        m_explicitHost = host;
        m_explicitPort = port;
    }
    void start(); // answered by running() or failed()
    relay::RelayService *service() const { return m_service.get(); }
    const QString &dataDir() const { return m_dataDir; }
    const QString &keyWarning() const { return m_keyWarning; } // non-empty: the data key is not in the keychain
    const QString &keySource() const { return m_keySource; }

signals:
    void running(const QString &address, quint16 port);
    void failed(const QString &message);

private:
    relay::RelayConfig m_config;
    QString m_dataDir;
    std::optional<store::Database> m_db;
    std::unique_ptr<relay::RelayService> m_service;
    QString m_keyWarning;
    QString m_keySource;
    bool m_explicitHost = false;
    bool m_explicitPort = false;
};

} // namespace rd::cli
