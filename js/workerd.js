// Entry for Cloudflare Workers (workerd): the bundler hands the .wasm over as
// a compiled WebAssembly.Module, and Workers forbid compiling wasm at runtime.
import { ChatStream, initSync, SseDecoder } from "../pkg/web/modelwire.js";
import module from "../pkg/web/modelwire_bg.wasm";
import { makeSseEvents } from "./sse-events.js";

initSync({ module });

export { ChatStream, SseDecoder };
export const sseEvents = makeSseEvents(SseDecoder);
