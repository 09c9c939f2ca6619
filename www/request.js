// The request a turn sends, built from the settings (model, max tokens, reasoning effort,
// tools, JSON schema) and the conversation so far.
import { $ } from "./dom.js";
import { state } from "./state.js";
import { currentModel } from "./models.js";

/** @typedef {import("../js/index.js").ChatCompletionCreateParams} CreateParams */

/** Reads a JSON textarea; throws a readable error. @param {string} id @param {string} what */
function readJson(id, what) {
  try {
    return JSON.parse($(id).value);
  } catch (err) {
    throw new Error(`${what} is not valid JSON: ${/** @type {Error} */ (err).message}`);
  }
}

/** Builds the request from the settings and the history. */
export function buildParams() {
  const model = currentModel();
  if (!model) throw new Error("pick a model or type a model id");
  /** @type {any} */
  const params = {
    model,
    messages: structuredClone(state.history),
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
