// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the official Anthropic SDK against keys with limits (PROTOCOLS.md §7.6, §7.7), one scenario per run.
// Env: RELAY_URL (…/api), RELAY_KEY (the scenario's key), SCENARIO (see `scenarios` below).
// Prints one JSON line per check and exits non-zero on the first failure; tst_sdklimits.cpp asserts on the lines.
import Anthropic from '@anthropic-ai/sdk';

const baseURL = process.env.RELAY_URL;
const key = process.env.RELAY_KEY;
const scenario = process.env.SCENARIO;
// maxRetries 0: every refusal surfaces as the SDK's error instead of being retried.
const client = new Anthropic({ apiKey: key, baseURL, maxRetries: 0, timeout: 30000 });
const sonnet = 'claude-sonnet-4-5-20250929';
const opus = 'claude-opus-4-1-20250805';
const say = (check, extra) => console.log(JSON.stringify({ check, ok: true, ...extra }));
const must = (cond, what) => {
  if (!cond) {
    throw new Error(what);
  }
};

const ask = (model = sonnet, text = 'Say hi') =>
  client.messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content: text }] });
const countTokens = () =>
  client.messages.countTokens({ model: sonnet, messages: [{ role: 'user', content: 'Count me' }] });
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// What a test needs to know about an SDK error.
const describe = (e) => ({
  class: e?.constructor?.name,
  status: e?.status,
  type: e?.error?.error?.type,
  code: e?.error?.error?.code ?? null,
  message: e?.error?.error?.message,
  retryAfter: e?.headers?.get?.('retry-after') ?? null,
});

// n calls at once; the successes, the errors, and when (ms after the start) each error arrived.
async function burst(n, model = sonnet) {
  const started = Date.now();
  const errorAtMs = [];
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => ask(model, `call ${i}`).catch((e) => {
    errorAtMs.push(Date.now() - started);
    throw e;
  })));
  return {
    ok: results.filter((r) => r.status === 'fulfilled').map((r) => r.value),
    errors: results.filter((r) => r.status === 'rejected').map((r) => r.reason),
    errorAtMs,
  };
}

// A call that must fail: returns the error.
async function failing(promise, what) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error(`${what}: the request succeeded`);
}

async function keyInfo() {
  const res = await fetch(`${baseURL}/v1/key-info`, { headers: { 'x-api-key': key } });
  must(res.status === 200, `key-info: status ${res.status}`);
  return res.json();
}

function mustBeRateLimited(e, what) {
  must(e instanceof Anthropic.RateLimitError, `${what}: got ${e?.constructor?.name} ${e?.status}: ${e?.message}`);
  must(e.status === 429 && e.error?.error?.type === 'rate_limit_error', `${what}: wrong error body`);
  const retryAfter = e.headers.get('retry-after');
  must(retryAfter !== null && /^\d+$/.test(retryAfter), `${what}: retry-after '${retryAfter}'`);
}

// 402 cost refusal. SDK 1.14 has PaymentRequiredError for 402 (older ones throw a plain APIError): either is accepted.
function mustBeBilling(e, code, what) {
  must(e instanceof Anthropic.APIError, `${what}: got ${e?.constructor?.name}: ${e?.message}`);
  if (Anthropic.PaymentRequiredError) {
    must(e instanceof Anthropic.PaymentRequiredError, `${what}: got ${e.constructor.name}`);
  }
  must(e.status === 402, `${what}: status ${e.status}`);
  must(e.error?.error?.type === 'billing_error', `${what}: error.type ${e.error?.error?.type}`);
  must(e.error?.error?.code === code, `${what}: error.code ${e.error?.error?.code}`);
  must(typeof e.error.currentCost === 'number' && typeof e.error.costLimit === 'number', `${what}: no cost fields`);
  must(e.error.currentCost >= e.error.costLimit, `${what}: refused below the limit`);
  must(e.headers.get('retry-after') === null, `${what}: a 402 carries no retry-after`);
}

const scenarios = {
  // concurrency 2, no queue; the upstream holds each answer 1.5 s.
  async concurrency() {
    const started = Date.now();
    const pending = burst(6);
    // While both slots are taken, count_tokens still passes (exempt from concurrency, §7.7).
    await sleep(300);
    const counted = await countTokens();
    must(counted.input_tokens > 0, 'count_tokens during the burst: no input_tokens');
    say('concurrency-count-tokens', { inputTokens: counted.input_tokens, atMs: Date.now() - started });
    const { ok, errors } = await pending;
    errors.forEach((e, i) => mustBeRateLimited(e, `refusal ${i}`));
    must(errors.every((e) => e.headers.get('retry-after') === '1'), 'concurrency: retry-after is not 1');
    say('concurrency-burst', {
      succeeded: ok.length,
      rateLimited: errors.length,
      errors: errors.map(describe),
      elapsedMs: Date.now() - started,
    });
    must(ok.length === 2 && errors.length === 4, `concurrency: ${ok.length} succeeded, ${errors.length} refused`);
    // The slots were released: another call passes, and nothing is left in flight.
    const after = await ask();
    must(after.type === 'message', 'concurrency: the call after the burst failed');
    say('concurrency-after', { id: after.id });
    const info = await keyInfo();
    const c = info.limits?.concurrency;
    must(c && c.limit === 2 && c.in_flight === 0 && c.waiting === 0, `key-info: ${JSON.stringify(c)}`);
    say('concurrency-key-info', { limit: c.limit, inFlight: c.in_flight, waiting: c.waiting });
  },

  // concurrency 1 with a queue of 5: everything passes, one at a time.
  async queue() {
    const started = Date.now();
    const { ok, errors } = await burst(4);
    say('queue', { succeeded: ok.length, errors: errors.map(describe), elapsedMs: Date.now() - started });
    must(ok.length === 4 && errors.length === 0, `queue: ${ok.length} succeeded, ${errors.length} refused`);
    const c = (await keyInfo()).limits?.concurrency;
    must(c && c.in_flight === 0 && c.waiting === 0, `queue key-info: ${JSON.stringify(c)}`);
  },

  // concurrency 1, queue 1: one runs, one waits, the rest are refused at once.
  async 'queue-full'() {
    const { ok, errors } = await burst(4);
    errors.forEach((e, i) => mustBeRateLimited(e, `queue-full refusal ${i}`));
    say('queue-full', { succeeded: ok.length, rateLimited: errors.length, errors: errors.map(describe) });
    must(ok.length === 2 && errors.length === 2, `queue-full: ${ok.length} succeeded, ${errors.length} refused`);
  },

  // concurrency 1, queue 5 but a 400 ms queue timeout against a 1.5 s upstream: the waiting ones give up.
  async 'queue-timeout'() {
    const started = Date.now();
    const { ok, errors, errorAtMs } = await burst(3);
    errors.forEach((e, i) => mustBeRateLimited(e, `queue-timeout refusal ${i}`));
    say('queue-timeout', {
      succeeded: ok.length,
      rateLimited: errors.length,
      errors: errors.map(describe),
      errorAtMs,
      elapsedMs: Date.now() - started,
    });
    must(ok.length === 1 && errors.length === 2, `queue-timeout: ${ok.length} succeeded, ${errors.length} refused`);
    must(errors.every((e) => /timeout/i.test(e.error?.error?.message ?? '')), 'queue-timeout: not a queue timeout');
  },

  // A 1-minute window of 3 requests.
  async window() {
    const { ok, errors } = await burst(5);
    errors.forEach((e, i) => mustBeRateLimited(e, `window refusal ${i}`));
    const retryAfters = errors.map((e) => Number(e.headers.get('retry-after')));
    say('window', { succeeded: ok.length, rateLimited: errors.length, retryAfters, errors: errors.map(describe) });
    must(ok.length === 3 && errors.length === 2, `window: ${ok.length} succeeded, ${errors.length} refused`);
    must(retryAfters.every((s) => s >= 1 && s <= 60), `window: retry-after ${retryAfters}`);
    const w = (await keyInfo()).limits?.window;
    must(w && w.minutes === 1 && w.requests?.limit === 3 && w.requests?.used === 3,
      `window key-info: ${JSON.stringify(w)}`);
    say('window-key-info', { used: w.requests.used, limit: w.requests.limit, resetsAt: w.resets_at });
  },

  // count_tokens is exempt from concurrency and the client restriction but still counted (issue 4): in a 2-request
  // window, two count_tokens pass, the third and a model call get RateLimitError.
  async 'window-count-tokens'() {
    const counted = [];
    for (let i = 0; i < 3; ++i) {
      try {
        counted.push((await countTokens()).input_tokens);
      } catch (e) {
        counted.push(describe(e));
      }
    }
    const w = (await keyInfo()).limits?.window;
    say('window-count-tokens-counted', { counted, windowUsed: w?.requests?.used ?? null });
    must(typeof counted[0] === 'number' && typeof counted[1] === 'number', `count_tokens refused: ${JSON.stringify(counted)}`);
    must(counted[2]?.class === 'RateLimitError' && counted[2]?.status === 429, `third count_tokens: ${JSON.stringify(counted[2])}`);
    must((w?.requests?.used ?? 0) === 2, `count_tokens not counted in the window: used ${w?.requests?.used}`);
    const calls = [];
    try {
      calls.push((await ask()).type);
    } catch (e) {
      calls.push(describe(e));
    }
    must(calls[0]?.class === 'RateLimitError', `model call after the window filled: ${JSON.stringify(calls)}`);
    say('window-count-tokens-calls', { calls });
  },

  // A daily cost limit below the cost of one answer: the first call crosses it and completes, the next is refused.
  async daily() {
    const first = await ask();
    must(first.type === 'message', 'daily: first call failed');
    say('daily-first', { usage: first.usage });
    const e = await failing(ask(), 'daily: second call');
    mustBeBilling(e, 'daily_cost_limit_exceeded', 'daily');
    must(typeof e.error.resetAt === 'string', 'daily: no resetAt');
    say('daily-refused', {
      ...describe(e), currentCost: e.error.currentCost, costLimit: e.error.costLimit, resetAt: e.error.resetAt,
    });
  },

  async total() {
    const first = await ask();
    must(first.type === 'message', 'total: first call failed');
    say('total-first', { usage: first.usage });
    const e = await failing(ask(), 'total: second call');
    mustBeBilling(e, 'total_cost_limit_exceeded', 'total');
    must(!('resetAt' in e.error), 'total: a total limit does not reset');
    say('total-refused', { ...describe(e), currentCost: e.error.currentCost, costLimit: e.error.costLimit });
  },

  // A weekly limit on Opus only: the second Opus call is refused, Sonnet still passes.
  async 'weekly-opus'() {
    const first = await ask(opus);
    must(first.type === 'message', 'weekly-opus: first Opus call failed');
    say('weekly-opus-first', { model: first.model, usage: first.usage });
    const e = await failing(ask(opus), 'weekly-opus: second Opus call');
    mustBeBilling(e, 'weekly_opus_cost_limit_exceeded', 'weekly-opus');
    must(typeof e.error.resetAt === 'string', 'weekly-opus: no resetAt');
    say('weekly-opus-refused', {
      ...describe(e), currentCost: e.error.currentCost, costLimit: e.error.costLimit, resetAt: e.error.resetAt,
    });
    const other = await ask(sonnet);
    must(other.type === 'message', 'weekly-opus: Sonnet call failed');
    say('weekly-opus-sonnet', { model: other.model });
  },

  // A key for Claude Code only: the SDK is refused; count_tokens is exempt from the client restriction.
  async client() {
    const e = await failing(ask(), 'client: SDK call');
    must(e instanceof Anthropic.PermissionDeniedError, `client: got ${e?.constructor?.name} ${e?.status}`);
    must(e.status === 403 && e.error?.error?.type === 'permission_error', 'client: wrong error body');
    must(e.error?.error?.code === 'client_not_allowed', `client: code ${e.error?.error?.code}`);
    must(Array.isArray(e.error.allowedClients) && e.error.allowedClients.includes('claude-code'),
      'client: no allowedClients');
    must(String(e.error.userAgent).startsWith('Anthropic/JS'), `client: userAgent ${e.error.userAgent}`);
    say('client-refused', { ...describe(e), allowedClients: e.error.allowedClients, userAgent: e.error.userAgent });
    const counted = await countTokens();
    must(counted.input_tokens > 0, 'client: count_tokens failed');
    say('client-count-tokens', { inputTokens: counted.input_tokens });
  },

  // A denied model: refused on messages, missing from the list, unknown by id; other models work.
  async models() {
    const e = await failing(ask(opus), 'models: denied model');
    must(e instanceof Anthropic.PermissionDeniedError, `models: got ${e?.constructor?.name} ${e?.status}`);
    must(e.status === 403 && e.error?.error?.type === 'permission_error', 'models: wrong error body');
    say('models-refused', describe(e));
    const ids = [];
    for await (const m of client.models.list()) {
      ids.push(m.id);
    }
    must(!ids.includes(opus), `models: the denied model is listed: ${ids}`);
    must(ids.includes(sonnet), `models: ${sonnet} is missing: ${ids}`);
    say('models-list', { ids });
    const notFound = await failing(client.models.retrieve(opus), 'models: retrieve the denied model');
    must(notFound instanceof Anthropic.NotFoundError, `models retrieve: got ${notFound?.constructor?.name}`);
    say('models-retrieve', describe(notFound));
    const allowed = await ask(sonnet);
    must(allowed.type === 'message', 'models: allowed model failed');
    say('models-allowed', { model: allowed.model });
  },

  async expired() {
    const e = await failing(ask(), 'expired: call');
    must(e instanceof Anthropic.AuthenticationError, `expired: got ${e?.constructor?.name} ${e?.status}`);
    must(e.status === 401 && e.error?.error?.type === 'authentication_error', 'expired: wrong error body');
    must(/expired/i.test(e.error?.error?.message ?? ''), `expired: message ${e.error?.error?.message}`);
    say('expired', describe(e));
  },

  // "N days after first use": the first use works and starts the clock (the expiry itself: integration test).
  async activation() {
    const first = await ask();
    must(first.type === 'message', 'activation: first use failed');
    const info = await keyInfo();
    must(info.activation_days === 30, `activation: key-info activation_days ${info.activation_days}`);
    say('activation', { activationDays: info.activation_days });
  },

  // Service rate 2 for claude: one plain and one streamed answer with the same usage.
  async rated() {
    const plain = await ask();
    must(plain.usage.input_tokens === 1000 && plain.usage.output_tokens === 500, 'rated: usage not passed on');
    say('rated-plain', { usage: plain.usage });
    const stream = client.messages.stream({
      model: sonnet, max_tokens: 16, messages: [{ role: 'user', content: 'Stream' }],
    });
    const final = await stream.finalMessage();
    must(final.usage.output_tokens === 500, 'rated: stream usage');
    say('rated-stream', { usage: final.usage });
  },
};

async function main() {
  const run = scenarios[scenario];
  must(run, `unknown SCENARIO '${scenario}'`);
  await run();
}

main().catch((e) => {
  console.log(JSON.stringify({ ok: false, scenario, error: String(e?.message ?? e) }));
  process.exit(1);
});
