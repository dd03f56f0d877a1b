// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/secrets/sealer.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <cstring>
#include <memory>

using namespace Qt::StringLiterals;

namespace rd::secrets {

namespace {

constexpr QByteArrayView kMagic = "RDS1";
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;
constexpr qsizetype kOverhead = 4 + kNonceBytes + kTagBytes;
constexpr QByteArrayView kKeyCheckPlain = "RelayDesk data key check v1";
constexpr QByteArrayView kKeyCheckAad = "relaydesk-key-check";

struct CipherCtxFree
{
    void operator()(EVP_CIPHER_CTX *ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char *bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char *>(view.data());
}

unsigned char *bytes(QByteArray &array)
{
    return reinterpret_cast<unsigned char *>(array.data());
}

// Every OpenSSL length is an int; anything larger is no credential.
bool fitsInt(QByteArrayView view)
{
    return view.size() <= INT_MAX - kOverhead;
}

} // namespace

Sealer::Sealer(SecretBytes dataKey)
    : m_key(std::move(dataKey))
{
    Q_ASSERT(m_key.size() == kKeyBytes);
}

Result<QByteArray> Sealer::seal(QByteArrayView plain, QByteArrayView aad) const
{
    if (m_key.size() != kKeyBytes) {
        return fail(ErrorCode::CryptoFailure, u"sealing failed: the data key has the wrong length"_s);
    }
    if (!fitsInt(plain) || !fitsInt(aad)) {
        return fail(ErrorCode::CryptoFailure, u"sealing failed: value too large"_s);
    }
    QByteArray out(kOverhead + plain.size(), Qt::Uninitialized);
    std::memcpy(out.data(), kMagic.data(), static_cast<size_t>(kMagic.size()));
    unsigned char *nonce = bytes(out) + kMagic.size();
    unsigned char *cipherText = nonce + kNonceBytes;
    if (RAND_bytes(nonce, kNonceBytes) != 1) {
        return fail(ErrorCode::CryptoFailure, u"sealing failed: no random nonce available"_s);
    }

    const CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    int total = 0;
    bool ok = ctx && EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), bytes(m_key.expose()), nonce, nullptr) == 1;
    if (ok && !aad.isEmpty()) {
        ok = EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
    }
    if (ok && !plain.isEmpty()) {
        ok = EVP_EncryptUpdate(ctx.get(), cipherText, &len, bytes(plain), static_cast<int>(plain.size())) == 1;
        total = len;
    }
    if (ok) {
        ok = EVP_EncryptFinal_ex(ctx.get(), cipherText + total, &len) == 1;
        total += len;
    }
    if (ok) {
        ok = total == plain.size()
             && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, cipherText + total) == 1;
    }
    if (!ok) {
        return fail(ErrorCode::CryptoFailure, u"sealing failed: AES-256-GCM encryption error"_s);
    }
    return out;
}

Result<SecretBytes> Sealer::unseal(QByteArrayView sealed, QByteArrayView aad) const
{
    if (m_key.size() != kKeyBytes) {
        return fail(ErrorCode::CryptoFailure, u"unsealing failed: the data key has the wrong length"_s);
    }
    if (sealed.size() < kOverhead) {
        return fail(ErrorCode::CryptoFailure, u"unsealing failed: sealed value is too short"_s);
    }
    if (sealed.first(kMagic.size()) != kMagic) {
        return fail(ErrorCode::CryptoFailure, u"unsealing failed: not a sealed value (unknown format)"_s);
    }
    if (!fitsInt(sealed) || !fitsInt(aad)) {
        return fail(ErrorCode::CryptoFailure, u"unsealing failed: value too large"_s);
    }
    const QByteArrayView nonce = sealed.sliced(kMagic.size(), kNonceBytes);
    const QByteArrayView cipherText = sealed.sliced(kMagic.size() + kNonceBytes, sealed.size() - kOverhead);
    // EVP_CTRL_GCM_SET_TAG takes a non-const pointer, so hand it a copy.
    unsigned char tag[kTagBytes];
    std::memcpy(tag, sealed.last(kTagBytes).data(), kTagBytes);

    QByteArray plain(cipherText.size(), Qt::Uninitialized);
    const CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    int total = 0;
    bool ok =
        ctx && EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), bytes(m_key.expose()), bytes(nonce), nullptr) == 1;
    if (ok && !aad.isEmpty()) {
        ok = EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
    }
    if (ok && !cipherText.isEmpty()) {
        ok = EVP_DecryptUpdate(ctx.get(), bytes(plain), &len, bytes(cipherText), static_cast<int>(cipherText.size()))
             == 1;
        total = len;
    }
    if (ok) {
        ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) == 1;
    }
    // The final call checks the tag: a wrong key, a wrong AAD or any flipped bit all end here.
    if (ok) {
        ok = EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + total, &len) == 1;
        total += len;
    }
    if (!ok || total != plain.size()) {
        wipeBytes(plain);
        return fail(ErrorCode::CryptoFailure,
                    u"unsealing failed: wrong data key, wrong record or tampered data (authentication failed)"_s);
    }
    return SecretBytes(std::move(plain));
}

SecretBytes Sealer::generateKey()
{
    QByteArray key(kKeyBytes, Qt::Uninitialized);
    if (RAND_bytes(bytes(key), kKeyBytes) != 1) {
        wipeBytes(key);
        return {}; // callers check the size; an empty key can seal nothing
    }
    return SecretBytes(std::move(key));
}

Result<QByteArray> Sealer::makeKeyCheck() const
{
    return seal(kKeyCheckPlain, kKeyCheckAad);
}

bool Sealer::verifyKeyCheck(QByteArrayView check) const
{
    const Result<SecretBytes> plain = unseal(check, kKeyCheckAad);
    return plain && plain->equals(kKeyCheckPlain);
}

} // namespace rd::secrets
