// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/relay/exchange.h"

#include "core/oauth/tokenrefresher.h"
#include "core/relay/chatusagefilter.h"
#include "core/relay/dialect.h"
#include "core/relay/forwarding.h"
#include "core/relay/relayworker.h"
#include "core/relay/usagerecorder.h"
#include "core/scheduling/stickymap.h"
#include "core/usage/livewindow.h"
#include "core/usage/openaiusage.h"
#include "core/usage/pricing.h"
#include "core/util/logging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <utility>

using namespace Qt::StringLiterals;

namespace rd::relay {

namespace {
constexpr qsizetype kMaxHeldErrorBody = 1 << 20;
constexpr qsizetype kMaxHeldPreamble = 4 << 20; // Responses preamble events held before the decisive one

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

Exchange::Exchange(RelayWorker *worker, http::ClientConnection *client, Plan plan)
    : QObject(worker)
    , m_worker(worker)
    , m_client(client)
    , m_plan(std::move(plan))
{
    m_worker->shared().activeExchanges.fetch_add(1, std::memory_order_relaxed);
    connect(client, &http::ClientConnection::closed, this, &Exchange::onClientClosed);
    connect(client, &http::ClientConnection::drained, this, &Exchange::onClientDrained);
}

Exchange::~Exchange()
{
    if (m_call) {
        std::exchange(m_call, nullptr)->abort(); // deleted mid-flight (worker shutdown): the sink must not dangle
    }
    endAttempt();
    m_worker->shared().activeExchanges.fetch_sub(1, std::memory_order_relaxed);
}

void Exchange::start()
{
    if (m_plan.limited && !m_plan.key->limits.isEmpty()) {
        QPointer<Exchange> self(this);
        std::shared_ptr<Mailbox> mailbox = m_worker->mailbox();
        // A queued request's answer comes from whichever thread frees a slot: it is posted here. If this exchange is
        // gone by then, the posted answer is dropped and the slot it carries is released with it.
        auto waiter = [self, mailbox](policy::Admission admission) {
            mailbox->post([self, admission]() mutable {
                if (self) {
                    self->onAdmission(std::move(admission));
                }
            });
        };
        const bool countTokens = m_plan.route == Route::CountTokens;
        policy::Admission admission = m_worker->shared().limiter->admit(
            m_plan.keyId, m_plan.key->limits, m_plan.modelFamily, countTokens, true, waiter);
        if (admission.outcome == policy::Admission::Outcome::Queued) {
            m_ticket = admission.ticket;
            m_queueTimer = new QTimer(this);
            m_queueTimer->setSingleShot(true);
            connect(m_queueTimer, &QTimer::timeout, this, &Exchange::onQueueTimeout);
            m_queueTimer->start(m_plan.key->limits.queueTimeoutMs);
            return;
        }
        onAdmission(std::move(admission));
        return;
    }
    attempt();
}

void Exchange::onAdmission(policy::Admission admission)
{
    if (m_done) {
        return; // the slot in `admission` is released as it goes
    }
    m_ticket = 0;
    if (m_queueTimer) {
        m_queueTimer->stop();
    }
    if (admission.outcome == policy::Admission::Outcome::Refused) {
        refuse(*admission.refusal);
        return;
    }
    m_lease = std::move(admission.lease);
    attempt();
}

void Exchange::onQueueTimeout()
{
    if (m_done || m_ticket == 0) {
        return;
    }
    if (!m_worker->shared().limiter->cancel(m_plan.keyId, m_ticket)) {
        return; // a slot was granted just now: its answer is on the way
    }
    refuse(m_worker->shared().limiter->queueTimeout(m_plan.key->limits));
}

void Exchange::refuse(const policy::Refusal &refusal)
{
    m_plan.recordUsage = false; // nothing was sent upstream
    if (m_client) {
        qCInfo(lcAccess).noquote() << m_client->requestId() << "key" << QString::fromLatin1(m_plan.keyLogId)
                                   << "refused:" << refusal.message;
        http::HeaderList extra;
        if (refusal.retryAfterS > 0) {
            extra.append(http::Header{QByteArrayLiteral("retry-after"), QByteArray::number(refusal.retryAfterS)});
        }
        const ErrorKind kind = refusal.status == 402 ? ErrorKind::Billing : ErrorKind::RateLimited;
        m_status = statusFor(kind);
        m_client->sendResponse(
            m_status,
            extra,
            errorBody(m_plan.dialect, kind, refusal.message, m_client->requestId(), refusal.code, refusal.details),
            "application/json");
    }
    finish(false);
}

void Exchange::filterModelList()
{
    // The upstream's list, less the models this key may not use.
    QJsonDocument doc = QJsonDocument::fromJson(m_held);
    if (!doc.isObject() || !doc.object().value(u"data"_s).isArray()) {
        return; // not a list we understand: passed on as it is
    }
    QJsonObject root = doc.object();
    QJsonArray kept;
    for (const auto &entry : root.value(u"data"_s).toArray()) {
        if (m_plan.key->mayUseModel(entry.toObject().value(u"id"_s).toString().toUtf8())) {
            kept.append(entry);
        }
    }
    root.insert(u"data"_s, kept);
    if (!kept.isEmpty()) {
        root.insert(u"first_id"_s, kept.first().toObject().value(u"id"_s));
        root.insert(u"last_id"_s, kept.last().toObject().value(u"id"_s));
    } else {
        root.insert(u"first_id"_s, QJsonValue::Null);
        root.insert(u"last_id"_s, QJsonValue::Null);
    }
    m_held = QJsonDocument(root).toJson(QJsonDocument::Compact);
    m_contentLength = m_held.size();
}

void Exchange::attempt()
{
    if (!m_client || !m_client->isOpen()) {
        finish(true);
        return;
    }
    RelayShared &shared = m_worker->shared();
    scheduling::SelectionInput in;
    in.model = m_plan.requestModel;
    in.family = m_plan.modelFamily;
    in.binding = m_plan.keyBinding;
    in.serviceFamily = m_plan.family;
    in.keyIsOwner = m_plan.keyIsOwner;
    in.exclude = m_tried;
    in.nowMs = nowMs();
    if (!m_plan.sessionKey.isEmpty() && m_attempts == 0) {
        in.sticky = shared.sticky->lookup(QLatin1String(m_plan.family), m_plan.sessionKey);
    }
    scheduling::Selection pick = scheduling::selectAccount(m_plan.snapshot->accounts, in);
    if (pick.outcome == scheduling::SelectionOutcome::BoundUnavailable && m_plan.family != "claude"
        && in.binding.startsWith(u"account:"_s)) {
        // A bound OpenAI or Azure account that cannot serve falls back to the pool (PROTOCOLS.md §7.2).
        in.binding.clear();
        pick = scheduling::selectAccount(m_plan.snapshot->accounts, in);
    }
    if (pick.outcome != scheduling::SelectionOutcome::Selected) {
        if (m_lastFailure) {
            deliverLastFailure(); // no account left: the client gets what the last one said
        } else {
            answerNoAccount(pick);
        }
        finish(false);
        return;
    }
    if (in.sticky && !pick.fromSticky) {
        // The session's account cannot serve now: forget the binding; a success below re-binds.
        shared.sticky->drop(QLatin1String(m_plan.family), m_plan.sessionKey);
    }
    m_account = pick.account;
    m_holdsSlot = true;
    m_tried.insert(m_account->id);
    ++m_attempts;
    scheduling::markUsed(*m_account);
    m_status = 0;
    m_headers.clear();
    m_contentLength = -1;
    m_held.clear();
    m_stream = false;
    m_scanner.reset();
    m_transform.reset();
    m_refreshedAfter401 = false;
    const qint64 expires = m_account->state->tokenExpiresAtMs.load(std::memory_order_acquire);
    if (m_account->oauth && expires > 0 && expires - in.nowMs < m_worker->shared().refresher->marginMs()) {
        requestToken(); // refresh before use; the call starts when the token is there
        return;
    }
    send();
}

void Exchange::send()
{
    if (startCall()) {
        m_call = m_worker->transport().start(std::move(m_upstreamRequest), this);
    }
}

void Exchange::requestToken()
{
    QPointer<Exchange> self(this);
    m_worker->shared().refresher->refresh(m_account, m_worker->mailbox(), [self](const Result<void> &result) {
        if (self) {
            self->onTokenReady(result);
        }
    });
}

void Exchange::onTokenReady(const Result<void> &result)
{
    if (m_done) {
        return;
    }
    const bool stillValid = m_account->state->tokenExpiresAtMs.load(std::memory_order_acquire) > nowMs();
    if (result || (result.error().code != ErrorCode::ReauthorizationRequired && stillValid)) {
        send(); // a fresh token, or a failed refresh while the current token still works
        return;
    }
    // Signed out (or an expired token that cannot be renewed): this account is out; try the next one.
    qCWarning(lcRelay) << "account" << m_account->id << "cannot serve:" << result.error().detail;
    endAttempt();
    attempt();
}

void Exchange::recordSubscriptionFacts()
{
    // The unified rate-limit headers of a subscription: 5-hour and 7-day utilisation and resets.
    QJsonObject facts;
    for (const char *window : {"5h", "7d"}) {
        const QByteArray prefix = QByteArray("anthropic-ratelimit-unified-") + window;
        const QByteArray utilization = http::headerValue(m_headers, QByteArray(prefix + "-utilization"));
        const QByteArray reset = http::headerValue(m_headers, QByteArray(prefix + "-reset"));
        const QByteArray status = http::headerValue(m_headers, QByteArray(prefix + "-status"));
        if (utilization.isEmpty() && reset.isEmpty() && status.isEmpty()) {
            continue;
        }
        facts.insert(QString::fromLatin1(window),
                     QJsonObject{{u"utilization"_s, utilization.toDouble()},
                                 {u"reset"_s, reset.toLongLong()},
                                 {u"status"_s, QString::fromLatin1(status)}});
    }
    if (facts.isEmpty()) {
        return;
    }
    if (m_account->state->mergeSubscriptionFacts(facts)) {
        m_worker->shared().saveState(m_account->state->stateRow(m_account->id, nowMs()));
    }
}

void Exchange::recordCodexFacts()
{
    // The ChatGPT plan's 5-hour and weekly windows from the x-codex-* headers, in the Claude facts' shape.
    const QJsonObject facts = scheduling::codexUsageFacts(m_headers, nowMs());
    if (!facts.isEmpty() && m_account->state->mergeSubscriptionFacts(facts)) {
        m_worker->shared().saveState(m_account->state->stateRow(m_account->id, nowMs()));
    }
}

bool Exchange::startCall()
{
    Result<http::UpstreamRequest> request = m_worker->buildUpstreamRequest(*m_account, m_plan);
    if (!request) {
        qCWarning(lcRelay) << "account" << m_account->id << "credentials unusable:" << request.error().detail;
        endAttempt();
        m_status = 500;
        m_client->sendResponse(500,
                               {},
                               errorBody(m_plan.dialect,
                                         ErrorKind::Internal,
                                         u"The account's credentials could not be opened"_s,
                                         m_client->requestId()),
                               "application/json");
        finish(false);
        return false;
    }
    m_upstreamRequest = std::move(*request);
    return true;
}

void Exchange::answerNoAccount(const scheduling::Selection &pick)
{
    using scheduling::SelectionOutcome;
    const qint64 now = nowMs();
    const qint64 waitSeconds =
        pick.retryAtMs > now ? static_cast<qint64>(std::ceil(static_cast<double>(pick.retryAtMs - now) / 1000.0)) : 0;
    ErrorKind kind = ErrorKind::ServiceUnavailable;
    QString message;
    http::HeaderList extra;
    switch (pick.outcome) {
    case SelectionOutcome::ModelNotServed:
        kind = ErrorKind::ModelNotFound;
        message = u"No account serves the model '%1'"_s.arg(QString::fromUtf8(m_plan.requestModel));
        break;
    case SelectionOutcome::AllBusy:
        kind = ErrorKind::RateLimited;
        message = u"Every account is at its concurrency limit; retry shortly"_s;
        extra.append(http::Header{QByteArrayLiteral("retry-after"), QByteArrayLiteral("1")});
        break;
    case SelectionOutcome::AllUnavailable:
    case SelectionOutcome::BoundUnavailable: {
        const bool bound = pick.outcome == SelectionOutcome::BoundUnavailable;
        const QString who = bound ? u"This key's dedicated account"_s : u"Every account"_s;
        if (waitSeconds > 0) {
            kind = ErrorKind::RateLimited;
            message = u"%1 is cooling down; retry in %2 s (%3)"_s.arg(who).arg(waitSeconds).arg(pick.reason);
            extra.append(http::Header{QByteArrayLiteral("retry-after"), QByteArray::number(waitSeconds)});
        } else {
            message = u"%1 is unavailable: %2"_s.arg(who, pick.reason.isEmpty() ? u"busy"_s : pick.reason);
            if (bound && pick.reason.isEmpty()) {
                kind = ErrorKind::RateLimited;
                extra.append(http::Header{QByteArrayLiteral("retry-after"), QByteArrayLiteral("1")});
            }
        }
        break;
    }
    case SelectionOutcome::NoAccounts:
    case SelectionOutcome::Selected:
        message = u"No upstream account is available for this key"_s;
        break;
    }
    m_status = statusFor(kind);
    m_client->sendResponse(
        m_status, extra, errorBody(m_plan.dialect, kind, message, m_client->requestId()), "application/json");
}

void Exchange::upstreamHeaders(int status, http::HeaderList &&headers, qint64 contentLength)
{
    m_status = status;
    m_headers = std::move(headers);
    m_contentLength = contentLength;
    m_stream = isEventStream(m_headers);
    if (isSuccess(status)) {
        if (m_account->kind == providers::AccountKind::ClaudeOAuth) {
            recordSubscriptionFacts();
        } else if (m_account->kind == providers::AccountKind::OpenAIOAuth) {
            recordCodexFacts();
        }
        if (m_plan.recordUsage) {
            switch (m_plan.api) {
            case UpstreamApi::Responses:
            case UpstreamApi::ResponsesCompact:
                m_scanner = std::make_unique<usage::ResponsesUsageScanner>(
                    m_stream ? usage::ResponsesUsageScanner::Mode::Sse : usage::ResponsesUsageScanner::Mode::Json);
                break;
            case UpstreamApi::ChatCompletions:
            case UpstreamApi::Embeddings:
                m_scanner = std::make_unique<usage::ChatUsageScanner>(m_stream ? usage::ChatUsageScanner::Mode::Sse
                                                                               : usage::ChatUsageScanner::Mode::Json);
                break;
            default:
                m_scanner = std::make_unique<usage::AnthropicUsageScanner>(
                    m_stream ? usage::AnthropicUsageScanner::Mode::Sse : usage::AnthropicUsageScanner::Mode::Json);
                break;
            }
        }
        setUpTransform();
        if (!m_stream && !m_plan.filterModels) {
            commit(); // a whole JSON answer: nothing more to decide
        }
    }
    // A stream waits for its first event; an error answer is held whole: either may still fail over.
}

void Exchange::commit()
{
    if (m_committed) {
        return;
    }
    m_committed = true;
    if (!m_client) {
        return;
    }
    if (m_transform) {
        // A bridged answer: the client's framing and content type; its length is known only at the end.
        const QByteArray type = m_transform->contentType();
        const bool eventStream = type.startsWith("text/event-stream");
        http::HeaderList headers = clientResponseHeaders(m_headers, eventStream);
        http::setHeader(headers, "content-type", type);
        m_client->beginResponse(m_status, headers, -1);
    } else {
        // A stream is re-framed as chunked; a body of known length keeps its Content-Length.
        m_client->beginResponse(m_status, clientResponseHeaders(m_headers, m_stream), m_stream ? -1 : m_contentLength);
    }
    if (m_contentLength == 0) {
        m_firstByteMs = http::monotonicMs() - m_plan.receivedAtMs;
    }
    if (!m_held.isEmpty()) {
        const QByteArray held = std::exchange(m_held, {});
        upstreamBody(held);
    }
}

bool Exchange::decideFirstEvent()
{
    // The first event that says how the answer goes; a Responses stream's created/in_progress events come first
    // and are held with it (PROTOCOLS.md §7.3).
    qsizetype from = 0;
    for (;;) {
        qsizetype end = m_held.indexOf("\n\n", from);
        const qsizetype crlf = m_held.indexOf("\r\n\r\n", from);
        qsizetype sep = 2;
        if (crlf >= 0 && (end < 0 || crlf < end)) {
            end = crlf;
            sep = 4;
        }
        if (end < 0) {
            if (m_held.size() > kMaxHeldPreamble) {
                commit(); // an event this large is an answer, not an error
            }
            return true; // the decisive event is not complete yet
        }
        const QByteArrayView event = QByteArrayView(m_held).sliced(from, end + sep - from);
        if (scheduling::isPreambleEvent(event)) {
            from = end + sep;
            continue;
        }
        const scheduling::Verdict verdict =
            scheduling::judgeFirstStreamEvent(event, m_plan.requestModel, nowMs(), m_account->cooldowns);
        if (verdict.failure != scheduling::FailureClass::None) {
            judge(verdict);
            m_lastFailure = LastFailure{false, ErrorCode::UpstreamProtocol, m_status, m_headers, m_held};
            if (failOver(verdict)) {
                return true;
            }
        }
        return false;
    }
}

void Exchange::setUpTransform()
{
    std::optional<convert::ClientFormat> to = m_plan.convertTo;
    std::optional<convert::UpstreamFormat> from;
    switch (m_plan.api) {
    case UpstreamApi::AnthropicMessages:
        from = m_stream ? convert::UpstreamFormat::AnthropicStream : convert::UpstreamFormat::AnthropicJson;
        break;
    case UpstreamApi::Responses:
        from = m_stream ? convert::UpstreamFormat::ResponsesStream : convert::UpstreamFormat::ResponsesJson;
        if (!to && m_stream && !m_plan.clientStream) {
            to = convert::ClientFormat::ResponsesJson; // a stream-only upstream answering a non-stream client
        }
        break;
    case UpstreamApi::ChatCompletions:
        if (m_plan.dropUsageChunk && m_stream) {
            m_transform = makeUsageChunkFilter();
        }
        return;
    default:
        break;
    }
    if (to && from) {
        m_transform = convert::makeTransform(*from, *to, m_plan.transform);
        if (!m_transform) {
            qCWarning(lcRelay) << "no bridge from the upstream's answer format to the client's; passed on as is";
        }
    }
}

void Exchange::writeClient(QByteArrayView data)
{
    if (!m_transform) {
        m_client->writeBody(data);
        return;
    }
    m_converted.clear();
    m_transform->feed(data, m_converted);
    if (!m_converted.isEmpty()) {
        m_client->writeBody(m_converted);
    }
}

void Exchange::upstreamBody(QByteArrayView data)
{
    if (!m_committed) {
        m_held.append(data);
        if (isSuccess(m_status) && m_stream) {
            if (decideFirstEvent()) {
                return;
            }
            commit();
        } else if (m_held.size() > kMaxHeldErrorBody) {
            commit(); // too large to be an error worth classifying: pass it on
        }
        return;
    }
    if (m_scanner) {
        m_scanner->feed(data);
    }
    if (!m_client) {
        return;
    }
    if (m_firstByteMs < 0) {
        m_firstByteMs = http::monotonicMs() - m_plan.receivedAtMs;
    }
    writeClient(data);
}

void Exchange::upstreamBatchEnd()
{
    if (!m_client || !m_committed) {
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

bool Exchange::failOver(const scheduling::Verdict &verdict)
{
    const bool clientThere = m_client && m_client->isOpen();
    if (!verdict.retryable || !clientThere || m_attempts >= m_worker->config().maxAttempts) {
        return false;
    }
    if (m_call) {
        std::exchange(m_call, nullptr)->abort();
    }
    endAttempt();
    qCInfo(lcRelay).noquote() << "request" << QString::fromLatin1(m_client->requestId()) << "fails over from account"
                              << m_account->id << "(" << verdict.reason << ")";
    // From the event loop: this may run inside the transport's callbacks.
    QMetaObject::invokeMethod(this, &Exchange::attempt, Qt::QueuedConnection);
    return true;
}

void Exchange::judge(const scheduling::Verdict &verdict)
{
    if (verdict.failure == scheduling::FailureClass::None || !m_account) {
        return;
    }
    const qint64 now = nowMs();
    const bool changed = m_account->state->health.apply(verdict, now);
    if (m_account->state->health.availability(now, m_plan.modelFamily) != scheduling::Availability::Available) {
        m_worker->shared().sticky->dropAccount(m_account->id); // bindings follow the account's health
    }
    if (changed) {
        qCWarning(lcRelay).noquote() << "account" << m_account->id << m_account->state->health.describe(now);
        m_worker->shared().saveState(m_account->state->stateRow(m_account->id, now));
    }
}

void Exchange::upstreamFinished()
{
    m_call = nullptr;
    if (!m_committed) {
        if (m_status == 401 && m_account->oauth && !m_refreshedAfter401) {
            // A subscription token can be revoked early: refresh once and try the same account again.
            m_refreshedAfter401 = true;
            requestToken();
            return;
        }
        if (!isSuccess(m_status)) {
            const scheduling::Verdict verdict = scheduling::judgeResponse(
                m_status, m_headers, m_held, m_plan.requestModel, nowMs(), m_account->cooldowns);
            judge(verdict);
            if (m_plan.anthropicUpstreamForOpenAIClient) {
                // The Claude upstream's error, in the shape the OpenAI client reads (§2.1), whether it goes to the
                // client now or later as the last failure.
                m_held = convert::anthropicErrorToOpenAI(m_status, m_held);
                m_contentLength = m_held.size();
                m_stream = false;
                http::setHeader(m_headers, "content-type", QByteArrayLiteral("application/json"));
            }
            m_lastFailure = LastFailure{false, ErrorCode::UpstreamUnavailable, m_status, m_headers, m_held};
            if (failOver(verdict)) {
                return;
            }
        } else if (m_plan.filterModels) {
            filterModelList();
        }
        commit();
    }
    if (m_scanner) {
        m_scanner->finish();
    }
    if (m_transform && m_client) {
        m_converted.clear();
        m_transform->finish(m_converted);
        if (!m_converted.isEmpty()) {
            m_client->writeBody(m_converted);
        }
    }
    if (isSuccess(m_status) && m_account) {
        if (m_account->state->health.markSuccess()) {
            m_worker->shared().saveState(m_account->state->stateRow(m_account->id, nowMs()));
        }
        if (!m_plan.sessionKey.isEmpty()) {
            m_worker->shared().sticky->bind(QLatin1String(m_plan.family), m_plan.sessionKey, m_account->id);
        }
    }
    endAttempt();
    // Usage is counted and the key's slot freed before the client sees the end of the answer: its next request
    // (maybe on another worker) then finds the limits up to date.
    const QPointer<http::ClientConnection> client = m_client;
    finish(false);
    if (client) {
        client->endResponse();
    }
}

void Exchange::upstreamFailed(const Error &error)
{
    m_call = nullptr;
    qCWarning(lcUpstream).noquote() << "request" << QString::fromLatin1(m_client ? m_client->requestId() : QByteArray())
                                    << "account" << m_account->id << "failed:" << error.detail;
    if (!m_committed) {
        const scheduling::Verdict verdict =
            scheduling::judgeTransportFailure(error.code, nowMs(), m_account->cooldowns);
        judge(verdict);
        m_lastFailure = LastFailure{true, error.code, 0, {}, {}};
        if (failOver(verdict)) {
            return;
        }
        endAttempt();
        deliverLastFailure();
        finish(false);
        return;
    }
    if (m_client) {
        const bool clientStream = m_transform ? m_transform->contentType().startsWith("text/event-stream") : m_stream;
        if (clientStream) {
            // In-band error, then an abnormal end (no terminating chunk) so no client mistakes it for a clean end.
            const bool responsesEvents = !m_transform && (m_plan.api == UpstreamApi::Responses);
            m_client->writeBody(responsesEvents ? responsesErrorEvent(u"The upstream connection broke mid-stream"_s)
                                                : streamErrorEvent(m_plan.dialect,
                                                                   ErrorKind::UpstreamUnreachable,
                                                                   u"The upstream connection broke mid-stream"_s));
        }
        m_client->abortResponse();
    }
    if (m_scanner) {
        m_scanner->finish();
    }
    endAttempt();
    finish(true);
}

void Exchange::deliverLastFailure()
{
    if (!m_client || !m_lastFailure) {
        return;
    }
    const LastFailure &f = *m_lastFailure;
    if (f.transport) {
        const ErrorKind kind =
            f.code == ErrorCode::UpstreamTimeout ? ErrorKind::UpstreamTimeout : ErrorKind::UpstreamUnreachable;
        const QString message = kind == ErrorKind::UpstreamTimeout ? u"The upstream API did not answer in time"_s
                                                                   : u"The upstream API could not be reached"_s;
        m_status = statusFor(kind);
        m_client->sendResponse(
            m_status, {}, errorBody(m_plan.dialect, kind, message, m_client->requestId()), "application/json");
        return;
    }
    // The upstream's own answer, retry-after and all, as if there had been only this account.
    m_status = f.status;
    const bool stream = isEventStream(f.headers);
    http::HeaderList headers = clientResponseHeaders(f.headers, stream);
    http::removeHeader(headers, "content-type");
    if (isSuccess(f.status) && stream) {
        // A stream whose first event was an error: the client gets it in its own framing.
        m_headers = f.headers;
        m_stream = true;
        m_held = f.body;
        setUpTransform();
        commit();
        if (m_transform) {
            m_converted.clear();
            m_transform->finish(m_converted);
            m_client->writeBody(m_converted);
        }
        m_client->endResponse();
        return;
    }
    m_client->sendResponse(f.status, headers, f.body, http::headerValue(f.headers, "content-type"));
}

void Exchange::endAttempt()
{
    if (m_holdsSlot && m_account) {
        m_account->state->releaseSlot();
    }
    m_holdsSlot = false;
}

void Exchange::onClientClosed()
{
    if (m_done) {
        return;
    }
    if (m_call) {
        std::exchange(m_call, nullptr)->abort(); // at once: the upstream stops generating for nobody
    }
    if (m_ticket != 0) {
        // Gave up while waiting for a slot: nothing was sent, nothing to record.
        m_worker->shared().limiter->cancel(m_plan.keyId, m_ticket);
        m_plan.recordUsage = false;
    }
    if (m_scanner) {
        m_scanner->finish();
    }
    endAttempt();
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
        row.accountId = m_account ? m_account->id : QString();
        row.route = QString::fromLatin1(routeName(m_plan.route));
        row.status = m_status;
        row.stream = m_stream;
        row.aborted = aborted;
        row.firstByteMs = m_firstByteMs;
        row.totalMs = http::monotonicMs() - m_plan.receivedAtMs;
        const usage::TokenUsage u = m_scanner && m_committed ? m_scanner->result() : usage::TokenUsage();
        row.model = QString::fromUtf8(u.model.isEmpty() ? m_plan.requestModel : u.model);
        row.usageSeen = u.seen;
        row.inputTokens = u.inputTokens;
        row.outputTokens = u.outputTokens;
        row.cacheCreate5mTokens = u.cacheCreate5mTokens;
        row.cacheCreate1hTokens = u.cacheCreate1hTokens;
        row.cacheReadTokens = u.cacheReadTokens;
        row.reasoningTokens = u.reasoningTokens;
        if (u.seen) {
            const std::shared_ptr<const usage::PriceTable> prices =
                m_worker->shared().prices.load(std::memory_order_acquire);
            const usage::PriceTable &table = prices ? *prices : *usage::PriceTable::builtIn();
            QByteArray priced = u.model.isEmpty() ? m_plan.requestModel : u.model;
            if (m_account && m_account->kind == providers::AccountKind::AzureOpenAI
                && !m_account->extra.pricingModel.isEmpty() && !table.find(priced)) {
                priced = m_account->extra.pricingModel.toUtf8(); // the deployment's model, as the account says
            }
            const usage::Cost cost = table.cost(priced, u, m_plan.fastMode);
            row.costUsd = cost.usd;
            row.costEstimated = cost.estimated;
            row.ratedCostUsd = cost.usd * m_plan.rate;
        }
        if (!u.seen && isSuccess(m_status) && !aborted) {
            qCWarning(lcUsage) << "no usage in the answer to request" << row.requestId << "; none recorded";
        }
        qCInfo(lcAccess).noquote() << row.requestId << "key" << QString::fromLatin1(m_plan.keyLogId) << "account"
                                   << row.accountId << row.model << row.status << row.totalMs << "ms"
                                   << "attempts" << m_attempts;
        RelayShared &shared = m_worker->shared();
        const qint64 tokens = row.totalTokens();
        const auto crossings = shared.limiter->recordUsage(
            row.keyId, row.timestampMs, tokens, row.ratedCostUsd, m_plan.modelFamily, m_plan.key->limits);
        for (const policy::KeyLimiter::Crossing &c : crossings) {
            if (shared.budgetWarning) {
                shared.budgetWarning(row.keyId, m_plan.key->name, c.limit, c.used, c.cap);
            }
        }
        if (shared.live) {
            shared.live->record(m_worker->config().clock(), row.status, row.aborted, tokens, row.costUsd, row.totalMs);
        }
        shared.usage->record(std::move(row));
    }
    m_lease.reset(); // the key's slot frees as soon as the answer is over
    if (m_client) {
        m_client->disconnect(this);
    }
    deleteLater();
}

} // namespace rd::relay
