// The playground page: decodes pasted streams with SseDecoder and live
// backend streams with sseEvents, and lists every event.
import { SseDecoder, sseEvents } from "/js/web.js";

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const example = [
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
$("source").value = example;

/** Cuts bytes into chunks the way the select asks for. */
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

function show(events, status, error) {
  $("events").replaceChildren(
    ...events.map((e, i) => {
      const row = document.createElement("tr");
      for (const [text, cls] of [[String(i + 1)], [e.event ?? "message"], [e.id], [e.data, "data"]]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        if (cls) cell.className = cls;
        row.append(cell);
      }
      return row;
    }),
  );
  $("status").textContent = status;
  $("status").className = error ? "error" : "";
}

$("decode").addEventListener("click", () => {
  let text = $("source").value;
  if ($("crlf").checked) text = text.replace(/\r?\n/g, "\r\n");
  const chunks = chunk(encoder.encode(text), $("chunking").value);
  const decoder = new SseDecoder();
  const events = [];
  try {
    const start = performance.now();
    for (const c of chunks) events.push(...decoder.push(c));
    const end = decoder.finish();
    const ms = (performance.now() - start).toFixed(2);
    const cut = end.cut ? " — the stream ended mid-event (not dispatched)" : "";
    show(events, `${events.length} events from ${chunks.length} chunks in ${ms} ms${cut}`);
  } catch (err) {
    show(events, `${err.name}: ${err.message}`, true);
  } finally {
    decoder.free();
  }
});

let controller = null;
$("live").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  controller = new AbortController();
  $("send").disabled = true;
  $("stop").disabled = false;
  $("answer").textContent = "";
  const events = [];
  try {
    const response = await fetch("/v1/chat/completions", {
      method: "POST",
      signal: controller.signal,
      // The local emulator accepts any key; a real key never belongs in a page.
      headers: { "content-type": "application/json", authorization: "Bearer playground" },
      body: JSON.stringify({
        model: $("model").value,
        stream: true,
        messages: [{ role: "user", content: $("prompt").value }],
      }),
    });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    for await (const event of sseEvents(response.body)) {
      events.push(event);
      if (event.data !== "[DONE]") {
        const delta = JSON.parse(event.data).choices?.[0]?.delta?.content;
        if (delta) $("answer").textContent += delta;
      }
      show(events, `${events.length} events`);
    }
    show(events, `${events.length} events, stream complete`);
  } catch (err) {
    const stopped = err instanceof DOMException && err.name === "AbortError";
    show(events, stopped ? `${events.length} events, stopped` : `${err.name}: ${err.message}`, !stopped);
  } finally {
    $("send").disabled = false;
    $("stop").disabled = true;
  }
});
$("stop").addEventListener("click", () => controller?.abort());
