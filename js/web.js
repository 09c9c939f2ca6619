// Entry for Deno, and for bundlers building for production (the "production" condition:
// Vite and webpack builds), which emit the .wasm next to the glue as an asset because it
// names it with `new URL("modelwire_bg.wasm", import.meta.url)`. Fetched and compiled once,
// at import time (top-level await).
import init, * as wasm from "../pkg/web/modelwire.js";
import { bind } from "./api.js";

await init();

export * from "./api.js";
export const {
  Client, Completions, Messages, sseEvents, proxy, verifyWebhook, signWebhook, convert, cost,
  ChatStream, MessagesStream, SseDecoder, PartialJson,
} = bind(wasm);
export default Client;
