// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the official OpenAI SDK against a RelayDesk relay. Env: RELAY_ORIGIN (http://127.0.0.1:PORT), RELAY_KEY.
// argv[2] picks the scenario. Prints one JSON line per check and exits non-zero on the first failure.
import OpenAI from 'openai';

const origin = process.env.RELAY_ORIGIN;
const apiKey = process.env.RELAY_KEY;
const claude = new OpenAI({ apiKey, baseURL: `${origin}/openai/claude/v1`, maxRetries: 0 });
const openai = new OpenAI({ apiKey, baseURL: `${origin}/openai/v1`, maxRetries: 0 });
const claudeModel = 'claude-sonnet-4-5-20250929';
const gptModel = 'gpt-5.1';
const say = (check, extra) => console.log(JSON.stringify({ check, ok: true, ...extra }));
const must = (cond, what) => {
  if (!cond) {
    throw new Error(what);
  }
};
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

// Collects a chat stream into { text, reasoning, toolCalls, finish, usage, chunks }.
async function collect(stream) {
  const out = { text: '', reasoning: '', toolCalls: [], finish: null, usage: null, chunks: 0 };
  for await (const chunk of stream) {
    out.chunks += 1;
    must(chunk.object === 'chat.completion.chunk', `chunk object ${chunk.object}`);
    if (chunk.usage) {
      out.usage = chunk.usage;
    }
    for (const choice of chunk.choices) {
      const d = choice.delta ?? {};
      out.text += d.content ?? '';
      out.reasoning += d.reasoning_content ?? '';
      for (const call of d.tool_calls ?? []) {
        const slot = out.toolCalls[call.index] ?? (out.toolCalls[call.index] = { id: '', name: '', arguments: '' });
        slot.id += call.id ?? '';
        slot.name += call.function?.name ?? '';
        slot.arguments += call.function?.arguments ?? '';
      }
      if (choice.finish_reason) {
        out.finish = choice.finish_reason;
      }
    }
  }
  return out;
}

const scenarios = {
  // Claude accounts through Chat Completions (/openai/claude/v1): the relay converts both ways.
  async 'claude-chat'() {
    const r = await claude.chat.completions.create({
      model: claudeModel,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hi' }],
    });
    must(r.object === 'chat.completion', `object ${r.object}`);
    must(r.choices[0].message.content === 'Hello!', `text ${r.choices[0].message.content}`);
    must(r.choices[0].finish_reason === 'stop', `finish ${r.choices[0].finish_reason}`);
    must(r.usage.prompt_tokens > 0 && r.usage.completion_tokens > 0, 'no usage');
    say('claude-chat', { text: r.choices[0].message.content, usage: r.usage });

    const s = await collect(await claude.chat.completions.create({
      model: claudeModel, stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Stream hi' }],
    }));
    must(s.text === 'Hello!', `stream text ${s.text}`);
    must(s.finish === 'stop', `stream finish ${s.finish}`);
    must(s.usage && s.usage.total_tokens === s.usage.prompt_tokens + s.usage.completion_tokens, 'stream usage');
    say('claude-chat-stream', { text: s.text, usage: s.usage, chunks: s.chunks });
  },

  // A tool round trip on Claude through Chat Completions: tool_calls out, a tool result back in.
  async 'claude-tools'() {
    const s = await collect(await claude.chat.completions.create({
      model: claudeModel, stream: true, tools: [weatherTool], tool_choice: 'auto',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    }));
    must(s.finish === 'tool_calls', `finish ${s.finish}`);
    must(s.toolCalls.length === 1 && s.toolCalls[0].name === 'get_weather', 'no get_weather call');
    const args = JSON.parse(s.toolCalls[0].arguments);
    must(args.city === 'Paris', `arguments ${s.toolCalls[0].arguments}`);
    say('claude-tool-call', { id: s.toolCalls[0].id, args });

    const r = await claude.chat.completions.create({
      model: claudeModel, tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: s.toolCalls[0].id, type: 'function',
          function: { name: 'get_weather', arguments: s.toolCalls[0].arguments } }] },
        { role: 'tool', tool_call_id: s.toolCalls[0].id, content: 'sunny, 21 C' },
      ],
    });
    must(r.choices[0].message.content === 'It is sunny in Paris.', `answer ${r.choices[0].message.content}`);
    say('claude-tool-result', { text: r.choices[0].message.content });
  },

  // GPT models on the unified route (/openai/v1/chat/completions), converted to Responses upstream.
  async 'gpt-chat'() {
    const r = await openai.chat.completions.create({ model: gptModel, messages: [{ role: 'user', content: 'Say hi' }] });
    must(r.choices[0].message.content === `Hello from ${gptModel}!`, `text ${r.choices[0].message.content}`);
    must(r.usage.prompt_tokens > 0, 'no usage');
    say('gpt-chat', { text: r.choices[0].message.content, usage: r.usage });

    const s = await collect(await openai.chat.completions.create({
      model: gptModel, stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Stream hi' }],
    }));
    must(s.text === `Hello from ${gptModel}!`, `stream text ${s.text}`);
    must(s.usage && s.usage.completion_tokens > 0, 'stream usage');
    say('gpt-chat-stream', { text: s.text, usage: s.usage });

    const t = await collect(await openai.chat.completions.create({
      model: gptModel, stream: true, tools: [weatherTool],
      messages: [{ role: 'user', content: 'Please use the tool for Paris' }],
    }));
    must(t.finish === 'tool_calls' && t.toolCalls[0]?.name === 'get_weather', `tool finish ${t.finish}`);
    must(JSON.parse(t.toolCalls[0].arguments).city === 'Paris', `tool args ${t.toolCalls[0].arguments}`);
    const back = await openai.chat.completions.create({
      model: gptModel, tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Please use the tool for Paris' },
        { role: 'assistant', content: null, tool_calls: [{ id: t.toolCalls[0].id, type: 'function',
          function: { name: 'get_weather', arguments: t.toolCalls[0].arguments } }] },
        { role: 'tool', tool_call_id: t.toolCalls[0].id, content: 'sunny' },
      ],
    });
    must(back.choices[0].message.content === 'Tool said: sunny', `tool answer ${back.choices[0].message.content}`);
    say('gpt-chat-tools', { text: back.choices[0].message.content });
  },

  // The Responses API (/openai/v1/responses), stream and non-stream.
  async responses() {
    const r = await openai.responses.create({ model: gptModel, input: 'Say hi' });
    must(r.object === 'response' && r.status === 'completed', `status ${r.status}`);
    must(r.output_text === `Hello from ${gptModel}!`, `output_text ${r.output_text}`);
    must(r.usage.input_tokens > 0 && r.usage.output_tokens > 0, 'no usage');
    say('responses', { text: r.output_text, usage: r.usage });

    const stream = openai.responses.stream({ model: gptModel, input: 'Stream hi' });
    let text = '';
    stream.on('response.output_text.delta', (e) => { text += e.delta; });
    const final = await stream.finalResponse();
    must(text === `Hello from ${gptModel}!`, `stream text ${text}`);
    must(final.usage.total_tokens > 0, 'stream usage');
    say('responses-stream', { text, usage: final.usage });
  },

  async models() {
    const list = await openai.models.list();
    const ids = list.data.map((m) => m.id);
    must(ids.includes(gptModel), `models: ${ids.slice(0, 8).join(',')}`);
    must(list.data.every((m) => m.object === 'model'), 'models: shape');
    say('models', { count: ids.length });
  },

  // Errors arrive in OpenAI's shape, so the SDK raises the right classes.
  async errors() {
    const bad = new OpenAI({ apiKey: 'cr_' + '0'.repeat(64), baseURL: `${origin}/openai/v1`, maxRetries: 0 });
    try {
      await bad.chat.completions.create({ model: gptModel, messages: [{ role: 'user', content: 'x' }] });
      throw new Error('bad key: request succeeded');
    } catch (e) {
      must(e instanceof OpenAI.AuthenticationError, `bad key: got ${e.constructor.name} ${e.status}`);
      must(e.code === 'invalid_api_key', `bad key: code ${e.code}`);
    }
    try {
      await openai.chat.completions.create({ model: gptModel, messages: [] });
      throw new Error('empty messages: request succeeded');
    } catch (e) {
      must(e instanceof OpenAI.BadRequestError, `empty messages: got ${e.constructor.name}`);
    }
    try {
      await openai.chat.completions.create({ model: 'llama-3-70b', messages: [{ role: 'user', content: 'x' }] });
      throw new Error('unknown model: request succeeded');
    } catch (e) {
      must(e instanceof OpenAI.NotFoundError && e.code === 'model_not_found', `unknown model: ${e.constructor.name}`);
    }
    try {
      await claude.chat.completions.create({ model: claudeModel, messages: [{ role: 'user', content: 'x' }] });
      throw new Error('upstream error: request succeeded');
    } catch (e) {
      // The Claude upstream's 400 invalid_request_error, re-shaped for the OpenAI client.
      must(e instanceof OpenAI.BadRequestError && e.type === 'invalid_request_error', `upstream: ${e.constructor.name}`);
      must(e.message.includes('prompt is too long'), `upstream message: ${e.message}`);
    }
    say('errors', {});
  },
};

const scenario = scenarios[process.argv[2]];
if (!scenario) {
  console.error(`unknown scenario ${process.argv[2]}`);
  process.exit(2);
}
scenario().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
