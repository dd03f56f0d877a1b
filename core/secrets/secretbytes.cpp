// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/secrets/secretbytes.h"

#include <openssl/crypto.h>

using namespace Qt::StringLiterals;

namespace rd {

QString SecretBytes::masked() const
{
    if (m_data.size() < 12) {
        return u"…"_s;
    }
    // Keep a recognisable prefix (up to the second '-') and the last four characters.
    qsizetype prefix = 0;
    int dashes = 0;
    for (qsizetype i = 0; i < m_data.size() && i < 8; ++i) {
        if (m_data.at(i) == '-' && ++dashes == 2) {
            prefix = i + 1;
            break;
        }
    }
    return QString::fromLatin1(m_data.left(prefix)) + u"…"_s + QString::fromLatin1(m_data.right(4));
}

void SecretBytes::wipe() noexcept
{
    if (!m_data.isEmpty() && !m_data.isDetached()) {
        m_data = QByteArray(); // shared with another instance: never scribble over someone else's bytes
        return;
    }
    if (!m_data.isEmpty()) {
        OPENSSL_cleanse(m_data.data(), static_cast<size_t>(m_data.size()));
    }
    m_data = QByteArray();
}

bool SecretBytes::equals(QByteArrayView other) const noexcept
{
    return other.size() == m_data.size()
           && CRYPTO_memcmp(other.data(), m_data.constData(), static_cast<size_t>(m_data.size())) == 0;
}

void wipeBytes(QByteArray &bytes) noexcept
{
    if (bytes.capacity() > 0 && bytes.isDetached()) {
        OPENSSL_cleanse(bytes.data(), static_cast<size_t>(bytes.capacity()));
    }
    bytes = QByteArray();
}

} // namespace rd
