// Entry for Node: the nodejs-target glue loads the .wasm synchronously from disk.
import { SseDecoder } from "../pkg/node/modelwire.js";
import { makeSseEvents } from "./sse-events.js";

export { SseDecoder };
export const sseEvents = makeSseEvents(SseDecoder);
