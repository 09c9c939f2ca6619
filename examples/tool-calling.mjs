// @ts-check
// Tool calling, the full round trip: the model asks for get_weather, we run it, send the
// result back as a `tool` message, and print the model's answer.
// Port of the OpenAI SDK example in Baseten's docs.
//
//   BASETEN_API_KEY=... node examples/tool-calling.mjs
import process from "node:process";
import { Client } from "modelwire";

/** @import { ChatCompletionMessageParam, ChatCompletionTool } from "modelwire" */

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

/** @type {ChatCompletionMessageParam[]} */
const messages = [{ role: "user", content: "What's the weather like in Boston?" }];

/** @type {ChatCompletionTool[]} */
const tools = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Get the current weather",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "City name" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        },
        required: ["location"],
      },
    },
  },
];

// Make the initial request.
const response = await client.chat.completions.create({ model, messages, tools, tool_choice: "auto" });
const message = response.choices[0].message;

// Process tool calls, if any.
if (message.tool_calls?.length) {
  // The assistant turn goes back into the conversation as it came.
  messages.push(message);
  for (const toolCall of message.tool_calls) {
    /** @type {{ location?: string, unit?: "celsius" | "fahrenheit" }} */
    const args = JSON.parse(toolCall.function.arguments);
    console.log(`tool call: ${toolCall.function.name}(${toolCall.function.arguments}) id=${toolCall.id}`);
    const functionResponse = getWeather(args.location ?? "Boston", args.unit);
    console.log(`tool result: ${functionResponse}`);
    messages.push({
      tool_call_id: toolCall.id,
      role: "tool",
      name: toolCall.function.name,
      content: functionResponse,
    });
  }

  // Get the final response with the function result.
  const finalResponse = await client.chat.completions.create({ model, messages });
  console.log(`answer: ${finalResponse.choices[0].message.content}`);
} else {
  console.log(`answer (no tool call): ${message.content}`);
}
