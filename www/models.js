// The model picker: loads the catalog from /v1/models (and the backend line from
// /__playground.json), shows the chosen model's limits, prices and features, and says which
// model id a turn uses.
import { $, el, option } from "./dom.js";
import { state, catalog, client } from "./state.js";
import { setStatus, showError } from "./status.js";

/** @typedef {import("./state.js").CatalogModel} CatalogModel */

const CUSTOM = "__custom";

/** USD per token (decimal string) as USD per million tokens. @param {string | null | undefined} price */
function perMillion(price) {
  if (price === null || price === undefined || price === "") return "n/a";
  return "$" + String(+(Number(price) * 1e6).toFixed(4));
}
/** @param {number | undefined} n */
const tokensShort = (n) => (typeof n !== "number" ? "?" : n >= 1000 ? `${Math.round(n / 1024)}k` : String(n));

export async function loadModels() {
  try {
    const response = await fetch("/__playground.json");
    if (response.ok) state.info = { ...state.info, ...(await response.json()) };
  } catch {
    // Served without the worker: the defaults in state.js.
  }
  const { info } = state;
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

export function showModel() {
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

export function currentModel() {
  const id = $("model").value;
  return id === CUSTOM ? $("custom-model").value.trim() : id;
}
