// Compile-only checks of js/messages-types.d.ts and the Messages declarations of js/index.d.ts,
// through the public entry (run by `tsc -p tsconfig.json`).
// Each `@ts-expect-error` line must stay an error: tsc fails if it starts to compile.
import {
  APIUserAbortError,
  StreamError,
  type ChatCompletion,
  type Client,
  type ContentBlock,
  type ContentBlockParam,
  type Message,
  type MessageCreateParams,
  type MessageCreateParamsNonStreaming,
  type MessageParam,
  type MessageStream,
  type RawMessageStreamEvent,
  type StopReason,
  type StreamErrorCode,
  type Tool,
  type ToolChoice,
  type UnknownMessageStreamEvent,
  type Usage,
} from "modelwire";

declare const client: Client;

const tools: Tool[] = [
  {
    name: "get_weather",
    description: "Get the current weather",
    input_schema: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  },
];

export async function roundTrip(): Promise<void> {
  const messages: MessageParam[] = [
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this image, and what's the weather there?" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
        { type: "image", source: { type: "url", url: "https://example.com/a.jpg" } },
      ],
    },
  ];
  const response = await client.messages.create({
    model: "moonshotai/Kimi-K2.5",
    max_tokens: 4096,
    system: [{ type: "text", text: "You are terse." }],
    messages,
    tools,
    tool_choice: { type: "auto", disable_parallel_tool_use: true },
    temperature: 0.5,
    top_p: 0.9,
    top_k: 40,
    stop_sequences: ["\n\nHuman:"],
    metadata: { user_id: "u-1" },
    thinking: { type: "enabled", budget_tokens: 2048 },
    chat_template_args: { enable_thinking: true },
    output_config: { effort: "low", format: { type: "json_schema", schema: { type: "object" } } },
    a_parameter_from_the_future: { anything: true },
  });
  const id: string | null | undefined = response._request_id;
  const stop: StopReason | null = response.stop_reason;
  const usage: Usage = response.usage;
  const cached: number | null | undefined = usage.cache_read_input_tokens;
  void [id, stop, cached, usage.cache_creation_input_tokens, response.some_server_extra];

  // The reply goes back into the conversation as it is (thinking blocks and signatures included).
  messages.push({ role: "assistant", content: response.content });
  const results: ContentBlockParam[] = [];
  for (const block of response.content) {
    switch (block.type) {
      case "text":
        void [block.text, block.citations?.[0]?.cited_text];
        break;
      case "thinking":
        void [block.thinking, block.signature];
        break;
      case "redacted_thinking":
        void block.data;
        break;
      case "tool_use":
        results.push({ type: "tool_result", tool_use_id: block.id, content: JSON.stringify(block.input), is_error: false });
        break;
    }
  }
  messages.push({ role: "user", content: results });

  // Other forms: output_format (older spelling), every tool_choice, thinking off / adaptive.
  const choices: ToolChoice[] = [{ type: "any" }, { type: "tool", name: "get_weather" }, { type: "none" }];
  for (const tool_choice of choices) {
    await client.messages.create({ model: "m", max_tokens: 16, messages, tools, tool_choice, thinking: { type: "disabled" } });
  }
  await client.messages.create({
    model: "m",
    max_tokens: 16,
    messages: [{ role: "user", content: "Hello!" }],
    output_format: { type: "json_schema", schema: {} },
    thinking: { type: "adaptive" },
  });
}

export async function streaming(params: MessageCreateParams): Promise<string> {
  const stream = await client.messages.create({ ...params, stream: true });
  let text = "";
  for await (const event of stream) {
    switch (event.type) {
      case "message_start":
        void event.message.usage.input_tokens;
        break;
      case "content_block_start":
        void event.content_block.type;
        break;
      case "content_block_delta":
        if (event.delta.type === "text_delta") text += event.delta.text;
        else if (event.delta.type === "input_json_delta") void event.delta.partial_json;
        else if (event.delta.type === "thinking_delta") void event.delta.thinking;
        else if (event.delta.type === "signature_delta") void event.delta.signature;
        else if (event.delta.type === "citations_delta") void event.delta.citation.cited_text;
        break;
      case "message_delta":
        void [event.delta.stop_reason, event.usage.output_tokens];
        break;
      case "content_block_stop":
      case "message_stop":
        break;
      default: {
        // A type outside the union: yielded as it came.
        const unknown = event as UnknownMessageStreamEvent;
        void unknown.type;
        void unknown;
      }
    }
  }
  const message: Message = stream.currentMessage();
  void message;
  return text;
}

export async function runner(): Promise<Message> {
  const stream: MessageStream = client.messages.stream({
    model: "zai-org/GLM-4.7",
    max_tokens: 4096,
    messages: [{ role: "user", content: "Hi" }],
    tools,
  });
  stream
    .on("connect", () => {})
    .on("streamEvent", (event: RawMessageStreamEvent, snapshot: Message) => void [event.type, snapshot.content])
    .on("text", (delta: string, snapshot: string) => void [delta, snapshot])
    .on("thinking", (delta: string, snapshot: string) => void [delta, snapshot])
    .on("signature", (signature: string) => void signature)
    .on("inputJson", (partial: string, json: unknown) => void [partial, json])
    .on("citation", (citation) => void citation.cited_text)
    .on("contentBlock", (block: ContentBlock) => void block.type)
    .on("usage", (usage) => void usage.output_tokens)
    .on("unknownEvent", (type: string, data: string) => void [type, data])
    .on("message", (message) => void message.id)
    .on("error", (error) => {
      if (error instanceof StreamError) {
        const code: StreamErrorCode = error.code;
        const partial: ChatCompletion | Message | undefined = error.partial;
        void [code, partial];
      }
    })
    .on("abort", (error: APIUserAbortError) => void error.partial)
    .on("end", () => {});
  const snapshot: Message | undefined = stream.currentMessage;
  const first: Message = await stream.emitted("finalMessage");
  const text: string = await stream.finalText();
  for await (const event of stream) void event.type;
  void [snapshot, first, text, stream.toReadableStream(), stream.controller.signal];
  return stream.finalMessage();
}

export function rejected(messages: MessageParam[]): void {
  // @ts-expect-error max_tokens is required
  const noMax: MessageCreateParams = { model: "m", messages };
  // @ts-expect-error a non-streaming request cannot say stream: true
  const streamingParams: MessageCreateParamsNonStreaming = { model: "m", max_tokens: 1, messages, stream: true };
  // @ts-expect-error a system prompt is not a message role
  const systemRole: MessageParam = { role: "system", content: "x" };
  // @ts-expect-error a tool needs input_schema
  const noSchema: Tool = { name: "f" };
  // @ts-expect-error tool_choice "tool" needs the name
  const noName: ToolChoice = { type: "tool" };
  // @ts-expect-error tool_choice is an object, not OpenAI's string
  const stringChoice: MessageCreateParams = { model: "m", max_tokens: 1, messages, tool_choice: "auto" };
  // @ts-expect-error a tool result needs tool_use_id
  const noUseId: ContentBlockParam = { type: "tool_result", content: "x" };
  // @ts-expect-error thinking type is enabled / disabled / adaptive
  const badThinking: MessageCreateParams = { model: "m", max_tokens: 1, messages, thinking: { type: "on" } };
  // @ts-expect-error image sources are base64 or url
  const badImage: ContentBlockParam = { type: "image", source: { type: "file", file_id: "f" } };
  // @ts-expect-error not an event of the map
  client.messages.stream({ model: "m", max_tokens: 1, messages }).on("content", () => {});
  void [noMax, streamingParams, systemRole, noSchema, noName, stringChoice, noUseId, badThinking, badImage];
}
