// Entry for browsers, bundlers and Deno: fetches the .wasm that sits next to
// the generated glue (`new URL(…, import.meta.url)`), once, at import time.
import init, * as wasm from "../pkg/web/modelwire.js";
import { bind } from "./api.js";

await init();

export * from "./api.js";
export { ChatStream, MessagesStream, SseDecoder, PartialJson } from "../pkg/web/modelwire.js";
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
