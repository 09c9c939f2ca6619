// The request inspector: a fetch that shows what is sent and received, the request as curl,
// the protocol conversion's losses, and the live response's raw SSE events.
import { sseEvents } from "../js/web.js";
import { $, eventRow } from "./dom.js";
import { state } from "./state.js";

/** @typedef {{ url: string, method: string, headers: [string, string][], body: string }} SentRequest */

/** @param {RequestInfo | URL} input @param {RequestInit} [init] */
export async function inspectingFetch(input, init = {}) {
  const method = init.method ?? "GET";
  if (method !== "POST") return fetch(input, init);
  const url = input instanceof Request ? input.url : String(input);
  const raw = init.body;
  const body = typeof raw === "string" ? raw : raw instanceof Uint8Array || raw instanceof ArrayBuffer ? new TextDecoder().decode(raw) : String(raw ?? "");
  showRequest({ url, method, headers: [...new Headers(init.headers).entries()], body });
  state.lastRequestId = null;
  const response = await fetch(input, init);
  const requestId = response.headers.get("x-baseten-request-id") ?? response.headers.get("x-request-id");
  state.lastRequestId = requestId;
  $("resp-line").textContent = `HTTP ${response.status}${requestId ? ` · request id ${requestId}` : ""} · ${response.headers.get("content-type") ?? ""}`;
  const type = response.headers.get("content-type") ?? "";
  if (!response.body || !type.includes("text/event-stream")) return response;
  // A copy of the stream for the inspector's event table; the client reads the other.
  const [theirs, mine] = response.body.tee();
  void showWire(mine);
  return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Single-quotes a string for a POSIX shell. @param {string} s */
const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** @param {SentRequest} sent */
function showRequest(sent) {
  const { info } = state;
  const url = new URL(sent.url);
  const path = url.pathname.replace(/^\/v1/, "");
  $("req-line").textContent = `${sent.method} ${url.pathname} → edge worker → ${info.upstream}${path}`;
  try {
    $("req-body").textContent = JSON.stringify(JSON.parse(sent.body), null, 2);
  } catch {
    $("req-body").textContent = sent.body;
  }
  const stream = /"stream"\s*:\s*true/.test(sent.body);
  const headers = sent.headers.filter(([k]) => !["authorization", "x-api-key", "content-length"].includes(k.toLowerCase()));
  // The key never reaches this page: the curl names the environment variable that holds it.
  const lines = [
    `# what the edge worker sends upstream (key masked: export ${info.keyEnv} first)`,
    `curl${stream ? " -N" : ""} ${shellQuote(info.upstream + path)} \\`,
    `  -H ${shellQuote("Authorization: Bearer ")}"$${info.keyEnv}" \\`,
    ...headers.map(([k, v]) => `  -H ${shellQuote(`${k}: ${v}`)} \\`),
    `  --data-raw ${shellQuote(sent.body)}`,
    "",
    "# or through this playground's edge worker (it adds the key)",
    `curl${stream ? " -N" : ""} ${shellQuote(url.href)} -H 'content-type: application/json' --data-raw ${shellQuote(sent.body)}`,
  ];
  $("curl").textContent = lines.join("\n");
}

/** @param {Event} ev */
export function copyCurl(ev) {
  ev.preventDefault();
  void navigator.clipboard?.writeText($("curl").textContent).catch(() => {});
}

/** @param {import("../js/index.js").Conversion | undefined} conversion */
export function showConversion(conversion) {
  if (!conversion) {
    $("conversion-count").textContent = "none (native endpoint)";
    $("conversion").textContent = "Sent to its own endpoint: nothing converted.";
    return;
  }
  const losses = [...(conversion.request ?? []), ...(conversion.response ?? [])];
  $("conversion-count").textContent = `${conversion.api} via ${conversion.via}: ${losses.length} loss${losses.length === 1 ? "" : "es"}`;
  $("conversion").textContent = losses.length
    ? losses.map((l) => `${l.kind.padEnd(12)} ${l.path}: ${l.reason}`).join("\n")
    : "Nothing lost in the conversion.";
}

/** The raw SSE events of the live response, as the wasm decoder reads them. @param {ReadableStream<Uint8Array>} body */
async function showWire(body) {
  const table = $("wire");
  let n = 0;
  try {
    for await (const e of sseEvents(body)) {
      n += 1;
      if (n > 400) continue;
      table.append(eventRow(n, e));
    }
  } catch {
    // Aborted or dropped: the client reports it.
  }
  $("resp-line").textContent += ` · ${n} events`;
}
