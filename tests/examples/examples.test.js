// Runs every example in examples/*.mjs as a child process against the emulator, the way a
// user would (`node examples/x.mjs` with BASETEN_API_KEY and MODELWIRE_BASE_URL), and checks
// both what it prints and what it sent (the emulator's request log).
//
//   node --test tests/examples/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Runs an example that must succeed; returns its stdout lines and the chat requests it made. */
async function runOk(/** @type {string} */ name, /** @type {Record<string, string>} */ env = {}) {
  emu.clearLog();
  const { code, stdout, stderr } = await run(name, env);
  assert.equal(code, 0, `${name} exited with ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  const requests = emu.log().filter((e) => e.path === '/v1/chat/completions');
  for (const r of requests) {
    assert.equal(r.headers.authorization, `Bearer [REDACTED ${fingerprint(KEY)}]`, 'the key comes from BASETEN_API_KEY');
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

test('every example is covered by a test below', () => {
  const examples = readdirSync(join(REPO, 'examples')).filter((f) => f.endsWith('.mjs') && !f.startsWith('messages-')).sort();
  assert.deepEqual(examples, [
    'errors.mjs',
    'first-call.mjs',
    'stream-reasoning.mjs',
    'stream-tool-arguments.mjs',
    'streaming.mjs',
    'structured-output.mjs',
    'tool-calling.mjs',
  ]);
});

test('first-call: multi-turn answer, usage and request id', async () => {
  const { lines, requests } = await runOk('first-call.mjs');
  assert.equal(requests.length, 1);
  const [req] = requests;
  assert.equal(req.body.model, 'deepseek-ai/DeepSeek-V4-Pro');
  assert.deepEqual(req.body.messages.map((/** @type {any} */ m) => m.role), ['system', 'user', 'assistant', 'user']);
  assert.equal(req.body.stream ?? false, false);
  // The emulator's reply opens by quoting the last user message.
  assert.match(lines[0], /^About How does the learning rate/);
  const stats = fields(lineAfter(lines, '[request '));
  assert.equal(lineAfter(lines, '[request ').split(']')[0], req.requestId, '_request_id is X-Baseten-Request-Id');
  assert.equal(stats.finish_reason, 'stop');
  assert.ok(Number(stats.prompt_tokens) > 0);
  assert.ok(Number(stats.completion_tokens) > 0);
  assert.ok(Number(stats.reasoning_tokens) > 0, 'DeepSeek V4 Pro reasons by default');
});

test('structured-output: JSON that matches the schema, and JSON mode', async () => {
  const { lines, requests } = await runOk('structured-output.mjs');
  assert.equal(requests.length, 2);
  const format = requests[0].body.response_format;
  assert.equal(format.type, 'json_schema');
  assert.equal(format.json_schema.name, 'user_details');
  assert.equal(format.json_schema.strict, true);
  const schema = format.json_schema.schema;

  const output = JSON.parse(lineAfter(lines, 'structured: '));
  assert.equal(typeof output, 'object');
  assert.ok(output && !Array.isArray(output));
  for (const key of schema.required) assert.ok(key in output, `required ${key} missing`);
  for (const [key, value] of Object.entries(output)) {
    assert.ok(key in schema.properties, `unexpected key ${key}`);
    assert.equal(typeof value, schema.properties[key].type, `${key} has the schema's type`);
  }
  assert.equal(lineAfter(lines, 'name=').split(' email=')[0], output.name);
  assert.equal(lineAfter(lines, 'name=').split(' email=')[1], output.email);

  assert.deepEqual(requests[1].body.response_format, { type: 'json_object' });
  const object = JSON.parse(lineAfter(lines, 'json_object: '));
  assert.ok(object && typeof object === 'object' && !Array.isArray(object));
});

test('tool-calling: call → tool result → answer quoting the result', async () => {
  const { lines, requests } = await runOk('tool-calling.mjs');
  assert.equal(requests.length, 2, 'one request for the call, one for the answer');

  const call = /^get_weather\((.*)\) id=(\S+)$/.exec(lineAfter(lines, 'tool call: '));
  assert.ok(call, `unexpected tool call line in:\n${lines.join('\n')}`);
  const [, argsText, callId] = call;
  const args = JSON.parse(argsText);
  assert.equal(typeof args.location, 'string');
  const result = lineAfter(lines, 'tool result: ');
  assert.deepEqual(JSON.parse(result), {
    location: args.location,
    temperature: args.unit === 'celsius' ? '22' : '72',
    unit: args.unit ?? 'fahrenheit',
    forecast: 'sunny',
  });

  // First request: the tools, tool_choice auto.
  const first = requests[0].body;
  assert.equal(first.model, 'deepseek-ai/DeepSeek-V3.1');
  assert.equal(first.tool_choice, 'auto');
  assert.equal(first.tools[0].function.name, 'get_weather');
  assert.deepEqual(first.tools[0].function.parameters.required, ['location']);

  // Second request: the user turn, the assistant turn as returned, the tool result.
  const messages = requests[1].body.messages;
  assert.deepEqual(messages.map((/** @type {any} */ m) => m.role), ['user', 'assistant', 'tool']);
  assert.equal(messages[1].tool_calls[0].id, callId);
  assert.equal(messages[1].tool_calls[0].function.name, 'get_weather');
  assert.deepEqual(JSON.parse(messages[1].tool_calls[0].function.arguments), args);
  assert.deepEqual(
    { role: messages[2].role, tool_call_id: messages[2].tool_call_id, name: messages[2].name, content: messages[2].content },
    { role: 'tool', tool_call_id: callId, name: 'get_weather', content: result },
  );

  // The answer quotes the tool's result.
  const answer = lineAfter(lines, 'answer: ');
  assert.ok(answer.includes(result), `answer does not quote the tool result:\n${answer}`);
});

/** Checks the output of streaming.mjs. */
function checkStreaming(/** @type {string} */ stdout, /** @type {any[]} */ requests) {
  assert.equal(requests.length, 1);
  assert.equal(requests[0].body.stream, true);
  const m = /^([\s\S]*)\n\n\[(\d+) chunks, (\d+) content deltas, finish_reason=(\w+), completion_tokens=(\w+)\]\n$/.exec(stdout);
  assert.ok(m, `unexpected output:\n${stdout}`);
  const [, text, chunks, deltas, finish, completionTokens] = m;
  assert.match(text, /^About What is the capital/);
  assert.ok(Number(deltas) >= 3, `only ${deltas} content deltas`);
  assert.ok(Number(chunks) > Number(deltas), 'reasoning and role chunks come too');
  assert.equal(finish, 'stop');
  return { text, completionTokens };
}

test('streaming: several content deltas, then the accumulated completion', async () => {
  const { stdout, requests } = await runOk('streaming.mjs');
  const { completionTokens } = checkStreaming(stdout, requests);
  assert.ok(Number(completionTokens) > 0, 'Baseten sends usage without stream_options');
});

/** Checks the output of stream-reasoning.mjs. */
function checkReasoning(/** @type {string[]} */ lines, /** @type {any[]} */ requests) {
  assert.equal(requests.length, 1);
  const body = requests[0].body;
  assert.equal(body.stream, true, '.stream() implies stream: true');
  assert.deepEqual(body.chat_template_args, { enable_thinking: true });
  assert.equal(body.reasoning_effort, 'low');
  const thinking = lineAfter(lines, 'thinking: ');
  assert.match(thinking, /^Thinking about /);
  const answer = lineAfter(lines, 'answer: ');
  assert.match(answer, /^About Why is the sky/);
  assert.equal(lineAfter(lines, 'final: '), answer, 'the final completion holds the streamed answer');
  const stats = fields(lineAfter(lines, 'finish_reason='));
  assert.equal(lineAfter(lines, 'finish_reason=').split(' ')[0], 'stop');
  assert.equal(Number(stats.reasoning_chars), thinking.length, 'the final message holds the streamed reasoning');
  return stats;
}

test('stream-reasoning: reasoning and content events, final completion and usage', async () => {
  const { lines, requests } = await runOk('stream-reasoning.mjs');
  const stats = checkReasoning(lines, requests);
  assert.ok(Number(stats.reasoning_tokens) > 0);
  assert.ok(Number(stats.completion_tokens) > Number(stats.reasoning_tokens));
});

test('stream-tool-arguments: partial arguments grow into the final call', async () => {
  const { lines, requests } = await runOk('stream-tool-arguments.mjs');
  assert.equal(requests.length, 1);
  assert.deepEqual(requests[0].body.tool_choice, { type: 'function', function: { name: 'book_table' } });
  const schema = requests[0].body.tools[0].function.parameters;

  const done = lineAfter(lines, 'done book_table#0: ');
  const final = JSON.parse(done);
  for (const key of schema.required) assert.ok(key in final, `required ${key} missing`);
  assert.equal(typeof final.restaurant, 'string');
  assert.equal(typeof final.time, 'string');
  assert.ok(Number.isInteger(final.party_size) && final.party_size >= 1 && final.party_size <= 12);
  if ('seating' in final) assert.ok(schema.properties.seating.enum.includes(final.seating));
  assert.equal(lineAfter(lines, 'call: '), `book_table ${done}`);

  const partials = lines
    .filter((l) => l.startsWith('partial book_table#0: '))
    .map((l) => l.slice('partial book_table#0: '.length))
    .filter((t) => t !== 'undefined')
    .map((t) => JSON.parse(t));
  assert.ok(partials.length >= 3, `only ${partials.length} parsed partial states`);
  assert.deepEqual(partials.at(-1), final, 'the last partial state is the whole call');
  for (const partial of partials) {
    assert.ok(partial && typeof partial === 'object');
    for (const [key, value] of Object.entries(partial)) {
      assert.ok(key in final, `partial has ${key}, the final call does not`);
      if (typeof value === 'string') assert.ok(final[key].startsWith(value), `${key}: ${value} is not a prefix`);
    }
  }
});

test('errors: an unknown model is a NotFoundError with status and request id', async () => {
  const { lines } = await runOk('errors.mjs');
  const entries = emu.log().filter((e) => e.path === '/v1/chat/completions');
  assert.equal(entries.length, 1, '404 is not retried');
  assert.equal(entries[0].status, 404);
  const stats = fields(lineAfter(lines, 'NotFoundError: '));
  assert.equal(stats.status, '404');
  assert.equal(stats.request_id, entries[0].requestId);
  const body = JSON.parse(lineAfter(lines, 'body: '));
  assert.equal(body.error_code, 'model_not_found');
});

test('an example without a valid key fails with the 403', async () => {
  const { code, stdout, stderr } = await run('first-call.mjs', { BASETEN_API_KEY: 'wrong-key' });
  assert.notEqual(code, 0, stdout);
  assert.match(stderr, /PermissionDeniedError/);
  assert.match(stderr, /please check the api-key/);
  assert.doesNotMatch(stderr + stdout, /wrong-key/, 'the key is never printed');
});

test('the streaming examples also work on plain OpenAI streams (Baseten quirks off)', async () => {
  emu.configure({ quirks: false });
  try {
    const streaming = await runOk('streaming.mjs');
    const { completionTokens } = checkStreaming(streaming.stdout, streaming.requests);
    assert.equal(completionTokens, 'undefined', 'no usage unless stream_options.include_usage');
    const reasoning = await runOk('stream-reasoning.mjs');
    checkReasoning(reasoning.lines, reasoning.requests);
    await runOk('stream-tool-arguments.mjs');
  } finally {
    emu.configure({ quirks: true });
  }
});
