// What every runtime entry exports, given that runtime's wasm exports. An entry only
// initialises its wasm and then exports `bind(wasm)`'s fields and this module's classes.

import { bindClient } from "./client.js";
import { makeSseEvents } from "./sse-events.js";
import { makeProxy } from "./proxy.js";
import { makeWebhooks } from "./webhook.js";
import { makeConvert } from "./convert.js";
import { makeCost } from "./models.js";

export * from "./errors.js";
export { DEFAULT_BASE_URL } from "./client.js";
export { Stream } from "./stream.js";
export { ChatCompletionStream } from "./chat-runner.js";
export { MessageStream } from "./messages-runner.js";
export { ConversionError, StreamConverter } from "./convert.js";
export { WebhookVerificationError } from "./webhook.js";
export { PredictStream } from "./deployment.js";

/** @param {Omit<typeof import("../pkg/web/modelwire.js"), "default" | "initSync">} wasm the runtime's glue (web or nodejs target: the same exports) */
export function bind(wasm) {
  const { Client, Completions, Messages } = bindClient(wasm);
  const { verifyWebhook, signWebhook } = makeWebhooks(wasm);
  return {
    Client,
    Completions,
    Messages,
    sseEvents: makeSseEvents(wasm.SseDecoder),
    proxy: makeProxy(wasm),
    verifyWebhook,
    signWebhook,
    convert: makeConvert(wasm),
    cost: makeCost(wasm.modelCost),
    ChatStream: wasm.ChatStream,
    MessagesStream: wasm.MessagesStream,
    SseDecoder: wasm.SseDecoder,
    PartialJson: wasm.PartialJson,
  };
}
