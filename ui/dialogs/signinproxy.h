// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QNetworkProxy>
#include <QString>

namespace rd::ui {

// The proxy a sign-in wizard's token exchange goes through: the account's own (PROTOCOLS §5.5), as typed in the
// wizard (socks5:// or http://, user from the URL, the password field), or none when proxyUrl is blank.
QNetworkProxy signInProxy(const QString &proxyUrl, const QString &password);

} // namespace rd::ui
