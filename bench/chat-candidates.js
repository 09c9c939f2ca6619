// The Chat Completions benchmark's corpora and candidates (issues 4 and 8):
// modelwire vs openai-node vs eventsource-parser + JSON.parse, with the
// checks of their results. Importing this module runs nothing:
// bench/chat-stream.js (the suite) reads the names from it, and
// bench/worker.js runs one candidate, in its own thread, with `setup`,
// `candidates`, `compare` and `checks`.
//
// Every candidate gets the same corpus bytes the same way: a `fetch` that
// returns `new Response(ReadableStream)` whose chunks are held in memory
// (content-type text/event-stream), so there is no network noise and the
// Response/ReadableStream cost is the same for all. Each run starts at the
// request (`create()` / `stream()` / `fetch()`) and ends with the final
// content, reasoning, tool calls and usage in hand.
import { createParser } from "eventsource-parser";
import OpenAI from "openai";
import * as modelwire from "modelwire";
import { diff, fetchOf, firstDifference } from "./common.js";
import { betweenCrLf, chatReasoningCorpus, chatTextCorpus, chatToolCallCorpus, insideUtf8, rechunkAt } from "./corpus.js";

const { ChatStream, Client } = modelwire;
export const hasClient = typeof Client === "function";

// ---------------------------------------------------------------------------
// Corpora, chunkings and the fetch every candidate reads them through

const TOOLS = ["search_docs", "get_weather", "run_query"].map((name) => ({
  type: "function",
  function: { name, description: `The ${name} tool.`, parameters: { type: "object", properties: {}, additionalProperties: true } },
}));
export const corpora = {
  text: { title: "text: 4,000 content deltas, usage on every chunk", make: chatTextCorpus, params: {} },
  tools: { title: "tool calls: 3 parallel calls, ~2 KB of arguments each in ~8-byte fragments", make: chatToolCallCorpus, params: { tools: TOOLS } },
  reasoning: { title: "reasoning: 2,000 reasoning_content deltas, then 1,000 content deltas", make: chatReasoningCorpus, params: {} },
};

const encoder = new TextEncoder();
const KIB16 = 16 * 1024;
/** As in messages-candidates.js: each 16 KiB cut moved to fall inside a UTF-8 sequence, or between the CR and LF of a CRLF stream. */
export const CHUNKINGS = {
  "one event per chunk": { crlf: false, cut: (perEvent) => perEvent },
  "16 KiB, cuts inside UTF-8": { crlf: false, cut: (perEvent) => rechunkAt(perEvent, KIB16, insideUtf8).chunks },
  "16 KiB CRLF, cuts CR|LF": { crlf: true, cut: (perEvent) => rechunkAt(perEvent, KIB16, betweenCrLf).chunks },
};

/** One corpus in one chunking, with a client of each library pointed at it. */
export function setup(key, label) {
  const corpus = corpora[key];
  const { events, truth } = (corpus.built ??= corpus.make());
  const chunking = CHUNKINGS[label];
  const perEvent = (chunking.crlf ? events.map((e) => e.replaceAll("\n", "\r\n")) : events).map((e) => encoder.encode(e));
  const chunks = chunking.cut(perEvent);
  const fetch = fetchOf(chunks);
  const options = { apiKey: "bench", baseURL: "http://bench.invalid/v1", fetch, maxRetries: 0 };
  return {
    key,
    label,
    truth,
    events,
    chunks: chunks.length,
    crlf: chunking.crlf,
    bytes: perEvent.reduce((n, c) => n + c.length, 0),
    fetch,
    reasoning: truth.reasoning !== "",
    params: { model: "deepseek-ai/DeepSeek-V3.1", messages: [{ role: "user", content: "Go." }], ...corpus.params },
    openai: new OpenAI(options),
    modelwire: hasClient ? new Client(options) : null,
  };
}

// ---------------------------------------------------------------------------
// What every candidate returns, and the hand accumulation the JS peers need

/** @returns {{ content: string, reasoning: string, toolCalls: object[], finishReason: string | null, usage: object | null }} */
const emptyResult = () => ({ content: "", reasoning: "", toolCalls: [], finishReason: null, usage: null });

/** Folds one chunk (an openai-shaped object) into `acc`: choice 0, tool calls by index. */
function accumulate(acc, chunk) {
  if (chunk.usage) acc.usage = chunk.usage;
  for (const choice of chunk.choices) {
    if (choice.index !== 0) continue;
    if (choice.finish_reason) acc.finishReason = choice.finish_reason;
    const delta = choice.delta;
    if (!delta) continue;
    if (delta.content) acc.content += delta.content;
    if (delta.reasoning_content) acc.reasoning += delta.reasoning_content;
    if (delta.tool_calls) {
      for (const call of delta.tool_calls) {
        const slot = (acc.toolCalls[call.index] ??= { id: "", name: "", arguments: "" });
        if (call.id) slot.id = call.id;
        if (call.function?.name) slot.name = call.function.name;
        if (call.function?.arguments) slot.arguments += call.function.arguments;
      }
    }
  }
}

/** The same fields out of a `chat.completion`. */
function fromCompletion(completion) {
  const choice = completion.choices.find((c) => c.index === 0);
  const message = choice?.message ?? {};
  return {
    content: message.content ?? "",
    reasoning: message.reasoning_content ?? message.reasoning ?? "",
    toolCalls: (message.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function?.name, arguments: t.function?.arguments })),
    finishReason: choice?.finish_reason ?? null,
    usage: completion.usage ?? null,
  };
}

// ---------------------------------------------------------------------------
// Candidates. `run(ctx)` starts at the request and resolves with the result.

export const LEANEST = "eventsource-parser + JSON.parse";
export const OPENAI_CREATE = "openai create() + hand accumulation";
export const OPENAI_STREAM = "openai stream() → finalChatCompletion()";
const MW_CREATE = "modelwire Client create() + currentCompletion()";
const MW_CREATE_LEAN = "modelwire create({accumulate: false}) + hand accumulation";
const MW_STREAM = "modelwire stream() → finalChatCompletion()";
const FLOOR = "floor (read body + decode + scan)";

export const candidates = [
  {
    name: OPENAI_CREATE,
    async run(ctx) {
      const stream = await ctx.openai.chat.completions.create({ ...ctx.params, stream: true });
      const acc = emptyResult();
      for await (const chunk of stream) accumulate(acc, chunk);
      return acc;
    },
  },
  {
    name: OPENAI_STREAM,
    // openai-node assigns (not appends) delta fields it does not know, so its
    // snapshot keeps only the last `reasoning_content` delta: with a
    // reasoning corpus this candidate also appends it from the `chunk` event,
    // as a user of openai-node who wants the reasoning has to.
    async run(ctx) {
      const runner = ctx.openai.chat.completions.stream(ctx.params);
      let reasoning = "";
      if (ctx.reasoning) {
        runner.on("chunk", (chunk) => {
          for (const choice of chunk.choices) if (choice.index === 0 && choice.delta?.reasoning_content) reasoning += choice.delta.reasoning_content;
        });
      }
      const result = fromCompletion(await runner.finalChatCompletion());
      if (ctx.reasoning) result.reasoning = reasoning;
      return result;
    },
  },
  {
    name: MW_CREATE,
    enabled: hasClient,
    async run(ctx) {
      const stream = await ctx.modelwire.chat.completions.create({ ...ctx.params, stream: true });
      // Read each chunk's delta, as a consumer printing tokens would; the
      // accumulation itself is modelwire's.
      let seen = 0;
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta;
        if (delta?.content) seen += delta.content.length;
      }
      const result = fromCompletion(stream.currentCompletion());
      result.seen = seen;
      return result;
    },
  },
  {
    // The same work as openai's create() row: chunks out, accumulated by the caller.
    name: MW_CREATE_LEAN,
    enabled: hasClient,
    async run(ctx) {
      const stream = await ctx.modelwire.chat.completions.create({ ...ctx.params, stream: true }, { accumulate: false });
      const acc = emptyResult();
      for await (const chunk of stream) accumulate(acc, chunk);
      return acc;
    },
  },
  {
    name: MW_STREAM,
    enabled: hasClient,
    async run(ctx) {
      const runner = ctx.modelwire.chat.completions.stream(ctx.params);
      return fromCompletion(await runner.finalChatCompletion());
    },
  },
  {
    name: "modelwire ChatStream (raw)",
    async run(ctx) {
      const response = await ctx.fetch();
      const stream = new ChatStream();
      try {
        for await (const chunk of response.body) if (stream.push(chunk)) break;
        stream.finish();
        return fromCompletion(JSON.parse(stream.completionJson()));
      } finally {
        stream.free();
      }
    },
  },
  {
    name: LEANEST,
    async run(ctx) {
      const response = await ctx.fetch();
      const decoder = new TextDecoder();
      const acc = emptyResult();
      const parser = createParser({
        onEvent(event) {
          if (event.data !== "[DONE]") accumulate(acc, JSON.parse(event.data));
        },
      });
      for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
      return acc;
    },
  },
  {
    name: FLOOR,
    floor: true,
    async run(ctx) {
      const response = await ctx.fetch();
      const decoder = new TextDecoder();
      const end = ctx.crlf ? "\r\n\r\n" : "\n\n";
      let events = 0;
      for await (const chunk of response.body) {
        const text = decoder.decode(chunk, { stream: true });
        for (let i = text.indexOf(end); i !== -1; i = text.indexOf(end, i + end.length)) events++;
      }
      return events;
    },
  },
].filter((c) => c.enabled !== false);

// ---------------------------------------------------------------------------
// Checks, before any timing

/** The fields of `got` that differ from `truth`, as readable lines. */
export function compare(got, truth) {
  const problems = [];
  for (const field of ["content", "reasoning"]) {
    if (typeof got[field] !== "string") problems.push(`${field} is ${JSON.stringify(got[field])}, not a string`);
    else if (got[field] !== truth[field]) problems.push(`${field}: ${firstDifference(got[field], truth[field])}`);
  }
  const calls = got.toolCalls ?? [];
  if (calls.length !== truth.toolCalls.length) problems.push(`tool calls: ${calls.length}, want ${truth.toolCalls.length}`);
  truth.toolCalls.forEach((want, i) => {
    const call = calls[i];
    if (!call) return;
    if (call.id !== want.id || call.name !== want.name) problems.push(`tool call ${i}: id/name ${call.id}/${call.name}, want ${want.id}/${want.name}`);
    if (call.arguments !== want.arguments) problems.push(`tool call ${i} arguments: ${firstDifference(String(call.arguments), want.arguments)}`);
  });
  if (got.finishReason !== truth.finishReason) problems.push(`finish_reason ${JSON.stringify(got.finishReason)}, want ${JSON.stringify(truth.finishReason)}`);
  if (JSON.stringify(got.usage) !== JSON.stringify(truth.usage)) problems.push(`usage ${JSON.stringify(got.usage)}, want ${JSON.stringify(truth.usage)}`);
  return problems;
}

/**
 * Checks beyond the final result, for modelwire's Client (not timed): the
 * chunks `create()` yields, compared with the events as JSON.parse reads
 * them (what openai-node yields), and hand-accumulated; and the deltas of
 * `stream()`'s events, added up.
 */
async function clientChecks(ctx) {
  const problems = [];
  const notes = [];
  const expected = ctx.events.filter((e) => !e.startsWith("data: [DONE]")).map((e) => JSON.parse(e.slice(6)));
  const stream = await ctx.modelwire.chat.completions.create({ ...ctx.params, stream: true });
  const acc = emptyResult();
  let i = 0;
  for await (const chunk of stream) {
    accumulate(acc, chunk);
    const d = i < expected.length ? diff(chunk, expected[i]) : "an extra chunk";
    if (d && notes.length < 3) notes.push(`create() chunk ${i} differs from the event's JSON: ${d}`);
    i++;
  }
  if (i !== expected.length) problems.push(`create() yielded ${i} chunks, the stream has ${expected.length}`);
  for (const p of compare(acc, ctx.truth)) problems.push(`create() chunks, hand-accumulated: ${p}`);

  const runner = ctx.modelwire.chat.completions.stream(ctx.params);
  let content = "";
  let reasoning = "";
  const args = [];
  runner.on("content", (delta) => (content += delta));
  runner.on("reasoning", (delta) => (reasoning += delta));
  runner.on("tool_calls.function.arguments.done", (e) => (args[e.index] = e.arguments));
  await runner.finalChatCompletion();
  if (content !== ctx.truth.content) problems.push(`stream() "content" deltas: ${firstDifference(content, ctx.truth.content)}`);
  if (reasoning !== ctx.truth.reasoning) problems.push(`stream() "reasoning" deltas: ${firstDifference(reasoning, ctx.truth.reasoning)}`);
  ctx.truth.toolCalls.forEach((want, k) => {
    if (args[k] !== want.arguments) problems.push(`stream() "tool_calls.function.arguments.done" ${k}: ${firstDifference(String(args[k]), want.arguments)}`);
  });
  return { problems, notes };
}

/** Checks beyond the candidates' results, each run (untimed) in a worker of its own. */
export const checks = hasClient ? [{ name: "modelwire Client", run: clientChecks }] : [];
