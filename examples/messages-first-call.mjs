// @ts-check
// Make your first call with the Messages API: a multi-turn conversation with a system prompt.
// Port of the Anthropic SDK (JavaScript) example in Baseten's Model APIs docs. The differences:
// the import, and no `defaultHeaders` override: modelwire sends the key as `Authorization`,
// never as `x-api-key`. Its base URL ends in `/v1` (the Anthropic SDK's omits it).
//
//   BASETEN_API_KEY=... node examples/messages-first-call.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

const response = await client.messages.create({
  model: "deepseek-ai/DeepSeek-V4-Pro",
  max_tokens: 4096,
  system: "You are a concise technical writer.",
  messages: [
    { role: "user", content: "What is gradient descent?" },
    {
      role: "assistant",
      content:
        "An optimization algorithm that iteratively adjusts model parameters by moving in the direction of steepest decrease in the loss function.",
    },
    { role: "user", content: "How does the learning rate affect it?" },
  ],
});

// DeepSeek V4 Pro reasons by default: a `thinking` block may come before the text.
for (const block of response.content) {
  if (block.type === "text") console.log(block.text);
}

// Beyond the docs' example: the request id, stop reason and usage are typed too.
const { usage } = response;
console.log(
  `\n[request ${response._request_id}] stop_reason=${response.stop_reason}` +
    ` input_tokens=${usage.input_tokens} output_tokens=${usage.output_tokens}` +
    ` cache_read_input_tokens=${usage.cache_read_input_tokens ?? 0}` +
    ` blocks=${response.content.map((b) => b.type).join(",")}`,
);
