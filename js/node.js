// Entry for Node: the nodejs-target glue loads the .wasm synchronously from disk.
import { ChatStream, SseDecoder } from "../pkg/node/modelwire.js";
import { makeSseEvents } from "./sse-events.js";

export { ChatStream, SseDecoder };
export const sseEvents = makeSseEvents(SseDecoder);
