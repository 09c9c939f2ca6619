// `create({ stream: true })`: the Stream yields every chunk the server sent,
// in order, and `currentCompletion()` is their accumulation.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { Stream } from "modelwire";
import {
  emulator, client, hello, rawChat, sseBlocks, chunksOf, accumulate, contentOf, reasoningOf,
  REASONING_MODEL, chatRequests,
} from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

/** Chunks without the fields that differ between two runs of one request. @param {any[]} chunks */
const stable = (chunks) =>
  chunks.map(({ id, created, ...rest }) => {
    const copy = structuredClone(rest);
    for (const c of copy.choices ?? []) for (const t of c.delta?.tool_calls ?? []) if (t.id) t.id = "call";
    return copy;
  });

/** The reference chunks: the same request, raw, on a fresh emulator state. @param {any} body @param {Record<string,string>} [headers] */
async function reference(body, headers) {
  emu.reset();
  const raw = await rawChat(emu, { ...body, stream: true }, headers);
  emu.reset();
  return chunksOf(sseBlocks(raw.bytes));
}

for (const fault of [undefined, "bytewise"]) {
  test(`iteration yields every chunk in order${fault ? ` (${fault})` : ""}`, async () => {
    const body = { ...hello(), model: REASONING_MODEL };
    const expected = await reference(body);
    assert.ok(expected.length > 5);
    const headers = fault ? { "x-emulator-fault": fault } : undefined;
    const stream = await client(emu).chat.completions.create({ ...body, stream: true }, { headers });
    assert.ok(stream instanceof Stream);
    const got = [];
    for await (const chunk of stream) got.push(chunk);
    assert.deepEqual(stable(got), stable(expected));
    assert.equal(chatRequests(emu).length, 1);
    // The last chunk is Baseten's usage-only chunk.
    assert.deepEqual(got.at(-1).choices, []);
    assert.ok(got.at(-1).usage.completion_tokens > 0);
  });
}

test("currentCompletion() after each chunk is the accumulation of the chunks delivered so far", async () => {
  const stream = await client(emu).chat.completions.create({ ...hello(), model: REASONING_MODEL, stream: true });
  const seen = [];
  const mismatches = [];
  for await (const chunk of stream) {
    seen.push(chunk);
    const acc = accumulate(seen);
    const current = stream.currentCompletion();
    if (contentOf(current) !== acc.content || reasoningOf(current) !== acc.reasoning) {
      mismatches.push({ at: seen.length, expected: acc.content.length + acc.reasoning.length, got: contentOf(current).length + reasoningOf(current).length });
    }
  }
  assert.deepEqual(mismatches.slice(0, 3), [], `${mismatches.length} of ${seen.length} snapshots ran ahead of the chunks delivered`);
});

test("currentCompletion() at the end equals the accumulated chunks and the plain completion", async () => {
  const body = { ...hello(), model: REASONING_MODEL };
  const plain = await client(emu).chat.completions.create(body);
  emu.reset();
  const stream = await client(emu).chat.completions.create({ ...body, stream: true });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const acc = accumulate(chunks);
  const final = stream.currentCompletion();
  assert.equal(final.object, "chat.completion");
  assert.equal(final.id, chunks[0].id);
  assert.equal(final.model, REASONING_MODEL);
  assert.equal(contentOf(final), acc.content);
  assert.equal(reasoningOf(final), acc.reasoning);
  assert.equal(final.choices[0].finish_reason, acc.finish);
  assert.deepEqual(final.usage, acc.usage);
  assert.equal(final.choices[0].message.role, "assistant");
  // And the same text as without streaming.
  assert.equal(contentOf(final), contentOf(plain));
  assert.equal(reasoningOf(final), reasoningOf(plain));
  assert.equal(final.choices[0].finish_reason, plain.choices[0].finish_reason);
  assert.deepEqual(final.usage.completion_tokens, plain.usage.completion_tokens);
});

test("stream.requestId and stream.response come from the streamed response", async () => {
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true });
  const [entry] = chatRequests(emu);
  assert.equal(stream.requestId, entry.requestId);
  assert.equal(stream.response.status, 200);
  assert.match(stream.response.headers.get("content-type") ?? "", /text\/event-stream/);
  for await (const _ of stream);
});

test("the request body carries stream: true", async () => {
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true });
  for await (const _ of stream);
  assert.equal(chatRequests(emu)[0].body.stream, true);
});

test("toReadableStream() gives the chunks as newline-delimited JSON", async () => {
  const expected = await reference(hello());
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true });
  const text = await new Response(stream.toReadableStream()).text();
  assert.ok(text.endsWith("\n"));
  const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(stable(lines), stable(expected));
});

test("breaking out of the loop stops the stream; the completion so far stays readable", async () => {
  emu.configure({ streamDelayMs: 20 });
  try {
    const stream = await client(emu).chat.completions.create({ ...hello(), stream: true });
    const seen = [];
    for await (const chunk of stream) {
      seen.push(chunk);
      if (seen.length === 3) break;
    }
    assert.equal(seen.length, 3);
    const current = stream.currentCompletion();
    assert.ok(contentOf(current).startsWith(accumulate(seen).content));
  } finally {
    emu.configure({ streamDelayMs: 0 });
  }
});

test("a stream can be iterated once", async () => {
  const stream = await client(emu).chat.completions.create({ ...hello(), stream: true });
  for await (const _ of stream);
  await assert.rejects(async () => {
    for await (const _ of stream);
  });
});

test("multibyte text split byte by byte (bytewise) accumulates to the plain completion's text", async () => {
  const body = hello("Grüße, 東京 and 😀 — naïve café?");
  const plain = await client(emu).chat.completions.create(body);
  assert.ok(/東京/.test(contentOf(plain)) && /Grüße/.test(contentOf(plain)), `the emulator quotes the prompt: ${contentOf(plain)}`);
  emu.reset();
  const stream = await client(emu).chat.completions.create({ ...body, stream: true }, { headers: { "x-emulator-fault": "bytewise" } });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.equal(accumulate(chunks).content, contentOf(plain));
  assert.equal(contentOf(stream.currentCompletion()), contentOf(plain));
});

test("concurrent streams on one client stay separate", async () => {
  const c = client(emu);
  const prompts = ["alpha question", "beta question", "gamma question", "delta question", "epsilon question"];
  const plains = [];
  for (const p of prompts) plains.push(contentOf(await c.chat.completions.create(hello(p))));
  emu.reset();
  emu.configure({ streamDelayMs: 2 });
  try {
    const results = await Promise.all(
      prompts.map(async (p) => {
        const stream = await c.chat.completions.create({ ...hello(p), stream: true });
        const chunks = [];
        for await (const chunk of stream) chunks.push(chunk);
        return { delivered: accumulate(chunks).content, current: contentOf(stream.currentCompletion()) };
      }),
    );
    assert.deepEqual(results.map((r) => r.delivered), plains);
    assert.deepEqual(results.map((r) => r.current), plains);
  } finally {
    emu.configure({ streamDelayMs: 0 });
  }
});
