// @ts-check
// Streaming with `stream: true`: print the content deltas as they arrive.
// Port of the OpenAI SDK streaming example in Baseten's docs.
//
//   BASETEN_API_KEY=... node examples/streaming.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

const stream = await client.chat.completions.create({
  model: "deepseek-ai/DeepSeek-V4-Pro",
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "What is the capital of France?" },
  ],
  stream: true,
});

let chunks = 0;
let deltas = 0;
for await (const chunk of stream) {
  chunks++;
  // Baseten ends with a usage-only chunk whose `choices` is empty: guard `choices[0]`.
  const content = chunk.choices[0]?.delta.content;
  if (content) {
    deltas++;
    process.stdout.write(content);
  }
}

// Baseten sends usage on every chunk by default; the stream keeps the accumulated result.
const completion = stream.currentCompletion();
console.log(
  `\n\n[${chunks} chunks, ${deltas} content deltas, finish_reason=${completion.choices[0]?.finish_reason},` +
    ` completion_tokens=${completion.usage?.completion_tokens}]`,
);
