// Entry for Cloudflare Workers (workerd): the bundler hands the .wasm over as
// a compiled WebAssembly.Module, and Workers forbid compiling wasm at runtime.
import * as wasm from "../pkg/web/modelwire.js";
import module from "../pkg/web/modelwire_bg.wasm";
import { bind } from "./api.js";

wasm.initSync({ module });

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
