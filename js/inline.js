// Entry for every other bundler and dev server (the "browser" condition without
// "production": esbuild, Rollup, Vite's dev server, webpack in development, Bun's
// --conditions=browser). The .wasm travels inside the JavaScript, base64 in
// pkg/web/modelwire_wasm_base64.js (written by scripts/build.sh), and is compiled synchronously
// at import: no asset for the bundler to find or lose, no top-level await for an iife
// bundle to reject. Browsers allow synchronous compilation of modules this size on the
// main thread (Chromium's limit is 8 MB). The price is a bigger bundle: see the README.
import * as wasm from "../pkg/web/modelwire.js";
import { wasmBase64 } from "../pkg/web/modelwire_wasm_base64.js";
import { bind } from "./api.js";

wasm.initSync({ module: decodeBase64(wasmBase64) });

/** @param {string} text @returns {Uint8Array} */
function decodeBase64(text) {
  const U8 = /** @type {typeof Uint8Array & { fromBase64?: (s: string) => Uint8Array }} */ (Uint8Array);
  if (U8.fromBase64) return U8.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export * from "./api.js";
export const {
  Client, Completions, Messages, sseEvents, proxy, verifyWebhook, signWebhook, convert, cost,
  ChatStream, MessagesStream, SseDecoder, PartialJson,
} = bind(wasm);
export default Client;
