// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/engine.h"

#include "core/config/datapaths.h"
#include "core/config/relaysettings.h"
#include "core/secrets/storeunlock.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace rd::cli {

Engine::Engine(relay::RelayConfig config, QString dataDir, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_dataDir(std::move(dataDir))
{}

Engine::~Engine()
{
    m_service.reset(); // joins the relay's threads before the store connection goes
    if (m_db) {
        [[maybe_unused]] auto cleared = m_db->setMeta(u"relay_listen"_s, QString());
    }
}

void Engine::start()
{
    const store::StoreLocation location{config::databasePath(m_dataDir)};
    auto db = store::Database::open(location, u"relaydesk-engine"_s);
    if (!db) {
        emit failed(u"cannot open the store in %1: %2"_s.arg(m_dataDir, db.error().detail));
        return;
    }
    m_db.emplace(std::move(*db));
    if (auto stored = m_db->settings()) {
        const config::RelaySettings settings = config::relaySettingsFrom(*stored);
        if (!m_explicitHost) {
            m_config.host = settings.listenHost;
        }
        if (!m_explicitPort) {
            m_config.port = settings.listenPort;
        }
    }
    secrets::unlockStore(*m_db, m_dataDir, this, [this, location](Result<secrets::Unlocked> unlocked) {
        if (!unlocked) {
            emit failed(u"cannot unlock account credentials: %1"_s.arg(unlocked.error().detail));
            return;
        }
        m_keyWarning = unlocked->warning;
        m_keySource = unlocked->source;
        m_service = std::make_unique<relay::RelayService>(m_config, location);
        m_service->setSealer(unlocked->sealer);
        connect(m_service.get(), &relay::RelayService::listening, this, [this](const QHostAddress &a, quint16 port) {
            const QString address = a.toString();
            if (auto ok = m_db->setMeta(u"relay_listen"_s, u"%1:%2"_s.arg(address).arg(port)); !ok) {
                qWarning("could not record the listen address: %s", qPrintable(ok.error().detail));
            }
            emit running(address, port);
        });
        connect(m_service.get(), &relay::RelayService::startFailed, this, [this](const Error &error) {
            emit failed(error.detail);
        });
        m_service->start();
    });
}

} // namespace rd::cli
