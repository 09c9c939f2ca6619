// @ts-check
// The streaming runner, `client.chat.completions.stream(...)`: reasoning and answer as events,
// then the accumulated completion and usage. GLM 4.7's reasoning is opt-in, switched on with
// Baseten's `chat_template_args`; `reasoning_effort` sets its depth.
//
//   BASETEN_API_KEY=... node examples/stream-reasoning.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

const runner = client.chat.completions.stream({
  model: "zai-org/GLM-4.7",
  messages: [{ role: "user", content: "Why is the sky blue? Answer in two sentences." }],
  chat_template_args: { enable_thinking: true },
  reasoning_effort: "low",
});

let current = "";
/**
 * Starts a labelled line when the stream moves from reasoning to the answer.
 * @param {"thinking" | "answer"} name
 */
function label(name) {
  if (current === name) return;
  process.stdout.write(`${current ? "\n" : ""}${name}: `);
  current = name;
}

runner
  .on("reasoning", (delta) => {
    if (!delta) return;
    label("thinking");
    process.stdout.write(delta);
  })
  .on("content", (delta) => {
    if (!delta) return; // the first chunk may carry `content: ""` beside the role
    label("answer");
    process.stdout.write(delta);
  });

const completion = await runner.finalChatCompletion();
// Baseten always sends usage; an OpenAI-style server only with `stream_options.include_usage`.
const { usage } = completion;
const { message, finish_reason } = completion.choices[0];
console.log(`\nfinal: ${message.content}`);
console.log(
  `finish_reason=${finish_reason} reasoning_chars=${(message.reasoning_content ?? message.reasoning ?? "").length}` +
    ` completion_tokens=${usage?.completion_tokens} reasoning_tokens=${usage?.completion_tokens_details?.reasoning_tokens}`,
);
