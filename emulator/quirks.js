// Baseten's streaming quirks (on by default; see ../shared/notes/baseten-api.md), switchable per
// server (option `quirks`) and per request (header `x-emulator-quirks`).

/**
 * @typedef {{ usageEveryChunk: boolean, finishBeforeLastContent: boolean, repeatToolCallId: boolean }} Quirks
 */

/** Names accepted in `x-emulator-quirks` and their flags. */
export const QUIRK_NAMES = /** @type {const} */ ({
  'usage-every-chunk': 'usageEveryChunk',
  'finish-before-last-content': 'finishBeforeLastContent',
  'repeat-tool-call-id': 'repeatToolCallId',
});

/**
 * Server-level quirks from an option (`true`, `false` or a partial object).
 * @param {boolean | Partial<Quirks> | undefined} opt
 * @returns {Quirks}
 */
export function serverQuirks(opt) {
  const all = opt !== false;
  const base = { usageEveryChunk: all, finishBeforeLastContent: all, repeatToolCallId: all };
  return typeof opt === 'object' && opt ? { ...base, ...opt } : base;
}

/**
 * Quirks for one request. Header values: `on` / `all`, `off` / `none`, or a comma list of names,
 * each optionally prefixed by `-` to switch it off (`-usage-every-chunk,repeat-tool-call-id`).
 * @param {import('./context.js').Ctx} ctx
 * @param {boolean | Partial<Quirks> | undefined} opt
 * @returns {Quirks}
 */
export function quirksFor(ctx, opt) {
  const q = serverQuirks(opt);
  const h = ctx.req.headers['x-emulator-quirks'];
  if (!h) return q;
  const text = String(h).trim().toLowerCase();
  if (['off', 'none', '0', 'false'].includes(text)) return serverQuirks(false);
  if (['on', 'all', '1', 'true'].includes(text)) return serverQuirks(true);
  // A plain list names exactly the quirks wanted; "-name" entries switch one off from the default.
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  const out = items.some((s) => !s.startsWith('-')) ? serverQuirks(false) : q;
  for (const item of items) {
    const off = item.startsWith('-');
    const flag = QUIRK_NAMES[/** @type {keyof typeof QUIRK_NAMES} */ (off ? item.slice(1) : item)];
    if (flag) out[flag] = !off;
  }
  return out;
}
