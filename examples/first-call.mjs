// @ts-check
// Make your first call: a multi-turn conversation with a system message.
// Port of the OpenAI SDK example in Baseten's Model APIs docs.
//
//   BASETEN_API_KEY=... node examples/first-call.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

const response = await client.chat.completions.create({
  model: "deepseek-ai/DeepSeek-V4-Pro",
  messages: [
    { role: "system", content: "You are a concise technical writer." },
    { role: "user", content: "What is gradient descent?" },
    {
      role: "assistant",
      content:
        "An optimization algorithm that iteratively adjusts model parameters by moving in the direction of steepest decrease in the loss function.",
    },
    { role: "user", content: "How does the learning rate affect it?" },
  ],
});

console.log(response.choices[0].message.content);

// Beyond the OpenAI example: Baseten's extras are typed too.
const { usage } = response;
console.log(
  `\n[request ${response._request_id}] finish_reason=${response.choices[0].finish_reason}` +
    ` prompt_tokens=${usage?.prompt_tokens} completion_tokens=${usage?.completion_tokens}` +
    ` reasoning_tokens=${usage?.completion_tokens_details?.reasoning_tokens ?? 0}` +
    ` cached_tokens=${usage?.prompt_tokens_details?.cached_tokens ?? 0}`,
);
