// The recorded-stream panel: pasted SSE text, cut into chunks (whole, byte by byte or random),
// through the wasm SseDecoder, shown as an event table.
import { SseDecoder } from "../js/web.js";
import { $, eventRow } from "./dom.js";

/** The panel's starting text: a few events, a comment, a multi-line data field, [DONE]. */
export const SAMPLE_STREAM = [
  'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}',
  "",
  ": a comment line is ignored",
  'data: {"choices":[{"index":0,"delta":{"content":"Bonjour, né 😀"}}]}',
  "",
  "event: usage",
  "id: 7",
  'data: {"prompt_tokens":12,',
  'data:  "completion_tokens":5}',
  "",
  "data: [DONE]",
  "",
  "",
].join("\n");

const encoder = new TextEncoder();

/** Cuts bytes into chunks the way the select asks for. @param {Uint8Array} bytes @param {string} how */
function chunk(bytes, how) {
  if (how === "whole") return [bytes];
  const out = [];
  for (let i = 0; i < bytes.length; ) {
    const size = how === "byte" ? 1 : 1 + Math.floor(Math.random() * 16);
    out.push(bytes.subarray(i, i + size));
    i += size;
  }
  return out;
}

/** @param {{ event?: string | null, id?: string | null, data: string }[]} events @param {string} status @param {boolean} [error] */
function showDecoded(events, status, error) {
  $("events").replaceChildren(...events.map((e, i) => eventRow(i + 1, e)));
  $("status").textContent = status;
  $("status").className = error ? "error" : "";
}

/** Decodes the pasted stream with the panel's settings and shows the events. */
export function decodeSource() {
  let text = $("source").value;
  if ($("crlf").checked) text = text.replace(/\r?\n/g, "\r\n");
  const chunks = chunk(encoder.encode(text), $("chunking").value);
  const decoder = new SseDecoder();
  /** @type {any[]} */
  const events = [];
  try {
    const start = performance.now();
    for (const c of chunks) events.push(...decoder.push(c));
    const end = decoder.finish();
    const ms = (performance.now() - start).toFixed(2);
    const cut = end.cut ? " — the stream ended mid-event (not dispatched)" : "";
    showDecoded(events, `${events.length} events from ${chunks.length} chunks in ${ms} ms${cut}`);
  } catch (err) {
    const e = /** @type {Error} */ (err);
    showDecoded(events, `${e.name}: ${e.message}`, true);
  } finally {
    decoder.free();
  }
}
