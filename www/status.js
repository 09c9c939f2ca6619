// Where things stand and what went wrong: the live status line and the error box (HTTP
// status, stream error code, request id, missing capabilities).
import { APIError, CapabilityError, StreamError } from "../js/web.js";
import { $, el } from "./dom.js";

/** @param {string} text @param {boolean} [error] */
export function setStatus(text, error = false) {
  $("live-status").textContent = text;
  $("live-status").className = error ? "error" : "";
}

/** @param {unknown} err @param {string} [context] */
export function showError(err, context) {
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
