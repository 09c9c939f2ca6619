// @ts-check
// Call a model you deployed on Baseten: predict, then a streamed predict.
// Port of the requests example in Baseten's "Call your model" docs.
//
//   BASETEN_API_KEY=... MODEL_ID=abcd1234 node examples/deploy/predict.mjs
import process from "node:process";
import { Client } from "modelwire";

const client = new Client({
  apiKey: process.env.BASETEN_API_KEY,
  // Unset: https://model-{model_id}.api.baseten.co. Tests point it at the emulator.
  deploymentBaseURL: process.env.MODELWIRE_DEPLOYMENT_BASE_URL,
});

// The production environment; or { environment: "staging" }, { deploymentId }, { development: true }, { region: "eu-prod" }.
const model = client.deployment(process.env.MODEL_ID ?? "abcd1234");

const output = await model.predict({ prompt: "Hello, world!" });
console.log("output:", JSON.stringify(output));
console.log("request id:", output._request_id);

// A streaming predict is the model's raw bytes (not SSE); your model decides from its input.
const stream = await model.predict({ prompt: "Tell me a story", stream: true }, { stream: true });
process.stdout.write("streamed: ");
for await (const text of stream.textChunks()) process.stdout.write(text);
process.stdout.write("\n");
