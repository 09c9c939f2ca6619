// Entry for Node: the nodejs-target glue loads the .wasm synchronously from disk.
import wasm from "../pkg/node/modelwire.js";
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
