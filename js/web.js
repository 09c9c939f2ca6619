// Entry for browsers, bundlers and Deno: fetches the .wasm that sits next to
// the generated glue (`new URL(…, import.meta.url)`), once, at import time.
import init, { ChatStream, SseDecoder } from "../pkg/web/modelwire.js";
import { makeSseEvents } from "./sse-events.js";

await init();

export { ChatStream, SseDecoder };
export const sseEvents = makeSseEvents(SseDecoder);
