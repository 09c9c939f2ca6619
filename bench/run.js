// Both streaming benchmarks in one process: Chat Completions
// (chat-stream.js), then Anthropic Messages (messages-stream.js). Each checks
// its candidates against the generator's truth before timing and exits 1 on
// a mismatch.
//
//   ROUNDS=40 npm run bench                 (default 40 rounds per suite)
//   BENCH=messages npm run bench            (a subset of: chat, messages)
//   CORPUS=text,thinking npm run bench      (a corpus name applies to every suite
//                                            that has it; chat:tools or messages:tools
//                                            for one suite)
import { ROUNDS, SUITES, load, selectCorpora } from "./common.js";

const TITLES = { chat: "Chat Completions (chat-stream.js)", messages: "Anthropic Messages (messages-stream.js)" };
const benches = (process.env.BENCH ?? Object.keys(SUITES).join(",")).split(",").map((s) => s.trim()).filter(Boolean);
for (const name of benches) if (!SUITES[name]) throw new Error(`unknown bench ${name}; choose from ${Object.keys(SUITES).join(", ")}`);

console.log(`ROUNDS=${ROUNDS}, ${benches.join(" + ")}, load average ${load()} at the start`);
for (const name of benches) {
  if (!selectCorpora(name).length) {
    console.log(`\n## ${TITLES[name]}: skipped (CORPUS selects none of ${SUITES[name].join(", ")})`);
    continue;
  }
  console.log(`\n## ${TITLES[name]}\n`);
  // Each suite runs (checks, timing, table) when imported.
  await import(`./${name}-stream.js`);
}
