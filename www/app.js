// The playground: a chat against Baseten Model APIs (or the emulator) through the edge worker,
// built on the modelwire client: the model catalog, Chat Completions or Messages on the same
// conversation, reasoning, tools, JSON schema with the partial object, live numbers and cost,
// a request inspector, Stop, errors. Plus the SSE decoder on a pasted stream.
//
// The page never holds a key: its /v1 is the edge worker (served by scripts/serve.js on this
// origin), which adds the key server-side.
import { Client, SseDecoder, sseEvents, APIError, APIUserAbortError, CapabilityError, StreamError } from "../js/web.js";

/** @typedef {import("../js/index.js").ChatCompletionMessageParam} MessageParam */
/** @typedef {import("../js/index.js").ChatCompletionCreateParams} CreateParams */
/** @typedef {import("../js/index.js").CompletionUsage} Usage */
/** @typedef {import("../js/index.js").Cost} Cost */
/** @typedef {import("../js/index.js").ChatCompletionMessageToolCall} ToolCall */
/** @typedef {{ id: string, name?: string, context_length?: number, max_completion_tokens?: number, supported_features?: string[], input_modalities?: string[], pricing?: { prompt: string | null, completion: string | null, input_cache_read?: string | null } }} CatalogModel */
/** @typedef {{ url: string, method: string, headers: [string, string][], body: string }} SentRequest */

/** @param {string} id @returns {any} */
const $ = (id) => /** @type {any} */ (document.getElementById(id));
/** @param {string} value @param {string} text */
function option(value, text) {
  const node = document.createElement("option");
  node.value = value;
  node.textContent = text;
  return node;
}
/** @param {string} tag @param {string} [cls] @param {string} [text] */
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---------------------------------------------------------------------------
// Defaults

const DEFAULT_TOOLS = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather in a city.",
      parameters: {
        type: "object",
        properties: {
          city: { type: "string", description: "City name, e.g. Paris" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        },
        required: ["city"],
      },
    },
  },
];
const DEFAULT_SCHEMA = {
  type: "object",
  properties: {
    topic: { type: "string" },
    greetings: {
      type: "array",
      minItems: 3,
      maxItems: 3,
      items: {
        type: "object",
        properties: { language: { type: "string" }, text: { type: "string" } },
        required: ["language", "text"],
      },
    },
    confidence: { type: "number", minimum: 0, maximum: 1 },
  },
  required: ["topic", "greetings", "confidence"],
};
$("tools").value = JSON.stringify(DEFAULT_TOOLS, null, 2);
$("schema").value = JSON.stringify(DEFAULT_SCHEMA, null, 2);

/**
 * A made-up result for a tool call, so a round trip works without a real tool.
 * @param {string} name @param {any} args
 */
function demoResult(name, args) {
  if (name === "get_weather") {
    const unit = args?.unit === "fahrenheit" ? "fahrenheit" : "celsius";
    return { city: args?.city ?? "Paris", temperature: unit === "celsius" ? 21 : 70, unit, conditions: "sunny" };
  }
  return { ok: true, tool: name, note: "demo result from the playground", arguments: args ?? null };
}

// ---------------------------------------------------------------------------
// The client, with a fetch that shows the inspector what is sent and received

/** What the server told the page about its backend (`/__playground.json`). */
let info = { backend: "this server's /v1", upstream: `${location.origin}/v1`, keyEnv: "BASETEN_API_KEY", keySet: false, via: "" };

/** The request id of the last POST's response. @type {string | null} */
let lastRequestId = null;

/** @param {RequestInfo | URL} input @param {RequestInit} [init] */
async function inspectingFetch(input, init = {}) {
  const method = init.method ?? "GET";
  if (method !== "POST") return fetch(input, init);
  const url = input instanceof Request ? input.url : String(input);
  const raw = init.body;
  const body = typeof raw === "string" ? raw : raw instanceof Uint8Array || raw instanceof ArrayBuffer ? new TextDecoder().decode(raw) : String(raw ?? "");
  showRequest({ url, method, headers: [...new Headers(init.headers).entries()], body });
  lastRequestId = null;
  const response = await fetch(input, init);
  const requestId = response.headers.get("x-baseten-request-id") ?? response.headers.get("x-request-id");
  lastRequestId = requestId;
  $("resp-line").textContent = `HTTP ${response.status}${requestId ? ` · request id ${requestId}` : ""} · ${response.headers.get("content-type") ?? ""}`;
  const type = response.headers.get("content-type") ?? "";
  if (!response.body || !type.includes("text/event-stream")) return response;
  // A copy of the stream for the inspector's event table; the client reads the other.
  const [theirs, mine] = response.body.tee();
  void showWire(mine);
  return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
}

// No apiKey: the page sends no Authorization; the worker sets it.
const client = new Client({ apiKey: null, baseURL: `${location.origin}/v1`, fetch: inspectingFetch, maxRetries: 1 });

// ---------------------------------------------------------------------------
// Model picker

/** @type {Map<string, CatalogModel>} */
const catalog = new Map();
const CUSTOM = "__custom";

/** USD per token (decimal string) as USD per million tokens. @param {string | null | undefined} price */
function perMillion(price) {
  if (price === null || price === undefined || price === "") return "n/a";
  return "$" + String(+(Number(price) * 1e6).toFixed(4));
}
/** @param {number | undefined} n */
const tokensShort = (n) => (typeof n !== "number" ? "?" : n >= 1000 ? `${Math.round(n / 1024)}k` : String(n));

async function loadModels() {
  try {
    const response = await fetch("/__playground.json");
    if (response.ok) info = { ...info, ...(await response.json()) };
  } catch {
    // Served without the worker: the defaults above.
  }
  $("backend").textContent = `${info.backend}${info.via ? ` via the ${info.via}` : ""}`;
  try {
    const { data } = await client.models.list();
    const select = $("model");
    select.replaceChildren();
    for (const m of /** @type {CatalogModel[]} */ (/** @type {unknown} */ (data))) {
      catalog.set(m.id, m);
      select.append(option(m.id, `${m.name ?? m.id} · ${tokensShort(m.context_length)} ctx · ${perMillion(m.pricing?.prompt)} / ${perMillion(m.pricing?.completion)} per M`));
    }
    select.append(option(CUSTOM, "Other model id…"));
    setStatus(`${catalog.size} models`);
  } catch (err) {
    showError(err, "loading /v1/models");
    $("model").replaceChildren(option(CUSTOM, "Other model id…"));
  }
  showModel();
  document.body.dataset.ready = "true";
}

function showModel() {
  const id = $("model").value;
  $("custom-model").hidden = id !== CUSTOM;
  const m = catalog.get(id);
  const box = $("model-info");
  if (!m) {
    box.replaceChildren(el("p", "hint", id === CUSTOM ? "Not in the catalog: no capability checks or prices; the server decides." : ""));
    return;
  }
  const dl = el("dl");
  /** @param {string} k @param {string} v */
  const row = (k, v) => dl.append(el("dt", "", k), el("dd", "", v));
  row("id", m.id);
  row("context", `${m.context_length?.toLocaleString("en") ?? "?"} tokens`);
  row("max output", `${m.max_completion_tokens?.toLocaleString("en") ?? "?"} tokens`);
  row("price / M tokens", `in ${perMillion(m.pricing?.prompt)} · cached ${perMillion(m.pricing?.input_cache_read)} · out ${perMillion(m.pricing?.completion)}`);
  row("input", (m.input_modalities ?? []).join(", ") || "?");
  const chips = el("div", "chips");
  for (const f of m.supported_features ?? []) chips.append(el("span", "chip", f));
  box.replaceChildren(dl, chips);
}
$("model").addEventListener("change", showModel);

function currentModel() {
  const id = $("model").value;
  return id === CUSTOM ? $("custom-model").value.trim() : id;
}

// ---------------------------------------------------------------------------
// The conversation, kept in the Chat Completions shape whatever the protocol

/** @type {MessageParam[]} */
let history = [];
/** @type {AbortController | null} */
let controller = null;
/** @type {ToolCall[]} */
let pendingCalls = [];

/** @param {string} text @param {boolean} [error] */
function setStatus(text, error = false) {
  $("live-status").textContent = text;
  $("live-status").className = error ? "error" : "";
}

/** @param {HTMLElement} node */
function addToChat(node) {
  const chat = $("chat");
  chat.querySelector(".empty")?.remove();
  chat.append(node);
  chat.scrollTop = chat.scrollHeight;
  return node;
}

/** Keeps the newest text in view while it streams, unless the reader scrolled up. */
function follow() {
  const chat = $("chat");
  if (chat.scrollHeight - chat.scrollTop - chat.clientHeight < 120) chat.scrollTop = chat.scrollHeight;
}

/** @param {string} role @param {string} label @param {string} text */
function bubble(role, label, text) {
  const box = el("div", `msg ${role}`);
  box.append(el("div", "who", label), el("pre", "text", text));
  return addToChat(box);
}

/** An assistant bubble whose parts fill in as the stream arrives. @param {string} model @param {string} protocol */
function assistantView(model, protocol) {
  const box = el("div", "msg assistant streaming");
  const who = el("div", "who", `${model} · ${protocol === "messages" ? "Messages" : "Chat Completions"}`);
  const reasoning = /** @type {HTMLDetailsElement} */ (el("details", "reasoning"));
  reasoning.open = true;
  reasoning.hidden = true;
  reasoning.append(el("summary", "", "reasoning"));
  const thinking = el("pre", "thinking");
  reasoning.append(thinking);
  const answer = el("pre", "text answer");
  const calls = el("div", "calls");
  box.append(who, reasoning, answer, calls);
  addToChat(box);
  return { box, reasoning, thinking, answer, calls };
}

/** @param {HTMLElement} into @param {string} name @param {string} args */
function showCall(into, name, args) {
  into.append(el("code", "call", `${name}(${args})`));
}

$("composer").addEventListener("submit", (/** @type {SubmitEvent} */ ev) => {
  ev.preventDefault();
  const text = $("prompt").value.trim();
  if (!text || controller) return;
  if (pendingCalls.length) {
    // A new user turn answers nothing: drop the unanswered calls from the history.
    closeToolResults();
    history = history.filter((m) => !(m.role === "assistant" && "tool_calls" in m && m.tool_calls?.length && !answered(m)));
  }
  history.push({ role: "user", content: text });
  bubble("user", "you", text);
  $("prompt").value = "";
  void runTurn();
});
$("prompt").addEventListener("keydown", (/** @type {KeyboardEvent} */ ev) => {
  if (ev.key === "Enter" && !ev.shiftKey) {
    ev.preventDefault();
    $("composer").requestSubmit();
  }
});
$("stop").addEventListener("click", () => controller?.abort());
$("clear").addEventListener("click", () => {
  controller?.abort();
  history = [];
  closeToolResults();
  $("chat").replaceChildren(el("p", "empty", "Ask something below."));
  $("error").hidden = true;
  setStatus("");
});
$("use-schema").addEventListener("change", () => {
  $("structured").hidden = !$("use-schema").checked;
});

/** Whether every call of an assistant message has a tool message after it. @param {any} m */
function answered(m) {
  const ids = new Set(history.filter((h) => h.role === "tool").map((h) => /** @type {any} */ (h).tool_call_id));
  return (m.tool_calls ?? []).every((/** @type {ToolCall} */ c) => ids.has(c.id));
}

/** Reads a JSON textarea; throws a readable error. @param {string} id @param {string} what */
function readJson(id, what) {
  try {
    return JSON.parse($(id).value);
  } catch (err) {
    throw new Error(`${what} is not valid JSON: ${/** @type {Error} */ (err).message}`);
  }
}

/** Builds the request from the settings and the history. */
function buildParams() {
  const model = currentModel();
  if (!model) throw new Error("pick a model or type a model id");
  /** @type {any} */
  const params = {
    model,
    messages: structuredClone(history),
    max_tokens: Number($("max-tokens").value) || 1024,
    stream_options: { include_usage: true },
  };
  if ($("effort").value) params.reasoning_effort = $("effort").value;
  if ($("use-tools").checked) {
    const tools = readJson("tools", "Tools");
    if (!Array.isArray(tools)) throw new Error("Tools must be a JSON list of tool definitions");
    params.tools = tools;
  }
  if ($("use-schema").checked) {
    params.response_format = { type: "json_schema", json_schema: { name: "answer", schema: readJson("schema", "The JSON schema"), strict: true } };
  }
  return /** @type {CreateParams} */ (params);
}

const numbers = {
  /** @type {number} */ sent: 0,
  /** @type {number} */ first: 0,
  /** @type {number} */ last: 0,
};

async function runTurn() {
  $("error").hidden = true;
  /** @type {CreateParams} */
  let params;
  try {
    params = buildParams();
  } catch (err) {
    showError(err);
    return;
  }
  const protocol = $("protocol").value;
  controller = new AbortController();
  $("send").disabled = true;
  $("send-tools").disabled = true;
  $("stop").disabled = false;
  resetNumbers();
  $("wire").replaceChildren();
  $("conversion").textContent = "";
  $("conversion-count").textContent = "";
  const partial = $("partial");
  partial.textContent = "";
  partial.dataset.updates = "0";
  const schemaMode = "response_format" in params;
  const view = assistantView(params.model, protocol);
  setStatus("waiting for the first token…");
  numbers.sent = performance.now();
  const firstToken = () => {
    if (numbers.first) return;
    numbers.first = performance.now();
    $("m-ttft").textContent = `${Math.round(numbers.first - numbers.sent)} ms`;
    setStatus("streaming…");
  };

  const runner = client.chat.completions.stream(params, {
    signal: controller.signal,
    ...(protocol === "messages" ? { protocol: "messages" } : {}),
  });
  runner.on("connect", () => showConversion(runner.conversion));
  runner.on("reasoning", (_delta, snapshot) => {
    firstToken();
    view.reasoning.hidden = false;
    view.thinking.textContent = snapshot;
    follow();
  });
  runner.on("content", (_delta, snapshot) => {
    firstToken();
    view.answer.textContent = snapshot;
    follow();
  });
  if (schemaMode) {
    runner.on("content.delta", (event) => {
      const value = event.parsed;
      if (value === undefined) return;
      partial.textContent = JSON.stringify(value, null, 2);
      partial.dataset.updates = String(Number(partial.dataset.updates) + 1);
    });
  }
  /** @type {Map<number, HTMLElement>} */
  const callViews = new Map();
  runner.on("tool_calls.function.arguments.delta", (event) => {
    firstToken();
    let node = callViews.get(event.index);
    if (!node) {
      node = el("code", "call");
      callViews.set(event.index, node);
      view.calls.append(node);
    }
    node.textContent = `${event.name}(${event.arguments})`;
  });
  runner.on("usage", (usage, cost) => showUsage(usage, cost));

  try {
    const completion = await runner.finalChatCompletion();
    showConversion(runner.conversion);
    numbers.last = performance.now();
    const choice = completion.choices[0];
    const message = choice?.message;
    if (completion.usage) showUsage(completion.usage, completion._cost ?? null);
    /** @type {any} */
    const kept = { role: "assistant", content: message?.content ?? "" };
    if (message?.tool_calls?.length) {
      // As a request takes them: without the stream's `index`.
      kept.tool_calls = message.tool_calls.map((/** @type {ToolCall} */ c) => ({ id: c.id, type: "function", function: { name: c.function.name, arguments: c.function.arguments } }));
      if (!kept.content) kept.content = null;
    }
    history.push(kept);
    if (schemaMode && message?.content) {
      try {
        partial.textContent = JSON.stringify(JSON.parse(message.content), null, 2);
        partial.dataset.final = "true";
      } catch {
        // Not JSON (the Messages conversion drops response_format): the answer shows as text.
      }
    }
    if (!message?.content && !message?.tool_calls?.length) view.answer.textContent = "(no content)";
    view.box.classList.remove("streaming");
    setStatus(`done · ${choice?.finish_reason ?? "?"}${lastRequestId ? ` · request id ${lastRequestId}` : ""}`);
    if (message?.tool_calls?.length) offerToolResults(message.tool_calls);
  } catch (err) {
    view.box.classList.remove("streaming");
    numbers.last = performance.now();
    if (err instanceof APIUserAbortError) {
      view.box.classList.add("stopped");
      const content = /** @type {any} */ (err.partial)?.choices?.[0]?.message?.content;
      if (content) history.push({ role: "assistant", content });
      view.box.append(el("div", "note", "stopped"));
      setStatus("stopped");
    } else {
      view.box.classList.add("failed");
      showError(err);
      const content = err instanceof StreamError ? /** @type {any} */ (err.partial)?.choices?.[0]?.message?.content : null;
      if (content) history.push({ role: "assistant", content });
      setStatus("failed", true);
    }
  } finally {
    controller = null;
    $("send").disabled = false;
    $("send-tools").disabled = false;
    $("stop").disabled = true;
    $("m-session").textContent = `$${client.meter.usd} · ${client.meter.requests} requests`;
  }
  if (pendingCalls.length && $("auto-tools").checked) sendToolResults();
}

// ---------------------------------------------------------------------------
// Tool round trips

/** @param {ToolCall[]} calls */
function offerToolResults(calls) {
  pendingCalls = calls;
  const list = $("tool-list");
  list.replaceChildren();
  for (const call of calls) {
    /** @type {any} */
    let args = null;
    try {
      args = JSON.parse(call.function.arguments || "{}");
    } catch {
      // Shown raw.
    }
    const item = el("div", "tool-item");
    item.append(el("code", "call", `${call.function.name}(${call.function.arguments})`));
    const result = /** @type {HTMLTextAreaElement} */ (el("textarea", "code tool-result"));
    result.dataset.callId = call.id;
    result.setAttribute("aria-label", `result of ${call.function.name}`);
    result.value = JSON.stringify(demoResult(call.function.name, args));
    item.append(result);
    list.append(item);
  }
  $("tool-results").hidden = false;
}

function closeToolResults() {
  pendingCalls = [];
  $("tool-results").hidden = true;
  $("tool-list").replaceChildren();
}

function sendToolResults() {
  if (controller || !pendingCalls.length) return;
  for (const area of /** @type {HTMLTextAreaElement[]} */ ([...$("tool-list").querySelectorAll("textarea")])) {
    const call = pendingCalls.find((c) => c.id === area.dataset.callId);
    history.push({ role: "tool", tool_call_id: area.dataset.callId ?? "", content: area.value });
    bubble("tool", `tool result · ${call?.function.name ?? ""}`, area.value);
  }
  closeToolResults();
  void runTurn();
}
$("send-tools").addEventListener("click", sendToolResults);

// ---------------------------------------------------------------------------
// Numbers

function resetNumbers() {
  numbers.sent = numbers.first = numbers.last = 0;
  for (const id of ["m-ttft", "m-tps", "m-in", "m-cached", "m-out", "m-cost"]) $(id).textContent = "–";
}

/** @param {Usage} usage @param {Cost | null | undefined} cost */
function showUsage(usage, cost) {
  const input = usage.prompt_tokens ?? 0;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const output = usage.completion_tokens ?? 0;
  $("m-in").textContent = String(input);
  $("m-cached").textContent = String(cached);
  $("m-out").textContent = String(output);
  if (numbers.first) {
    const seconds = ((numbers.last || performance.now()) - numbers.first) / 1000;
    $("m-tps").textContent = seconds > 0.05 ? (output / seconds).toFixed(1) : "–";
  }
  if (cost) {
    $("m-cost").textContent = cost.usd === null ? `unknown${cost.note ? ` (${cost.note})` : ""}` : `$${cost.usd}`;
    $("m-cost").title = cost.note ?? "";
  }
}

// ---------------------------------------------------------------------------
// Inspector

/** Single-quotes a string for a POSIX shell. @param {string} s */
const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** @param {SentRequest} sent */
function showRequest(sent) {
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
$("copy-curl").addEventListener("click", (/** @type {Event} */ ev) => {
  ev.preventDefault();
  void navigator.clipboard?.writeText($("curl").textContent).catch(() => {});
});

/** @param {import("../js/index.js").Conversion | undefined} conversion */
function showConversion(conversion) {
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

/** @param {number} n @param {{ event?: string | null, id?: string | null, data: string }} e */
function eventRow(n, e) {
  const row = document.createElement("tr");
  for (const [text, cls] of [[String(n)], [e.event ?? "message"], [e.id ?? ""], [e.data, "data"]]) {
    const cell = el("td", cls, text);
    row.append(cell);
  }
  return row;
}

// ---------------------------------------------------------------------------
// Errors

/** @param {unknown} err @param {string} [context] */
function showError(err, context) {
  const box = $("error");
  const parts = [];
  const e = /** @type {any} */ (err);
  parts.push(el("strong", "", e?.name ?? "Error"));
  if (err instanceof APIError) {
    if (err.status !== undefined) parts.push(el("span", "status", `HTTP ${err.status}`));
    if (err instanceof StreamError) parts.push(el("span", "", `stream: ${err.code}`));
    parts.push(el("span", "request-id", `request id ${err.requestId ?? "none"}`));
  }
  if (err instanceof CapabilityError) parts.push(el("span", "", `${err.model} lacks ${err.features.join(", ")}`));
  if (context) parts.push(el("span", "", context));
  const head = el("div", "head");
  for (const p of parts) head.append(p, " · ");
  head.lastChild?.remove();
  box.replaceChildren(head, el("div", "message", e?.message ?? String(err)));
  box.dataset.status = err instanceof APIError && err.status !== undefined ? String(err.status) : "";
  box.dataset.requestId = err instanceof APIError ? (err.requestId ?? "") : "";
  box.hidden = false;
}

// ---------------------------------------------------------------------------
// Decode a recorded stream (pasted text through SseDecoder)

const encoder = new TextEncoder();
$("source").value = [
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

$("decode").addEventListener("click", () => {
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
});

void loadModels();
