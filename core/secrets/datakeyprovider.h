// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/secrets/secretbytes.h"
#include "core/util/result.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace rd::secrets {

enum class DataKeySource
{
    Keychain,    // OS keychain through QtKeychain (the default)
    KeyFile,     // a file readable only by the user (fallback, loudly announced)
    Environment, // RELAYDESK_DATA_KEY (base64 of 32 bytes), loudly announced
};

QString dataKeySourceName(DataKeySource source);                         // "keychain", "file", "env"
std::optional<DataKeySource> dataKeySourceFromName(const QString &name); // inverse; nullopt when unknown

struct DataKey
{
    SecretBytes key;                                // 32 bytes
    DataKeySource source = DataKeySource::Keychain; // where it came from
    bool created = false; // true when this run generated it (no earlier data can exist under it)
    QString warning;      // non-empty for KeyFile/Environment: English, shown in log and UI
};

// Finds (or on first run creates) the 32-byte data key that seals account credentials.
// Order: RELAYDESK_DATA_KEY in the environment; the key file when the store recorded "file" or
// RELAYDESK_KEY_STORE=file; otherwise the OS keychain, falling back to the key file when the keychain
// cannot store anything. A key that the store recorded as living in the keychain is never silently
// replaced: an unreachable keychain then yields ErrorCode::KeychainUnavailable.
// Every keychain job runs under a timeout, so a prompt that never returns cannot hang start-up.
// Lives on the thread that calls load(); reports once through the callback, always from the event loop (never
// inside load()). Deleting the provider first abandons the operation without a report.
class DataKeyProvider : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString service = QStringLiteral("RelayDesk"); // keychain service name
        QString account = QStringLiteral("data-key");  // keychain entry name
        QString keyFilePath;                           // required: <data dir>/data.key
        std::optional<DataKeySource> recordedSource;   // what the store says was used before (nullopt: first run)
        QByteArray envVarName = "RELAYDESK_DATA_KEY";
        int keychainTimeoutMs = 5000;
    };
    using Callback = std::function<void(Result<DataKey>)>;

    explicit DataKeyProvider(Options options, QObject *parent = nullptr);
    void load(Callback done);

    // Removes the keychain entry (tests and "reset" flows). Reports through done with an empty DataKey on success.
    void removeFromKeychain(Callback done);

private:
    Options m_options;
};

} // namespace rd::secrets
