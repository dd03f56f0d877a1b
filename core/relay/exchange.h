// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/convert/bridge.h"
#include "core/http/clientconnection.h"
#include "core/http/upstreamtransport.h"
#include "core/policy/keylimiter.h"
#include "core/providers/console/consoleaccount.h"
#include "core/relay/messagesrequest.h"
#include "core/relay/relaysnapshot.h"
#include "core/relay/routes.h"
#include "core/scheduling/accountselector.h"
#include "core/scheduling/upstreamverdict.h"
#include "core/usage/usagescanner.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <memory>
#include <optional>

namespace rd::relay {

class RelayWorker;

// The upstream endpoint a relayed call goes to; with the account's kind it decides URL, headers and body rules.
enum class UpstreamApi
{
    AnthropicMessages,
    AnthropicCountTokens,
    AnthropicModels, // list or one model
    Responses,
    ResponsesCompact,
    ChatCompletions, // Azure deployments
    Embeddings,      // Azure deployments
};

// One relayed call: client request → upstream → client, streamed chunk by chunk, usage read on the side.
// Until the first byte goes to the client it may fail over: an error answer, a dead upstream or a stream whose first
// event is an error puts that account on cooldown and the request on the next candidate (PROTOCOLS.md §7.3).
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
        QString keyBinding;
        bool keyIsOwner = false;
        QByteArray requestModel;
        QByteArray modelFamily;
        QByteArray family = "claude"; // scheduler family of the accounts that may serve: claude, openai, azure
        UpstreamApi api = UpstreamApi::AnthropicMessages;
        std::optional<MessagesRequestInfo> bodyInfo;    // Anthropic body: model and where it sits (for mapping)
        std::optional<OpenAIRequestInfo> openaiInfo;    // OpenAI-dialect body: the same facts
        QByteArray convertedBody;                       // a bridged request's upstream body; empty = request.body
        bool clientStream = false;                      // what the client asked for
        std::optional<convert::ClientFormat> convertTo; // Chat clients on Anthropic/Responses upstreams
        convert::TransformOptions transform;
        bool anthropicUpstreamForOpenAIClient = false; // upstream error bodies are re-shaped into OpenAI errors
        bool codexClient = false;    // Codex CLI: its Responses bodies go to the ChatGPT backend as they are
        bool dropUsageChunk = false; // include_usage was added upstream for our records: the client did not ask
        QByteArray sessionKey;       // sticky-session key; empty = none
        bool recordUsage = false;
        QByteArray endpointPath;   // "/v1/messages" …
        http::HttpRequest request; // kept whole: every attempt sends the same request
        std::shared_ptr<const RelaySnapshot> snapshot;
        qint64 receivedAtMs = 0; // monotonic, when the request was complete
        qint64 receivedAtEpochMs = 0;
        const auth::KeyEntry *key = nullptr; // in snapshot->keys
        bool filterModels = false;           // the models list is filtered by the key's model lists
        bool limited = false;                // the key's limits apply (admission in start())
        double rate = 1.0;                   // global × key rate multiplier for this service
        bool fastMode = false;               // priced at the model's fast-mode multiple
    };

    Exchange(RelayWorker *worker, http::ClientConnection *client, Plan plan);
    ~Exchange() override;
    void start(); // admission against the key's limits (may wait in its queue), then the first attempt

    // UpstreamSink
    void upstreamHeaders(int status, http::HeaderList &&headers, qint64 contentLength) override;
    void upstreamBody(QByteArrayView data) override;
    void upstreamBatchEnd() override;
    void upstreamFinished() override;
    void upstreamFailed(const Error &error) override;

private:
    void onAdmission(policy::Admission admission);
    void onQueueTimeout();
    void refuse(const policy::Refusal &refusal);
    void filterModelList();
    void attempt();
    void send();
    void requestToken(); // OAuth: refresh (or join the refresh in flight), then send()
    void onTokenReady(const Result<void> &result);
    void recordSubscriptionFacts();
    void recordCodexFacts();
    bool decideFirstEvent(); // a held stream: judge its first decisive event; true when the caller should return
    void setUpTransform(); // after a successful head: the bridge from what the upstream sends to what the client wants
    void writeClient(QByteArrayView data); // through the bridge, when there is one
    void answerNoAccount(const scheduling::Selection &selection);
    bool startCall(); // false: answered the client itself
    void commit();    // the head (and what was held) goes to the client: no failover after this
    bool failOver(const scheduling::Verdict &verdict); // true: another attempt was scheduled
    void judge(const scheduling::Verdict &verdict);    // cooldowns, sticky drop, saved state
    void endAttempt();                                 // releases the attempt's slot
    void deliverLastFailure();
    void onClientClosed();
    void onClientDrained();
    void finish(bool aborted);

    RelayWorker *m_worker;
    std::shared_ptr<policy::KeyLease> m_lease; // the key's concurrency slot, when it has a limit
    quint64 m_ticket = 0;                      // waiting in the key's queue
    QTimer *m_queueTimer = nullptr;
    QPointer<http::ClientConnection> m_client;
    Plan m_plan;
    std::shared_ptr<const providers::ConsoleAccount> m_account; // the current attempt's
    bool m_holdsSlot = false;
    QSet<QString> m_tried;
    int m_attempts = 0;
    http::UpstreamCall *m_call = nullptr;
    http::UpstreamRequest m_upstreamRequest; // built by startCall(), handed to the transport by attempt()
    std::unique_ptr<usage::UsageScanner> m_scanner;
    std::unique_ptr<convert::BodyTransform> m_transform;
    QByteArray m_converted; // scratch for the bridge's output
    int m_status = 0;
    http::HeaderList m_headers;
    qint64 m_contentLength = -1;
    QByteArray m_held; // bytes held back while deciding whether to fail over
    bool m_committed = false;
    bool m_refreshedAfter401 = false;
    bool m_stream = false;
    bool m_done = false;
    qint64 m_firstByteMs = -1;
    struct LastFailure
    {
        bool transport = false;
        ErrorCode code = ErrorCode::UpstreamConnect;
        int status = 0;
        http::HeaderList headers;
        QByteArray body;
    };
    std::optional<LastFailure> m_lastFailure;
};

} // namespace rd::relay
