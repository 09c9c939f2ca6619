// A protocol-neutral plan of one reply: reasoning tokens, text tokens or tool calls, why it
// finished, and token counts. chat.js and messages.js render the same plan in their wire shapes.
import { rng, proseTokens, thoughtTokens, fragments, valueFromSchema } from './generate.js';

/**
 * @typedef {{ name: string, description?: string, schema: any }} ToolSpec
 * @typedef {'auto' | 'none' | 'required' | { name: string }} ToolChoice
 * @typedef {{
 *   seed: number, prompt: string, toolResult: string | null,
 *   tools: ToolSpec[], toolChoice: ToolChoice, parallel: boolean,
 *   format: null | { type: 'json_object' | 'json_schema', schema?: any },
 *   reasoning: null | { effort: string }, maxTokens: number | null, stop: string[],
 * }} PlanInput
 * @typedef {{ name: string, args: string, fragments: string[], truncated: boolean }} PlannedCall
 * @typedef {{
 *   reasoning: string[], content: string[] | null, toolCalls: PlannedCall[],
 *   finish: 'stop' | 'length' | 'tool_calls', stopSequence: string | null,
 *   completionTokens: number, reasoningTokens: number,
 * }} Plan
 */

/**
 * The prompt as tokens (~4 characters each, cut so equal prefixes give equal tokens).
 * @param {string[]} segments rendered messages, tools, system text
 */
export function promptTokens(segments) {
  const out = [];
  for (const seg of segments) {
    out.push('<|seg|>');
    for (const m of seg.matchAll(/\s*\S{1,4}/gu)) out.push(m[0]);
  }
  return out;
}

/** Rough token count of free text (for limits on what the client sent). @param {string} s */
export const countTokens = (s) => promptTokens([s]).length;

/**
 * Which tools to call: the forced one, else those named in the prompt (all when parallel calls
 * are allowed), else one picked by the seed.
 * @param {import('./generate.js').Rng} r
 * @param {PlanInput} input
 * @returns {ToolSpec[]}
 */
function chooseTools(r, input) {
  const { tools, toolChoice } = input;
  if (!tools.length || toolChoice === 'none' || input.toolResult != null) return [];
  if (typeof toolChoice === 'object') return tools.filter((t) => t.name === toolChoice.name).slice(0, 1);
  const p = input.prompt.toLowerCase();
  const named = tools.filter((t) => p.includes(t.name.toLowerCase()) || p.includes(t.name.toLowerCase().replace(/_/g, ' ')));
  if (named.length) return input.parallel ? named : named.slice(0, 1);
  return [r.pick(tools)];
}

const DEFAULT_JSON_SCHEMA = {
  type: 'object',
  properties: { answer: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
  required: ['answer', 'confidence'],
};

/**
 * @param {PlanInput} input
 * @returns {Plan}
 */
export function planReply(input) {
  const r = rng(input.seed);
  let budget = input.maxTokens ?? Infinity;
  /** @type {Plan} */
  const plan = { reasoning: [], content: null, toolCalls: [], finish: 'stop', stopSequence: null, completionTokens: 0, reasoningTokens: 0 };

  if (input.reasoning) {
    const thoughts = thoughtTokens(r, input.toolResult ?? input.prompt, input.reasoning.effort);
    plan.reasoning = thoughts.slice(0, budget);
    budget -= plan.reasoning.length;
    plan.reasoningTokens = plan.reasoning.length;
    if (plan.reasoning.length < thoughts.length) {
      // Cut while thinking: no content at all (Baseten then omits the `content` key).
      plan.finish = 'length';
      plan.completionTokens = plan.reasoningTokens;
      return plan;
    }
  }

  const calls = chooseTools(r, input);
  if (calls.length) {
    plan.finish = 'tool_calls';
    for (const tool of calls) {
      const args = JSON.stringify(valueFromSchema(r, tool.schema ?? { type: 'object', properties: {} }));
      let frags = fragments(r, args, 8);
      let truncated = false;
      if (frags.length > budget) {
        frags = frags.slice(0, Math.max(0, budget));
        truncated = true;
        plan.finish = 'length';
      }
      budget -= frags.length;
      plan.toolCalls.push({ name: tool.name, args: frags.join(''), fragments: frags, truncated });
      if (truncated) break;
    }
  } else {
    let tokens;
    if (input.format) {
      const schema = input.format.schema ?? DEFAULT_JSON_SCHEMA;
      tokens = fragments(r, JSON.stringify(valueFromSchema(r, schema)), 6);
    } else if (input.toolResult != null) {
      // Quote the result so a round trip visibly used it.
      const quoted = input.toolResult.length > 80 ? input.toolResult.slice(0, 80) + '…' : input.toolResult;
      tokens = ['The', ' tool', ' returned', ' ' + quoted, '.', ...proseTokens(r, input.prompt, { lead: ' So', sentences: [1, 2] })];
    } else {
      tokens = proseTokens(r, input.prompt);
    }
    // Stop sequences cut the text where they first start; the sequence itself is not returned.
    const text = tokens.join('');
    let cut = -1;
    for (const s of input.stop) {
      const i = s ? text.indexOf(s) : -1;
      if (i >= 0 && (cut < 0 || i < cut)) { cut = i; plan.stopSequence = s; }
    }
    if (cut >= 0) tokens = cutTokens(tokens, cut);
    if (tokens.length > budget) {
      tokens = tokens.slice(0, Math.max(0, budget));
      plan.finish = 'length';
      plan.stopSequence = null;
    }
    plan.content = tokens;
    budget -= tokens.length;
  }
  const toolTokens = plan.toolCalls.reduce((s, c) => s + c.fragments.length, 0);
  plan.completionTokens = plan.reasoningTokens + (plan.content?.length ?? 0) + toolTokens;
  return plan;
}

/**
 * Keep the first `chars` characters of a token list (the last kept token may be shortened).
 * @param {string[]} tokens @param {number} chars
 */
function cutTokens(tokens, chars) {
  const out = [];
  let n = 0;
  for (const t of tokens) {
    if (n + t.length <= chars) { out.push(t); n += t.length; continue; }
    if (chars > n) out.push(t.slice(0, chars - n));
    break;
  }
  return out;
}
