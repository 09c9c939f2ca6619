// The Messages streaming benchmark (issues 5 and 8): event iteration and
// final accumulation of long Anthropic Messages streams, modelwire vs
// @anthropic-ai/sdk vs eventsource-parser + JSON.parse. The corpora, the
// chunkings and the candidates are in messages-candidates.js; this module
// runs them (on import).
//
// As chat-stream.js: each candidate runs in its own worker thread
// (worker.js), which builds its own corpora and, before any timing, checks
// its candidate's final message (text blocks, thinking, signature, tool
// inputs parsed, stop_reason, usage) against the generator's truth for every
// corpus and chunking; modelwire's Client is checked event by event, untimed,
// in one more worker; a mismatch exits 1 naming the field and the first
// differing offset. Rounds are interleaved (one worker runs at a time, the
// order rotating each round), the first 5 dropped, medians and quartiles of
// wall and process CPU time reported.
//
//   ROUNDS=40 node bench/messages-stream.js
//   CORPUS=text,tools node bench/messages-stream.js   (a subset of: text, tools, thinking)
// bench/run.js runs this suite and the Chat Completions one in one process.
import { ROUNDS, WARMUP, load, printMethod, printTable, selectCorpora, startWorkers, versionOf } from "./common.js";
import { CHUNKINGS, LEANEST, SDK_CREATE, SDK_STREAM, candidates, checks, corpora } from "./messages-candidates.js";

const selected = selectCorpora("messages");
if (!selected.length) throw new Error(`CORPUS selects no messages corpus (${Object.keys(corpora).join(", ")})`);
const labels = Object.keys(CHUNKINGS);
const names = candidates.map((c) => c.name);

const bench = await startWorkers("messages", selected.flatMap((key) => labels.map((label) => [key, label])), names, checks.map((c) => c.name));
for (const n of bench.notes) console.log(`note: ${n}`);
if (bench.failures.length) {
  console.error(`${bench.failures.length} check(s) failed; nothing was timed:\n- ${bench.failures.join("\n- ")}`);
  process.exit(1);
}
console.log(
  `checked: ${candidates.length - 1} candidates × ${bench.contexts.length} corpus/chunking pairs equal the generator's truth (text blocks, thinking, signature, tool inputs parsed, stop_reason, usage)`,
);
console.log(
  "checked: modelwire Client's create() events match the events' JSON, currentMessage() after an event is the message up to that event; stream()'s text, thinking, signature and inputJson events add up to the truth, also in step mode (streamEvent)",
);

// ---------------------------------------------------------------------------
// Timing

const loadBefore = load();
const { times, overhead } = await bench.time();
await bench.close();

console.log(
  `\n${ROUNDS} rounds (first ${WARMUP} dropped), Node ${process.version}, @anthropic-ai/sdk ${versionOf("@anthropic-ai/sdk")}, eventsource-parser ${versionOf("eventsource-parser")}, ${process.platform}/${process.arch}, load average ${loadBefore} before timing, ${load()} after`,
);
printMethod("final message", overhead);
const peers = [[LEANEST, LEANEST], ["sdk create()", SDK_CREATE], ["sdk stream()", SDK_STREAM]];
for (const key of selected) {
  const ctxs = bench.contexts.filter((c) => c.key === key);
  const ctx = ctxs[0];
  const cuts = ctxs.filter((c) => c.label !== "one event per chunk").map((c) => `${c.label}: ${c.chunks} chunks`).join("; ");
  console.log(`\n### ${corpora[key].title} (${(ctx.bytes / 1e6).toFixed(2)} MB LF, ${ctx.events} events; ${cuts})\n`);
  printTable(times, key, labels, names, peers);
}
