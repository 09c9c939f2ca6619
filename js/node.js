// Entry for Node: the nodejs-target glue loads the .wasm synchronously from disk.
// The glue is CommonJS: `require` loads it in about half the time of an ESM `import`, which
// first scans its 70 KiB for export names (measured by bench/cold-start.js).
// @ts-expect-error: the typings are checked without @types/node; this file only runs in Node.
import { createRequire } from "node:module";
/** @type {typeof import("../pkg/node/modelwire.js")} */
const wasm = createRequire(import.meta.url)("../pkg/node/modelwire.js");
import { bind } from "./api.js";

export * from "./api.js";
export const { ChatStream, MessagesStream, SseDecoder, PartialJson } = wasm;
export const { Client, Completions, Messages, sseEvents } = bind(wasm);
export default Client;

import { makeProxy } from "./proxy.js";
export const proxy = makeProxy(wasm);

import { makeWebhooks } from "./webhook.js";
export const { verifyWebhook, signWebhook } = makeWebhooks(wasm);

import { makeConvert } from "./convert.js";
export const convert = makeConvert(wasm);

import { makeCost } from "./models.js";
export const cost = makeCost(wasm.modelCost);
