// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/util/result.h"

using namespace Qt::StringLiterals;

namespace rd {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument:
        return u"invalid_argument"_s;
    case ErrorCode::InvalidConfig:
        return u"invalid_config"_s;
    case ErrorCode::NotFound:
        return u"not_found"_s;
    case ErrorCode::Unauthorized:
        return u"unauthorized"_s;
    case ErrorCode::PayloadTooLarge:
        return u"payload_too_large"_s;
    case ErrorCode::HeadersTooLarge:
        return u"headers_too_large"_s;
    case ErrorCode::BadRequest:
        return u"bad_request"_s;
    case ErrorCode::UpstreamConnect:
        return u"upstream_connect"_s;
    case ErrorCode::UpstreamTimeout:
        return u"upstream_timeout"_s;
    case ErrorCode::UpstreamProtocol:
        return u"upstream_protocol"_s;
    case ErrorCode::UpstreamUnavailable:
        return u"upstream_unavailable"_s;
    case ErrorCode::StoreFailure:
        return u"store_failure"_s;
    case ErrorCode::CryptoFailure:
        return u"crypto_failure"_s;
    case ErrorCode::KeychainUnavailable:
        return u"keychain_unavailable"_s;
    case ErrorCode::ReauthorizationRequired:
        return u"reauthorization_required"_s;
    case ErrorCode::Internal:
        break;
    }
    return u"internal"_s;
}

} // namespace rd
