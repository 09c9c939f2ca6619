// A user's app: import the package by name, stream one chat completion from the
// page's own origin (/v1 is proxied to the emulator) and write the text into
// the page. The model and the prompt come from the query string. No top-level
// await, so that any bundler's default output format (esbuild's is iife) holds it.
import { Client } from "modelwire";

const status = /** @type {HTMLElement} */ (document.getElementById("status"));
const output = /** @type {HTMLElement} */ (document.getElementById("output"));
const query = new URLSearchParams(location.search);

async function main() {
  const client = new Client({ apiKey: "bundled-app-key", baseURL: `${location.origin}/v1`, maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: query.get("model") ?? "zai-org/GLM-5",
    messages: [{ role: "user", content: query.get("prompt") ?? "Hello!" }],
    stream: true,
  });
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    output.textContent += chunk.choices[0]?.delta?.content ?? "";
  }
  status.dataset.chunks = String(chunks);
  status.textContent = "done";
}

main().catch((err) => {
  status.textContent = `error: ${err}`;
});
