// @ts-check
// Structured outputs: extract a name and an email address as JSON that follows a schema,
// then JSON mode (any JSON object). Port of the OpenAI SDK example in Baseten's docs.
// The model must support structured outputs (DeepSeek V3.1 does not; GLM 5 does).
//
//   BASETEN_API_KEY=... node examples/structured-output.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

/** What the schema below describes. @typedef {{ name: string, email: string }} UserDetails */

const response = await client.chat.completions.create({
  model: "zai-org/GLM-5",
  messages: [
    { role: "system", content: "You are an expert at extracting information." },
    {
      role: "user",
      content: "My name is Jane Doe and my email is jane.doe@example.com. I'd like to know more about your services.",
    },
  ],
  response_format: {
    type: "json_schema",
    json_schema: {
      name: "user_details",
      description: "User contact information",
      schema: {
        type: "object",
        properties: {
          name: { type: "string", description: "The user's full name" },
          email: { type: "string", description: "The user's email address" },
        },
        required: ["name", "email"],
      },
      strict: true, // enforce schema adherence
    },
  },
});

/** @type {UserDetails} */
const output = JSON.parse(response.choices[0].message.content ?? "null");
console.log("structured:", JSON.stringify(output));
console.log(`name=${output.name} email=${output.email}`);

// JSON mode: `{ type: "json_object" }` asks for a JSON object without a schema.
const jsonMode = await client.chat.completions.create({
  model: "zai-org/GLM-5",
  messages: [{ role: "user", content: "Give the capital of France as a JSON object." }],
  response_format: { type: "json_object" },
});
console.log("json_object:", JSON.stringify(JSON.parse(jsonMode.choices[0].message.content ?? "null")));
