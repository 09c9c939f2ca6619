// POST /v1/chat/completions (OpenAI shape), plain and SSE, with Baseten's streaming quirks.
import { randomBytes } from 'node:crypto';
import { validation, unsupported } from './errors.js';
import { seedFrom } from './generate.js';
import { planReply, promptTokens } from './plan.js';
import { applyStreamFaults } from './faults.js';
import { quirksFor } from './quirks.js';

/** @param {any} v */
const isObj = (v) => v != null && typeof v === 'object' && !Array.isArray(v);

/**
 * Text of a message's content (string or parts); images become a placeholder.
 * @param {any} content
 */
export function chatText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (p?.type === 'text' ? String(p.text ?? '') : `[${p?.type ?? 'part'}]`)).join('\n');
}

const MEDIA = { image_url: 'image', input_image: 'image', input_audio: 'audio', audio_url: 'audio', video_url: 'video', file: 'file' };

/**
 * Validate the request the way Baseten does (400 Validation shape) and normalise it.
 * @param {any} b body
 * @param {import('./catalog.js').CatalogModel} model
 */
export function parseChatRequest(b, model) {
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw validation('messages must be a non-empty array');
  for (const [i, m] of b.messages.entries()) {
    if (!isObj(m) || !['system', 'developer', 'user', 'assistant', 'tool', 'function'].includes(m.role)) {
      throw validation(`messages[${i}].role must be one of system, developer, user, assistant, tool`);
    }
    if (m.role === 'tool' && typeof m.tool_call_id !== 'string') throw validation(`messages[${i}].tool_call_id is required for tool messages`);
    if (Array.isArray(m.content)) {
      for (const p of m.content) {
        const kind = MEDIA[/** @type {keyof MEDIA} */ (p?.type)];
        if (kind && !model.input_modalities.includes(kind)) {
          throw unsupported(`This model does not support multimodal ${kind} inputs.`);
        }
      }
    }
  }
  if (b.n != null && b.n !== 1) throw validation('n must be 1: only one choice per request is supported');
  if (b.temperature != null && (typeof b.temperature !== 'number' || b.temperature < 0 || b.temperature > 2)) {
    throw validation('temperature must be a number between 0 and 2');
  }
  if (b.top_p != null && (typeof b.top_p !== 'number' || b.top_p <= 0 || b.top_p > 1)) throw validation('top_p must be in (0, 1]');
  const maxTokens = b.max_completion_tokens ?? b.max_tokens ?? null;
  if (maxTokens != null && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw validation('max_tokens / max_completion_tokens must be a positive integer');
  }
  if (maxTokens != null && maxTokens > model.max_completion_tokens) {
    throw validation(`max_tokens must be at most ${model.max_completion_tokens} for ${model.id}`);
  }
  let stop = b.stop ?? [];
  if (typeof stop === 'string') stop = [stop];
  if (!Array.isArray(stop) || stop.length > 4 || stop.some((s) => typeof s !== 'string')) {
    throw validation('stop must be a string or an array of up to 4 strings');
  }

  /** @type {import('./plan.js').PlanInput['format']} */
  let format = null;
  const rf = b.response_format;
  if (rf != null) {
    if (!isObj(rf) || !['text', 'json_object', 'json_schema'].includes(rf.type)) {
      throw validation('response_format.type must be one of text, json_object, json_schema');
    }
    if (rf.type === 'json_schema') {
      if (!isObj(rf.json_schema) || typeof rf.json_schema.name !== 'string' || rf.json_schema.name === '') {
        throw validation('response_format.json_schema.name must be a non-empty string');
      }
      if (!model.supported_features.includes('structured_outputs')) {
        throw validation(`${model.id} does not support structured outputs (response_format json_schema)`);
      }
      format = { type: 'json_schema', schema: rf.json_schema.schema ?? {} };
    } else if (rf.type === 'json_object') {
      if (!model.supported_features.includes('json_mode')) throw validation(`${model.id} does not support JSON mode`);
      // Legacy form from the seeds: json_object carrying a json_schema.
      format = { type: 'json_object', schema: isObj(rf.json_schema) ? rf.json_schema.schema : undefined };
    }
  }

  const tools = [];
  if (b.tools != null) {
    if (!Array.isArray(b.tools)) throw validation('tools must be an array');
    for (const [i, t] of b.tools.entries()) {
      if (!isObj(t) || t.type !== 'function' || !isObj(t.function) || typeof t.function.name !== 'string' || !t.function.name) {
        throw validation(`tools[${i}] must be {"type":"function","function":{"name":...}}`);
      }
      tools.push({ name: t.function.name, description: t.function.description, schema: t.function.parameters });
    }
  }
  /** @type {import('./plan.js').ToolChoice} */
  let toolChoice = 'auto';
  const tc = b.tool_choice;
  if (tc != null) {
    if (typeof tc === 'string' && ['auto', 'none', 'required'].includes(tc)) toolChoice = /** @type {any} */ (tc);
    else if (isObj(tc) && tc.type === 'function' && typeof tc.function?.name === 'string') {
      if (!tools.some((t) => t.name === tc.function.name)) throw validation(`tool_choice names an unknown tool: ${tc.function.name}`);
      toolChoice = { name: tc.function.name };
    } else throw validation('tool_choice must be "none", "auto", "required" or {"type":"function","function":{"name":...}}');
    if (toolChoice === 'required' && !tools.length) throw validation('tool_choice "required" needs tools');
  }

  const thinkingArg = b.chat_template_args?.enable_thinking ?? b.chat_template_kwargs?.enable_thinking;
  const reasoningOn = model.reasoning === 'default' ? thinkingArg !== false : model.reasoning === 'opt-in' && thinkingArg === true;

  const last = b.messages[b.messages.length - 1];
  const lastUser = [...b.messages].reverse().find((m) => m.role === 'user');
  const segments = [];
  if (tools.length) segments.push(JSON.stringify(b.tools));
  for (const m of b.messages) {
    segments.push(`${m.role}: ${chatText(m.content)}${m.tool_calls ? JSON.stringify(m.tool_calls) : ''}`);
  }
  return {
    stream: b.stream === true,
    segments,
    plan: {
      seed: seedFrom(model.id, JSON.stringify(b.messages), JSON.stringify(tools.map((t) => t.name)), JSON.stringify(rf ?? null), String(b.seed ?? '')),
      prompt: chatText(lastUser?.content ?? ''),
      toolResult: last.role === 'tool' ? chatText(last.content) : null,
      tools,
      toolChoice,
      parallel: b.parallel_tool_calls !== false,
      format,
      reasoning: reasoningOn ? { effort: String(b.reasoning_effort ?? 'medium') } : null,
      maxTokens,
      stop,
    },
  };
}

/**
 * @param {import('./context.js').Ctx} ctx
 * @param {{ model: import('./catalog.js').CatalogModel, modelName?: string }} opts
 */
export async function handleChat(ctx, opts) {
  const b = ctx.json();
  if (!isObj(b)) throw validation('request body must be a JSON object');
  const { model } = opts;
  const req = parseChatRequest(b, model);
  const state = ctx.state;
  const tokens = promptTokens(req.segments);
  const cached = state.cache.use(`${ctx.caller?.fingerprint}|${model.id}`, tokens);
  const plan = planReply({ ...req.plan, seed: req.plan.seed ^ state.options.seed });
  state.spend(ctx, tokens.length + plan.completionTokens);

  const id = 'chatcmpl-' + randomBytes(12).toString('hex');
  const created = Math.floor(Date.now() / 1000);
  const modelName = opts.modelName ?? model.id;
  const callIds = plan.toolCalls.map((_, i) => 'call_' + seedFrom(String(req.plan.seed), String(i)).toString(16).padStart(8, '0') + randomBytes(4).toString('hex'));
  const usage = (/** @type {number} */ completion, /** @type {number} */ reasoning) => ({
    prompt_tokens: tokens.length,
    completion_tokens: completion,
    total_tokens: tokens.length + completion,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: reasoning },
  });
  const reasoningKeys = model.alsoReasoningField ? ['reasoning_content', 'reasoning'] : ['reasoning_content'];

  if (!req.stream) {
    /** @type {any} */
    const message = { role: 'assistant' };
    if (plan.content) message.content = plan.content.join('');
    else if (plan.toolCalls.length) message.content = null;
    // else: cut while reasoning, no `content` key at all (seen on Baseten).
    if (plan.reasoning.length) for (const k of reasoningKeys) message[k] = plan.reasoning.join('');
    if (plan.toolCalls.length) {
      message.tool_calls = plan.toolCalls.map((c, i) => ({ id: callIds[i], type: 'function', function: { name: c.name, arguments: c.args } }));
    }
    return ctx.reply(200, {
      id, object: 'chat.completion', created, model: modelName,
      choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finish, stop_reason: plan.stopSequence }],
      usage: usage(plan.completionTokens, plan.reasoningTokens),
    });
  }

  const quirks = quirksFor(ctx, state.options.quirks);
  const so = b.stream_options ?? {};
  // Baseten defaults include_usage and continuous_usage_stats to true (quirks on).
  const includeUsage = so.include_usage ?? quirks.usageEveryChunk;
  const continuous = includeUsage && (so.continuous_usage_stats ?? quirks.usageEveryChunk);
  let done = 0;
  let doneReasoning = 0;
  /** @type {string[]} */
  const events = [];
  const chunk = (/** @type {any} */ delta, /** @type {string|null} */ finish = null, /** @type {any} */ extra = {}) => {
    /** @type {any} */
    const choice = { index: 0, delta, logprobs: null, finish_reason: finish };
    if (finish) choice.stop_reason = plan.stopSequence;
    const body = { id, object: 'chat.completion.chunk', created, model: modelName, choices: [choice], ...extra };
    // Without continuous usage the key is left out, as in OpenAI's own recordings.
    if (continuous) body.usage = usage(done, doneReasoning);
    events.push(`data: ${JSON.stringify(body)}\n\n`);
  };

  chunk(plan.content ? { role: 'assistant', content: '' } : { role: 'assistant' });
  for (const t of plan.reasoning) {
    done++; doneReasoning++;
    chunk(Object.fromEntries(reasoningKeys.map((k) => [k, t])));
  }
  const content = plan.content ?? [];
  const early = quirks.finishBeforeLastContent && content.length >= 2;
  for (const [i, t] of content.entries()) {
    if (early && i === content.length - 1) chunk({}, plan.finish);
    done++;
    chunk({ content: t });
  }
  plan.toolCalls.forEach((c, i) => {
    chunk({ tool_calls: [{ index: i, id: callIds[i], type: 'function', function: { name: c.name, arguments: '' } }] });
    for (const f of c.fragments) {
      done++;
      const call = quirks.repeatToolCallId
        ? { index: i, id: callIds[i], type: 'function', function: { name: null, arguments: f } }
        : { index: i, function: { arguments: f } };
      chunk({ tool_calls: [call] });
    }
  });
  if (!early) chunk({}, plan.finish);
  let tail = 1;
  if (includeUsage) {
    events.push(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelName, choices: [], usage: usage(plan.completionTokens, plan.reasoningTokens) })}\n\n`);
    tail++;
  }
  events.push('data: [DONE]\n\n');

  const streamed = applyStreamFaults(events, ctx.faults, {
    tail,
    errorEvent: (shape) => {
      const err = { error: { message: 'Internal server error: generation stopped unexpectedly', type: 'internal_server_error', code: 500 } };
      return shape === 'event' ? `event: error\ndata: ${JSON.stringify(err)}\n\n` : `data: ${JSON.stringify(err)}\n\n`;
    },
    hugeEvent: (bytes) => `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelName, choices: [{ index: 0, delta: { content: 'x'.repeat(bytes) }, logprobs: null, finish_reason: null }] })}\n\n`,
  });
  return ctx.sse(streamed);
}

