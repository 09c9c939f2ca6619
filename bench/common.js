// What the benchmark suites (chat-stream.js, messages-stream.js) share: the
// in-memory fetch, corpus selection, the comparison helpers, the timing loop
// and the quartiles.

import { readFileSync } from "node:fs";
import { loadavg } from "node:os";

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
 * Times every candidate on every context, `ROUNDS` rounds, the candidate
 * order rotating each round. Returns `id → ms[]` with `id = idOf(ctx, name)`.
 */
export async function timeRounds(contexts, candidates) {
  const times = new Map();
  for (let round = 0; round < ROUNDS; round++) {
    for (const ctx of contexts) {
      for (let k = 0; k < candidates.length; k++) {
        const candidate = candidates[(k + round) % candidates.length];
        const start = performance.now();
        await candidate.run(ctx);
        const ms = performance.now() - start;
        const id = idOf(ctx, candidate.name);
        if (!times.has(id)) times.set(id, []);
        times.get(id).push(ms);
      }
    }
  }
  return times;
}

export const idOf = (ctx, name) => `${ctx.key}\0${ctx.label}\0${name}`;

/** First quartile, median, third quartile, warm-up rounds dropped. */
export const quartiles = (xs) => {
  const s = xs.slice(WARMUP).sort((a, b) => a - b);
  const at = (q) => s[Math.floor(q * (s.length - 1))];
  return [at(0.25), at(0.5), at(0.75)];
};

export const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}×` : "–");
