// @ts-check
// Streaming with `stream: true`: the raw Messages events (`message_start`,
// `content_block_delta`, …, `message_stop`), printing the text deltas as they arrive.
// The request is the Anthropic SDK example of Baseten's docs, streamed.
//
//   BASETEN_API_KEY=... node examples/messages-streaming.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

const stream = await client.messages.create({
  model: "deepseek-ai/DeepSeek-V4-Pro",
  max_tokens: 1024,
  system: "You are a helpful assistant.",
  messages: [{ role: "user", content: "What is the capital of France?" }],
  stream: true,
});

/** @type {Record<string, number>} */
const counts = {};
for await (const event of stream) {
  counts[event.type] = (counts[event.type] ?? 0) + 1;
  // Thinking arrives as `thinking_delta`s in an earlier block: print only the answer.
  if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
    process.stdout.write(event.delta.text);
  }
}

// The stream keeps the message accumulated from the events.
const message = stream.currentMessage();
const summary = Object.entries(counts)
  .map(([type, n]) => `${type}=${n}`)
  .join(" ");
console.log(
  `\n\n[events ${summary}] stop_reason=${message.stop_reason} output_tokens=${message.usage.output_tokens}` +
    ` blocks=${message.content.map((b) => b.type).join(",")}`,
);
