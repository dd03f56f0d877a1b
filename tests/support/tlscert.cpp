// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/tlscert.h"

#include <QtDebug>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace rd::test {

namespace {

template <typename T, void (*Free)(T *)>
struct OsslFree
{
    void operator()(T *p) const { Free(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, OsslFree<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OsslFree<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, OsslFree<BIO, BIO_free_all>>;

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

bool addExtension(X509 *cert, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) {
        return false;
    }
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

bool fillCertificate(X509 *cert, EVP_PKEY *key)
{
    X509_set_version(cert, 2); // v3
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 0x5EED);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 7 * 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("localhost"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(
        name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("RelayDesk tests"), -1, -1, 0);
    X509_set_issuer_name(cert, name); // self-signed
    // CA:TRUE lets the relay trust it as its own CA; the SAN is what hostname checks look at.
    return addExtension(cert, NID_basic_constraints, "critical,CA:TRUE")
           && addExtension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign")
           && addExtension(cert, NID_ext_key_usage, "serverAuth")
           && addExtension(cert, NID_subject_key_identifier, "hash")
           && addExtension(cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost")
           && X509_sign(cert, key, EVP_sha256()) > 0;
}

TlsIdentity generate()
{
    TlsIdentity id;
    PKeyPtr key(EVP_EC_gen("P-256"));
    X509Ptr cert(X509_new());
    if (!key || !cert || !fillCertificate(cert.get(), key.get())) {
        qWarning("mock TLS: could not generate the self-signed certificate");
        return id;
    }
    BioPtr certBio(BIO_new(BIO_s_mem()));
    BioPtr keyBio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509(certBio.get(), cert.get()) != 1
        || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        qWarning("mock TLS: could not encode the certificate");
        return id;
    }
    id.certificatePem = bioContents(certBio.get());
    id.privateKeyPem = bioContents(keyBio.get());
    id.certificate = QSslCertificate(id.certificatePem, QSsl::Pem);
    id.privateKey = QSslKey(id.privateKeyPem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    return id;
}

} // namespace

const TlsIdentity &localhostTlsIdentity()
{
    static const TlsIdentity identity = generate();
    return identity;
}

} // namespace rd::test
