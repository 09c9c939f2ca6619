// Run by bun.test.js under Bun, never by Node:
//   bun run --no-install --no-env-file client.mjs EMULATOR_URL
// Imports the package by its name, as a user's code would: from inside this
// repo "modelwire" is a self-reference (package.json "name" + "exports"), and
// Bun picks the entry by its own export conditions. Streams a chat completion
// and a Messages reply from the emulator and prints one JSON line.
import * as mw from "modelwire";

const url = process.argv[2];
if (!url) throw new Error("usage: bun run client.mjs EMULATOR_URL");
const { Client, Stream } = mw;
const client = new Client({ apiKey: "bun-test-key", baseURL: `${url}/v1` });

/** @type {Record<string, unknown>} */
const result = {
  runtime: { bun: Bun.version, revision: Bun.revision },
  entry: import.meta.resolve("modelwire"),
  exports: Object.keys(mw).sort(),
};

// 1. Chat: create({ stream: true }), the chunks joined, then currentCompletion().
{
  const stream = await client.chat.completions.create({
    model: "deepseek-ai/DeepSeek-V3.1",
    messages: [{ role: "user", content: "Name three prime numbers." }],
    stream: true,
  });
  let chunks = 0;
  let content = "";
  let reasoning = "";
  for await (const chunk of stream) {
    chunks++;
    content += chunk.choices[0]?.delta?.content ?? "";
    reasoning += chunk.choices[0]?.delta?.reasoning_content ?? "";
  }
  const current = stream.currentCompletion();
  result.chat = {
    isStream: stream instanceof Stream,
    chunks,
    content,
    reasoning,
    currentContent: current.choices[0].message.content,
    finishReason: current.choices[0].finish_reason,
  };
}

// 2. Messages: the MessageStream runner, text deltas and finalMessage().
{
  const runner = client.messages.stream({
    model: "zai-org/GLM-5",
    max_tokens: 256,
    messages: [{ role: "user", content: "What is gradient descent?" }],
  });
  /** @type {string[]} */
  const deltas = [];
  /** @type {string[]} */
  const eventTypes = [];
  runner.on("text", (delta) => deltas.push(delta));
  runner.on("streamEvent", (event) => eventTypes.push(event.type));
  const final = await runner.finalMessage();
  result.messages = {
    deltas: deltas.length,
    joined: deltas.join(""),
    finalText: await runner.finalText(),
    stopReason: final.stop_reason,
    model: final.model,
    eventTypes,
  };
}

console.log(JSON.stringify(result));
