// The chat log's view: bubbles for the user, tool results and the assistant (its reasoning,
// answer and tool calls filling in as the stream arrives), kept scrolled to the newest.
import { $, el } from "./dom.js";

/** @param {HTMLElement} node */
function addToChat(node) {
  const chat = $("chat");
  chat.querySelector(".empty")?.remove();
  chat.append(node);
  chat.scrollTop = chat.scrollHeight;
  return node;
}

/** Keeps the newest text in view while it streams, unless the reader scrolled up. */
export function follow() {
  const chat = $("chat");
  if (chat.scrollHeight - chat.scrollTop - chat.clientHeight < 120) chat.scrollTop = chat.scrollHeight;
}

/** @param {string} role @param {string} label @param {string} text */
export function bubble(role, label, text) {
  const box = el("div", `msg ${role}`);
  box.append(el("div", "who", label), el("pre", "text", text));
  return addToChat(box);
}

/** An assistant bubble whose parts fill in as the stream arrives. @param {string} model @param {string} protocol */
export function assistantView(model, protocol) {
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

/** Empties the chat log. */
export function clearChatView() {
  $("chat").replaceChildren(el("p", "empty", "Ask something below."));
}
