// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/store/records.h"
#include "core/util/result.h"

#include <QString>

#include <functional>
#include <memory>

class QObject;

namespace rd::secrets {
class Sealer;
}

namespace rd::facade {

inline constexpr int kConnectionTestTimeoutMs = 15000;

// "Test connection" for an account of any kind: GET its models list with its credentials, through its proxy (with the
// sealed proxy password) and its extra CA, giving up after 15 s.
//   claude-console / claude-oauth: {baseUrl}/v1/models (x-api-key for sk-ant- keys, else Bearer; subscriptions: Bearer
//   +
//     anthropic-beta oauth-2025-04-20, always with anthropic-version);
//   openai-responses: {baseUrl}/v1/models ({baseUrl}/models when the base ends in /v1), Bearer;
//   azure-openai: {endpoint}/openai/models?api-version={v}, or {endpoint}/openai/v1/models for the v1 API, `api-key`;
//   openai-oauth (ChatGPT/Codex): no request (the backend has only quota-spending POST /responses): the sealed tokens
//     must open, the chatgpt_account_id be known and the access token valid or refreshable; the answer names the
//     account id, the plan and the token's expiry.
// Control plane only (one QNetworkAccessManager per call). Call it on context's thread; done runs once, later, from
// that thread's event loop ("OK: N models", or an error naming the HTTP status and the upstream's message, never a
// credential) — unless context is deleted first, which abandons the call without a report.
void testConnection(const store::AccountRecord &account,
                    const std::shared_ptr<const secrets::Sealer> &sealer,
                    QObject *context,
                    std::function<void(Result<QString>)> done);

} // namespace rd::facade
