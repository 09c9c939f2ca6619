// Structured outputs: the content parses as JSON and satisfies the schema,
// plain and streamed (with the runner's `parsed` on content.done).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { BadRequestError } from "modelwire";
import { emulator, client, MODEL, chatRequests, rejection, assertApiError } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const SCHEMA = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1 },
    age: { type: "integer", minimum: 0, maximum: 120 },
    email: { type: "string", format: "email" },
    role: { type: "string", enum: ["admin", "editor", "viewer"] },
    tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 4 },
    address: {
      type: "object",
      properties: { city: { type: "string" }, zip: { type: "string" } },
      required: ["city", "zip"],
      additionalProperties: false,
    },
    active: { type: "boolean" },
  },
  required: ["name", "age", "email", "role", "tags", "address", "active"],
  additionalProperties: false,
};
const params = {
  model: MODEL,
  messages: [{ role: "user", content: "Invent a user profile." }],
  response_format: { type: "json_schema", json_schema: { name: "user_profile", schema: SCHEMA, strict: true } },
};

/**
 * A small JSON Schema check for the keywords above; returns the problems.
 * @param {any} value @param {any} schema @param {string} [at] @returns {string[]}
 */
function problems(value, schema, at = "$") {
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
  if (schema.type && !(schema.type === kind || (schema.type === "number" && kind === "integer"))) return [`${at}: ${kind}, not ${schema.type}`];
  const out = [];
  if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: not in enum`);
  if (kind === "object") {
    for (const k of schema.required ?? []) if (!(k in value)) out.push(`${at}.${k}: missing`);
    for (const [k, v] of Object.entries(value)) {
      if (schema.properties?.[k]) out.push(...problems(v, schema.properties[k], `${at}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${at}.${k}: not allowed`);
    }
  }
  if (kind === "array") {
    if (value.length < (schema.minItems ?? 0) || value.length > (schema.maxItems ?? Infinity)) out.push(`${at}: ${value.length} items`);
    value.forEach((/** @type {any} */ v, /** @type {number} */ i) => out.push(...problems(v, schema.items ?? {}, `${at}[${i}]`)));
  }
  if ((kind === "integer" || kind === "number") && (value < (schema.minimum ?? -Infinity) || value > (schema.maximum ?? Infinity))) out.push(`${at}: out of range`);
  if (kind === "string" && value.length < (schema.minLength ?? 0)) out.push(`${at}: too short`);
  if (kind === "string" && schema.format === "email" && !/^[^@\s]+@[^@\s]+$/.test(value)) out.push(`${at}: not an email`);
  return out;
}

test("the checker itself rejects a wrong object", () => {
  assert.ok(problems({ name: "", age: 200, extra: 1 }, SCHEMA).length >= 4);
});

test("create: content parses as JSON and satisfies the schema", async () => {
  const completion = await client(emu).chat.completions.create(params);
  const value = JSON.parse(completion.choices[0].message.content);
  assert.deepEqual(problems(value, SCHEMA), []);
  assert.deepEqual(chatRequests(emu)[0].body.response_format, params.response_format);
});

test("stream: the accumulated content satisfies the schema; content.done carries it parsed", async () => {
  const runner = client(emu).chat.completions.stream(params);
  let lastParsed;
  runner.on("content.delta", (e) => {
    lastParsed = e.parsed;
  });
  const done = runner.emitted("content.done");
  const content = await runner.finalContent();
  const value = JSON.parse(content ?? "");
  assert.deepEqual(problems(value, SCHEMA), []);
  const event = await done;
  assert.equal(event.content, content);
  assert.deepEqual(event.parsed, value);
  assert.deepEqual(lastParsed, value, "the last content.delta's parsed is the whole object");
});

test("json_object mode: the content is a JSON object", async () => {
  const completion = await client(emu).chat.completions.create({ ...params, response_format: { type: "json_object" } });
  const value = JSON.parse(completion.choices[0].message.content);
  assert.equal(typeof value, "object");
  assert.ok(value !== null && !Array.isArray(value));
});

test("a model without structured outputs answers 400 → BadRequestError", async () => {
  const err = await rejection(client(emu).chat.completions.create({ ...params, model: "deepseek-ai/DeepSeek-V3.1" }));
  assertApiError(err, BadRequestError, 400, emu);
  assert.match(err.message, /structured outputs/);
  assert.equal(chatRequests(emu).length, 1, "4xx is not retried");
});
