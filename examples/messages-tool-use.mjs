// @ts-check
// Tool use, the full round trip with the Messages API: the model asks for get_weather
// (a `tool_use` block), we run it, answer with a `tool_result` block in a user turn, and print
// the model's answer. The Anthropic-shaped counterpart of examples/tool-calling.mjs.
//
//   BASETEN_API_KEY=... node examples/messages-tool-use.mjs
import process from "node:process";
import { Client } from "modelwire";

/** @import { MessageParam, Tool, ToolResultBlockParam } from "modelwire" */

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});
const model = "deepseek-ai/DeepSeek-V3.1";

/**
 * The local function the model may call (a stand-in for a real weather service).
 * @param {string} location
 * @param {"celsius" | "fahrenheit"} [unit]
 */
function getWeather(location, unit = "fahrenheit") {
  return JSON.stringify({ location, temperature: unit === "celsius" ? "22" : "72", unit, forecast: "sunny" });
}

/** @type {Tool[]} */
const tools = [
  {
    name: "get_weather",
    description: "Get the current weather",
    input_schema: {
      type: "object",
      properties: {
        location: { type: "string", description: "City name" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
      },
      required: ["location"],
    },
  },
];

/** @type {MessageParam[]} */
const messages = [{ role: "user", content: "What's the weather like in Boston?" }];

const response = await client.messages.create({ model, max_tokens: 1024, messages, tools, tool_choice: { type: "auto" } });

if (response.stop_reason === "tool_use") {
  // The assistant turn goes back as it came (thinking, text and tool_use blocks).
  messages.push({ role: "assistant", content: response.content });
  /** @type {ToolResultBlockParam[]} */
  const results = [];
  for (const block of response.content) {
    if (block.type !== "tool_use") continue;
    /** @type {{ location?: string, unit?: "celsius" | "fahrenheit" }} */
    const input = block.input;
    console.log(`tool use: ${block.name}(${JSON.stringify(input)}) id=${block.id}`);
    const result = getWeather(input.location ?? "Boston", input.unit);
    console.log(`tool result: ${result}`);
    results.push({ type: "tool_result", tool_use_id: block.id, content: result });
  }
  messages.push({ role: "user", content: results });

  // The tools stay declared: the conversation now holds tool_use blocks.
  const final = await client.messages.create({ model, max_tokens: 1024, messages, tools });
  const answer = final.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  console.log(`answer: ${answer}`);
  console.log(`stop_reason=${final.stop_reason}`);
} else {
  console.log(`answer (no tool use): ${response.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("")}`);
}
