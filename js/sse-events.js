// `sseEvents(stream)`: an async iterator of SSE events over a ReadableStream
// of bytes, built on the wasm SseDecoder of whichever runtime entry imports it.

/**
 * @param {typeof import("../pkg/web/modelwire.js").SseDecoder} SseDecoder
 */
export function makeSseEvents(SseDecoder) {
  /**
   * @param {ReadableStream<Uint8Array>} stream
   * @param {import("../pkg/web/modelwire.js").SseDecoderOptions} [options]
   */
  return async function* sseEvents(stream, options) {
    const reader = stream.getReader();
    const decoder = new SseDecoder(options);
    let ended = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield* decoder.push(value);
      }
      ended = true;
      // The iterator's return value says whether the stream was cut mid-block.
      return decoder.finish();
    } finally {
      decoder.free();
      // Stopped early (break, throw, a decoder error): release the body too.
      if (!ended) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  };
}
