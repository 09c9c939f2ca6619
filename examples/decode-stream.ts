// Typed usage of the SSE API; type-checked by `tsc --strict` in `npm test`.
import { SseDecoder, sseEvents, type SseEvent, type SseFinish } from "modelwire";

export async function printEvents(url: string): Promise<SseFinish | undefined> {
  const response = await fetch(url);
  if (!response.body) return undefined;
  const iterator = sseEvents(response.body, { maxBufferBytes: 1 << 20 });
  for (;;) {
    const step = await iterator.next();
    if (step.done) return step.value;
    const event: SseEvent = step.value;
    console.log(event.event ?? "message", event.data, event.id);
  }
}

export function decodeAll(chunks: Uint8Array[]): SseEvent[] {
  const decoder = new SseDecoder();
  try {
    const events = chunks.flatMap((chunk) => decoder.push(chunk));
    const end: SseFinish = decoder.finish();
    if (end.cut && end.unterminated) events.push(end.unterminated);
    return events;
  } finally {
    decoder.free();
  }
}
