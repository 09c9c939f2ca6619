// Compile-only checks of js/chat-types.d.ts through the public entry (run by `tsc -p tsconfig.json`).
// Each `@ts-expect-error` line must stay an error: tsc fails if it starts to compile.
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  Client,
  CompletionUsage,
} from "modelwire";

declare const client: Client;

export async function roundTrip(): Promise<void> {
  const messages: ChatCompletionMessageParam[] = [
    { role: "system", content: "You are terse." },
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this image?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "auto" } },
      ],
    },
  ];
  const response = await client.chat.completions.create({
    model: "moonshotai/Kimi-K2.5",
    messages,
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }],
    tool_choice: { type: "function", function: { name: "f" } },
    parallel_tool_calls: false,
    chat_template_args: { enable_thinking: true },
    reasoning_effort: "high",
    top_k: -1,
    min_p: 0.05,
    repetition_penalty: 1.1,
    stop: ["\n\n"],
    seed: 7,
    max_completion_tokens: 256,
    logprobs: true,
    top_logprobs: 2,
    response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" }, strict: true } },
    a_parameter_from_the_future: { anything: true },
  });
  const message = response.choices[0].message;
  // A response message goes back into the conversation as it is.
  messages.push(message);
  for (const call of message.tool_calls ?? []) {
    messages.push({ role: "tool", tool_call_id: call.id, name: call.function.name, content: call.function.arguments });
  }
  const reasoning: string | null | undefined = message.reasoning_content ?? message.reasoning;
  const cached: number | null | undefined = response.usage?.prompt_tokens_details?.cached_tokens;
  const thinking: number | null | undefined = response.usage?.completion_tokens_details?.reasoning_tokens;
  const extras: unknown[] = [response.timings, response.choices[0].stop_reason, response._request_id];
  void [reasoning, cached, thinking, extras];

  // The legacy Baseten form of JSON mode with a schema.
  await client.chat.completions.create({
    model: "zai-org/GLM-5",
    messages,
    response_format: { type: "json_object", json_schema: { name: "user_details", schema: {}, strict: true } },
  });
}

export async function streaming(params: ChatCompletionCreateParams): Promise<CompletionUsage | null | undefined> {
  const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true, continuous_usage_stats: true } });
  let usage: CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    const choice: ChatCompletionChunk.Choice | undefined = chunk.choices[0];
    const delta: ChatCompletionChunk.Choice.Delta | undefined = choice?.delta;
    const call: ChatCompletionChunk.Choice.Delta.ToolCall | undefined = delta?.tool_calls?.[0];
    void [delta?.content, delta?.reasoning_content, call?.function?.arguments, choice?.finish_reason];
    usage = chunk.usage ?? usage;
  }
  const completion: ChatCompletion = stream.currentCompletion();
  const choice: ChatCompletion.Choice | undefined = completion.choices[0];
  void choice;
  return usage;
}

/** A long stream in constant memory: every chunk, nothing kept. */
export async function longStream(params: ChatCompletionCreateParams): Promise<number> {
  const stream = await client.chat.completions.create({ ...params, stream: true }, { accumulate: false, signal: null });
  let characters = 0;
  for await (const chunk of stream) characters += chunk.choices[0]?.delta?.content?.length ?? 0;
  return characters;
}

export function rejected(messages: ChatCompletionMessageParam[]): void {
  // @ts-expect-error a non-streaming request cannot say stream: true
  const streamingParams: ChatCompletionCreateParamsNonStreaming = { model: "m", messages, stream: true };
  // @ts-expect-error unknown role
  const badRole: ChatCompletionMessageParam = { role: "robot", content: "x" };
  // @ts-expect-error a tool result needs tool_call_id
  const noCallId: ChatCompletionMessageParam = { role: "tool", content: "x" };
  // @ts-expect-error temperature is a number
  const badTemperature: ChatCompletionCreateParams = { model: "m", messages, temperature: "hot" };
  // @ts-expect-error json_schema needs a name
  const noName: ChatCompletionCreateParams = { model: "m", messages, response_format: { type: "json_schema", json_schema: { schema: {} } } };
  // @ts-expect-error tool_choice is none/auto/required or a named function
  const badChoice: ChatCompletionCreateParams = { model: "m", messages, tool_choice: "sometimes" };
  void [streamingParams, badRole, noCallId, badTemperature, noName, badChoice];
}
