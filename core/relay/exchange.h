// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/http/clientconnection.h"
#include "core/http/upstreamtransport.h"
#include "core/providers/console/consoleaccount.h"
#include "core/relay/routes.h"
#include "core/usage/usagescanner.h"

#include <QObject>
#include <QPointer>

#include <memory>
#include <optional>

namespace rd::relay {

class RelayWorker;

// One relayed call: client request → upstream → client, streamed chunk by chunk, usage read on the side.
// Lives on its worker's thread and deletes itself when done (answered, failed or abandoned by the client).
class Exchange : public QObject, public http::UpstreamSink
{
    Q_OBJECT // findChildren<Exchange *>() needs the meta-object
        public : struct Plan
    {
        Route route = Route::Messages;
        Dialect dialect = Dialect::Anthropic;
        QString keyId;
        QByteArray keyLogId;
        QByteArray requestModel;
        bool recordUsage = false;
        std::shared_ptr<const providers::ConsoleAccount> account;
        http::UpstreamRequest request;
        qint64 receivedAtMs = 0; // monotonic, when the request was complete
        qint64 receivedAtEpochMs = 0;
    };

    Exchange(RelayWorker *worker, http::ClientConnection *client, Plan plan);
    ~Exchange() override;
    void start();

    // UpstreamSink
    void upstreamHeaders(int status, http::HeaderList &&headers, qint64 contentLength) override;
    void upstreamBody(QByteArrayView data) override;
    void upstreamBatchEnd() override;
    void upstreamFinished() override;
    void upstreamFailed(const Error &error) override;

private:
    void onClientClosed();
    void onClientDrained();
    void finish(bool aborted);

    RelayWorker *m_worker;
    QPointer<http::ClientConnection> m_client;
    Plan m_plan;
    http::UpstreamCall *m_call = nullptr;
    std::optional<usage::AnthropicUsageScanner> m_scanner;
    int m_status = 0;
    bool m_stream = false;
    bool m_done = false;
    qint64 m_firstByteMs = -1;
};

} // namespace rd::relay
