// Client-side validation: an invalid request is rejected with ValidationError
// (naming the field) before any network call: the emulator's log stays empty.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { ValidationError, APIError, ModelwireError } from "modelwire";
import { emulator, client, MODEL, rejection, assertNoKey } from "./helpers.js";

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());
beforeEach(() => emu.reset());

const user = { role: "user", content: "hi" };
const base = { model: MODEL, messages: [user] };

/** @type {{ name: string, params: any, field: string }[]} */
const cases = [
  { name: "empty messages", params: { model: MODEL, messages: [] }, field: "messages" },
  { name: "bad role", params: { model: MODEL, messages: [user, { role: "robot", content: "beep" }] }, field: "messages[1].role" },
  {
    name: "tool message without tool_call_id",
    params: {
      model: MODEL,
      messages: [
        user,
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", content: "42" },
      ],
    },
    field: "messages[2].tool_call_id",
  },
  { name: "temperature 3", params: { ...base, temperature: 3 }, field: "temperature" },
  {
    name: "empty json_schema.name",
    params: { ...base, response_format: { type: "json_schema", json_schema: { name: "", schema: { type: "object" } } } },
    field: "response_format.json_schema.name",
  },
  {
    name: "tool parameters not an object (string)",
    params: { ...base, tools: [{ type: "function", function: { name: "f", parameters: "{}" } }] },
    field: "tools[0].function.parameters",
  },
  {
    name: "tool parameters not an object (array), second tool",
    params: {
      ...base,
      tools: [
        { type: "function", function: { name: "ok", parameters: { type: "object", properties: {} } } },
        { type: "function", function: { name: "f", parameters: [] } },
      ],
    },
    field: "tools[1].function.parameters",
  },
];

for (const { name, params, field } of cases) {
  for (const mode of ["create", "create stream", "runner"]) {
    test(`${name} → ValidationError(${field}) before any request (${mode})`, async () => {
      const c = client(emu);
      /** @type {any} */
      let err;
      if (mode === "create") err = await rejection(c.chat.completions.create(params));
      else if (mode === "create stream") err = await rejection(c.chat.completions.create({ ...params, stream: true }));
      else err = await rejection(c.chat.completions.stream(params).finalChatCompletion());
      assert.ok(err instanceof ValidationError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.ok(err instanceof ModelwireError);
      assert.ok(!(err instanceof APIError), "not an APIError: no request was made");
      assert.equal(err.name, "ValidationError");
      assert.equal(err.field, field);
      assert.ok(err.message.includes(field), `message names the field: ${err.message}`);
      assertNoKey(err);
      assert.deepEqual(emu.log(), [], "no request reached the server");
    });
  }
}

test("a valid request next to them does reach the server (the log can fill)", async () => {
  await client(emu).chat.completions.create(base);
  assert.equal(emu.log().length, 1);
});

test("temperature at the bounds 0 and 2 is accepted", async () => {
  await client(emu).chat.completions.create({ ...base, temperature: 0 });
  await client(emu).chat.completions.create({ ...base, temperature: 2 });
  assert.equal(emu.log().length, 2);
});
