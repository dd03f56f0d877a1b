// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/signinproxy.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace rd::ui {

QNetworkProxy signInProxy(const QString &proxyUrl, const QString &password)
{
    const QString text = proxyUrl.trimmed();
    if (text.isEmpty()) {
        return QNetworkProxy(QNetworkProxy::NoProxy);
    }
    // The sign-in goes through the account's proxy, as its requests will (PROTOCOLS §5.5).
    const QUrl url(text);
    return QNetworkProxy(url.scheme() == u"socks5" ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy,
                         url.host(),
                         static_cast<quint16>(url.port()),
                         url.userName(),
                         password);
}

} // namespace rd::ui
