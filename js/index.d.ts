// Types for every runtime entry (web, workerd, node): they export the same API.
import type { SseDecoderOptions, SseEvent, SseFinish } from "../pkg/web/modelwire.js";

export { ChatStream, SseDecoder } from "../pkg/web/modelwire.js";
export type { SseDecoderOptions, SseEvent, SseFinish } from "../pkg/web/modelwire.js";

/**
 * Iterates the Server-Sent Events of a byte stream, such as `response.body`.
 * Breaking out of the loop cancels the stream. The iterator's return value
 * (`{ done: true, value }`) reports whether the stream was cut mid-event.
 *
 * ```ts
 * for await (const { event, data } of sseEvents(response.body!)) console.log(event, data);
 * ```
 */
export function sseEvents(
  stream: ReadableStream<Uint8Array>,
  options?: SseDecoderOptions,
): AsyncGenerator<SseEvent, SseFinish, undefined>;
