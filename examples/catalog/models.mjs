// @ts-check
// The model catalog: list the models with their exact per-token prices, read one, and let the
// client refuse a request the model cannot serve before anything is sent.
//
//   BASETEN_API_KEY=... node examples/catalog/models.mjs
import process from "node:process";
import { CapabilityError, Client } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
});

// One request, cached for catalogTTL (10 minutes); concurrent callers share it.
const { data } = await client.models.list();
for (const model of data) {
  const { prompt, completion } = model.pricing ?? {};
  console.log(`${model.id}: context ${model.context_length}, input ${prompt ?? "unknown"} / output ${completion ?? "unknown"} USD per token, ${model.supported_features?.join(" ")}`);
}

const glm = await client.models.retrieve("zai-org/GLM-5"); // from the cached list: no request
console.log(`${glm.name} accepts ${glm.input_modalities?.join(", ")}`);

// The catalog is loaded, so requests are checked against it before they are sent.
try {
  await client.chat.completions.create({
    model: "zai-org/GLM-5",
    messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }] }],
  });
} catch (err) {
  if (!(err instanceof CapabilityError)) throw err;
  console.log(`refused before sending: ${err.message} (feature ${err.feature})`);
}
