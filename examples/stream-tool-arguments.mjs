// @ts-check
// Watch a tool call's arguments arrive: the runner parses the partial JSON as it streams,
// so a UI can show a form filling in before the call is complete.
//
//   BASETEN_API_KEY=... node examples/stream-tool-arguments.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

const runner = client.chat.completions.stream({
  model: "moonshotai/Kimi-K2.5",
  messages: [{ role: "user", content: "Book a table for four at Luigi's tonight at 7pm, window seat please." }],
  tools: [
    {
      type: "function",
      function: {
        name: "book_table",
        description: "Reserve a table at a restaurant",
        parameters: {
          type: "object",
          properties: {
            restaurant: { type: "string" },
            party_size: { type: "integer", minimum: 1, maximum: 12 },
            time: { type: "string", description: "24-hour HH:MM" },
            seating: { type: "string", enum: ["indoor", "outdoor", "window", "bar"] },
          },
          required: ["restaurant", "party_size", "time"],
        },
      },
    },
  ],
  tool_choice: { type: "function", function: { name: "book_table" } },
});

runner.on("tool_calls.function.arguments.delta", (event) => {
  // `parsed_arguments` is the partial JSON parsed so far (undefined before the first key).
  console.log(`partial ${event.name}#${event.index}: ${JSON.stringify(event.parsed_arguments)}`);
});
runner.on("tool_calls.function.arguments.done", (event) => {
  console.log(`done ${event.name}#${event.index}: ${event.arguments}`);
});

const call = await runner.finalFunctionToolCall();
console.log(`call: ${call?.name} ${call?.arguments}`);
