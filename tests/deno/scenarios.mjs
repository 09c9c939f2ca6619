// The checks both Deno entry scripts run (client.mjs: `../../js/web.js`;
// the by-name script deno.test.js writes: `import * as mw from "modelwire"`),
// given the module they imported and the emulator's URL. Runs under Deno only.
// Returns a plain object; the Node test asserts on its JSON.

const MODEL = "deepseek-ai/DeepSeek-V3.1";

/**
 * @param {typeof import("../../js/index.js")} mw the imported package
 * @param {string} url the emulator's base URL (no /v1)
 */
export async function run(mw, url) {
  const { Client, APIError, RateLimitError, ChatCompletionStream, Stream } = mw;
  const client = new Client({ apiKey: "deno-test-key", baseURL: `${url}/v1` });
  const messages = (/** @type {string} */ text) => [{ role: /** @type {const} */ ("user"), content: text }];
  /** @type {Record<string, unknown>} */
  const result = { runtime: { deno: Deno.version.deno, v8: Deno.version.v8 } };

  // 1. Plain create.
  {
    const completion = await client.chat.completions.create({ model: MODEL, messages: messages("What is gradient descent?") });
    result.create = {
      object: completion.object,
      model: completion.model,
      content: completion.choices[0].message.content,
      finishReason: completion.choices[0].finish_reason,
      usage: completion.usage ?? null,
      requestId: completion._request_id ?? null,
    };
  }

  // 2. create({ stream: true }): iterate the chunks, then currentCompletion().
  {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: messages("Name three prime numbers."),
      stream: true,
    });
    let chunks = 0;
    let joined = "";
    for await (const chunk of stream) {
      chunks++;
      joined += chunk.choices[0]?.delta?.content ?? "";
    }
    const current = stream.currentCompletion();
    result.stream = {
      isStream: stream instanceof Stream,
      chunks,
      joined,
      currentContent: current.choices[0].message.content,
      currentFinishReason: current.choices[0].finish_reason,
      currentUsage: current.usage ?? null,
    };
  }

  // 3. The runner: on("content") deltas against finalContent().
  {
    const runner = client.chat.completions.stream({ model: MODEL, messages: messages("Explain backpropagation briefly.") });
    /** @type {string[]} */
    const deltas = [];
    let snapshotsGrow = true;
    let last = "";
    runner.on("content", (delta, snapshot) => {
      deltas.push(delta);
      if (snapshot !== last + delta) snapshotsGrow = false;
      last = snapshot;
    });
    const finalContent = await runner.finalContent();
    result.runner = {
      isRunner: runner instanceof ChatCompletionStream,
      deltas: deltas.length,
      joined: deltas.join(""),
      finalContent,
      snapshotsGrow,
    };
  }

  // 4. A typed error: one injected 429, no retries.
  try {
    await client.chat.completions.create(
      { model: MODEL, messages: messages("hi") },
      { maxRetries: 0, headers: { "x-emulator-fault": "429:1" } },
    );
    result.error = { thrown: false };
  } catch (/** @type {any} */ err) {
    result.error = {
      thrown: true,
      name: err?.name,
      constructor: err?.constructor?.name,
      isRateLimitError: err instanceof RateLimitError,
      isAPIError: err instanceof APIError,
      status: err?.status,
      hasHeaders: err?.headers instanceof Headers,
      message: String(err?.message),
    };
  }
  return result;
}
