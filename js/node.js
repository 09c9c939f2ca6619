// Entry for Node: the nodejs-target glue loads the .wasm synchronously from disk.
// The glue is CommonJS: `require` loads it in about half the time of an ESM `import`, which
// first scans its 70 KiB for export names (measured by bench/cold-start.js).
// @ts-expect-error: the typings are checked without @types/node; this file only runs in Node.
import { createRequire } from "node:module";
/** @type {typeof import("../pkg/node/modelwire.js")} */
const wasm = createRequire(import.meta.url)("../pkg/node/modelwire.js");
import { bind } from "./api.js";

export * from "./api.js";
export const {
  Client, Completions, Messages, sseEvents, proxy, verifyWebhook, signWebhook, convert, cost,
  ChatStream, MessagesStream, SseDecoder, PartialJson,
} = bind(wasm);
export default Client;
