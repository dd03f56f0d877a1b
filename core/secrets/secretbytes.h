// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <utility>

namespace rd {

// A plaintext credential: move-only, wiped when it dies, never printed.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(QByteArray &&plain) noexcept
        : m_data(std::exchange(plain, {}))
    {}
    SecretBytes(SecretBytes &&other) noexcept = default;
    SecretBytes &operator=(SecretBytes &&other) noexcept
    {
        std::swap(m_data, other.m_data);
        return *this;
    }
    SecretBytes(const SecretBytes &) = delete;
    SecretBytes &operator=(const SecretBytes &) = delete;
    ~SecretBytes() { wipe(); }

    QByteArrayView expose() const noexcept { return m_data; } // header builders, OpenSSL, keychain only
    bool isEmpty() const noexcept { return m_data.isEmpty(); }
    qsizetype size() const noexcept { return m_data.size(); }
    SecretBytes clone() const { return SecretBytes(QByteArray(m_data.constData(), m_data.size())); }
    QString masked() const; // "sk-ant-…4f2a" for the UI
    void wipe() noexcept;
    bool equals(QByteArrayView other) const noexcept; // constant time

private:
    QByteArray m_data;
};

// Wipes a plain QByteArray that held secret bytes (its whole allocation: decoding shrinks in place, so secret bytes
// can sit past size()), then empties it. A shared array is only released: its bytes belong to another instance too.
void wipeBytes(QByteArray &bytes) noexcept;

} // namespace rd
