// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/secrets/secretbytes.h"
#include "core/util/result.h"

#include <QByteArray>

namespace rd::secrets {

// Seals credentials with AES-256-GCM (OpenSSL EVP): random 96-bit nonce per seal, the record id as AAD.
// Sealed layout: "RDS1" (4 bytes) | nonce (12) | ciphertext | tag (16). Immutable after construction; any thread.
class Sealer
{
public:
    static constexpr int kKeyBytes = 32;

    explicit Sealer(SecretBytes dataKey); // Q_ASSERTs 32 bytes
    Sealer(Sealer &&) noexcept = default;

    [[nodiscard]] Result<QByteArray> seal(QByteArrayView plain, QByteArrayView aad) const;
    [[nodiscard]] Result<SecretBytes> unseal(QByteArrayView sealed, QByteArrayView aad) const;

    static SecretBytes generateKey(); // 32 bytes from RAND_bytes

    // A small sealed value kept in the store so a wrong data key is noticed before any credential is used.
    [[nodiscard]] Result<QByteArray> makeKeyCheck() const;
    [[nodiscard]] bool verifyKeyCheck(QByteArrayView check) const;

private:
    SecretBytes m_key;
};

} // namespace rd::secrets
