// Runs examples/catalog/*.mjs (the README's catalog and cost examples) as a user would,
// against the emulator, and checks what they print and what they sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { KEY, emulator } from "./helpers.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator();
});
after(() => emu.close());

/** @param {string} name @returns {Promise<string[]>} stdout lines */
function run(name) {
  emu.clearLog();
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [join("examples", "catalog", name)],
      { cwd: REPO, timeout: 30_000, env: { ...process.env, BASETEN_API_KEY: KEY, MODELWIRE_BASE_URL: `${emu.url}/v1` } },
      (error, stdout, stderr) => (error ? fail(new Error(`${name}: ${error.message}\n${stderr}`)) : done(stdout.trim().split("\n"))),
    );
  });
}

test("models.mjs: lists prices, retrieves from the cache, refuses the image before sending", async () => {
  const lines = await run("models.mjs");
  assert.ok(lines.includes("deepseek-ai/DeepSeek-V4-Pro: context 131072, input 0.00000174 / output 0.00000348 USD per token, tools json_mode structured_outputs reasoning"), lines.join("\n"));
  assert.ok(lines.some((l) => l.startsWith("nvidia/Nemotron-120B-A12B: context 202752, input unknown / output unknown")));
  assert.ok(lines.includes("GLM 5 accepts text"));
  assert.ok(lines.includes("refused before sending: model zai-org/GLM-5 does not support vision (image input) (feature vision)"), lines.join("\n"));
  assert.deepEqual(emu.log().map((e) => e.path), ["/v1/models"], "one catalog request, nothing else");
});

test("cost.mjs: costs on results, running cost, cost(), the meter", async () => {
  const lines = await run("cost.mjs");
  const text = lines.join("\n");
  assert.match(text, /^create: 0\.\d+ USD/m);
  assert.match(text, /^stream: 0\.\d+ USD after \d+ usage updates/m);
  assert.match(text, /^messages: 0\.\d+ USD/m);
  // 200 × 0.00000174 + 800 × 0.000000145 + 200 × 0.00000348 = 0.000348 + 0.000116 + 0.000696
  assert.ok(lines.includes("cost(): 0.00116 USD"), text);
  assert.match(text, /^meter: 0\.\d+ USD over 3 requests \(0 unpriced\)$/m);
  const paths = emu.log().map((e) => e.path);
  assert.deepEqual(paths, ["/v1/models", "/v1/chat/completions", "/v1/chat/completions", "/v1/messages"]);
});
