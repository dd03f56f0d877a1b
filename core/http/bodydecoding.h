// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/util/result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace rd::http {

// Decodes a request body sent with `content-encoding` (PROTOCOLS.md §4.2: Codex can compress its requests):
// "gzip", "x-gzip", "deflate" (zlib) and "zstd"; "identity" or empty returns the body unchanged. The decoded size is
// capped at maxBytes (BodyTooLarge beyond it: a small compressed body must not expand without bound). A corrupt body
// → BadRequest; an unknown coding → BadRequest naming it.
[[nodiscard]] Result<QByteArray>
decodeContentEncoding(const QByteArray &body, QByteArrayView encoding, qint64 maxBytes);

} // namespace rd::http
