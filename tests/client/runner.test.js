// `chat.completions.stream(params)`: the runner's events against what the
// server sent (content, reasoning, tool-call argument deltas with
// parsed_arguments, raw chunks) and its final results.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ChatCompletionStream } from "modelwire";
import { emulator, client, hello, accumulate, contentOf, reasoningOf, REASONING_MODEL, MODEL, chatRequests } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const WEATHER = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        days: { type: "integer", minimum: 1, maximum: 7 },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
      },
      required: ["city", "unit", "days", "tags"],
    },
  },
};

test("content deltas concatenate to the final content; snapshots grow", async () => {
  const runner = client(emu).chat.completions.stream(hello());
  assert.ok(runner instanceof ChatCompletionStream);
  const deltas = [];
  let lastSnapshot = "";
  let snapshotsOk = true;
  let connected = 0;
  runner.on("connect", () => connected++);
  runner.on("content", (delta, snapshot) => {
    deltas.push(delta);
    if (snapshot !== lastSnapshot + delta) snapshotsOk = false;
    lastSnapshot = snapshot;
  });
  const ended = new Promise((resolve) => runner.on("end", () => resolve(true)));
  const final = await runner.finalContent();
  assert.equal(connected, 1);
  assert.ok(deltas.length > 3, `only ${deltas.length} deltas`);
  assert.equal(deltas.join(""), final);
  assert.equal(lastSnapshot, final);
  assert.ok(snapshotsOk, "each snapshot is the previous one plus the delta");
  assert.match(final ?? "", /^About What is gradient descent/);
  assert.equal(await ended, true);
  // The runner sends stream: true for the caller.
  assert.equal(chatRequests(emu)[0].body.stream, true);
});

test("reasoning events with a reasoning model concatenate to reasoning_content", async () => {
  const runner = client(emu).chat.completions.stream({ ...hello(), model: REASONING_MODEL });
  const reasoning = [];
  const content = [];
  const order = [];
  runner.on("reasoning", (delta, snapshot) => {
    reasoning.push(delta);
    assert.equal(snapshot, reasoning.join(""));
    if (order.at(-1) !== "r") order.push("r");
  });
  runner.on("content", (delta) => {
    content.push(delta);
    if (order.at(-1) !== "c") order.push("c");
  });
  const done = runner.emitted("reasoning.done");
  const final = await runner.finalChatCompletion();
  const message = final.choices[0].message;
  assert.ok(reasoning.length > 1, "reasoning deltas arrived");
  assert.equal(reasoning.join(""), message.reasoning_content);
  assert.equal(content.join(""), message.content);
  assert.deepEqual(order, ["r", "c"], "reasoning streams before the answer");
  assert.deepEqual(await done, { choice: 0, reasoning: message.reasoning_content });
  assert.ok(final.usage.completion_tokens_details.reasoning_tokens > 0);
});

test("a model without reasoning emits no reasoning event", async () => {
  const runner = client(emu).chat.completions.stream(hello());
  let count = 0;
  runner.on("reasoning", () => count++);
  await runner.done();
  assert.equal(count, 0);
});

test("tool_calls.function.arguments.delta: arguments grow, parsed_arguments ends as the final parsed object", async () => {
  const runner = client(emu).chat.completions.stream({
    model: MODEL,
    messages: [{ role: "user", content: "What's the weather in Paris? Use get_weather." }],
    tools: [WEATHER],
    tool_choice: "auto",
  });
  const events = [];
  const parsedSeen = [];
  runner.on("tool_calls.function.arguments.delta", (e) => {
    events.push({ ...e });
    parsedSeen.push(e.parsed_arguments === undefined ? undefined : structuredClone(e.parsed_arguments));
  });
  let aliasCount = 0;
  runner.on("tool_call.arguments.delta", () => aliasCount++);
  const doneEvent = runner.emitted("tool_calls.function.arguments.done");
  const final = await runner.finalChatCompletion();
  const call = final.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, "get_weather");
  assert.equal(final.choices[0].finish_reason, "tool_calls");
  const args = JSON.parse(call.function.arguments);
  assert.ok(events.length > 2, `only ${events.length} deltas`);
  assert.equal(aliasCount, events.length);
  for (const [i, e] of events.entries()) {
    assert.equal(e.choice, 0);
    assert.equal(e.index, 0);
    assert.equal(e.name, "get_weather");
    assert.equal(e.arguments, events.slice(0, i + 1).map((x) => x.arguments_delta).join(""));
  }
  assert.equal(events.at(-1).arguments, call.function.arguments);
  assert.deepEqual(parsedSeen.at(-1), args, "the last parsed_arguments is the final object");
  // In between, each defined parse is a prefix-compatible view: its keys are keys of the final object.
  const defined = parsedSeen.filter((p) => p !== undefined);
  assert.ok(defined.length >= 2, "partial objects appeared while streaming");
  for (const p of defined) {
    assert.equal(typeof p, "object");
    for (const k of Object.keys(p)) assert.ok(k in args, `unexpected key ${k}`);
  }
  assert.deepEqual(Object.keys(defined.at(-1)).sort(), Object.keys(args).sort());
  const done = await doneEvent;
  assert.equal(done.name, "get_weather");
  assert.equal(done.arguments, call.function.arguments);
  assert.deepEqual(done.parsed_arguments, args);
  assert.deepEqual(await runner.finalFunctionToolCall(), call.function);
});

test("parsed_arguments is {} while the first key is incomplete (index.d.ts)", async () => {
  const runner = client(emu).chat.completions.stream({
    model: MODEL,
    messages: [{ role: "user", content: "What's the weather in Paris? Use get_weather." }],
    tools: [WEATHER],
  });
  const early = [];
  runner.on("tool_calls.function.arguments.delta", (e) => {
    // No complete key yet: `{`, `{"`, `{"ci` (the first key's string is still open).
    if (/^\s*\{\s*("[^"]*)?$/.test(e.arguments)) early.push({ arguments: e.arguments, parsed: e.parsed_arguments });
  });
  await runner.done();
  assert.ok(early.length > 0, "the emulator streams the opening fragments separately");
  const notEmpty = early.filter((e) => JSON.stringify(e.parsed) !== "{}");
  assert.deepEqual(notEmpty, [], "parsed_arguments before the first complete key");
});

test("finalChatCompletion equals the accumulation of the chunks (chunk event)", async () => {
  const runner = client(emu).chat.completions.stream({ ...hello(), model: REASONING_MODEL });
  const chunks = [];
  runner.on("chunk", (chunk) => chunks.push(chunk));
  const final = await runner.finalChatCompletion();
  const acc = accumulate(chunks);
  assert.ok(chunks.length > 5);
  assert.equal(final.object, "chat.completion");
  assert.equal(final.id, chunks[0].id);
  assert.equal(contentOf(final), acc.content);
  assert.equal(reasoningOf(final), acc.reasoning);
  assert.equal(final.choices[0].finish_reason, acc.finish);
  assert.deepEqual(final.usage, acc.usage);
  assert.deepEqual(await runner.totalUsage(), acc.usage);
  assert.deepEqual(await runner.finalMessage(), final.choices[0].message);
  assert.equal(await runner.finalContent(), acc.content);
});

test("the chunk event's snapshot is the accumulation up to that chunk", async () => {
  const runner = client(emu).chat.completions.stream(hello());
  const chunks = [];
  const bad = [];
  runner.on("chunk", (chunk, snapshot) => {
    chunks.push(chunk);
    const expected = accumulate(chunks).content;
    if (contentOf(snapshot) !== expected) bad.push({ at: chunks.length, expected: expected.length, got: contentOf(snapshot).length });
  });
  await runner.done();
  assert.deepEqual(bad.slice(0, 3), [], `${bad.length} of ${chunks.length} snapshots differ from the chunks so far`);
});

test("async iteration of the runner yields the same chunks as the chunk event", async () => {
  const runner = client(emu).chat.completions.stream(hello());
  const viaEvent = [];
  runner.on("chunk", (c) => viaEvent.push(c));
  const viaIter = [];
  for await (const c of runner) viaIter.push(c);
  assert.ok(viaIter.length > 3);
  assert.deepEqual(viaIter, viaEvent);
  assert.equal(accumulate(viaIter).content, contentOf(await runner.finalChatCompletion()));
});

test("final events fire once with the final values", async () => {
  const runner = client(emu).chat.completions.stream(hello());
  const seen = {};
  runner.on("content", () => {});
  for (const name of ["finalContent", "finalMessage", "finalChatCompletion", "chatCompletion", "message", "totalUsage", "content.done"]) {
    runner.on(/** @type {any} */ (name), (value) => ((seen[name] ??= []).push(value)));
  }
  const final = await runner.finalChatCompletion();
  for (const list of Object.values(seen)) assert.equal(list.length, 1);
  assert.equal(seen.finalContent[0], contentOf(final));
  assert.deepEqual(seen.finalMessage[0], final.choices[0].message);
  assert.deepEqual(seen.finalChatCompletion[0], final);
  assert.deepEqual(seen.totalUsage[0], final.usage);
  assert.equal(seen["content.done"][0].content, contentOf(final));
});

test("usage events carry Baseten's running usage", async () => {
  const runner = client(emu).chat.completions.stream(hello());
  const usages = [];
  runner.on("usage", (u) => usages.push(u.completion_tokens));
  const final = await runner.finalChatCompletion();
  assert.ok(usages.length > 2);
  for (let i = 1; i < usages.length; i++) assert.ok(usages[i] >= usages[i - 1], "running totals never decrease");
  assert.equal(usages.at(-1), final.usage.completion_tokens);
});

// The `.done` events and functionToolCall must not depend on a delta listener being attached.
test("content.done fires without any delta listener", async () => {
  const runner = client(emu).chat.completions.stream(hello());
  const done = [];
  runner.on("content.done", (e) => done.push(e));
  const final = await runner.finalChatCompletion();
  assert.deepEqual(done.map((e) => e.content), [contentOf(final)]);
});

test("reasoning.done fires without any delta listener", async () => {
  const runner = client(emu).chat.completions.stream({ ...hello(), model: REASONING_MODEL });
  const done = [];
  runner.on("reasoning.done", (e) => done.push(e));
  const final = await runner.finalChatCompletion();
  assert.deepEqual(done, [{ choice: 0, reasoning: reasoningOf(final) }]);
});

test("tool_calls.function.arguments.done and functionToolCall fire without any delta listener", async () => {
  const runner = client(emu).chat.completions.stream({
    model: MODEL,
    messages: [{ role: "user", content: "What's the weather in Paris? Use get_weather." }],
    tools: [WEATHER],
  });
  const done = [];
  const calls = [];
  runner.on("tool_calls.function.arguments.done", (e) => done.push(e));
  runner.on("functionToolCall", (f) => calls.push(f));
  const final = await runner.finalChatCompletion();
  const fn = final.choices[0].message.tool_calls[0].function;
  assert.deepEqual(
    { argumentsDone: done.length, functionToolCall: calls.length },
    { argumentsDone: 1, functionToolCall: 1 },
    "events fired",
  );
  assert.equal(done[0].name, "get_weather");
  assert.deepEqual(done[0].parsed_arguments, JSON.parse(fn.arguments));
  assert.deepEqual(calls, [fn]);
});

test("a model sending both reasoning_content and reasoning (GPT OSS) is not counted twice", async () => {
  const body = { ...hello(), model: "openai/gpt-oss-120b" };
  const plain = await client(emu).chat.completions.create(body);
  assert.equal(plain.choices[0].message.reasoning, plain.choices[0].message.reasoning_content);
  emu.reset();
  const runner = client(emu).chat.completions.stream(body);
  let reasoning = "";
  runner.on("reasoning", (d) => (reasoning += d));
  const final = await runner.finalChatCompletion();
  assert.equal(reasoning, plain.choices[0].message.reasoning_content);
  assert.equal(reasoningOf(final), plain.choices[0].message.reasoning_content);
  assert.equal(contentOf(final), contentOf(plain));
});

test("reasoning opt-in (chat_template_args.enable_thinking) on GLM 4.7 streams reasoning events", async () => {
  const runner = client(emu).chat.completions.stream({ ...hello(), model: "zai-org/GLM-4.7", chat_template_args: { enable_thinking: true } });
  let reasoning = "";
  runner.on("reasoning", (d) => (reasoning += d));
  const final = await runner.finalChatCompletion();
  assert.ok(reasoning.length > 0);
  assert.equal(reasoning, reasoningOf(final));
  assert.deepEqual(chatRequests(emu)[0].body.chat_template_args, { enable_thinking: true });
});
