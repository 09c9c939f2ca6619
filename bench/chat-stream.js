// First cut of the issue 8 benchmark: a Baseten-shaped Chat Completions
// stream (4,000 deltas, usage on every chunk) folded to its final text and
// usage, in one process, rounds interleaved, after checking every candidate
// against the generator's truth. Candidates: modelwire's ChatStream (SSE +
// accumulation in wasm), eventsource-parser + JSON.parse + hand accumulation
// (the leanest JS pipeline), and a floor that only decodes and scans.
// Not yet here (issue 8): openai-node / Anthropic SDK peers, worker threads,
// CPU time, the other corpora.
import { createParser } from "eventsource-parser";
import { ChatStream } from "modelwire";
import { chatTextCorpus, rechunk } from "./corpus.js";

const ROUNDS = Number(process.env.ROUNDS ?? 40);
const { events, truth } = chatTextCorpus();
const encoder = new TextEncoder();
const perEvent = events.map((e) => encoder.encode(e));
const chunkings = { "one event per chunk": perEvent, "16 KiB chunks": rechunk(perEvent, 16 * 1024) };
const bytes = perEvent.reduce((n, c) => n + c.length, 0);

const candidates = {
  modelwire(chunks) {
    const stream = new ChatStream();
    for (const chunk of chunks) if (stream.push(chunk)) break;
    stream.finish();
    const completion = JSON.parse(stream.completionJson());
    stream.free();
    return { content: completion.choices[0].message.content, usage: completion.usage };
  },
  "eventsource-parser + JSON.parse"(chunks) {
    const decoder = new TextDecoder();
    let content = "";
    let usage = null;
    const parser = createParser({
      onEvent(event) {
        if (event.data === "[DONE]") return;
        const chunk = JSON.parse(event.data);
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) if (choice.delta?.content) content += choice.delta.content;
      },
    });
    for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
    return { content, usage };
  },
  "floor (decode + scan)"(chunks) {
    const decoder = new TextDecoder();
    let events = 0;
    for (const chunk of chunks) {
      const text = decoder.decode(chunk, { stream: true });
      for (let i = text.indexOf("\n\n"); i !== -1; i = text.indexOf("\n\n", i + 2)) events++;
    }
    return events;
  },
};

for (const [name, run] of Object.entries(candidates)) {
  if (name.startsWith("floor")) continue;
  for (const [label, chunks] of Object.entries(chunkings)) {
    const got = run(chunks);
    if (got.content !== truth.content || JSON.stringify(got.usage) !== JSON.stringify(truth.usage)) {
      throw new Error(`${name} (${label}) does not reproduce the corpus: results differ`);
    }
  }
}

const times = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(candidates)) {
    for (const [label, chunks] of Object.entries(chunkings)) {
      const start = performance.now();
      run(chunks);
      ((times[name] ??= {})[label] ??= []).push(performance.now() - start);
    }
  }
}

const quartiles = (xs) => {
  const s = xs.slice(Math.min(5, xs.length - 1)).sort((a, b) => a - b);
  const at = (q) => s[Math.floor(q * (s.length - 1))];
  return [at(0.25), at(0.5), at(0.75)];
};
console.log(`Chat Completions text stream: ${(bytes / 1e6).toFixed(2)} MB, ${events.length} events, ${ROUNDS} rounds, Node ${process.version}\n`);
console.log("| candidate | " + Object.keys(chunkings).map((l) => `${l}: median ms (IQR)`).join(" | ") + " |");
console.log("|---|" + Object.keys(chunkings).map(() => "---").join("|") + "|");
for (const [name, byLabel] of Object.entries(times)) {
  const cells = Object.values(byLabel).map((xs) => {
    const [q1, median, q3] = quartiles(xs);
    return `${median.toFixed(2)} (${q1.toFixed(2)}–${q3.toFixed(2)})`;
  });
  console.log(`| ${name} | ${cells.join(" | ")} |`);
}
