// Memory (issue 8, target 5): "bytes allocated per stream no more than the
// leanest JS pipeline; a 1 GB stream consumed by iteration runs in constant
// memory."
//
// Part 1, bytes allocated by one stream. Node has no allocation counter, so
// each measurement is a fresh child process whose young generation is made
// too big to fill (--min/--max-semi-space-size=MEMORY_SEMI_MB, default 512):
// with no GC, everything the stream allocates is still counted in the heap
// when it ends, garbage included. The child takes the candidate and its
// context from chat-candidates.js / messages-candidates.js (their 4,000-delta
// text corpus, one event per network chunk, the same in-memory `fetch`), runs the candidate
// MEMORY_WARMUPS times (default 2) so that loading, compiling and caches are
// not counted, calls gc() twice, reads process.memoryUsage() and the size of
// modelwire's wasm linear memory, runs ONE stream, and reads them again
// without a gc(). The difference is the stream's allocation:
//   JS heap (heapUsed) + external (ArrayBuffers and other off-heap memory) +
//   wasm memory growth.
// The wasm memory is not exported by the glue (pkg/node/modelwire.js keeps
// its instance private), so the child wraps `WebAssembly.Instance` before
// importing modelwire and keeps the instance whose exports have
// `__wbindgen_malloc`. Wasm memory growth is also counted by V8 in
// `external`; the table subtracts it there so that it is counted once.
// Wasm memory never shrinks and its allocator reuses freed blocks, so after
// the warm-up its growth is 0 unless the stream needs more room than any
// earlier one: what modelwire allocates inside wasm and frees again is not
// visible (the whole wasm memory is shown in its own column).
// A PerformanceObserver on 'gc' entries checks that no GC ran during the
// stream; a run with one is reported as invalid (raise MEMORY_SEMI_MB).
// "Retained" is what stays after the result is dropped and gc() runs twice:
// what the library keeps (caches, pools, wasm memory growth); compiled code
// and V8's own caches move it by a few hundred KiB either way.
// Every result is checked against the generator's truth with the suite's own
// `compare`; a mismatch exits 1. MEMORY_RUNS (default 3)
// fresh processes per candidate, interleaved; the row is the run with the
// median total. A warning follows the tables when modelwire's files (js/,
// pkg/node/, pkg/node-bundle.js) changed during the run, which would mix two versions.
//
// Part 2, a ~MEMORY_GB (default 1) GB Chat Completions stream consumed by
// iteration: generated on the fly by a ReadableStream that cycles through
// ~16 KiB pieces of a 2,000-delta pattern (never holding the stream), read
// by modelwire create({stream:true}) iteration (by default, and with
// accumulate: false) and by eventsource-parser + JSON.parse, each counting
// chunks and delta content length only, each in a fresh process with default
// V8 flags. rss, heapUsed and wasm memory are sampled every ~100 MB of input
// (every tenth of it when smaller). By default modelwire accumulates the
// completion inside wasm (currentCompletion()), so its memory grows with the
// content delivered, shown beside it; with accumulate: false it keeps none.
//
//   node bench/memory.js                 (also: BENCH=memory npm run bench)
//   MEMORY_GB=0.1 node bench/memory.js   (a quick check)
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { createParser } from "eventsource-parser";
import { load, versionOf } from "./common.js";
import { chatTextCorpus, rechunk } from "./corpus.js";

const SEMI_MB = Number(process.env.MEMORY_SEMI_MB ?? 512);
const RUNS = Number(process.env.MEMORY_RUNS ?? 3);
const WARMUPS = Number(process.env.MEMORY_WARMUPS ?? 2);
const GB = Number(process.env.MEMORY_GB ?? 1);
const self = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL("..", import.meta.url));
const KiB = 1024;
const MiB = 1024 * 1024;
const encoder = new TextEncoder();

// ---------------------------------------------------------------------------
// The wasm memory, reached by catching the glue's instance as it is built

/** Wraps WebAssembly.Instance; call before importing modelwire. @returns {{ bytes(): number }} */
function catchWasmMemory() {
  /** @type {WebAssembly.Memory | null} */
  let memory = null;
  WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
    construct(target, args, newTarget) {
      const instance = Reflect.construct(target, args, newTarget);
      if ("__wbindgen_malloc" in instance.exports) memory = /** @type {WebAssembly.Memory} */ (instance.exports.memory);
      return instance;
    },
  });
  return { bytes: () => memory?.buffer.byteLength ?? 0 };
}

// ---------------------------------------------------------------------------
// Part 1 candidates: the streaming suites' own (chat-candidates.js,
// messages-candidates.js), on their text corpus, one event per network chunk,
// checked with their `compare`; the raw wasm streams and the floor are left out.
// Imported lazily: a child must wrap WebAssembly.Instance before anything
// imports modelwire.

const SUITES = { chat: () => import("./chat-candidates.js"), messages: () => import("./messages-candidates.js") };
const CORPUS = "text";
const CHUNKING = "one event per chunk";
const LEANEST = "eventsource-parser + JSON.parse";

/** The candidates of `suite` that Part 1 measures, in the suite's order. */
async function candidatesOf(suite) {
  const { candidates } = await SUITES[suite]();
  return candidates.filter((c) => !c.floor && !c.name.endsWith("(raw)"));
}

// ---------------------------------------------------------------------------
// Part 1, in the child: one candidate, one measured stream

/** Start times of every GC from now on (delivered asynchronously, hence times rather than a counter). */
function watchGcs() {
  /** @type {number[]} */
  const starts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) starts.push(entry.startTime);
  }).observe({ entryTypes: ["gc"] });
  return { between: (t0, t1) => starts.filter((t) => t >= t0 && t <= t1).length };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two full GCs, then a pause so the observer's 'gc' entries are delivered before the next reading, not during it. */
async function settle() {
  globalThis.gc();
  globalThis.gc();
  await sleep(20);
}

const reading = (wasm) => ({ ...process.memoryUsage(), wasm: wasm.bytes() });

/** `b - a` for the figures the table shows; wasm growth is taken out of `external`, where V8 also counts it. */
function delta(a, b) {
  const wasm = b.wasm - a.wasm;
  const arrayBuffers = b.arrayBuffers - a.arrayBuffers;
  return { heap: b.heapUsed - a.heapUsed, arrayBuffers, otherExternal: b.external - a.external - arrayBuffers - wasm, wasm };
}

async function measureAllocation(suite, index) {
  if (typeof globalThis.gc !== "function") throw new Error("the child needs --expose-gc");
  const wasm = catchWasmMemory();
  // Imported after the wrapper above, so that it sees the instance.
  const { setup, compare } = await SUITES[suite]();
  const candidate = (await candidatesOf(suite))[index];
  const ctx = setup(CORPUS, CHUNKING);
  const problems = [];
  for (let i = 0; i < WARMUPS; i++) problems.push(...compare(await candidate.run(ctx), ctx.truth));
  const gcs = watchGcs();
  await settle();
  const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  const before = reading(wasm);
  const t0 = performance.now();
  let result = await candidate.run(ctx);
  const t1 = performance.now();
  const after = reading(wasm);
  problems.push(...compare(result, ctx.truth));
  result = null;
  await settle();
  const retained = reading(wasm);
  return {
    allocated: delta(before, after),
    retained: delta(before, retained),
    gcs: gcs.between(t0, t1),
    newSpaceMiB: newSpace.space_size / MiB,
    wasmBytes: after.wasm,
    problems,
  };
}

// ---------------------------------------------------------------------------
// Part 2, in the child: a generated ~GB stream, consumed by one candidate

/**
 * A `fetch` whose body is generated while it is read: the opening event,
 * `reps` times the pattern (in ~16 KiB pieces, cuts anywhere), the closing
 * events. `onBytes(total)` sees the running byte count at every pull.
 */
function generatedFetch(opening, pieces, closing, reps, onBytes) {
  function* chunks() {
    yield opening;
    for (let r = 0; r < reps; r++) yield* pieces;
    yield* closing;
  }
  return async () => {
    const source = chunks();
    let bytes = 0;
    const body = new ReadableStream({
      pull(controller) {
        const { value, done } = source.next();
        if (done) return controller.close();
        bytes += value.length;
        onBytes(bytes);
        // The same pieces are enqueued again and again: every reader here
        // copies or decodes them, none detaches them.
        controller.enqueue(value);
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
  };
}

/** The big stream's parts and what it must deliver, from a 2,000-delta text corpus used as a pattern. */
function bigStream(totalBytes) {
  const { events, truth } = chatTextCorpus(2000, 21);
  const [opening, ...rest] = events.map((e) => encoder.encode(e));
  const closing = rest.splice(-3); // finish reason, the `choices: []` usage chunk, [DONE]
  const pattern = rest;
  const patternBytes = pattern.reduce((n, c) => n + c.length, 0);
  const reps = Math.max(1, Math.ceil(totalBytes / patternBytes));
  return {
    opening,
    pieces: rechunk(pattern, 16 * KiB),
    closing,
    reps,
    chunks: 1 + reps * pattern.length + 2,
    contentChars: reps * truth.content.length,
    contentBytes: reps * encoder.encode(truth.content).length,
    bytes: opening.length + reps * patternBytes + closing.reduce((n, c) => n + c.length, 0),
  };
}

/** modelwire's create({stream: true}) iteration, with the request options given. */
const modelwireIteration = (options) => async (fetch) => {
  const modelwire = await import("modelwire");
  const client = new modelwire.Client({ apiKey: "bench", baseURL: "http://bench.invalid/v1", fetch, maxRetries: 0 });
  return async () => {
    const stream = await client.chat.completions.create({ model: "deepseek-ai/DeepSeek-V3.1", messages: [{ role: "user", content: "Go." }], stream: true }, options);
    let chunks = 0;
    let chars = 0;
    for await (const chunk of stream) {
      chunks++;
      const delta = chunk.choices[0]?.delta;
      if (delta?.content) chars += delta.content.length;
    }
    return { chunks, chars };
  };
};

const CONSUMERS = {
  "modelwire create() iteration": modelwireIteration({}),
  "modelwire create() iteration, accumulate: false": modelwireIteration({ accumulate: false }),
  [`${LEANEST} (counting only)`]: async (fetch) => async () => {
    const response = await fetch();
    const decoder = new TextDecoder();
    let chunks = 0;
    let chars = 0;
    const parser = createParser({
      onEvent(event) {
        if (event.data === "[DONE]") return;
        const chunk = JSON.parse(event.data);
        chunks++;
        const delta = chunk.choices[0]?.delta;
        if (delta?.content) chars += delta.content.length;
      },
    });
    for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
    return { chunks, chars };
  },
};

async function consumeBig(name) {
  const wasm = catchWasmMemory();
  const big = bigStream(GB * 1e9);
  const every = Math.min(100e6, big.bytes / 10);
  const samples = [];
  let next = every;
  const fetch = generatedFetch(big.opening, big.pieces, big.closing, big.reps, (bytes) => {
    if (bytes < next) return;
    next += every;
    const { rss, heapUsed } = process.memoryUsage();
    samples.push({ atMB: bytes / 1e6, rss, heapUsed, wasm: wasm.bytes() });
  });
  const consume = await CONSUMERS[name](fetch);
  const start = performance.now();
  const got = await consume();
  const seconds = (performance.now() - start) / 1000;
  const problems = [];
  if (got.chunks !== big.chunks) problems.push(`${got.chunks} chunks, want ${big.chunks}`);
  if (got.chars !== big.contentChars) problems.push(`${got.chars} content characters, want ${big.contentChars}`);
  return { bytes: big.bytes, seconds, chunks: got.chunks, contentBytes: big.contentBytes, samples, problems };
}

// ---------------------------------------------------------------------------
// The parent: fresh processes, checks, tables

/** Runs this file as a child with `args`; returns the JSON it prints last. */
function child(flags, args) {
  const out = spawnSync(process.execPath, [...flags, self, "--child", ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * MiB });
  const last = out.stdout.trim().split("\n").at(-1) ?? "";
  if (out.status !== 0 || !last.startsWith("{")) throw new Error(`child ${args.join(" ")} exited ${out.status ?? out.signal}: ${out.stdout}`);
  return JSON.parse(last);
}

const kib = (bytes) => (bytes / KiB).toFixed(0);
const mib = (bytes) => (bytes / MiB).toFixed(0);
const total = (d) => d.heap + d.arrayBuffers + d.otherExternal + d.wasm;

/** `lists`: suite → its Part 1 candidates (`candidatesOf`). */
function part1(lists, failures) {
  const flags = ["--expose-gc", `--max-semi-space-size=${SEMI_MB}`, `--min-semi-space-size=${SEMI_MB}`];
  /** @type {Map<string, object[]>} */
  const runs = new Map();
  const jobs = Object.entries(lists).flatMap(([suite, list]) => list.map((c, i) => ({ suite, i, id: `${suite}\0${c.name}` })));
  for (let r = 0; r < RUNS; r++) {
    // rotate the order each round, as cold-start.js does
    for (let k = 0; k < jobs.length; k++) {
      const job = jobs[(k + r) % jobs.length];
      const got = child(flags, ["alloc", job.suite, String(job.i)]);
      for (const p of got.problems) failures.push(`${job.suite} ${lists[job.suite][job.i].name}: ${p}`);
      if (!runs.has(job.id)) runs.set(job.id, []);
      runs.get(job.id).push(got);
    }
  }
  return runs;
}

function printPart1(lists, runs) {
  const anyRun = [...runs.values()][0][0];
  console.log(`### Part 1: bytes allocated by one stream (text corpora, 4,000 deltas, one event per network chunk)\n`);
  console.log(
    `${RUNS} fresh processes per candidate (--expose-gc, semi-space ${SEMI_MB} MB; V8's new_space after the warm-up: ${anyRun.newSpaceMiB} MiB), ` +
      `${WARMUPS} warm-up stream(s) each. KiB; the row is the run with the median total; runs valid = no GC during the measured stream ` +
      "(a run with one is not counted). Retained: after dropping the result and gc(); a few hundred KiB either way is noise (compiled code and V8 caches come and go). Wasm memory: its whole size after the stream.\n",
  );
  console.log("| suite | candidate | JS heap | ArrayBuffers | other external | wasm growth | total | × leanest | total, min–max | retained after gc() | wasm memory | runs valid |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const [suite, list] of Object.entries(lists)) {
    const leanest = medianRun(runs.get(`${suite}\0${LEANEST}`));
    for (const c of list) {
      const all = runs.get(`${suite}\0${c.name}`);
      const valid = all.filter((x) => x.gcs === 0);
      const m = medianRun(all);
      if (!m) {
        console.log(`| ${suite} | ${c.name} | invalid | | | | | | | | | 0/${all.length} |`);
        continue;
      }
      const totals = valid.map((x) => total(x.allocated));
      const a = m.allocated;
      const cells = [
        suite,
        c.name,
        kib(a.heap),
        kib(a.arrayBuffers),
        kib(a.otherExternal),
        kib(a.wasm),
        `**${kib(total(a))}**`,
        leanest ? `${(total(a) / total(leanest.allocated)).toFixed(2)}×` : "–",
        `${kib(Math.min(...totals))}–${kib(Math.max(...totals))}`,
        kib(total(m.retained)),
        c.name.startsWith("modelwire") ? `${(m.wasmBytes / MiB).toFixed(2)} MiB` : "–",
        `${valid.length}/${all.length}`,
      ];
      console.log(`| ${cells.join(" | ")} |`);
    }
  }
}

/** The valid run (no GC during the stream) with the median total, or null. */
function medianRun(all) {
  const valid = (all ?? []).filter((x) => x.gcs === 0).sort((a, b) => total(a.allocated) - total(b.allocated));
  return valid.length ? valid[Math.floor((valid.length - 1) / 2)] : null;
}

function part2(failures) {
  const results = [];
  for (const name of Object.keys(CONSUMERS)) {
    const got = child([], ["big", name]);
    for (const p of got.problems) failures.push(`${name} (${GB} GB stream): ${p}`);
    results.push({ name, ...got });
  }
  return results;
}

function printPart2(results) {
  const first = results[0];
  console.log(`\n### Part 2: a ${(first.bytes / 1e9).toFixed(2)} GB Chat Completions stream consumed by iteration (generated on the fly, ~16 KiB network chunks)\n`);
  console.log(
    `Fresh process each, default V8 flags. Samples in MiB at every ~${(first.samples[0]?.atMB ?? 0).toFixed(0)} MB of input; growth = max − first sample. ` +
      "By default modelwire keeps the completion accumulated (currentCompletion()) in wasm: set its growth against the content delivered. With accumulate: false it keeps none of it.\n",
  );
  console.log("| candidate | MB/s | chunks | content delivered | rss samples | rss growth | heapUsed samples | heap growth | wasm memory samples | wasm growth |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    const list = (key) => r.samples.map((s) => mib(s[key])).join(", ");
    const growth = (key) => mib(Math.max(...r.samples.map((s) => s[key])) - r.samples[0][key]);
    const hasWasm = r.samples.some((s) => s.wasm > 0);
    const cells = [
      r.name,
      (r.bytes / 1e6 / r.seconds).toFixed(1),
      r.chunks.toLocaleString("en"),
      `${mib(r.contentBytes)} MiB`,
      list("rss"),
      `**${growth("rss")}**`,
      list("heapUsed"),
      growth("heapUsed"),
      hasWasm ? list("wasm") : "–",
      hasWasm ? growth("wasm") : "–",
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

/** The newest modification time among modelwire's JS, its Node bundle and built glue: a rebuild during the run mixes two versions. */
function modelwireStamp() {
  const dirs = ["js", "pkg/node"].map((d) => `${root}${d}/`);
  const files = [...dirs.flatMap((dir) => readdirSync(dir).map((f) => dir + f)), `${root}pkg/node-bundle.js`];
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
}

async function parent() {
  const stamp = modelwireStamp();
  console.log(
    `Node ${process.version}, openai ${versionOf("openai")}, @anthropic-ai/sdk ${versionOf("@anthropic-ai/sdk")}, eventsource-parser ${versionOf("eventsource-parser")}, load average ${load()} at the start\n`,
  );
  const failures = [];
  const lists = { chat: await candidatesOf("chat"), messages: await candidatesOf("messages") };
  const runs = part1(lists, failures);
  const big = part2(failures);
  if (failures.length) {
    console.error(`${failures.length} check(s) failed:\n- ${failures.join("\n- ")}`);
    process.exit(1);
  }
  console.log("checked: every candidate's result equals the generator's truth (the streaming suites' compare); the big stream's chunk and content counts too\n");
  printPart1(lists, runs);
  printPart2(big);
  console.log(`\nload average ${load()} at the end`);
  if (modelwireStamp() !== stamp) console.log("warning: modelwire's files (js/, pkg/node/) changed during the run; the figures may mix two versions");
}

const [flag, mode, ...rest] = process.argv.slice(2);
if (flag === "--child") {
  const got = mode === "alloc" ? await measureAllocation(rest[0], Number(rest[1])) : await consumeBig(rest[0]);
  console.log(JSON.stringify(got));
  process.exit(0);
} else {
  await parent();
}
