// Run by stall.test.js in its own process: one stream that stalls, read with
// an idle timeout (or aborted mid-stall). Prints what happened and what the
// process still holds once the error was handled, then returns from the
// module: if a timer or the body's socket were left behind, the process
// would not exit (the parent gives it a deadline).
import { Client } from "modelwire";

const [url, protocol, mode, apiKey] = process.argv.slice(2);
const client = new Client({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 });
const question = [{ role: "user", content: "Explain backpropagation briefly." }];
const body =
  protocol === "chat"
    ? { model: "deepseek-ai/DeepSeek-V4-Pro", messages: question, stream: true }
    : { model: "deepseek-ai/DeepSeek-V4-Pro", max_tokens: 2000, messages: question, stream: true };
const api = protocol === "chat" ? client.chat.completions : client.messages;
const controller = new AbortController();
const options = {
  headers: { "x-emulator-fault": "stall:20000;at=4" },
  ...(mode === "idle" ? { idleTimeout: 200 } : { signal: controller.signal }),
};

const start = performance.now();
let items = 0;
/** @type {any} */
let error = null;
try {
  const stream = await api.create(body, options);
  for await (const _ of stream) {
    items++;
    if (mode === "abort" && items === 3) setTimeout(() => controller.abort(), 100);
  }
} catch (err) {
  error = err;
}
const ms = performance.now() - start;
// Let cancellation settle (a socket closing is asynchronous).
await new Promise((resolve) => setTimeout(resolve, 100));
const resources = process.getActiveResourcesInfo();
process.stdout.write(
  JSON.stringify({ name: error?.name, code: error?.code, items, ms, resources }) + "\n",
);
