// The conversation: a user turn in, one streamed turn out (reasoning, answer, tool calls, the
// JSON schema's partial object, numbers), the answer kept in the history, Stop and Clear.
import { APIUserAbortError, StreamError } from "../js/web.js";
import { $, el } from "./dom.js";
import { state, numbers, client } from "./state.js";
import { assistantView, bubble, clearChatView, follow } from "./chat.js";
import { buildParams } from "./request.js";
import { closeToolResults, dropUnansweredCalls, offerToolResults, sendToolResults } from "./tools.js";
import { resetNumbers, showUsage } from "./numbers.js";
import { showConversion } from "./inspector.js";
import { setStatus, showError } from "./status.js";

/** @typedef {import("../js/index.js").ChatCompletionCreateParams} CreateParams */
/** @typedef {import("./state.js").ToolCall} ToolCall */

/** The composer's submit: the prompt as a user turn, then a turn. @param {SubmitEvent} ev */
export function submitPrompt(ev) {
  ev.preventDefault();
  const text = $("prompt").value.trim();
  if (!text || state.controller) return;
  if (state.pendingCalls.length) dropUnansweredCalls();
  state.history.push({ role: "user", content: text });
  bubble("user", "you", text);
  $("prompt").value = "";
  void runTurn();
}

/** Enter sends; Shift+Enter is a new line. @param {KeyboardEvent} ev */
export function promptKey(ev) {
  if (ev.key === "Enter" && !ev.shiftKey) {
    ev.preventDefault();
    $("composer").requestSubmit();
  }
}

export function stopTurn() {
  state.controller?.abort();
}

export function clearConversation() {
  state.controller?.abort();
  state.history = [];
  closeToolResults();
  clearChatView();
  $("error").hidden = true;
  setStatus("");
}

export async function runTurn() {
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
  const controller = (state.controller = new AbortController());
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
    state.history.push(kept);
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
    setStatus(`done · ${choice?.finish_reason ?? "?"}${state.lastRequestId ? ` · request id ${state.lastRequestId}` : ""}`);
    if (message?.tool_calls?.length) offerToolResults(message.tool_calls);
  } catch (err) {
    view.box.classList.remove("streaming");
    numbers.last = performance.now();
    if (err instanceof APIUserAbortError) {
      view.box.classList.add("stopped");
      const content = /** @type {any} */ (err.partial)?.choices?.[0]?.message?.content;
      if (content) state.history.push({ role: "assistant", content });
      view.box.append(el("div", "note", "stopped"));
      setStatus("stopped");
    } else {
      view.box.classList.add("failed");
      showError(err);
      const content = err instanceof StreamError ? /** @type {any} */ (err.partial)?.choices?.[0]?.message?.content : null;
      if (content) state.history.push({ role: "assistant", content });
      setStatus("failed", true);
    }
  } finally {
    state.controller = null;
    $("send").disabled = false;
    $("send-tools").disabled = false;
    $("stop").disabled = true;
    $("m-session").textContent = `$${client.meter.usd} · ${client.meter.requests} requests`;
  }
  if (state.pendingCalls.length && $("auto-tools").checked) sendToolResults();
}
