// The Messages (Anthropic-shaped) examples, examples/messages-*.mjs, each run as a child process
// against the emulator the way a user would (`node examples/x.mjs` with BASETEN_API_KEY and
// MODELWIRE_BASE_URL), checking both what it prints and what it sent (the emulator's request
// log); then `client.messages.stream()` in this process, for what the examples don't show.
//
//   node --test tests/examples/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamError } from 'modelwire';
import { startEmulator } from '../../emulator/index.js';
import { fingerprint } from '../../emulator/auth.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const KEY = 'test-key';

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;

before(async () => {
  // Only KEY is valid: an example that did not send BASETEN_API_KEY would get 403.
  emu = await startEmulator({ keys: { [KEY]: 'valid' } });
});
after(async () => {
  await emu?.close();
});

/**
 * Runs one example to completion. Asynchronous on purpose: the emulator lives in this
 * process, so a synchronous spawn would stop it from answering.
 * @param {string} name file name under examples/
 * @param {Record<string, string>} [env] extra environment
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function run(name, env = {}) {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join('examples', name)],
      {
        cwd: REPO,
        timeout: 30_000,
        env: { ...process.env, BASETEN_API_KEY: KEY, MODELWIRE_BASE_URL: `${emu.url}/v1`, ...env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** The /v1/messages entries of the emulator's log. */
function messagesRequests() {
  return emu.log().filter((e) => e.path === '/v1/messages');
}

/** Runs an example that must succeed; returns its stdout lines and the Messages requests it made. */
async function runOk(/** @type {string} */ name, /** @type {Record<string, string>} */ env = {}) {
  emu.clearLog();
  const { code, stdout, stderr } = await run(name, env);
  assert.equal(code, 0, `${name} exited with ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  const requests = messagesRequests();
  assert.equal(requests.length, emu.log().length, 'every request went to /v1/messages');
  for (const r of requests) {
    assert.equal(r.headers.authorization, `Bearer [REDACTED ${fingerprint(KEY)}]`, 'the key comes from BASETEN_API_KEY');
    assert.equal(r.headers['x-api-key'], undefined, 'Baseten reads Authorization, never x-api-key');
    assert.equal(r.status, 200);
  }
  return { stdout, lines: stdout.split('\n'), requests };
}

/** The rest of the first line that starts with `prefix`. */
function lineAfter(/** @type {string[]} */ lines, /** @type {string} */ prefix) {
  const line = lines.find((l) => l.startsWith(prefix));
  assert.ok(line !== undefined, `no line starting with ${JSON.stringify(prefix)} in:\n${lines.join('\n')}`);
  return line.slice(prefix.length);
}

/** `key=value` pairs of a line. */
function fields(/** @type {string} */ line) {
  return Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2].replace(/[\],]+$/, '')]));
}

/** A client for the in-process tests (no retries: one request per call in the log). */
function client() {
  return new Client({ baseURL: `${emu.url}/v1`, apiKey: KEY, maxRetries: 0 });
}

test('every Messages example is covered by a test below', () => {
  const examples = readdirSync(join(REPO, 'examples'))
    .filter((f) => f.startsWith('messages-') && f.endsWith('.mjs'))
    .sort();
  assert.deepEqual(examples, [
    'messages-first-call.mjs',
    'messages-stream-tool-input.mjs',
    'messages-streaming.mjs',
    'messages-thinking.mjs',
    'messages-tool-use.mjs',
  ]);
});

test('messages-first-call: the docs example, its text blocks, stop reason, usage and request id', async () => {
  const { stdout, lines, requests } = await runOk('messages-first-call.mjs');
  assert.equal(requests.length, 1);
  const [req] = requests;
  assert.equal(req.body.model, 'deepseek-ai/DeepSeek-V4-Pro');
  assert.equal(req.body.max_tokens, 4096);
  assert.equal(req.body.system, 'You are a concise technical writer.');
  assert.deepEqual(req.body.messages.map((/** @type {any} */ m) => m.role), ['user', 'assistant', 'user']);
  assert.equal(req.body.stream ?? false, false);
  // The emulator's reply opens by quoting the last user message.
  assert.match(lines[0], /^About How does the learning rate/);
  const stats = fields(lineAfter(lines, '[request '));
  assert.equal(lineAfter(lines, '[request ').split(']')[0], req.requestId, '_request_id is X-Baseten-Request-Id');
  assert.equal(stats.stop_reason, 'end_turn');
  assert.ok(Number(stats.input_tokens) > 0);
  assert.ok(Number(stats.output_tokens) > 0);
  // DeepSeek V4 Pro reasons by default; the example prints only the text block.
  assert.equal(stats.blocks, 'thinking,text');
  assert.doesNotMatch(stdout, /Thinking about/);
});

test('messages-streaming: raw events in order, text deltas, then the accumulated message', async () => {
  const { stdout, requests } = await runOk('messages-streaming.mjs');
  assert.equal(requests.length, 1);
  assert.equal(requests[0].body.stream, true);
  const m = /^([\s\S]*)\n\n\[events ([^\]]*)\] (.*)\n$/.exec(stdout);
  assert.ok(m, `unexpected output:\n${stdout}`);
  const [, text, countsText, statsText] = m;
  assert.match(text, /^About What is the capital of France/);
  const counts = Object.fromEntries(countsText.split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
  assert.deepEqual(Object.keys(counts), [
    'message_start',
    'content_block_start',
    'content_block_delta',
    'content_block_stop',
    'message_delta',
    'message_stop',
  ], 'first-seen order of the event types; ping is skipped');
  assert.equal(counts.message_start, 1);
  assert.equal(counts.message_delta, 1);
  assert.equal(counts.message_stop, 1);
  const stats = fields(statsText);
  const blocks = stats.blocks.split(',');
  assert.deepEqual(blocks, ['thinking', 'text'], 'DeepSeek V4 Pro thinks first');
  assert.equal(counts.content_block_start, blocks.length);
  assert.equal(counts.content_block_stop, blocks.length);
  assert.ok(counts.content_block_delta >= 6, `only ${counts.content_block_delta} deltas`);
  assert.equal(stats.stop_reason, 'end_turn');
  assert.ok(Number(stats.output_tokens) > 0);
});

test('messages-tool-use: tool_use → tool_result → answer quoting the result', async () => {
  const { lines, requests } = await runOk('messages-tool-use.mjs');
  assert.equal(requests.length, 2, 'one request for the call, one for the answer');

  const call = /^get_weather\((.*)\) id=(\S+)$/.exec(lineAfter(lines, 'tool use: '));
  assert.ok(call, `unexpected tool use line in:\n${lines.join('\n')}`);
  const [, inputText, useId] = call;
  assert.match(useId, /^toolu_/);
  const input = JSON.parse(inputText);
  assert.equal(typeof input.location, 'string');
  const result = lineAfter(lines, 'tool result: ');
  assert.deepEqual(JSON.parse(result), {
    location: input.location,
    temperature: input.unit === 'celsius' ? '22' : '72',
    unit: input.unit ?? 'fahrenheit',
    forecast: 'sunny',
  });

  // First request: the tool with its input_schema, tool_choice auto.
  const first = requests[0].body;
  assert.equal(first.model, 'deepseek-ai/DeepSeek-V3.1');
  assert.deepEqual(first.tool_choice, { type: 'auto' });
  assert.equal(first.tools[0].name, 'get_weather');
  assert.deepEqual(first.tools[0].input_schema.required, ['location']);

  // Second request: the user turn, the assistant turn as returned, the tool_result turn.
  const second = requests[1].body;
  assert.equal(second.tools[0].name, 'get_weather', 'the tools stay declared');
  const messages = second.messages;
  assert.deepEqual(messages.map((/** @type {any} */ m) => m.role), ['user', 'assistant', 'user']);
  const assistant = messages[1].content;
  const use = assistant.find((/** @type {any} */ b) => b.type === 'tool_use');
  assert.deepEqual(use, { type: 'tool_use', id: useId, name: 'get_weather', input });
  const thinking = assistant.find((/** @type {any} */ b) => b.type === 'thinking');
  assert.ok(thinking && thinking.signature, 'the thinking block goes back with its signature');
  assert.deepEqual(messages[2].content, [{ type: 'tool_result', tool_use_id: useId, content: result }]);

  // The answer quotes the tool's result.
  const answer = lineAfter(lines, 'answer: ');
  assert.ok(answer.includes(result), `answer does not quote the tool result:\n${answer}`);
  assert.equal(lineAfter(lines, 'stop_reason='), 'end_turn');
});

test('messages-stream-tool-input: inputJson snapshots grow into the final tool input', async () => {
  const { lines, requests } = await runOk('messages-stream-tool-input.mjs');
  assert.equal(requests.length, 1);
  const body = requests[0].body;
  assert.equal(body.stream, true, '.stream() implies stream: true');
  assert.deepEqual(body.tool_choice, { type: 'tool', name: 'book_table' });
  const schema = body.tools[0].input_schema;

  const done = lineAfter(lines, 'done book_table: ');
  const final = JSON.parse(done);
  for (const key of schema.required) assert.ok(key in final, `required ${key} missing`);
  assert.equal(typeof final.restaurant, 'string');
  assert.equal(typeof final.time, 'string');
  assert.ok(Number.isInteger(final.party_size) && final.party_size >= 1 && final.party_size <= 12);
  if ('seating' in final) assert.ok(schema.properties.seating.enum.includes(final.seating));
  assert.equal(lineAfter(lines, 'call: '), `book_table ${done}`);
  assert.equal(lineAfter(lines, 'stop_reason='), 'tool_use');

  const partials = lines
    .filter((l) => l.startsWith('partial: '))
    .map((l) => /^partial: (.*) \(\+(.*)\)$/.exec(l))
    .map((m) => {
      assert.ok(m);
      return { snapshot: m[1] === 'undefined' ? undefined : JSON.parse(m[1]), fragment: JSON.parse(m[2]) };
    });
  assert.ok(partials.length >= 3, `only ${partials.length} inputJson events`);
  assert.deepEqual(JSON.parse(partials.map((p) => p.fragment).join('')), final, 'the fragments make up the input');
  assert.deepEqual(partials.at(-1)?.snapshot, final, 'the last snapshot is the whole input');
  const distinct = new Set(partials.map((p) => JSON.stringify(p.snapshot)));
  assert.ok(distinct.size >= 3, `only ${distinct.size} distinct snapshots`);
  /** @type {Record<string, unknown>} */
  let previous = {};
  for (const { snapshot } of partials) {
    if (snapshot === undefined) continue;
    assert.ok(snapshot && typeof snapshot === 'object');
    for (const [key, value] of Object.entries(snapshot)) {
      assert.ok(key in final, `snapshot has ${key}, the final input does not`);
      if (typeof value === 'string') assert.ok(final[key].startsWith(value), `${key}: ${value} is not a prefix`);
    }
    for (const [key, value] of Object.entries(previous)) {
      assert.ok(key in snapshot, `${key} vanished from a later snapshot`);
      if (typeof value === 'string') assert.ok(String(snapshot[key]).startsWith(value), `${key} shrank`);
    }
    previous = snapshot;
  }
});

test('messages-thinking: thinking, signature and text events, then the final message', async () => {
  const { lines, requests } = await runOk('messages-thinking.mjs');
  assert.equal(requests.length, 1);
  const body = requests[0].body;
  assert.equal(body.model, 'zai-org/GLM-4.7');
  assert.equal(body.stream, true);
  assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
  const thinking = lineAfter(lines, 'thinking: ');
  assert.match(thinking, /^Thinking about Why is the sky/);
  assert.ok(Number(lineAfter(lines, 'signature: ').split(' ')[0]) > 0, 'a signature arrived');
  const answer = lineAfter(lines, 'answer: ');
  assert.match(answer, /^About Why is the sky/);
  assert.equal(lineAfter(lines, 'final: '), answer, 'finalText() is the streamed text');
  const stats = fields(lineAfter(lines, 'stop_reason='));
  assert.equal(lineAfter(lines, 'stop_reason=').split(' ')[0], 'end_turn');
  assert.equal(Number(stats.thinking_chars), thinking.length, 'the final message holds the streamed thinking');
  assert.equal(stats.blocks, 'thinking,text');
  assert.ok(Number(stats.output_tokens) > 0);
});

test('a Messages example without a valid key fails with the 403', async () => {
  const { code, stdout, stderr } = await run('messages-first-call.mjs', { BASETEN_API_KEY: 'wrong-key' });
  assert.notEqual(code, 0, stdout);
  assert.match(stderr, /PermissionDeniedError/);
  assert.match(stderr, /please check the api-key/);
  assert.doesNotMatch(stderr + stdout, /wrong-key/, 'the key is never printed');
});

// ---------------------------------------------------------------------------
// client.messages.stream() in this process

const STORY = {
  model: 'zai-org/GLM-5',
  max_tokens: 1024,
  messages: [{ role: /** @type {const} */ ('user'), content: 'Tell me about gradient descent.' }],
};

test('runner: text deltas concatenate to finalText(), with iteration alongside', async () => {
  emu.clearLog();
  const stream = client().messages.stream(STORY);
  let text = '';
  let deltas = 0;
  let ends = 0;
  stream
    .on('text', (delta, snapshot) => {
      text += delta;
      deltas++;
      assert.equal(snapshot, text, 'textSnapshot is the block so far');
    })
    .on('end', () => ends++);
  let iterated = '';
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') iterated += event.delta.text;
  }
  assert.ok(deltas >= 3, `only ${deltas} text deltas`);
  assert.equal(await stream.finalText(), text);
  assert.equal(iterated, text, 'iteration saw the same deltas');
  const message = await stream.finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text }]);
  assert.equal(message.stop_reason, 'end_turn');
  assert.deepEqual(stream.currentMessage, message);
  assert.equal(ends, 1);

  // The same text as the non-streaming call (same prompt, same seed).
  const plain = await client().messages.create(STORY);
  assert.deepEqual(plain.content, message.content);
});

test('runner: inputJson snapshots are computed for a two-parameter listener only', async () => {
  const params = {
    model: 'moonshotai/Kimi-K2.5',
    max_tokens: 1024,
    messages: [{ role: /** @type {const} */ ('user'), content: 'Look up the order for alice, with its items.' }],
    tools: [
      {
        name: 'find_order',
        input_schema: {
          type: /** @type {const} */ ('object'),
          properties: { customer: { type: 'string' }, include_items: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 5 } },
          required: ['customer', 'include_items', 'limit'],
        },
      },
    ],
    tool_choice: { type: /** @type {const} */ ('tool'), name: 'find_order' },
  };
  /** @type {unknown[]} */
  const snapshots = [];
  const withSnapshot = client().messages.stream(params).on('inputJson', (_partial, snapshot) => snapshots.push(snapshot));
  const message = await withSnapshot.finalMessage();
  const use = message.content.find((b) => b.type === 'tool_use');
  assert.ok(use && use.type === 'tool_use');
  assert.deepEqual(snapshots.at(-1), use.input);
  assert.ok(snapshots.length >= 3);
  assert.ok(Object.keys(/** @type {object} */ (snapshots.at(-2))).length <= Object.keys(use.input).length);

  /** @type {unknown[]} */
  const seconds = [];
  let fragments = '';
  const without = client()
    .messages.stream(params)
    .on('inputJson', function (/** @type {string} */ partial) {
      fragments += partial;
      // eslint-disable-next-line prefer-rest-params
      seconds.push(arguments[1]);
    });
  const again = await without.finalMessage();
  assert.ok(seconds.length >= 3);
  assert.ok(seconds.every((s) => s === undefined), 'no parse for a listener that does not take the snapshot');
  assert.deepEqual(JSON.parse(fragments), use.input);
  assert.deepEqual(again.content.find((b) => b.type === 'tool_use')?.input, use.input);
});

test('runner: an error event mid-stream is a StreamError server_error with the partial message', async () => {
  emu.clearLog();
  const stream = client().messages.stream(STORY, { headers: { 'x-emulator-fault': 'error' } });
  let text = '';
  /** @type {unknown[]} */
  const errors = [];
  let ends = 0;
  stream
    .on('text', (delta) => (text += delta))
    .on('error', (err) => errors.push(err))
    .on('end', () => ends++);
  /** @type {any} */
  let caught;
  await assert.rejects(stream.finalMessage(), (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof StreamError, `got ${caught}`);
  assert.equal(caught.code, 'server_error');
  assert.equal(caught.status, undefined, 'the HTTP status was 200; the error came inside the stream');
  assert.deepEqual(caught.error, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  const [entry] = messagesRequests();
  assert.equal(messagesRequests().length, 1, 'a stream that started is not retried');
  assert.equal(caught.requestId, entry.requestId);

  const partial = caught.partial;
  assert.equal(partial.type, 'message');
  assert.match(partial.id, /^msg_/);
  assert.equal(partial.stop_reason, null, 'no message_delta arrived');
  assert.ok(text.length > 0, 'some text arrived before the error');
  assert.deepEqual(partial.content, [{ type: 'text', text }], 'the partial holds exactly the streamed text');
  assert.deepEqual(stream.currentMessage, partial);
  assert.deepEqual(errors, [caught], 'one error event, with the same error');
  assert.equal(ends, 1);
  await assert.rejects(stream.finalText(), StreamError);
});

test('create({ stream: true }): events before a mid-stream error are yielded, then the StreamError', async () => {
  const stream = await client().messages.create({ ...STORY, stream: true }, { headers: { 'x-emulator-fault': 'error' } });
  let text = '';
  /** @type {string[]} */
  const types = [];
  /** @type {any} */
  let caught;
  try {
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof StreamError, `got ${caught}`);
  assert.equal(caught.code, 'server_error');
  assert.equal(types[0], 'message_start');
  assert.ok(!types.includes('message_stop'));
  assert.deepEqual(caught.partial.content, [{ type: 'text', text }]);
  assert.deepEqual(stream.currentMessage(), caught.partial);
});

test('runner: stop_sequences cut the text, with stop_reason stop_sequence', async () => {
  const full = (await client().messages.create(STORY)).content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
  // A word from the middle of the uncut reply (the emulator's text depends on the prompt, not on stop_sequences).
  const words = full.split(/[^A-Za-z]+/).filter((w) => w.length >= 4);
  const stop = words[Math.floor(words.length / 2)];
  const cut = full.indexOf(stop);
  assert.ok(cut > 0);

  emu.clearLog();
  const stream = client().messages.stream({ ...STORY, stop_sequences: [stop] });
  let text = '';
  stream.on('text', (delta) => (text += delta));
  const message = await stream.finalMessage();
  assert.deepEqual(messagesRequests()[0].body.stop_sequences, [stop]);
  assert.equal(message.stop_reason, 'stop_sequence');
  assert.equal(message.stop_sequence, stop);
  assert.equal(await stream.finalText(), full.slice(0, cut), 'the text ends where the stop sequence starts');
  assert.equal(text, full.slice(0, cut), 'no delta past the stop sequence');
  assert.ok(!text.includes(stop));
});

// Event order and snapshots, as @anthropic-ai/sdk has them.
test(
  'runner: streamEvent snapshot is the message after that event, interleaved with text (as @anthropic-ai/sdk)',
  async () => {
    const stream = client().messages.stream(STORY);
    /** @type {string[]} */
    const order = [];
    stream
      .on('streamEvent', (event, snapshot) => {
        if (event.type === 'message_start') assert.deepEqual(snapshot.content, [], 'nothing has arrived at message_start');
        order.push(event.type === 'content_block_delta' ? 'delta' : event.type);
      })
      .on('text', () => order.push('text'));
    await stream.done();
    const firstText = order.indexOf('text');
    assert.equal(order[firstText - 1], 'delta', 'each text event right after its streamEvent');
  },
);
