// @ts-check
// Thinking with the streaming runner: `thinking` and `text` events as they arrive, the
// thinking block's `signature`, then the final message and its text. GLM 4.7's reasoning is
// opt-in; `thinking: { type: "enabled" }` switches it on (Baseten's Chat Completions switch,
// `chat_template_args: { enable_thinking: true }`, is accepted here too).
//
//   BASETEN_API_KEY=... node examples/messages-thinking.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

const stream = client.messages.stream({
  model: "zai-org/GLM-4.7",
  max_tokens: 4096,
  // Thinking tokens count against max_tokens.
  thinking: { type: "enabled", budget_tokens: 2048 },
  messages: [{ role: "user", content: "Why is the sky blue? Answer in two sentences." }],
});

let current = "";
/**
 * Starts a labelled line when the stream moves from thinking to the answer.
 * @param {"thinking" | "answer"} name
 */
function label(name) {
  if (current === name) return;
  process.stdout.write(`${current ? "\n" : ""}${name}: `);
  current = name;
}

stream
  .on("thinking", (delta) => {
    label("thinking");
    process.stdout.write(delta);
  })
  .on("text", (delta) => {
    label("answer");
    process.stdout.write(delta);
  })
  .on("signature", (signature) => {
    process.stdout.write(`\nsignature: ${signature.length} chars\n`);
    current = "";
  });

const message = await stream.finalMessage();
const text = await stream.finalText();
const thinking = message.content.flatMap((b) => (b.type === "thinking" ? [b.thinking] : [])).join("");
console.log(`\nfinal: ${text}`);
console.log(
  `stop_reason=${message.stop_reason} thinking_chars=${thinking.length} output_tokens=${message.usage.output_tokens}` +
    ` blocks=${message.content.map((b) => b.type).join(",")}`,
);
