// Cold start (issue 8, target 4): `import` of each package in a fresh Node process, and for
// modelwire the wasm instantiation that the import does, plus constructing a client. Each
// sample is its own process; candidates are interleaved round by round; medians and
// inter-quartile ranges over SAMPLES processes (default 10).
//
//   node bench/cold-start.js            (also: BENCH=start npm run bench)
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { versionOf } from "./common.js";

const SAMPLES = Number(process.env.SAMPLES ?? 10);
const root = fileURLToPath(new URL("..", import.meta.url));

/** [label, module specifier, what to do with it once imported (timed with the import)] */
const CANDIDATES = [
  ["modelwire (Node entry, pkg/node-bundle.js: glue + wasm instantiated) + new Client()", "modelwire", "new m.Client({ apiKey: 'k' })"],
  ["modelwire unbundled (js/node.js and its ~20 imports) + new Client()", "./js/node.js", "new m.Client({ apiKey: 'k' })"],
  [`openai ${versionOf("openai")} + new OpenAI()`, "openai", "new m.default({ apiKey: 'k' })"],
  [`@anthropic-ai/sdk ${versionOf("@anthropic-ai/sdk")} + new Anthropic()`, "@anthropic-ai/sdk", "new m.default({ apiKey: 'k' })"],
  [`eventsource-parser ${versionOf("eventsource-parser")} + createParser()`, "eventsource-parser", "m.createParser({ onEvent() {} })"],
];

/** One fresh process: ms from before the import to after the first use. @param {string} spec @param {string} use */
function sample(spec, use) {
  const code = `const t = performance.now(); const m = await import(${JSON.stringify(spec)}); ${use}; console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root, encoding: "utf8" });
  const ms = Number(out.trim().split("\n").at(-1));
  if (!Number.isFinite(ms)) throw new Error(`${spec}: no timing in ${JSON.stringify(out)}`);
  return ms;
}

/** @type {Map<string, number[]>} */
const times = new Map(CANDIDATES.map(([label]) => [label, []]));
for (let i = 0; i < SAMPLES; i++) {
  // rotate the order each round so no candidate always runs first (warm disk cache)
  for (let j = 0; j < CANDIDATES.length; j++) {
    const [label, spec, use] = CANDIDATES[(i + j) % CANDIDATES.length];
    times.get(label)?.push(sample(spec, use));
  }
}

/** Quartiles of all samples (every process is cold: nothing to drop as warm-up). @param {number[]} xs */
function quartiles(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const at = (/** @type {number} */ q) => s[Math.floor(q * (s.length - 1))];
  return { q1: at(0.25), median: at(0.5), q3: at(0.75) };
}

console.log(`Node ${process.versions.node}, ${SAMPLES} fresh processes per candidate, interleaved\n`);
console.log("| import + first use, in a fresh process | median ms | IQR ms |");
console.log("|---|---|---|");
for (const [label, xs] of times) {
  const q = quartiles(xs);
  console.log(`| ${label} | ${q.median.toFixed(1)} | ${q.q1.toFixed(1)}–${q.q3.toFixed(1)} |`);
}
