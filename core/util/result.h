// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <tl/expected.hpp>

#include <utility>

namespace rd {

// Codes drive decisions (status per dialect, failover, account marking); the detail is English and safe to log.
enum class ErrorCode
{
    InvalidArgument,         // a bad value from a user or a client request
    InvalidConfig,           // stored or given configuration that cannot be used
    NotFound,                // no such key/account/route
    Unauthorized,            // unknown, disabled or expired RelayDesk key
    PayloadTooLarge,         // request body over the limit
    HeadersTooLarge,         // request head over the limit
    BadRequest,              // malformed HTTP or JSON
    UpstreamConnect,         // connection to the upstream (or its proxy) failed
    UpstreamTimeout,         // the upstream did not answer in time
    UpstreamProtocol,        // the upstream sent something that is not HTTP
    UpstreamUnavailable,     // no account could serve the request
    StoreFailure,            // the database refused a read or write
    CryptoFailure,           // sealing/unsealing failed (wrong key, tampered data)
    KeychainUnavailable,     // no usable OS keychain
    ReauthorizationRequired, // an OAuth grant is gone (invalid_grant): the user must sign in again
    Internal,
};

struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString detail; // English and safe to log: never a secret, a body or a header value
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, QString detail = {})
{
    return tl::unexpected<Error>(Error{code, std::move(detail)});
}

QString errorCodeName(ErrorCode code);

} // namespace rd
