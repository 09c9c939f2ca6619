// Entry for Cloudflare Workers (workerd): the bundler hands the .wasm over as
// a compiled WebAssembly.Module, and Workers forbid compiling wasm at runtime.
import * as wasm from "../pkg/web/modelwire.js";
import module from "../pkg/web/modelwire_bg.wasm";
import { bind } from "./api.js";

wasm.initSync({ module });

export * from "./api.js";
export const {
  Client, Completions, Messages, sseEvents, proxy, verifyWebhook, signWebhook, convert, cost,
  ChatStream, MessagesStream, SseDecoder, PartialJson,
} = bind(wasm);
export default Client;
