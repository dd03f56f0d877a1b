// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QSslKey>

namespace rd::test {

// A self-signed EC P-256 certificate for 127.0.0.1 / localhost (SAN IP:127.0.0.1, DNS:localhost, CA:TRUE so it can be
// trusted as its own CA), generated once per process with OpenSSL.
struct TlsIdentity
{
    QSslCertificate certificate;
    QSslKey privateKey;
    QByteArray certificatePem;
    QByteArray privateKeyPem;
};

// Generated on first use; later calls return the same identity. Empty certificate on failure.
const TlsIdentity &localhostTlsIdentity();

} // namespace rd::test
