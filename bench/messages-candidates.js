// The Anthropic Messages benchmark's corpora and candidates (issues 5 and
// 8): modelwire vs @anthropic-ai/sdk vs eventsource-parser + JSON.parse, with
// the checks of their results. Importing this module runs nothing:
// bench/messages-stream.js (the suite) reads the names from it, and
// bench/worker.js runs one candidate, in its own thread, with `setup`,
// `candidates`, `compare` and `checks`.
//
// As chat-candidates.js: every candidate reads the same corpus through a
// `fetch` returning `new Response(ReadableStream)` from in-memory chunks; a
// run goes from the request to the final message in hand.
//
// Chunkings: one event per network chunk; ~16 KiB chunks with every cut
// moved to fall inside a UTF-8 sequence; and the same stream with CRLF line
// ends, ~16 KiB chunks with every cut between a CR and its LF.
import Anthropic from "@anthropic-ai/sdk";
import { createParser } from "eventsource-parser";
import * as modelwire from "modelwire";
import { canonicalJson, diff, fetchOf, firstDifference } from "./common.js";
import { betweenCrLf, insideUtf8, messagesTextCorpus, messagesThinkingCorpus, messagesToolUseCorpus, rechunkAt } from "./corpus.js";

const { Client, MessagesStream } = modelwire;

// ---------------------------------------------------------------------------
// Corpora, chunkings, and a client of each library per corpus and chunking

const MODEL = "deepseek-ai/DeepSeek-V3.1";
const TOOLS = ["search_docs", "get_weather"].map((name) => ({
  name,
  description: `The ${name} tool.`,
  input_schema: { type: "object", properties: {}, additionalProperties: true },
}));
export const corpora = {
  text: { title: "text: 4,000 text_delta events, a ping every ~50 events", make: messagesTextCorpus, params: {} },
  tools: { title: "tool use: a 20-delta text block, then tool_use inputs of ~4 KB and ~1 KB in ~8-byte input_json_delta fragments", make: messagesToolUseCorpus, params: { tools: TOOLS } },
  thinking: {
    title: "thinking: 1,500 thinking_delta events + signature_delta, then 500 text_delta events",
    make: messagesThinkingCorpus,
    params: { max_tokens: 16000, thinking: { type: "enabled", budget_tokens: 8000 } },
  },
};

const encoder = new TextEncoder();
const KIB16 = 16 * 1024;
export const CHUNKINGS = {
  "one event per chunk": { crlf: false, cut: (perEvent) => ({ chunks: perEvent, cuts: perEvent.length - 1 }) },
  "16 KiB, cuts inside UTF-8": { crlf: false, cut: (perEvent) => rechunkAt(perEvent, KIB16, insideUtf8) },
  "16 KiB CRLF, cuts CR|LF": { crlf: true, cut: (perEvent) => rechunkAt(perEvent, KIB16, betweenCrLf) },
};

/** One corpus in one chunking, with a client of each library pointed at it. */
export function setup(key, label) {
  const corpus = corpora[key];
  const { events, truth } = (corpus.built ??= corpus.make());
  const chunking = CHUNKINGS[label];
  const lines = chunking.crlf ? events.map((e) => e.replaceAll("\n", "\r\n")) : events;
  const perEvent = lines.map((e) => encoder.encode(e));
  const { chunks, cuts } = chunking.cut(perEvent);
  const fetch = fetchOf(chunks);
  return {
    key,
    label,
    truth,
    events,
    crlf: chunking.crlf,
    chunks: chunks.length,
    cuts,
    bytes: perEvent.reduce((n, c) => n + c.length, 0),
    fetch,
    params: { model: MODEL, max_tokens: 8192, messages: [{ role: "user", content: "Go." }], ...corpus.params },
    anthropic: new Anthropic({ apiKey: "bench", baseURL: "http://bench.invalid", fetch, maxRetries: 0 }),
    modelwire: new Client({ apiKey: "bench", baseURL: "http://bench.invalid/v1", fetch, maxRetries: 0 }),
  };
}

// ---------------------------------------------------------------------------
// The hand accumulation the JS peers need (what a user of create() writes)

/** A message being accumulated from raw events: `{ message }`, `message` set at message_start. */
const emptyAcc = () => ({ message: null });

/** Folds one raw event into `acc.message`, as @anthropic-ai/sdk's MessageStream does. */
function accumulate(acc, event) {
  switch (event.type) {
    case "message_start":
      acc.message = { ...event.message, content: [], usage: { ...event.message.usage } };
      break;
    case "content_block_start": {
      const block = { ...event.content_block };
      if (block.type === "tool_use") block.json = "";
      acc.message.content[event.index] = block;
      break;
    }
    case "content_block_delta": {
      const block = acc.message.content[event.index];
      const delta = event.delta;
      switch (delta.type) {
        case "text_delta":
          block.text += delta.text;
          break;
        case "input_json_delta":
          block.json += delta.partial_json;
          break;
        case "thinking_delta":
          block.thinking += delta.thinking;
          break;
        case "signature_delta":
          block.signature = delta.signature;
          break;
      }
      break;
    }
    case "content_block_stop": {
      const block = acc.message.content[event.index];
      if (block.type === "tool_use") {
        block.input = block.json ? JSON.parse(block.json) : {};
        delete block.json;
      }
      break;
    }
    case "message_delta": {
      acc.message.stop_reason = event.delta.stop_reason;
      acc.message.stop_sequence = event.delta.stop_sequence;
      for (const [k, v] of Object.entries(event.usage ?? {})) if (v != null) acc.message.usage[k] = v;
      break;
    }
  }
}

// ---------------------------------------------------------------------------
// Candidates. `run(ctx)` starts at the request and resolves with a Message.

export const LEANEST = "eventsource-parser + JSON.parse";
export const SDK_CREATE = "sdk create() + hand accumulation";
export const SDK_STREAM = "sdk stream() → finalMessage()";
const FLOOR = "floor (read body + decode + scan)";

export const candidates = [
  {
    name: SDK_CREATE,
    async run(ctx) {
      const stream = await ctx.anthropic.messages.create({ ...ctx.params, stream: true });
      const acc = emptyAcc();
      for await (const event of stream) accumulate(acc, event);
      return acc.message;
    },
  },
  {
    name: SDK_STREAM,
    async run(ctx) {
      return ctx.anthropic.messages.stream(ctx.params).finalMessage();
    },
  },
  {
    name: "modelwire create() + currentMessage()",
    async run(ctx) {
      const stream = await ctx.modelwire.messages.create({ ...ctx.params, stream: true });
      // Each event's text is looked at, as a consumer printing tokens would;
      // the accumulation itself is modelwire's.
      let seen = 0;
      for await (const event of stream) {
        if (event.type === "content_block_delta" && event.delta.type === "text_delta") seen += event.delta.text.length;
      }
      const message = stream.currentMessage();
      message.seen = seen;
      return message;
    },
  },
  {
    // The same work as the SDK's create() row: events out, accumulated by the caller.
    name: "modelwire create({accumulate: false}) + hand accumulation",
    async run(ctx) {
      const stream = await ctx.modelwire.messages.create({ ...ctx.params, stream: true }, { accumulate: false });
      const acc = emptyAcc();
      for await (const event of stream) accumulate(acc, event);
      return acc.message;
    },
  },
  {
    name: "modelwire stream() → finalMessage()",
    async run(ctx) {
      return ctx.modelwire.messages.stream(ctx.params).finalMessage();
    },
  },
  {
    name: "modelwire MessagesStream (raw)",
    async run(ctx) {
      const response = await ctx.fetch();
      const stream = new MessagesStream();
      try {
        for await (const chunk of response.body) if (stream.push(chunk)) break;
        stream.finish();
        return JSON.parse(stream.messageJson());
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
      const acc = emptyAcc();
      const parser = createParser({
        onEvent(event) {
          if (event.event !== "ping") accumulate(acc, JSON.parse(event.data));
        },
      });
      for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
      return acc.message;
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
];

// ---------------------------------------------------------------------------
// Checks, before any timing

/** An input's difference: the first differing path, and the offset in the key-sorted JSON of both. */
function inputDifference(got, want) {
  const d = diff(got, want);
  if (!d) return null;
  return `${d}; key-sorted JSON ${firstDifference(String(canonicalJson(got)), canonicalJson(want))}`;
}

/**
 * The fields of a message that differ from `truth`, as readable lines.
 * `partial`: a snapshot mid-stream, whose tool inputs are not compared.
 */
export function compare(message, truth, { partial = false } = {}) {
  const problems = [];
  if (!message || typeof message !== "object") return [`the result is ${JSON.stringify(message)}, not a message`];
  const content = Array.isArray(message.content) ? message.content : [];
  if (!Array.isArray(message.content)) problems.push(`content is ${JSON.stringify(message.content)}, not an array`);
  if (content.length !== truth.content.length) problems.push(`content: ${content.length} blocks, want ${truth.content.length}`);
  truth.content.forEach((want, i) => {
    const got = content[i];
    if (!got) return;
    if (got.type !== want.type) return problems.push(`content[${i}].type ${JSON.stringify(got.type)}, want ${JSON.stringify(want.type)}`);
    const text = (field) => {
      if (typeof got[field] !== "string") problems.push(`content[${i}].${field} is ${JSON.stringify(got[field])}, not a string`);
      else if (got[field] !== want[field]) problems.push(`content[${i}].${field}: ${firstDifference(got[field], want[field])}`);
    };
    if (want.type === "text") text("text");
    if (want.type === "thinking") {
      text("thinking");
      text("signature");
    }
    if (want.type === "tool_use") {
      if (got.id !== want.id) problems.push(`content[${i}].id ${JSON.stringify(got.id)}, want ${JSON.stringify(want.id)}`);
      if (got.name !== want.name) problems.push(`content[${i}].name ${JSON.stringify(got.name)}, want ${JSON.stringify(want.name)}`);
      const d = partial ? null : inputDifference(got.input, want.input);
      if (d) problems.push(`content[${i}].input (parsed): ${d}`);
    }
  });
  if (message.stop_reason !== truth.stop_reason) problems.push(`stop_reason ${JSON.stringify(message.stop_reason)}, want ${JSON.stringify(truth.stop_reason)}`);
  // Usage: every field of the truth; a field the truth lacks only if non-null.
  const usage = message.usage && typeof message.usage === "object" ? Object.fromEntries(Object.entries(message.usage).filter(([k, v]) => v != null || k in truth.usage)) : message.usage;
  const d = diff(usage, truth.usage);
  if (d) problems.push(`usage${d.startsWith(".") && d !== "." ? d : ` ${d}`}`);
  return problems;
}

/** The message a stream accumulates up to (and including) raw event `upTo`, by hand. */
function truthAfter(rawEvents, upTo) {
  const acc = emptyAcc();
  for (let i = 0; i <= upTo; i++) accumulate(acc, rawEvents[i]);
  return acc.message;
}

/**
 * Checks of modelwire's Client beyond the final message (not timed):
 * - create(): the events it yields equal the events' JSON (pings left out),
 *   and `currentMessage()` after an event is the message accumulated up to
 *   exactly that event (every block boundary, every 25th delta, the end);
 * - stream(): the `text`, `thinking`, `signature` and `inputJson` events add
 *   up to the truth (the `inputJson` snapshot at each block's last fragment
 *   is the parsed input), and with a `streamEvent` listener (step mode) the
 *   events and the final snapshot are right too.
 */
async function clientChecks(ctx) {
  const problems = [];
  const notes = [];
  const raw = ctx.events.filter((e) => !e.startsWith("event: ping")).map((e) => JSON.parse(e.slice(e.indexOf("\ndata: ") + 7)));

  // create()
  const stream = await ctx.modelwire.messages.create({ ...ctx.params, stream: true });
  const acc = emptyAcc();
  let i = 0;
  let snapshotProblems = 0;
  for await (const event of stream) {
    const d = i < raw.length ? diff(event, raw[i]) : "an extra event";
    if (d && notes.length < 3) notes.push(`create() event ${i} differs from the event's JSON: ${d}`);
    if (i < raw.length) accumulate(acc, raw[i]);
    const boundary = !(event.type === "content_block_delta") || i % 25 === 0 || i === raw.length - 1;
    if (boundary && acc.message && snapshotProblems < 3) {
      const { content, stop_reason, usage } = acc.message;
      for (const p of compare(stream.currentMessage(), { content, stop_reason, usage }, { partial: true })) {
        problems.push(`create(): currentMessage() after event ${i} (${event.type}${event.delta ? ` ${event.delta.type}` : ""}): ${p}`);
        snapshotProblems++;
      }
    }
    i++;
  }
  if (i !== raw.length) problems.push(`create() yielded ${i} events, the stream has ${raw.length} (pings left out)`);
  for (const p of compare(acc.message, ctx.truth)) problems.push(`create() events, hand-accumulated: ${p}`);
  for (const p of compare(stream.currentMessage(), ctx.truth)) problems.push(`create() currentMessage() at the end: ${p}`);

  // stream(), delta events
  const runner = ctx.modelwire.messages.stream(ctx.params);
  let text = "";
  let thinking = "";
  const signatures = [];
  const tools = ctx.truth.content.filter((b) => b.type === "tool_use");
  let tool = 0;
  let json = "";
  runner.on("text", (delta) => (text += delta));
  runner.on("thinking", (delta) => (thinking += delta));
  runner.on("signature", (signature) => signatures.push(signature));
  runner.on("inputJson", (delta, snapshot) => {
    json += delta;
    const want = tools[tool];
    if (!want) return void (delta && problems.push(`stream() "inputJson": a fragment after the last tool input: ${JSON.stringify(delta)}`));
    if (json === want.json) {
      const d = inputDifference(snapshot, want.input);
      if (d) problems.push(`stream() "inputJson" snapshot at tool ${tool}'s last fragment: ${d}`);
      tool++;
      json = "";
    } else if (!want.json.startsWith(json)) {
      problems.push(`stream() "inputJson" fragments of tool ${tool}: ${firstDifference(json, want.json.slice(0, json.length))}`);
      tool = Infinity;
    }
  });
  const final = await runner.finalMessage();
  const wantText = ctx.truth.content.filter((b) => b.type === "text").map((b) => b.text).join("");
  const wantThinking = ctx.truth.content.filter((b) => b.type === "thinking").map((b) => b.thinking).join("");
  const wantSignatures = ctx.truth.content.filter((b) => b.type === "thinking").map((b) => b.signature);
  if (text !== wantText) problems.push(`stream() "text" deltas: ${firstDifference(text, wantText)}`);
  if (thinking !== wantThinking) problems.push(`stream() "thinking" deltas: ${firstDifference(thinking, wantThinking)}`);
  if (diff(signatures, wantSignatures)) problems.push(`stream() "signature" events: ${diff(signatures, wantSignatures)}`);
  if (tool !== tools.length) problems.push(`stream() "inputJson": ${tool} of ${tools.length} tool inputs completed`);
  for (const p of compare(final, ctx.truth)) problems.push(`stream() finalMessage() with delta listeners: ${p}`);

  // stream(), streamEvent listener (step mode)
  const stepped = ctx.modelwire.messages.stream(ctx.params);
  let count = 0;
  let last;
  stepped.on("streamEvent", (event, snapshot) => {
    const d = count < raw.length ? diff(event, raw[count]) : "an extra event";
    if (d && notes.length < 6) notes.push(`stream() "streamEvent" ${count} differs from the event's JSON: ${d}`);
    count++;
    last = snapshot;
  });
  const steppedFinal = await stepped.finalMessage();
  if (count !== raw.length) problems.push(`stream() "streamEvent": ${count} events, the stream has ${raw.length}`);
  for (const p of compare(last, ctx.truth)) problems.push(`stream() "streamEvent" snapshot at the last event: ${p}`);
  for (const p of compare(steppedFinal, ctx.truth)) problems.push(`stream() finalMessage() with a streamEvent listener: ${p}`);
  return { problems, notes };
}

/** Checks beyond the candidates' results, each run (untimed) in a worker of its own. */
export const checks = [{ name: "modelwire Client", run: clientChecks }];
