// Both streaming benchmarks in one process: Chat Completions
// (chat-stream.js), then Anthropic Messages (messages-stream.js). Each checks
// its candidates against the generator's truth before timing and exits 1 on
// a mismatch. Then the cold start of each package in fresh processes
// (cold-start.js), and the memory of one stream and of a 1 GB stream
// (memory.js, fresh processes too).
//
//   ROUNDS=40 npm run bench                 (default 40 rounds per suite)
//   BENCH=messages npm run bench            (a subset of: chat, messages, start, memory)
//   CORPUS=text,thinking npm run bench      (a corpus name applies to every suite
//                                            that has it; chat:tools or messages:tools
//                                            for one suite)
import { ROUNDS, SUITES, load, selectCorpora } from "./common.js";

const TITLES = { chat: "Chat Completions (chat-stream.js)", messages: "Anthropic Messages (messages-stream.js)" };
const ALL = [...Object.keys(SUITES), "start", "memory"];
const benches = (process.env.BENCH ?? ALL.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
for (const name of benches) if (!ALL.includes(name)) throw new Error(`unknown bench ${name}; choose from ${ALL.join(", ")}`);

console.log(`ROUNDS=${ROUNDS}, ${benches.join(" + ")}, load average ${load()} at the start`);
for (const name of benches) {
  if (name === "start") {
    console.log("\n## Cold start (cold-start.js)\n");
    await import("./cold-start.js");
    continue;
  }
  if (name === "memory") {
    console.log("\n## Memory (memory.js)\n");
    await import("./memory.js");
    continue;
  }
  if (!selectCorpora(name).length) {
    console.log(`\n## ${TITLES[name]}: skipped (CORPUS selects none of ${SUITES[name].join(", ")})`);
    continue;
  }
  console.log(`\n## ${TITLES[name]}\n`);
  // Each suite runs (checks, timing, table) when imported.
  await import(`./${name}-stream.js`);
}
