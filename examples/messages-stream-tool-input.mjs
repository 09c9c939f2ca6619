// @ts-check
// `client.messages.stream(...)`: watch a tool's input arrive. The `inputJson` listener gets
// each JSON fragment and, because it declares a second parameter, the input parsed so far,
// so a UI can fill a form before the call is complete.
//
//   BASETEN_API_KEY=... node examples/messages-stream-tool-input.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

const stream = client.messages.stream({
  model: "moonshotai/Kimi-K2.5",
  max_tokens: 1024,
  messages: [{ role: "user", content: "Book a table for four at Luigi's tonight at 7pm, window seat please." }],
  tools: [
    {
      name: "book_table",
      description: "Reserve a table at a restaurant",
      input_schema: {
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
  ],
  tool_choice: { type: "tool", name: "book_table" },
});

stream
  .on("inputJson", (partialJson, jsonSnapshot) => {
    // `jsonSnapshot` holds the complete keys so far (a string value grows as it streams).
    console.log(`partial: ${JSON.stringify(jsonSnapshot)} (+${JSON.stringify(partialJson)})`);
  })
  .on("contentBlock", (block) => {
    if (block.type === "tool_use") console.log(`done ${block.name}: ${JSON.stringify(block.input)}`);
  });

const message = await stream.finalMessage();
const call = message.content.find((b) => b.type === "tool_use");
console.log(`call: ${call?.type === "tool_use" ? `${call.name} ${JSON.stringify(call.input)}` : "none"}`);
console.log(`stop_reason=${message.stop_reason}`);
