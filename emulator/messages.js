// POST /v1/messages (Anthropic shape), plain and SSE (`event: NAME` + `data: JSON` blocks).
import { randomBytes, createHash } from 'node:crypto';
import { anthropic, unsupported } from './errors.js';
import { seedFrom } from './generate.js';
import { planReply, promptTokens } from './plan.js';
import { applyStreamFaults } from './faults.js';

/** @param {any} v */
const isObj = (v) => v != null && typeof v === 'object' && !Array.isArray(v);
/** @param {string} m */
const bad = (m) => anthropic(400, m);

/**
 * Text of a content value (string or blocks); tool results and media become short markers.
 * @param {any} content
 * @returns {string}
 */
export function blockText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => {
      if (b?.type === 'text') return String(b.text ?? '');
      if (b?.type === 'tool_result') return blockText(b.content);
      if (b?.type === 'tool_use') return `${b.name}(${JSON.stringify(b.input ?? {})})`;
      return `[${b?.type ?? 'block'}]`;
    })
    .join('\n');
}

const MEDIA = { image: 'image', document: 'document', video: 'video', audio: 'audio' };

/**
 * Validate and normalise a Messages request.
 * @param {any} b
 * @param {import('./catalog.js').CatalogModel} model
 */
export function parseMessagesRequest(b, model) {
  if (!Number.isInteger(b.max_tokens) || b.max_tokens < 1) throw bad('max_tokens: Field required (an integer >= 1)');
  if (b.max_tokens > model.max_completion_tokens) throw bad(`max_tokens: must be at most ${model.max_completion_tokens} for ${model.id}`);
  if (!Array.isArray(b.messages) || !b.messages.length) throw bad('messages: must be a non-empty array');
  for (const [i, m] of b.messages.entries()) {
    if (!isObj(m) || !['user', 'assistant'].includes(m.role)) throw bad(`messages.${i}.role: must be "user" or "assistant"`);
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) throw bad(`messages.${i}.content: must be a string or an array of blocks`);
    if (Array.isArray(m.content)) {
      for (const blk of m.content) {
        const kind = MEDIA[/** @type {keyof MEDIA} */ (blk?.type)];
        if (kind && !model.input_modalities.includes(kind)) throw unsupported(`This model does not support multimodal ${kind} inputs.`);
      }
    }
  }
  if (b.system != null && typeof b.system !== 'string' && !Array.isArray(b.system)) throw bad('system: must be a string or text blocks');
  if (b.temperature != null && (typeof b.temperature !== 'number' || b.temperature < 0 || b.temperature > 1)) throw bad('temperature: must be between 0 and 1');
  if (b.top_p != null && (typeof b.top_p !== 'number' || b.top_p > 1)) throw bad('top_p: must be at most 1');
  if (b.top_k != null && (!Number.isInteger(b.top_k) || b.top_k < 0)) throw bad('top_k: must be an integer >= 0');
  const stop = b.stop_sequences ?? [];
  if (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string')) throw bad('stop_sequences: must be an array of strings');

  const tools = [];
  for (const [i, t] of (b.tools ?? []).entries()) {
    if (!isObj(t) || typeof t.name !== 'string' || !t.name) throw bad(`tools.${i}.name: Field required`);
    // Server tools (with a `type` other than "custom") have no input_schema; nothing to call here.
    if (t.type && t.type !== 'custom') continue;
    if (!isObj(t.input_schema)) throw bad(`tools.${i}.input_schema: Field required`);
    tools.push({ name: t.name, description: t.description, schema: t.input_schema });
  }
  /** @type {import('./plan.js').ToolChoice} */
  let toolChoice = 'auto';
  let parallel = true;
  const tc = b.tool_choice;
  if (tc != null) {
    if (!isObj(tc)) throw bad('tool_choice: must be an object');
    parallel = tc.disable_parallel_tool_use !== true;
    if (tc.type === 'auto') toolChoice = 'auto';
    else if (tc.type === 'any') toolChoice = 'required';
    else if (tc.type === 'none') toolChoice = 'none';
    else if (tc.type === 'tool') {
      if (!tools.some((t) => t.name === tc.name)) throw bad(`tool_choice.name: unknown tool ${tc.name}`);
      toolChoice = { name: tc.name };
    } else throw bad('tool_choice.type: must be one of auto, any, tool, none');
  }

  const thinking = b.thinking?.type;
  const templateArg = b.chat_template_args?.enable_thinking;
  let reasoningOn = model.reasoning === 'default' ? templateArg !== false : model.reasoning === 'opt-in' && templateArg === true;
  if (thinking === 'enabled' || thinking === 'adaptive') reasoningOn = model.reasoning !== 'none';
  if (thinking === 'disabled') reasoningOn = false;

  const last = b.messages[b.messages.length - 1];
  const lastIsToolResult = last.role === 'user' && Array.isArray(last.content) && last.content.some((/** @type {any} */ x) => x?.type === 'tool_result');
  const lastUserText = [...b.messages].reverse().find((m) => m.role === 'user' && !(Array.isArray(m.content) && m.content.every((/** @type {any} */ x) => x?.type === 'tool_result')));
  const segments = [];
  if (tools.length) segments.push(JSON.stringify(b.tools));
  if (b.system != null) segments.push(`system: ${blockText(b.system)}`);
  for (const m of b.messages) segments.push(`${m.role}: ${blockText(m.content)}`);
  return {
    stream: b.stream === true,
    segments,
    maxTokens: b.max_tokens,
    plan: {
      seed: seedFrom(model.id, JSON.stringify(b.system ?? null), JSON.stringify(b.messages), JSON.stringify(tools.map((t) => t.name))),
      prompt: blockText(lastUserText?.content ?? ''),
      toolResult: lastIsToolResult ? blockText(last.content.filter((/** @type {any} */ x) => x?.type === 'tool_result')) : null,
      tools,
      toolChoice,
      parallel,
      format: null,
      reasoning: reasoningOn ? { effort: String(b.output_config?.effort ?? b.reasoning_effort ?? 'medium') } : null,
      maxTokens: b.max_tokens,
      stop,
    },
  };
}

const STOP = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' };

/**
 * @param {import('./context.js').Ctx} ctx
 * @param {{ model: import('./catalog.js').CatalogModel }} opts
 */
export async function handleMessages(ctx, opts) {
  const b = ctx.json();
  if (!isObj(b)) throw bad('body: must be a JSON object');
  const { model } = opts;
  const req = parseMessagesRequest(b, model);
  const state = ctx.state;
  const tokens = promptTokens(req.segments);
  const cached = state.cache.use(`${ctx.caller?.fingerprint}|${model.id}`, tokens);
  // A short lead-in before tool calls, as Claude-style models write ("I'll call get_weather.");
  // its 4 tokens are reserved from max_tokens so output_tokens never exceeds it.
  const reserve = req.plan.tools.length && req.maxTokens > 8 ? 4 : 0;
  const plan = planReply({ ...req.plan, maxTokens: req.maxTokens - reserve, seed: req.plan.seed ^ state.options.seed });
  const lead = reserve && plan.toolCalls.length && plan.finish === 'tool_calls' ? [`I'll`, ' call', ` ${plan.toolCalls.map((c) => c.name).join(' and ')}`, '.'] : [];
  const outputTokens = plan.completionTokens + lead.length;
  state.spend(ctx, tokens.length + outputTokens);

  const id = 'msg_' + randomBytes(12).toString('hex');
  const stopReason = plan.stopSequence ? 'stop_sequence' : STOP[plan.finish];
  const toolIds = plan.toolCalls.map((_, i) => 'toolu_' + seedFrom(String(req.plan.seed), String(i)).toString(16).padStart(8, '0') + randomBytes(6).toString('hex'));
  const thinkingText = plan.reasoning.join('');
  const signature = createHash('sha256').update(thinkingText).digest('base64');
  const usage = { input_tokens: tokens.length - cached, cache_creation_input_tokens: 0, cache_read_input_tokens: cached };

  /** @type {any[]} */
  const blocks = [];
  if (plan.reasoning.length) blocks.push({ type: 'thinking', thinking: thinkingText, signature });
  const text = [...lead, ...(plan.content ?? [])];
  if (text.length) blocks.push({ type: 'text', text: text.join('') });
  plan.toolCalls.forEach((c, i) => {
    let input = null;
    try { input = JSON.parse(c.args); } catch { /* cut by max_tokens: no valid input */ }
    blocks.push({ type: 'tool_use', id: toolIds[i], name: c.name, input: input ?? {} });
  });

  if (!req.stream) {
    return ctx.reply(200, {
      id, type: 'message', role: 'assistant', model: model.id, content: blocks,
      stop_reason: stopReason, stop_sequence: plan.stopSequence,
      usage: { ...usage, output_tokens: outputTokens },
    });
  }

  /** @type {string[]} */
  const events = [];
  const ev = (/** @type {string} */ name, /** @type {any} */ data) => events.push(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`);
  ev('message_start', {
    message: { id, type: 'message', role: 'assistant', model: model.id, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
  });
  let index = 0;
  let pinged = false;
  const ping = () => { if (!pinged) { pinged = true; ev('ping', {}); } };
  if (plan.reasoning.length) {
    ev('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    ping();
    for (const t of plan.reasoning) ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: t } });
    ev('content_block_delta', { index, delta: { type: 'signature_delta', signature } });
    ev('content_block_stop', { index });
    index++;
  }
  if (text.length) {
    ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
    ping();
    for (const t of text) ev('content_block_delta', { index, delta: { type: 'text_delta', text: t } });
    ev('content_block_stop', { index });
    index++;
  }
  plan.toolCalls.forEach((c, i) => {
    ev('content_block_start', { index, content_block: { type: 'tool_use', id: toolIds[i], name: c.name, input: {} } });
    ping();
    ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
    for (const f of c.fragments) ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: f } });
    // Cut by max_tokens inside the JSON: the block is never closed (as recorded from the API).
    if (!c.truncated) ev('content_block_stop', { index });
    index++;
  });
  ev('message_delta', { delta: { stop_reason: stopReason, stop_sequence: plan.stopSequence }, usage: { ...usage, output_tokens: outputTokens } });
  ev('message_stop', {});

  const streamed = applyStreamFaults(events, ctx.faults, {
    tail: 2,
    errorEvent: (shape) => {
      const err = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
      return shape === 'data' ? `data: ${JSON.stringify(err)}\n\n` : `event: error\ndata: ${JSON.stringify(err)}\n\n`;
    },
    // One valid event whose data line is `bytes` long; accumulators ignore pings.
    hugeEvent: (bytes) => `event: ping\ndata: ${JSON.stringify({ type: 'ping', padding: 'x'.repeat(bytes) })}\n\n`,
  });
  return ctx.sse(streamed);
}
