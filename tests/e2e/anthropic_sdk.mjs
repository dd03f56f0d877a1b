// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the official Anthropic SDK against a RelayDesk relay. Env: RELAY_URL (…/api), RELAY_KEY.
// Prints one JSON line per check and exits non-zero on the first failure.
import Anthropic from '@anthropic-ai/sdk';

const baseURL = process.env.RELAY_URL;
const client = new Anthropic({ apiKey: process.env.RELAY_KEY, baseURL, maxRetries: 0 });
const model = 'claude-sonnet-4-5-20250929';
const say = (check, extra) => console.log(JSON.stringify({ check, ok: true, ...extra }));
const must = (cond, what) => {
  if (!cond) {
    throw new Error(what);
  }
};

async function main() {
  const message = await client.messages.create({
    model, max_tokens: 64, messages: [{ role: 'user', content: 'Say hi' }],
  });
  must(message.type === 'message' && message.content[0].type === 'text', 'non-stream: no text block');
  must(message.usage.input_tokens > 0 && message.usage.output_tokens > 0, 'non-stream: no usage');
  say('non-stream', { text: message.content[0].text, usage: message.usage });

  const stream = client.messages.stream({
    model, max_tokens: 64, messages: [{ role: 'user', content: 'Stream hi' }],
  });
  let text = '';
  stream.on('text', (t) => { text += t; });
  const final = await stream.finalMessage();
  must(text.length > 0, 'stream: no text deltas');
  must(final.stop_reason === 'end_turn', `stream: stop_reason ${final.stop_reason}`);
  must(final.usage.output_tokens > 0, 'stream: no output usage');
  say('stream', { text, usage: final.usage });

  const counted = await client.messages.countTokens({ model, messages: [{ role: 'user', content: 'Count me' }] });
  must(Number.isInteger(counted.input_tokens) && counted.input_tokens > 0, 'count_tokens: no input_tokens');
  say('count_tokens', counted);

  const models = await client.models.list();
  must(Array.isArray(models.data) && models.data.length > 0, 'models: empty list');
  say('models', { first: models.data[0].id });

  const bad = new Anthropic({ apiKey: 'cr_' + '0'.repeat(64), baseURL, maxRetries: 0 });
  try {
    await bad.messages.create({ model, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
    throw new Error('bad key: request succeeded');
  } catch (e) {
    must(e instanceof Anthropic.AuthenticationError, `bad key: got ${e.constructor.name} ${e.status}`);
    must(e.status === 401 && e.error?.error?.type === 'authentication_error', 'bad key: wrong error body');
    say('bad-key', { status: e.status, type: e.error.error.type });
  }

  try {
    await client.messages.create({ model, max_tokens: 8, messages: [] });
    throw new Error('empty messages: request succeeded');
  } catch (e) {
    must(e instanceof Anthropic.BadRequestError, `empty messages: got ${e.constructor.name}`);
    say('bad-request', { status: e.status });
  }
}

main().catch((e) => {
  console.log(JSON.stringify({ ok: false, error: String(e?.message ?? e) }));
  process.exit(1);
});
