// @ts-check
// An Engine-Builder (or vLLM) deployment is an OpenAI-compatible server at
// {target}/sync/v1: the whole Chat Completions client works against it.
// Port of the OpenAI SDK example in Baseten's "Call your model" docs.
//
//   BASETEN_API_KEY=... MODEL_ID=abcd1234 SERVED_MODEL=Qwen/Qwen2.5-3B-Instruct node examples/deploy/openai.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({ apiKey: process.env.BASETEN_API_KEY, deploymentBaseURL: process.env.MODELWIRE_DEPLOYMENT_BASE_URL });
const deployment = client.deployment(process.env.MODEL_ID ?? "abcd1234");
const openai = deployment.openai(); // baseURL https://model-{id}.api.baseten.co/environments/production/sync/v1

const stream = await openai.chat.completions.create({
  model: process.env.SERVED_MODEL ?? "Qwen/Qwen2.5-3B-Instruct", // must match --served-model-name
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "What is the capital of France?" },
  ],
  stream: true,
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
process.stdout.write("\n");

// Any other route of a custom server: /sync/{route}.
const health = await deployment.sync("health");
console.log("health:", health.status, JSON.stringify(await health.json()));
