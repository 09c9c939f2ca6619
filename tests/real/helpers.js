// Shared fixtures for the tests against the real llama-server (tests/real/*.test.js).
import { startRealServer, MODEL } from "../../real-server/index.js";

export { MODEL };
export const API_KEY = "modelwire-real-test-key";

/** Start one server per test file, with --api-key set so auth errors can be tested. */
export function startServer() {
  return startRealServer({ apiKey: API_KEY });
}

/** A fetch that records the headers of every request (to check where auth goes). */
export function recordingFetch(log) {
  return async (input, init = {}) => {
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    log.push({ url: String(input instanceof Request ? input.url : input), headers });
    return fetch(input, init);
  };
}

// One small tool, described the same way for both protocols.
export const WEATHER_SCHEMA = {
  type: "object",
  properties: {
    city: { type: "string", description: "City name, e.g. Paris" },
  },
  required: ["city"],
};
export const WEATHER_TOOL_OPENAI = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Get the current weather in a city",
    parameters: WEATHER_SCHEMA,
  },
};
export const WEATHER_TOOL_ANTHROPIC = {
  name: "get_weather",
  description: "Get the current weather in a city",
  input_schema: WEATHER_SCHEMA,
};
export const WEATHER_QUESTION = "What is the weather like in Paris right now?";
export const WEATHER_RESULT = JSON.stringify({ city: "Paris", temperature_c: 18, conditions: "sunny" });

// A JSON schema the output must follow (bounded, so a tiny model cannot ramble inside a string).
export const PERSON_SCHEMA = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 40 },
    age: { type: "integer", minimum: 0, maximum: 150 },
  },
  required: ["name", "age"],
  additionalProperties: false,
};

/** Minimal check that `value` matches PERSON_SCHEMA. */
export function assertPerson(assert, value) {
  assert.equal(typeof value, "object");
  assert.ok(value !== null && !Array.isArray(value), "an object");
  assert.deepEqual(Object.keys(value).sort(), ["age", "name"]);
  assert.equal(typeof value.name, "string");
  assert.ok(value.name.length >= 1 && value.name.length <= 40, `name length ${value.name.length}`);
  assert.ok(Number.isInteger(value.age) && value.age >= 0 && value.age <= 150, `age ${value.age}`);
}

/**
 * Wraps a fetch so every request asks for its own connection (`Connection: close`).
 * llama-server answers a streamed (SSE) request with `Keep-Alive: timeout=5, max=100` but closes
 * the socket once the stream ends; undici pools it anyway, and the next request that picks it
 * fails now and then with `UND_ERR_SOCKET` "other side closed" (seen with openai-node alone:
 * 29 of 150 stream-after-stream requests). Without keep-alive there is nothing stale to reuse.
 */
export function freshConnectionFetch(inner = (input, init) => fetch(input, init)) {
  return (input, init = {}) => {
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("connection", "close");
    return inner(input, { ...init, headers });
  };
}

/** Runs every check, then fails with all the failures (so one mismatch does not hide the next). */
export function allOf(checks) {
  const failures = [];
  for (const check of checks) {
    try {
      check();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    throw new AggregateError(failures, failures.map((e) => e.message.split("\n")[0]).join(" | ") +
      "\n\n" + failures.map((e) => e.message).join("\n\n"));
  }
}

/** Every item of an async iterable (chunks or events), in order. @param {AsyncIterable<any>} stream */
export async function collect(stream) {
  const items = [];
  for await (const item of stream) items.push(item);
  return items;
}
