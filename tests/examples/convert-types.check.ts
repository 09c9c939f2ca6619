// Type-checks the conversion API as README shows it (tsc --strict, never run).
import { Client, ConversionError, ModelwireError, convert } from "modelwire";
import type { ChatCompletionCreateParamsNonStreaming, Conversion, Loss, MessageCreateParams } from "modelwire";

const client = new Client({ apiKey: "k", protocol: "messages", strictConversion: true });
const params: ChatCompletionCreateParamsNonStreaming = { model: "m", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] };

export async function check(): Promise<void> {
  const completion = await client.chat.completions.create(params, { protocol: "messages", strictConversion: ["dropped"] });
  const conversion: Conversion | undefined = completion._conversion;
  const lost: Loss[] = conversion?.request ?? [];
  const runner = client.chat.completions.stream(params);
  const viaRunner: "chat" | "messages" | undefined = runner.conversion?.via;
  const stream = await client.chat.completions.create({ ...params, stream: true });
  const streamed: Loss[] | undefined = stream.conversion?.response;

  const { value, dropped } = convert.chatToMessagesRequest(params);
  const back: MessageCreateParams = value;
  const kinds: ("dropped" | "approximated" | "unsupported" | "reshaped")[] = dropped.map((l) => l.kind);
  const chat = convert.messagesToChatResponse(await new Client({ protocol: "chat" }).messages.create({ ...back, stream: false }));
  const text: string | null | undefined = chat.value.choices[0].message.content;

  const converter = convert.chatToMessagesStream();
  for await (const chunk of stream) for (const event of converter.push(chunk)) if (event.type === "message_stop") break;
  converter.finish();
  try {
    convert.messagesToChatRequest(back);
  } catch (err) {
    if (err instanceof ConversionError && err instanceof ModelwireError) console.log(err.code, err.dropped);
  }
  console.log(lost, viaRunner, streamed, kinds, text);
}
