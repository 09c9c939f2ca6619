// What the benchmark suites (chat-stream.js, messages-stream.js) share: the
// in-memory fetch, corpus selection, the comparison helpers, the candidates'
// worker threads and the timing loop over them, the quartiles and the table.

import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Worker } from "node:worker_threads";

export const versionOf = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), "utf8")).version;

export const ROUNDS = Number(process.env.ROUNDS ?? 40);
export const WARMUP = Math.min(5, Math.max(0, ROUNDS - 1));

/** Each suite's corpora, for CORPUS (an entry is `key` for every suite that has it, or `suite:key`). */
export const SUITES = { chat: ["text", "tools", "reasoning"], messages: ["text", "tools", "thinking"] };

/** The corpora of `suite` that CORPUS selects (all when unset); throws for an entry no suite knows. */
export function selectCorpora(suite) {
  const raw = process.env.CORPUS;
  if (!raw) return [...SUITES[suite]];
  const out = [];
  for (const entry of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [prefix, key] = entry.includes(":") ? entry.split(":") : [null, entry];
    const known = prefix ? SUITES[prefix]?.includes(key) : Object.values(SUITES).some((keys) => keys.includes(key));
    if (!known) {
      const all = Object.entries(SUITES).map(([s, keys]) => `${s}: ${keys.join(", ")}`).join("; ");
      throw new Error(`unknown corpus ${entry}; choose from ${all} (prefix with chat: or messages: for one suite)`);
    }
    if ((prefix === null || prefix === suite) && SUITES[suite].includes(key) && !out.includes(key)) out.push(key);
  }
  return out;
}

/** A `fetch` that answers every request with the corpus, streamed from memory. */
export const fetchOf = (chunks) => async () => {
  let at = 0;
  const body = new ReadableStream({
    pull(controller) {
      if (at < chunks.length) controller.enqueue(chunks[at++]);
      else controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream", "x-request-id": "req_bench", "request-id": "req_bench" } });
};

/** Where two strings first differ, with some context, for the report. */
export function firstDifference(got, want) {
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  const around = (s) => JSON.stringify(s.slice(Math.max(0, i - 20), i + 40));
  return `lengths ${got.length} vs ${want.length}, first difference at ${i}: got ${around(got)}, want ${around(want)}`;
}

/** Deep equality, reporting the first differing path. */
export function diff(got, want, path = "") {
  if (Object.is(got, want)) return null;
  if (typeof got !== "object" || typeof want !== "object" || got === null || want === null || Array.isArray(got) !== Array.isArray(want)) {
    return `${path || "."}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`;
  }
  const keys = new Set([...Object.keys(got), ...Object.keys(want)]);
  for (const key of keys) {
    const d = diff(got[key], want[key], `${path}${Array.isArray(want) ? `[${key}]` : `.${key}`}`);
    if (d) return d;
  }
  return null;
}

/** JSON text with object keys sorted, so that two equal values give the same text. */
export function canonicalJson(value) {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/** The machine's load averages (1, 5, 15 min), for the report. */
export const load = () => loadavg().map((x) => x.toFixed(2)).join(" / ");

/**
 * One worker thread (bench/worker.js) for `name` of bench/<suite>-candidates.js
 * on the contexts `pairs` ([corpus, chunking]). `next()` resolves with the
 * worker's next message (its first: the result of its checks); `ask(msg)`
 * posts `msg` and resolves with the answer. Both reject once the worker has
 * failed or exited.
 */
function spawn(suite, name, pairs) {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: { suite, name, pairs } });
  let pending = null;
  let dead = null;
  const settle = (how, value) => {
    const p = pending;
    pending = null;
    p?.[how](value);
  };
  worker.on("message", (message) => settle("resolve", message));
  worker.on("error", (error) => settle("reject", (dead = new Error(`${name}: its worker failed: ${error?.stack ?? error}`))));
  worker.on("exit", (code) => settle("reject", (dead ??= new Error(`${name}: its worker exited (code ${code})`))));
  const next = () => (dead ? Promise.reject(dead) : new Promise((resolve, reject) => (pending = { resolve, reject })));
  return {
    name,
    worker,
    ready: next(),
    ask(message) {
      const answer = next();
      worker.postMessage(message);
      return answer;
    },
  };
}

/**
 * Starts a worker thread per candidate of `suite` (`names`, from
 * bench/<suite>-candidates.js) and per untimed check (`checkNames`), all on
 * the contexts `pairs`; each builds its corpora and checks its candidate's
 * result on every context. Resolves when all have checked, with
 * `failures` (readable lines; the suite exits 1 if any), `notes`, `contexts`
 * (`{ key, label, bytes, chunks, events }`, as the workers built them),
 * `time()` and `close()` (terminates the workers).
 */
export async function startWorkers(suite, pairs, names, checkNames = []) {
  const workers = [...names, ...checkNames].map((name) => spawn(suite, name, pairs));
  const close = () => Promise.all(workers.map((w) => w.worker.terminate()));
  const failures = [];
  const notes = [];
  let contexts = null;
  for (const result of await Promise.allSettled(workers.map((w) => w.ready))) {
    if (result.status === "rejected") failures.push(result.reason?.message ?? String(result.reason));
    else {
      failures.push(...result.value.failures);
      notes.push(...result.value.notes);
      contexts ??= result.value.contexts;
    }
  }
  // The check workers are done: stop them before any timing.
  await Promise.all(workers.slice(names.length).map((w) => w.worker.terminate()));
  const timed = workers.slice(0, names.length);
  return { failures, notes, contexts, close, time: () => timeWorkers(timed, contexts).catch(async (error) => { await close(); throw error; }) };
}

/**
 * The timing loop: `ROUNDS` rounds; in each, for each context, every
 * candidate's worker in turn (the order rotating each round) runs one stream
 * while the others (and this thread) wait. Returns `{ times, overhead }`:
 * `times` maps `idOf(ctx, name)` to `{ wall: ms[], cpu: ms[] }` as measured
 * in the worker around the run; `overhead` is, per run, the round trip seen
 * here minus the worker's wall time (the messages, outside the timing),
 * warm-up rounds left out.
 */
async function timeWorkers(workers, contexts) {
  const times = new Map();
  const overhead = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, ctx] of contexts.entries()) {
      for (let k = 0; k < workers.length; k++) {
        const worker = workers[(k + round) % workers.length];
        const sent = performance.now();
        const answer = await worker.ask(index);
        const roundTrip = performance.now() - sent;
        if (answer.error) throw new Error(answer.error);
        if (round >= WARMUP) overhead.push(roundTrip - answer.wall);
        const id = idOf(ctx, worker.name);
        if (!times.has(id)) times.set(id, { wall: [], cpu: [] });
        times.get(id).wall.push(answer.wall);
        times.get(id).cpu.push(answer.cpu);
      }
    }
  }
  return { times, overhead };
}

export const idOf = (ctx, name) => `${ctx.key}\0${ctx.label}\0${name}`;

/** First quartile, median, third quartile of all of `xs`. */
const spread = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const at = (q) => s[Math.floor(q * (s.length - 1))];
  return [at(0.25), at(0.5), at(0.75)];
};

/** First quartile, median, third quartile, warm-up rounds dropped. */
export const quartiles = (xs) => spread(xs.slice(WARMUP));

export const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}×` : "–");

/** The lines under a suite's header that say what the tables' times are; `what`: the run's end ("final result"). */
export function printMethod(what, overhead) {
  console.log(
    `Times: ms from the request to the ${what}, measured in the candidate's own worker thread while the other workers wait:` +
      " wall time, and the process's CPU time (user + system, GC threads included); medians (q1–q3)." +
      " Ratios: median / that peer's median on the same corpus and chunking, wall / CPU.",
  );
  const [q1, m, q3] = spread(overhead);
  console.log(`Not in the times: the messages that ask a worker for a run and bring its answer back, ${m.toFixed(3)} ms per run (q1–q3 ${q1.toFixed(3)}–${q3.toFixed(3)}).`);
}

const cell = ([q1, m, q3]) => `${m.toFixed(2)} (${q1.toFixed(2)}–${q3.toFixed(2)})`;

/**
 * One corpus's table, as markdown: a row per candidate (`names`) and
 * chunking (`labels`), its wall and CPU ms (median and quartiles, warm-up
 * dropped), and for each of `peers` (`[column title, candidate name]`) the
 * ratios of its medians to that peer's on the same corpus and chunking.
 */
export function printTable(times, key, labels, names, peers) {
  const of = (label, name) => {
    const { wall, cpu } = times.get(idOf({ key, label }, name));
    return { wall: quartiles(wall), cpu: quartiles(cpu) };
  };
  console.log(`| candidate | chunking | wall ms: median (q1–q3) | CPU ms: median (q1–q3) | ${peers.map(([title]) => `× ${title}: wall / CPU`).join(" | ")} |`);
  console.log(`|${"---|".repeat(4 + peers.length)}`);
  for (const name of names) {
    for (const label of labels) {
      const { wall, cpu } = of(label, name);
      const ratios = peers.map(([, peer]) => {
        const p = of(label, peer);
        return `${ratio(wall[1], p.wall[1])} / ${ratio(cpu[1], p.cpu[1])}`;
      });
      console.log(`| ${[name, label, cell(wall), cell(cpu), ...ratios].map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`);
    }
  }
}
