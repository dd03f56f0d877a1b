// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/relay/relayconfig.h"
#include "core/relay/relayservice.h"
#include "core/secrets/sealer.h"
#include "core/store/database.h"

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace rd::test {

// A real relay on 127.0.0.1:<ephemeral> over a temporary SQLite store, for integration tests.
// Keys and accounts are written to the store (as the CLI would) and reach the relay through its config watcher.
class RelayHarness
{
public:
    RelayHarness();
    ~RelayHarness();

    relay::RelayConfig &config() { return m_config; } // adjust before start()
    bool start();                                     // waits (event loop) until listening and configured
    bool restart(); // stops the relay (flushing usage and state) and starts a new one on the same store
    quint16 port() const { return m_port; }
    QString baseUrl() const; // "http://127.0.0.1:<port>"
    relay::RelayService *service() { return m_service.get(); }
    store::Database &db() { return *m_db; }
    QString dataDir() const { return m_dir.path(); }
    const secrets::Sealer &sealer() const { return *m_sealer; }

    // Returns the plaintext key (cr_…).
    QByteArray addKey(const QString &name, bool enabled = true, const QString &binding = {}, bool isOwner = false);
    // Any settings (limits as JSON text, clients, …): id, hash and creation time are filled in.
    QByteArray addKey(store::ApiKeyRecord record, QString *id = nullptr);
    struct AccountOptions
    {
        QString name = QStringLiteral("console");
        QString baseUrl;
        QByteArray apiKey = "sk-ant-api03-test-key-0000";
        int priority = 50;
        QString modelMapping;
        QString userAgent;
        QString proxyUrl;
        QByteArray proxyPassword;
        QString caPem;
        bool schedulable = true;
        int maxConcurrency = 0;
        QString groupName;
        bool dedicated = false;
        QString cooldownOverrides;
        // A Claude subscription (claude-oauth) instead of a Console key:
        bool oauth = false;
        QByteArray accessToken = "sk-ant-oat01-harness-access";
        QByteArray refreshToken;
        qint64 tokenExpiresAtMs = 0;
        bool sharedWithOthers = false;
        // Any other type ("openai-oauth", "openai-responses", "azure-openai"): apiKey is the API key (Responses,
        // Azure) or accessToken/refreshToken the ChatGPT tokens; extra the AccountExtra JSON.
        QString type;
        QString extra;
    };
    QString addAccount(const AccountOptions &options); // returns the account id
    bool waitForRevision();                            // until the relay applied the store's current config revision
    void flushUsage();                                 // the store writer commits everything queued

private:
    QTemporaryDir m_dir;
    relay::RelayConfig m_config;
    std::optional<store::Database> m_db;
    std::shared_ptr<const secrets::Sealer> m_sealer;
    std::unique_ptr<relay::RelayService> m_service;
    quint16 m_port = 0;
    int m_counter = 0;
};

} // namespace rd::test
