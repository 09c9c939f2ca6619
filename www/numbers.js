// The live numbers of a turn: time to first token, tokens per second, tokens in, cached and
// out, and the cost.
import { $ } from "./dom.js";
import { numbers } from "./state.js";

/** @typedef {import("../js/index.js").CompletionUsage} Usage */
/** @typedef {import("../js/index.js").Cost} Cost */

export function resetNumbers() {
  numbers.sent = numbers.first = numbers.last = 0;
  for (const id of ["m-ttft", "m-tps", "m-in", "m-cached", "m-out", "m-cost"]) $(id).textContent = "–";
}

/** @param {Usage} usage @param {Cost | null | undefined} cost */
export function showUsage(usage, cost) {
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
