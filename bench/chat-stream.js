// The streaming benchmark (issues 4 and 8): chunk iteration and final
// accumulation of long Baseten-shaped Chat Completions streams, modelwire vs
// openai-node vs eventsource-parser + JSON.parse. The corpora and the
// candidates are in chat-candidates.js; this module runs them (on import).
//
// Each candidate runs in its own worker thread (worker.js), which builds its
// own corpora and, before any timing, checks its candidate's result against
// the generator's truth for every corpus and chunking (modelwire Client's
// event-by-event checks run, untimed, in one more worker); a mismatch exits 1.
// Rounds are interleaved: in each, for each corpus and chunking, the workers
// run one stream each, one at a time, the order rotating each round. The
// first 5 rounds are dropped as warm-up; the tables report medians and
// quartiles of the wall time and of the process's CPU time, both taken in
// the worker around the run. (No forced GC between runs: a full `gc()`
// before each run made the next run slower, not steadier, as V8 shrinks the
// young generation.)
//
//   ROUNDS=40 node bench/chat-stream.js            (default 40)
//   CORPUS=text,tools node bench/chat-stream.js    (a subset of: text, tools, reasoning)
// bench/run.js runs this suite and the Messages one in one process.
import { VERSION as OPENAI_VERSION } from "openai/version";
import { ROUNDS, WARMUP, load, printMethod, printTable, selectCorpora, startWorkers, versionOf } from "./common.js";
import { CHUNKINGS, LEANEST, OPENAI_CREATE, OPENAI_STREAM, candidates, checks, corpora, hasClient } from "./chat-candidates.js";

const selected = selectCorpora("chat");
if (!selected.length) throw new Error(`CORPUS selects no chat corpus (${Object.keys(corpora).join(", ")})`);
const labels = Object.keys(CHUNKINGS);
const names = candidates.map((c) => c.name);

const bench = await startWorkers("chat", selected.flatMap((key) => labels.map((label) => [key, label])), names, checks.map((c) => c.name));
for (const n of bench.notes) console.log(`note: ${n}`);
if (bench.failures.length) {
  console.error(`${bench.failures.length} check(s) failed; nothing was timed:\n- ${bench.failures.join("\n- ")}`);
  process.exit(1);
}
console.log(`checked: ${candidates.length - 1} candidates × ${bench.contexts.length} corpus/chunking pairs equal the generator's truth (content, reasoning, tool calls, finish_reason, usage)`);
if (hasClient) console.log("checked: modelwire Client's create() chunks match the events' JSON and add up to the truth; stream()'s content, reasoning and tool-argument events add up to it");
if (!hasClient) console.log("skipped: modelwire's Client candidates (the package does not export Client yet)");

// ---------------------------------------------------------------------------
// Timing

const loadBefore = load();
const { times, overhead } = await bench.time();
await bench.close();

console.log(`\n${ROUNDS} rounds (first ${WARMUP} dropped), Node ${process.version}, openai ${OPENAI_VERSION}, eventsource-parser ${versionOf("eventsource-parser")}, ${process.platform}/${process.arch}, load average ${loadBefore} before timing, ${load()} after`);
printMethod("final result", overhead);
const peers = [[LEANEST, LEANEST], ["openai create()", OPENAI_CREATE], ["openai stream()", OPENAI_STREAM]];
for (const key of selected) {
  const ctx = bench.contexts.find((c) => c.key === key);
  console.log(`\n### ${corpora[key].title} (${(ctx.bytes / 1e6).toFixed(2)} MB, ${ctx.events} events)\n`);
  printTable(times, key, labels, names, peers);
}
