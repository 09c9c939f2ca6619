// @ts-check
// Cost in exact USD: on each result, while a stream is running, and totalled per client.
//
//   BASETEN_API_KEY=... node examples/catalog/cost.mjs
import process from "node:process";
import { Client, cost } from "modelwire";

const client = new Client({
  baseURL: process.env.MODELWIRE_BASE_URL ?? "https://inference.baseten.co/v1",
  apiKey: process.env.BASETEN_API_KEY,
  checkCapabilities: "fetch", // load the catalog before the first request: checks and prices from the start
});
const model = "deepseek-ai/DeepSeek-V4-Pro";
const messages = [{ role: /** @type {const} */ ("user"), content: "What is gradient descent?" }];

const completion = await client.chat.completions.create({ model, messages });
console.log(`create: ${completion._cost?.usd} USD`, completion._cost?.output);

const runner = client.chat.completions.stream({ model, messages });
let updates = 0;
runner.on("usage", (usage, running) => {
  updates += 1; // Baseten sends the running usage on every chunk
  if (updates % 20 === 0) console.log(`  so far ${usage.completion_tokens} tokens, ${running?.usd} USD`);
});
const final = await runner.finalChatCompletion();
console.log(`stream: ${final._cost?.usd} USD after ${updates} usage updates`);

const message = await client.messages.create({ model, max_tokens: 256, messages });
console.log(`messages: ${message._cost?.usd} USD`);

// The same arithmetic without a client, on any usage object.
const v4 = await client.models.retrieve(model);
console.log(`cost(): ${cost(v4, { prompt_tokens: 1000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 800 } }).usd} USD`);

const meter = client.meter.snapshot();
console.log(`meter: ${meter.usd} USD over ${meter.requests} requests (${meter.unpricedRequests} unpriced)`);
