// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/exchange.h"

#include "core/relay/dialect.h"
#include "core/relay/forwarding.h"
#include "core/relay/relayworker.h"
#include "core/relay/usagerecorder.h"
#include "core/util/logging.h"

#include <QDateTime>

#include <utility>

using namespace Qt::StringLiterals;

namespace rd::relay {

Exchange::Exchange(RelayWorker *worker, http::ClientConnection *client, Plan plan)
    : QObject(worker)
    , m_worker(worker)
    , m_client(client)
    , m_plan(std::move(plan))
{
    m_plan.account->state->inFlight.fetch_add(1, std::memory_order_relaxed);
    m_worker->shared().activeExchanges.fetch_add(1, std::memory_order_relaxed);
    connect(client, &http::ClientConnection::closed, this, &Exchange::onClientClosed);
    connect(client, &http::ClientConnection::drained, this, &Exchange::onClientDrained);
}

Exchange::~Exchange()
{
    if (m_call) {
        std::exchange(m_call, nullptr)->abort(); // deleted mid-flight (worker shutdown): the sink must not dangle
    }
    m_plan.account->state->inFlight.fetch_sub(1, std::memory_order_relaxed);
    m_worker->shared().activeExchanges.fetch_sub(1, std::memory_order_relaxed);
}

void Exchange::start()
{
    m_call = m_worker->transport().start(std::move(m_plan.request), this);
}

void Exchange::upstreamHeaders(int status, http::HeaderList &&headers, qint64 contentLength)
{
    m_status = status;
    m_stream = isEventStream(headers);
    if (m_plan.recordUsage && status >= 200 && status < 300) {
        m_scanner.emplace(m_stream ? usage::AnthropicUsageScanner::Mode::Sse
                                   : usage::AnthropicUsageScanner::Mode::Json);
    }
    if (!m_client) {
        return;
    }
    // A stream is re-framed as chunked; a body of known length keeps its Content-Length.
    m_client->beginResponse(status, clientResponseHeaders(headers, m_stream), m_stream ? -1 : contentLength);
    if (contentLength == 0) {
        m_firstByteMs = http::monotonicMs() - m_plan.receivedAtMs;
    }
}

void Exchange::upstreamBody(QByteArrayView data)
{
    if (m_scanner) {
        m_scanner->feed(data);
    }
    if (!m_client) {
        return;
    }
    if (m_firstByteMs < 0) {
        m_firstByteMs = http::monotonicMs() - m_plan.receivedAtMs;
    }
    m_client->writeBody(data);
}

void Exchange::upstreamBatchEnd()
{
    if (!m_client) {
        return;
    }
    m_client->flush();
    // Never faster than the client reads: stop pulling from the upstream while the client is behind.
    if (m_call && m_client->isBackedUp()) {
        m_call->pause();
    }
}

void Exchange::onClientDrained()
{
    if (m_call) {
        m_call->resume();
    }
}

void Exchange::upstreamFinished()
{
    m_call = nullptr;
    if (m_scanner) {
        m_scanner->finish();
    }
    if (m_client) {
        m_client->endResponse();
    }
    finish(false);
}

void Exchange::upstreamFailed(const Error &error)
{
    m_call = nullptr;
    const ErrorKind kind =
        error.code == ErrorCode::UpstreamTimeout ? ErrorKind::UpstreamTimeout : ErrorKind::UpstreamUnreachable;
    qCWarning(lcUpstream).noquote() << "request" << QString::fromLatin1(m_client ? m_client->requestId() : QByteArray())
                                    << "account" << m_plan.account->id << "failed:" << error.detail;
    if (m_client) {
        if (!m_client->responseStarted()) {
            m_status = statusFor(kind);
            const QString message = kind == ErrorKind::UpstreamTimeout ? u"The upstream API did not answer in time"_s
                                                                       : u"The upstream API could not be reached"_s;
            m_client->sendResponse(
                m_status, {}, errorBody(m_plan.dialect, kind, message, m_client->requestId()), "application/json");
        } else {
            if (m_stream) {
                // In-band error, then an abnormal end (no terminating chunk) so no client mistakes it for a clean end.
                m_client->writeBody(streamErrorEvent(
                    m_plan.dialect, ErrorKind::UpstreamUnreachable, u"The upstream connection broke mid-stream"_s));
            }
            m_client->abortResponse();
        }
    }
    if (m_scanner) {
        m_scanner->finish();
    }
    finish(true);
}

void Exchange::onClientClosed()
{
    if (m_done) {
        return;
    }
    if (m_call) {
        std::exchange(m_call, nullptr)->abort(); // at once: the upstream stops generating for nobody
    }
    if (m_scanner) {
        m_scanner->finish();
    }
    finish(true);
}

void Exchange::finish(bool aborted)
{
    if (m_done) {
        return;
    }
    m_done = true;
    if (m_plan.recordUsage) {
        store::UsageRow row;
        row.requestId = QString::fromLatin1(m_client ? m_client->requestId() : QByteArray());
        row.timestampMs = m_plan.receivedAtEpochMs;
        row.keyId = m_plan.keyId;
        row.accountId = m_plan.account->id;
        row.route = QString::fromLatin1(routeName(m_plan.route));
        row.status = m_status;
        row.stream = m_stream;
        row.aborted = aborted;
        row.firstByteMs = m_firstByteMs;
        row.totalMs = http::monotonicMs() - m_plan.receivedAtMs;
        const usage::TokenUsage u = m_scanner ? m_scanner->result() : usage::TokenUsage();
        row.model = QString::fromUtf8(u.model.isEmpty() ? m_plan.requestModel : u.model);
        row.usageSeen = u.seen;
        row.inputTokens = u.inputTokens;
        row.outputTokens = u.outputTokens;
        row.cacheCreate5mTokens = u.cacheCreate5mTokens;
        row.cacheCreate1hTokens = u.cacheCreate1hTokens;
        row.cacheReadTokens = u.cacheReadTokens;
        if (!u.seen && m_status >= 200 && m_status < 300 && !aborted) {
            qCWarning(lcUsage) << "no usage in the answer to request" << row.requestId << "; none recorded";
        }
        qCInfo(lcAccess).noquote() << row.requestId << "key" << QString::fromLatin1(m_plan.keyLogId) << "account"
                                   << row.accountId << row.model << row.status << row.totalMs << "ms";
        m_worker->shared().usage->record(std::move(row));
    }
    if (m_client) {
        m_client->disconnect(this);
    }
    deleteLater();
}

} // namespace rd::relay
