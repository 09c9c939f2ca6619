// Small DOM helpers the panels share: look up an element, build an option, a node, an event row.
// No page state here.

/** @param {string} id @returns {any} */
export const $ = (id) => /** @type {any} */ (document.getElementById(id));

/** @param {string} value @param {string} text */
export function option(value, text) {
  const node = document.createElement("option");
  node.value = value;
  node.textContent = text;
  return node;
}

/** @param {string} tag @param {string} [cls] @param {string} [text] */
export function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One SSE event as a table row (the inspector's wire table and the decoder panel). @param {number} n @param {{ event?: string | null, id?: string | null, data: string }} e */
export function eventRow(n, e) {
  const row = document.createElement("tr");
  for (const [text, cls] of [[String(n)], [e.event ?? "message"], [e.id ?? ""], [e.data, "data"]]) {
    const cell = el("td", cls, text);
    row.append(cell);
  }
  return row;
}
