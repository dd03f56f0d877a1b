// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/httptypes.h"

#include <QByteArray>

#include <simdjson.h>

namespace rd::scheduling {

// anthropicSessionKey() over a body that is already parsed (the relay reads each body once).
QByteArray anthropicSessionKey(const simdjson::dom::object &root, const rd::http::HeaderList &headers);

} // namespace rd::scheduling
