// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/secrets/datakeyprovider.h"

#include "core/secrets/sealer.h"
#include "core/util/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringList>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include <memory>
#include <utility>

using namespace Qt::StringLiterals;

namespace rd::secrets {

namespace {

constexpr QFileDevice::Permissions kOwnerOnlyFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOwnerOnlyDir = kOwnerOnlyFile | QFileDevice::ExeOwner;
constexpr QFileDevice::Permissions kGroupOrOther = QFileDevice::ReadGroup | QFileDevice::WriteGroup
                                                   | QFileDevice::ExeGroup | QFileDevice::ReadOther
                                                   | QFileDevice::WriteOther | QFileDevice::ExeOther;
constexpr qint64 kMaxKeyFileBytes = 4096; // one base64 line; anything longer is not a key file

// Standard base64 of exactly 32 bytes, surrounding whitespace allowed.
std::optional<SecretBytes> decodeKey(QByteArrayView encoded)
{
    QByteArray text = encoded.trimmed().toByteArray();
    QByteArray::FromBase64Result result = QByteArray::fromBase64Encoding(
        std::move(text), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!result || result.decoded.size() != Sealer::kKeyBytes) {
        wipeBytes(result.decoded);
        return std::nullopt;
    }
    return SecretBytes(std::move(result.decoded));
}

QByteArray encodeKey(const SecretBytes &key)
{
    QByteArray raw = key.expose().toByteArray();
    QByteArray text = raw.toBase64();
    wipeBytes(raw);
    text.append('\n');
    return text;
}

Result<SecretBytes> readKeyFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isFile()) {
        return fail(ErrorCode::InvalidConfig, u"data key file %1 is not a regular file"_s.arg(path));
    }
#ifdef Q_OS_UNIX
    if (info.permissions() & kGroupOrOther) {
        return fail(ErrorCode::InvalidConfig,
                    u"data key file %1 is accessible by other users; run `chmod 600 %1` and start again"_s.arg(path));
    }
#endif
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        return fail(ErrorCode::InvalidConfig, u"cannot read data key file %1: %2"_s.arg(path, file.errorString()));
    }
    QByteArray text = file.read(kMaxKeyFileBytes);
    std::optional<SecretBytes> key = decodeKey(text);
    wipeBytes(text);
    if (!key) {
        return fail(ErrorCode::InvalidConfig,
                    u"data key file %1 does not hold the base64 encoding of 32 bytes"_s.arg(path));
    }
    return std::move(*key);
}

// Creates the missing folders one by one, each owner-only (QDir::mkpath takes no permissions).
Result<void> ensurePrivateDir(const QString &dirPath)
{
    QStringList missing;
    QString path = QDir::cleanPath(dirPath);
    while (!QFileInfo::exists(path)) {
        missing.prepend(path);
        const QString parent = QFileInfo(path).path();
        if (parent == path) {
            break;
        }
        path = parent;
    }
    for (const QString &dir : std::as_const(missing)) {
        if (!QDir().mkdir(dir, kOwnerOnlyDir)) {
            return fail(ErrorCode::InvalidConfig, u"cannot create folder %1 for the data key file"_s.arg(dir));
        }
    }
    return {};
}

Result<void> writeKeyFile(const QString &path, const SecretBytes &key)
{
    if (Result<void> dir = ensurePrivateDir(QFileInfo(path).absolutePath()); !dir) {
        return dir;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered)) {
        return fail(ErrorCode::InvalidConfig, u"cannot create data key file %1: %2"_s.arg(path, file.errorString()));
    }
    // QSaveFile creates a new file with the umask's permissions: narrow them before a byte is written.
    if (!file.setPermissions(kOwnerOnlyFile)) {
        file.cancelWriting();
        return fail(ErrorCode::InvalidConfig, u"cannot restrict permissions of data key file %1"_s.arg(path));
    }
    QByteArray text = encodeKey(key);
    const bool written = file.write(text) == text.size();
    wipeBytes(text);
    if (!written || !file.commit()) {
        file.cancelWriting();
        return fail(ErrorCode::InvalidConfig, u"cannot write data key file %1: %2"_s.arg(path, file.errorString()));
    }
    // Read it back, permissions included, before anything is sealed under this key.
    const Result<SecretBytes> check = readKeyFile(path);
    if (!check || !check->equals(key.expose())) {
        QFile::remove(path);
        return fail(ErrorCode::InvalidConfig, u"data key file %1 did not verify after writing"_s.arg(path));
    }
    return {};
}

QString keychainEntryName(const DataKeyProvider::Options &options)
{
    return u"%1/%2"_s.arg(options.service, options.account);
}

struct JobOutcome
{
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    SecretBytes data; // read jobs only
    bool timedOut = false;
};

JobOutcome outcomeOf(QKeychain::Job *job)
{
    JobOutcome outcome;
    outcome.error = job->error();
    outcome.errorString = job->errorString();
    if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(job); read && outcome.error == QKeychain::NoError) {
        outcome.data = SecretBytes(read->binaryData());
    }
    return outcome;
}

// One load() or removeFromKeychain() in flight: owns the callback, reports exactly once, then deletes itself.
// A child of the provider on its thread; deleting the provider abandons the operation without a report.
class KeyOperation : public QObject
{
public:
    enum class Kind
    {
        Load,
        Remove,
    };

    KeyOperation(Kind kind, DataKeyProvider::Options options, DataKeyProvider::Callback done, QObject *parent)
        : QObject(parent)
        , m_kind(kind)
        , m_options(std::move(options))
        , m_done(std::move(done))
    {}

    void start()
    {
        if (m_kind == Kind::Remove) {
            remove();
        } else {
            load();
        }
    }

private:
    using Next = std::function<void(JobOutcome)>;

    void load();
    void remove();
    Result<DataKey> keyFromEnvironment() const;
    void readKeychain();
    void onKeychainRead(JobOutcome outcome);
    void writeKeychain();
    void onKeychainWritten(JobOutcome outcome);
    void keychainUnusable(const QString &reason);
    void useKeyFile(const QString &keychainProblem);
    void runJob(QKeychain::Job *job, const Next &next);
    void finish(Result<DataKey> result);
    void logResult(const Result<DataKey> &result) const;

    Kind m_kind;
    DataKeyProvider::Options m_options;
    DataKeyProvider::Callback m_done;
    SecretBytes m_pendingKey; // generated, waiting for the keychain write
    bool m_reported = false;
};

void KeyOperation::load()
{
    if (!qEnvironmentVariableIsEmpty(m_options.envVarName.constData())) {
        finish(keyFromEnvironment());
        return;
    }
    if (m_options.recordedSource == DataKeySource::Environment) {
        // Making a new key now would silently orphan every credential sealed under the old one.
        finish(fail(ErrorCode::InvalidConfig,
                    u"the data key was taken from the environment variable %1, which is not set now"_s.arg(
                        QString::fromLatin1(m_options.envVarName))));
        return;
    }
    if (m_options.recordedSource == DataKeySource::KeyFile || qgetenv("RELAYDESK_KEY_STORE") == "file") {
        useKeyFile({});
        return;
    }
    readKeychain();
}

Result<DataKey> KeyOperation::keyFromEnvironment() const
{
    const QString name = QString::fromLatin1(m_options.envVarName);
    QByteArray text = qgetenv(m_options.envVarName.constData());
    std::optional<SecretBytes> key = decodeKey(text);
    wipeBytes(text);
    if (!key) {
        return fail(ErrorCode::InvalidConfig,
                    u"environment variable %1 must hold the standard base64 encoding of exactly 32 bytes"_s.arg(name));
    }
    DataKey result{std::move(*key), DataKeySource::Environment, false, {}};
    result.warning = u"data key taken from the environment variable %1, not from the OS keychain: anyone who can "
                     u"read this process's environment, or wherever the variable is set, can decrypt the stored "
                     u"credentials"_s.arg(name);
    return result;
}

void KeyOperation::readKeychain()
{
    // No parent: autoDelete frees the job once it finishes, even after our timeout gave up on it.
    auto *job = new QKeychain::ReadPasswordJob(m_options.service);
    job->setKey(m_options.account);
    runJob(job, [this](JobOutcome outcome) { onKeychainRead(std::move(outcome)); });
}

void KeyOperation::onKeychainRead(JobOutcome outcome)
{
    if (outcome.timedOut) {
        keychainUnusable(u"no answer within %1 ms"_s.arg(m_options.keychainTimeoutMs));
        return;
    }
    switch (outcome.error) {
    case QKeychain::NoError:
        if (outcome.data.size() != Sealer::kKeyBytes) {
            finish(fail(ErrorCode::InvalidConfig,
                        u"keychain entry %1 does not hold a 32-byte data key"_s.arg(keychainEntryName(m_options))));
            return;
        }
        finish(DataKey{std::move(outcome.data), DataKeySource::Keychain, false, {}});
        return;
    case QKeychain::EntryNotFound:
        if (m_options.recordedSource == DataKeySource::Keychain) {
            finish(fail(ErrorCode::KeychainUnavailable,
                        u"data key not found in keychain (entry %1; is the keyring locked?); credentials sealed "
                        u"under it cannot be opened"_s.arg(keychainEntryName(m_options))));
            return;
        }
        // A locked or half-set-up keyring also reads as "not found": the write below is the real probe.
        writeKeychain();
        return;
    default:
        keychainUnusable(outcome.errorString);
        return;
    }
}

void KeyOperation::writeKeychain()
{
    m_pendingKey = Sealer::generateKey();
    if (m_pendingKey.size() != Sealer::kKeyBytes) {
        finish(fail(ErrorCode::CryptoFailure, u"could not generate a data key (no randomness available)"_s));
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(m_options.service);
    job->setKey(m_options.account);
    job->setBinaryData(m_pendingKey.expose().toByteArray());
    runJob(job, [this](JobOutcome outcome) { onKeychainWritten(std::move(outcome)); });
}

void KeyOperation::onKeychainWritten(JobOutcome outcome)
{
    if (outcome.timedOut) {
        keychainUnusable(u"no answer within %1 ms"_s.arg(m_options.keychainTimeoutMs));
    } else if (outcome.error != QKeychain::NoError) {
        keychainUnusable(outcome.errorString);
    } else {
        finish(DataKey{std::exchange(m_pendingKey, {}), DataKeySource::Keychain, true, {}});
    }
}

void KeyOperation::keychainUnusable(const QString &reason)
{
    m_pendingKey.wipe();
    if (m_options.recordedSource == DataKeySource::Keychain) {
        finish(fail(ErrorCode::KeychainUnavailable,
                    u"the OS keychain cannot be used (%1); the data key kept there cannot be read, so credentials "
                    u"sealed under it cannot be opened"_s.arg(reason)));
        return;
    }
    qCWarning(lcSecrets).noquote() << u"OS keychain unusable (%1); falling back to the data key file"_s.arg(reason);
    useKeyFile(reason);
}

void KeyOperation::useKeyFile(const QString &keychainProblem)
{
    const QString &path = m_options.keyFilePath;
    if (path.isEmpty()) {
        finish(fail(ErrorCode::InvalidConfig, u"no data key file path configured"_s));
        return;
    }
    QString warning = u"data key kept in a file (%1), not in the OS keychain: anyone who can read this file can "
                      u"decrypt the stored credentials"_s.arg(path);
    if (!keychainProblem.isEmpty()) {
        warning = u"the OS keychain cannot be used (%1); "_s.arg(keychainProblem) + warning;
    }
    if (QFileInfo::exists(path)) {
        Result<SecretBytes> key = readKeyFile(path);
        finish(key ? Result<DataKey>(DataKey{std::move(*key), DataKeySource::KeyFile, false, warning})
                   : fail(key.error().code, key.error().detail));
        return;
    }
    if (m_options.recordedSource.has_value()) {
        finish(fail(ErrorCode::InvalidConfig,
                    u"data key file %1 missing; credentials sealed under it cannot be opened"_s.arg(path)));
        return;
    }
    SecretBytes key = Sealer::generateKey();
    if (key.size() != Sealer::kKeyBytes) {
        finish(fail(ErrorCode::CryptoFailure, u"could not generate a data key (no randomness available)"_s));
        return;
    }
    if (Result<void> written = writeKeyFile(path, key); !written) {
        finish(fail(written.error().code, written.error().detail));
        return;
    }
    finish(DataKey{std::move(key), DataKeySource::KeyFile, true, warning});
}

// finished and the timeout race: whichever comes first settles the job and the other is ignored.
// The job is never touched after finished (autoDelete); the timer dies with the settlement or with us.
void KeyOperation::runJob(QKeychain::Job *job, const Next &next)
{
    auto settled = std::make_shared<bool>(false);
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(job, &QKeychain::Job::finished, this, [settled, timer, next](QKeychain::Job *finishedJob) {
        if (std::exchange(*settled, true)) {
            return;
        }
        timer->stop();
        timer->deleteLater();
        next(outcomeOf(finishedJob));
    });
    connect(timer, &QTimer::timeout, this, [settled, timer, next] {
        if (std::exchange(*settled, true)) {
            return;
        }
        timer->deleteLater();
        JobOutcome outcome;
        outcome.timedOut = true;
        next(std::move(outcome));
    });
    timer->start(m_options.keychainTimeoutMs);
    job->start();
}

void KeyOperation::finish(Result<DataKey> result)
{
    if (std::exchange(m_reported, true)) {
        return;
    }
    logResult(result);
    DataKeyProvider::Callback done = std::move(m_done);
    deleteLater();
    // Last statement: the callback may delete the provider, and with it this object.
    if (done) {
        done(std::move(result));
    }
}

void KeyOperation::logResult(const Result<DataKey> &result) const
{
    if (!result) {
        qCWarning(lcSecrets).noquote() << u"%1: %2 (%3)"_s.arg(
            m_kind == Kind::Load ? u"data key unavailable"_s : u"data key not removed from the OS keychain"_s,
            result.error().detail,
            errorCodeName(result.error().code));
    } else if (m_kind == Kind::Remove) {
        qCInfo(lcSecrets).noquote() << u"data key removed from the OS keychain (entry %1)"_s.arg(
            keychainEntryName(m_options));
    } else if (!result->warning.isEmpty()) {
        qCWarning(lcSecrets).noquote() << u"data key source: %1%2; %3"_s.arg(
            dataKeySourceName(result->source), result->created ? u", new key"_s : QString(), result->warning);
    } else {
        qCInfo(lcSecrets).noquote() << u"data key source: %1%2 (entry %3)"_s.arg(dataKeySourceName(result->source),
                                                                                 result->created ? u", new key stored"_s
                                                                                                 : QString(),
                                                                                 keychainEntryName(m_options));
    }
}

void KeyOperation::remove()
{
    auto *job = new QKeychain::DeletePasswordJob(m_options.service);
    job->setKey(m_options.account);
    runJob(job, [this](JobOutcome outcome) {
        if (outcome.timedOut) {
            finish(fail(ErrorCode::KeychainUnavailable,
                        u"the OS keychain did not answer within %1 ms"_s.arg(m_options.keychainTimeoutMs)));
        } else if (outcome.error == QKeychain::NoError || outcome.error == QKeychain::EntryNotFound) {
            finish(DataKey{});
        } else {
            finish(fail(ErrorCode::KeychainUnavailable,
                        u"could not remove the data key from the OS keychain: %1"_s.arg(outcome.errorString)));
        }
    });
}

} // namespace

QString dataKeySourceName(DataKeySource source)
{
    switch (source) {
    case DataKeySource::Keychain:
        return u"keychain"_s;
    case DataKeySource::KeyFile:
        return u"file"_s;
    case DataKeySource::Environment:
        return u"env"_s;
    }
    return u"keychain"_s;
}

std::optional<DataKeySource> dataKeySourceFromName(const QString &name)
{
    for (const DataKeySource source : {DataKeySource::Keychain, DataKeySource::KeyFile, DataKeySource::Environment}) {
        if (name == dataKeySourceName(source)) {
            return source;
        }
    }
    return std::nullopt;
}

DataKeyProvider::DataKeyProvider(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{}

void DataKeyProvider::load(Callback done)
{
    auto *operation = new KeyOperation(KeyOperation::Kind::Load, m_options, std::move(done), this);
    // Always report from the event loop, never from inside load(): callers may rely on that order.
    QTimer::singleShot(0, operation, [operation] { operation->start(); });
}

void DataKeyProvider::removeFromKeychain(Callback done)
{
    auto *operation = new KeyOperation(KeyOperation::Kind::Remove, m_options, std::move(done), this);
    QTimer::singleShot(0, operation, [operation] { operation->start(); });
}

} // namespace rd::secrets
