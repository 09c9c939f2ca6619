// Tool round trips: offers an editable (demo) result for each tool call of an answer, sends
// the results back as the next turn, or drops calls a new user turn leaves unanswered.
import { $, el } from "./dom.js";
import { state } from "./state.js";
import { demoResult } from "./defaults.js";
import { bubble } from "./chat.js";
import { runTurn } from "./conversation.js";

/** @typedef {import("./state.js").ToolCall} ToolCall */

/** @param {ToolCall[]} calls */
export function offerToolResults(calls) {
  state.pendingCalls = calls;
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

export function closeToolResults() {
  state.pendingCalls = [];
  $("tool-results").hidden = true;
  $("tool-list").replaceChildren();
}

export function sendToolResults() {
  if (state.controller || !state.pendingCalls.length) return;
  for (const area of /** @type {HTMLTextAreaElement[]} */ ([...$("tool-list").querySelectorAll("textarea")])) {
    const call = state.pendingCalls.find((c) => c.id === area.dataset.callId);
    state.history.push({ role: "tool", tool_call_id: area.dataset.callId ?? "", content: area.value });
    bubble("tool", `tool result · ${call?.function.name ?? ""}`, area.value);
  }
  closeToolResults();
  void runTurn();
}

/** A new user turn answers nothing: drops the unanswered calls from the history. */
export function dropUnansweredCalls() {
  closeToolResults();
  state.history = state.history.filter((m) => !(m.role === "assistant" && "tool_calls" in m && m.tool_calls?.length && !answered(m)));
}

/** Whether every call of an assistant message has a tool message after it. @param {any} m */
function answered(m) {
  const ids = new Set(state.history.filter((h) => h.role === "tool").map((h) => /** @type {any} */ (h).tool_call_id));
  return (m.tool_calls ?? []).every((/** @type {ToolCall} */ c) => ids.has(c.id));
}
