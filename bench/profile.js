// Where the time of one candidate goes: runs it ROUNDS times on one corpus under the V8
// CPU profiler and prints self time by function and by file (issue 8's profiles).
//
//   node bench/profile.js messages-create [one|16k]     (default: one event per chunk)
//   node bench/profile.js chat-create | chat-stream | messages-stream | messages-create-lean
//   HEAP=1 node bench/profile.js …   (bytes allocated per stream, by function, instead)
import { Session } from "node:inspector/promises";
import * as modelwire from "modelwire";
import { fetchOf } from "./common.js";
import { chatTextCorpus, messagesTextCorpus, rechunk } from "./corpus.js";

const [which = "messages-create", chunking = "one"] = process.argv.slice(2);
const ROUNDS = Number(process.env.ROUNDS ?? 60);
const encoder = new TextEncoder();
const messages = which.startsWith("messages");
const { events } = messages ? messagesTextCorpus() : chatTextCorpus();
const perEvent = events.map((e) => encoder.encode(e));
const chunks = chunking === "16k" ? rechunk(perEvent, 16 * 1024) : perEvent;
const client = new modelwire.Client({ apiKey: "bench", baseURL: "http://bench.invalid/v1", fetch: fetchOf(chunks), maxRetries: 0 });
const params = messages
  ? { model: "claude", max_tokens: 1024, messages: [{ role: "user", content: "Go." }] }
  : { model: "deepseek-ai/DeepSeek-V3.1", messages: [{ role: "user", content: "Go." }] };

const RUNS = {
  "messages-create": async () => {
    let n = 0;
    for await (const event of await client.messages.create({ ...params, stream: true })) if (event.type === "content_block_delta") n += event.delta.text.length;
    return n;
  },
  "messages-create-lean": async () => {
    let n = 0;
    for await (const event of await client.messages.create({ ...params, stream: true }, { accumulate: false })) if (event.type === "content_block_delta") n += event.delta.text.length;
    return n;
  },
  "messages-stream": async () => (await client.messages.stream(params).finalMessage()).content.length,
  "chat-create": async () => {
    let n = 0;
    for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) n += chunk.choices[0]?.delta?.content?.length ?? 0;
    return n;
  },
  "chat-stream": async () => (await client.chat.completions.stream(params).finalChatCompletion()).choices.length,
};
const run = RUNS[which];
if (!run) throw new Error(`choose one of ${Object.keys(RUNS).join(", ")}`);

for (let i = 0; i < 10; i++) await run();
const session = new Session();
session.connect();

if (process.env.HEAP) {
  // Bytes allocated per stream, by the function that allocated them (V8's sampling heap
  // profiler, every 256 bytes on average, counting objects a GC has since collected).
  await session.post("HeapProfiler.startSampling", { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let i = 0; i < ROUNDS; i++) await run();
  const { profile } = await session.post("HeapProfiler.stopSampling");
  const bytes = new Map();
  let all = 0;
  const walk = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = `${functionName || "(anonymous)"} ${url.replace(/^.*\//, "")}${url ? `:${lineNumber + 1}` : ""}`;
    bytes.set(fn, (bytes.get(fn) ?? 0) + node.selfSize);
    all += node.selfSize;
    node.children.forEach(walk);
  };
  walk(profile.head);
  console.log(`${which}, ${chunking === "16k" ? "16 KiB chunks" : "one event per chunk"}: ${(all / ROUNDS / 1024).toFixed(0)} KiB allocated per stream (sampled over ${ROUNDS} streams)\n`);
  console.log("| function | KiB per stream |\n|---|---|");
  for (const [fn, n] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`| ${fn} | ${(n / ROUNDS / 1024).toFixed(0)} |`);
  process.exit(0);
}

await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 50 });
await session.post("Profiler.start");
const started = performance.now();
for (let i = 0; i < ROUNDS; i++) await run();
const ms = (performance.now() - started) / ROUNDS;
const { profile } = await session.post("Profiler.stop");

// Self time per node = samples × interval; grouped by function and by file.
const counts = new Map();
for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
const total = profile.samples.length;
const byFn = new Map();
const byFile = new Map();
for (const node of profile.nodes) {
  const n = counts.get(node.id) ?? 0;
  if (!n) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules\/[^/]+|js|pkg\/[^/]+|bench)\//, "$1/") || "(native)";
  const fn = `${functionName || "(anonymous)"} ${file}${url ? `:${lineNumber + 1}` : ""}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + n);
  byFile.set(file, (byFile.get(file) ?? 0) + n);
}
const top = (map, k) => [...map].sort((a, b) => b[1] - a[1]).slice(0, k);
console.log(`${which}, ${chunking === "16k" ? "16 KiB chunks" : "one event per chunk"}: ${ms.toFixed(2)} ms per stream (${ROUNDS} rounds under the profiler)\n`);
console.log("| file | self % |\n|---|---|");
for (const [file, n] of top(byFile, 12)) console.log(`| ${file} | ${((100 * n) / total).toFixed(1)} |`);
console.log("\n| function | self % |\n|---|---|");
for (const [fn, n] of top(byFn, 25)) console.log(`| ${fn} | ${((100 * n) / total).toFixed(1)} |`);
