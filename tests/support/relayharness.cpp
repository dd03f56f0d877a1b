// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/relayharness.h"

#include "core/auth/apikeys.h"
#include "core/config/datapaths.h"
#include "core/providers/console/consoleaccount.h"
#include "core/store/storewriter.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace rd::test {

RelayHarness::RelayHarness()
{
    m_config.host = QHostAddress(QHostAddress::LocalHost);
    m_config.port = 0;
    m_config.workerThreads = 2;
    m_config.configPollMs = 50;
    auto db = store::Database::open(store::StoreLocation{config::databasePath(m_dir.path())}, u"harness"_s);
    if (db) {
        m_db.emplace(std::move(*db));
    } else {
        qWarning("harness: %s", qPrintable(db.error().detail));
    }
    m_sealer = std::make_shared<const secrets::Sealer>(secrets::Sealer::generateKey());
}

RelayHarness::~RelayHarness()
{
    m_service.reset();
}

QString RelayHarness::baseUrl() const
{
    return u"http://127.0.0.1:%1"_s.arg(m_port);
}

bool RelayHarness::start()
{
    if (!m_db) {
        return false;
    }
    m_service =
        std::make_unique<relay::RelayService>(m_config, store::StoreLocation{config::databasePath(m_dir.path())});
    m_service->setSealer(m_sealer);
    QSignalSpy listening(m_service.get(), &relay::RelayService::listening);
    QSignalSpy failed(m_service.get(), &relay::RelayService::startFailed);
    m_service->start();
    if (!listening.wait(10000) || !failed.isEmpty()) {
        return false;
    }
    m_port = listening.first().at(1).value<quint16>();
    return waitForRevision();
}

bool RelayHarness::restart()
{
    m_service.reset();
    return start();
}

QByteArray RelayHarness::addKey(const QString &name, bool enabled, const QString &binding, bool isOwner)
{
    store::ApiKeyRecord r;
    r.name = name;
    r.enabled = enabled;
    r.binding = binding;
    r.isOwner = isOwner;
    return addKey(r);
}

QByteArray RelayHarness::addKey(store::ApiKeyRecord r, QString *id)
{
    const QByteArray key = auth::generateKey();
    r.id = u"key_test%1"_s.arg(++m_counter);
    r.keyHash = auth::hashKey(key);
    r.createdAt = QDateTime::currentDateTimeUtc();
    if (!m_db->insertKey(r)) {
        return {};
    }
    if (id) {
        *id = r.id;
    }
    return key;
}

QString RelayHarness::addAccount(const AccountOptions &o)
{
    store::AccountRecord r;
    r.id = u"acc_test%1"_s.arg(++m_counter);
    r.type = QString::fromLatin1(providers::kClaudeConsoleType);
    r.name = o.name + QString::number(m_counter);
    r.baseUrl = o.baseUrl;
    r.priority = o.priority;
    r.modelMapping = o.modelMapping;
    r.userAgent = o.userAgent;
    r.proxyUrl = o.proxyUrl;
    r.caCertPem = o.caPem;
    r.schedulable = o.schedulable;
    r.enabled = true;
    r.maxConcurrency = o.maxConcurrency;
    r.groupName = o.groupName;
    r.dedicated = o.dedicated;
    r.cooldownOverrides = o.cooldownOverrides;
    r.createdAt = QDateTime::currentDateTimeUtc().addMSecs(m_counter);
    const bool oauth = o.oauth || o.type == QLatin1String(providers::kOpenAIOAuthType);
    if (oauth) {
        r.type = QString::fromLatin1(o.oauth ? providers::kClaudeOAuthType : providers::kOpenAIOAuthType);
        r.tokenExpiresAtMs = o.tokenExpiresAtMs;
        r.sharedWithOthers = o.sharedWithOthers;
    } else if (!o.type.isEmpty()) {
        r.type = o.type;
    }
    r.extra = o.extra;
    auto plain =
        oauth ? providers::encodeOAuthCredentials(o.accessToken, o.refreshToken, o.tokenExpiresAtMs, o.proxyPassword)
              : providers::encodeCredentials(o.apiKey, o.proxyPassword);
    if (!plain) {
        return {};
    }
    auto sealed = m_sealer->seal(plain->expose(), r.id.toUtf8());
    if (!sealed) {
        return {};
    }
    r.sealedCredentials = *sealed;
    if (!m_db->insertAccount(r)) {
        return {};
    }
    return r.id;
}

bool RelayHarness::waitForRevision()
{
    const auto revision = m_db->configRevision();
    if (!revision || !m_service) {
        return false;
    }
    QElapsedTimer t;
    t.start();
    while (m_service->status().configRevision != *revision && t.elapsed() < 10000) {
        QTest::qWait(10);
    }
    return m_service->status().configRevision == *revision;
}

void RelayHarness::flushUsage()
{
    m_service->storeWriter()->flush();
}

} // namespace rd::test
