// What every runtime entry exports, given that runtime's wasm exports.

import { bindClient } from "./client.js";
import { makeSseEvents } from "./sse-events.js";

export * from "./errors.js";
export { DEFAULT_BASE_URL } from "./client.js";
export { Stream } from "./stream.js";
export { ChatCompletionStream } from "./chat-runner.js";
export { MessageStream } from "./messages-runner.js";
export { ConversionError, StreamConverter } from "./convert.js";
export { WebhookVerificationError } from "./webhook.js";
export { PredictStream } from "./deployment.js";

/** @param {import("./client.js").Wasm & { SseDecoder: typeof import("../pkg/web/modelwire.js").SseDecoder }} wasm */
export function bind(wasm) {
  const { Client, Completions, Messages } = bindClient(wasm);
  return { Client, Completions, Messages, sseEvents: makeSseEvents(wasm.SseDecoder) };
}
