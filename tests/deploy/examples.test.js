// Runs examples/deploy/*.mjs as a user would (`node examples/deploy/x.mjs` with
// BASETEN_API_KEY), pointed at the emulator with MODELWIRE_DEPLOYMENT_BASE_URL,
// and checks what they print and what they sent. They are the README's examples.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { emulator, KEY, MODEL, SECRET } from "./helpers.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** @type {Awaited<ReturnType<typeof emulator>>} */
let emu;
before(async () => {
  emu = await emulator({ servedModelName: "Qwen/Qwen2.5-3B-Instruct" });
});
after(() => emu.close());

/** @param {string} name @param {Record<string, string>} [env] @returns {Promise<{ code: number, stdout: string, stderr: string }>} */
function run(name, env = {}) {
  emu.clearLog();
  return new Promise((done) => {
    execFile(
      process.execPath,
      [`examples/deploy/${name}`],
      { cwd: REPO, timeout: 30_000, env: { ...process.env, BASETEN_API_KEY: KEY, MODEL_ID: MODEL, MODELWIRE_DEPLOYMENT_BASE_URL: `${emu.url}/model/{model_id}`, ...env } },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

test("every deployment example is covered below", () => {
  assert.deepEqual(readdirSync(new URL("../../examples/deploy/", import.meta.url)).sort(), ["async-webhook.mjs", "node-http.d.ts", "openai.mjs", "predict.mjs"]);
});

test("predict.mjs: predict and a streamed predict", async () => {
  const { code, stdout, stderr } = await run("predict.mjs");
  assert.equal(code, 0, stderr);
  const output = JSON.parse(/** @type {string} */ (stdout.split("\n").find((l) => l.startsWith("output: "))).slice(8));
  assert.match(output.output, /^About Hello,? world/);
  assert.match(stdout, /^streamed: About Tell me a story/m);
  assert.deepEqual(emu.log().map((e) => `${e.method} ${e.path} ${e.headers.authorization.split(" ")[0]}`), [
    `POST /model/${MODEL}/environments/production/predict Api-Key`,
    `POST /model/${MODEL}/environments/production/predict Api-Key`,
  ]);
  assert.ok(!stdout.includes(KEY) && !stderr.includes(KEY));
});

test("openai.mjs: chat.completions stream on /sync/v1, and a sync route", async () => {
  const { code, stdout, stderr } = await run("openai.mjs");
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^About What is the capital of France/);
  assert.match(stdout, /^health: 200 \{"status":"ok"\}$/m);
  assert.deepEqual(emu.log().map((e) => e.path), [`/model/${MODEL}/environments/production/sync/v1/chat/completions`, `/model/${MODEL}/environments/production/sync/health`]);
});

test("async-webhook.mjs: queued, polled to SUCCEEDED, the webhook verified", async () => {
  const { code, stdout, stderr } = await run("async-webhook.mjs", { BASETEN_WEBHOOK_SECRET: SECRET, POLL_MS: "5", WEBHOOK_WAIT_MS: "5000" });
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  assert.match(stdout, /^queued: [0-9a-f]{32}$/m);
  assert.match(stdout, /^final: SUCCEEDED \[\]$/m);
  assert.match(stdout, /^webhook: verified \{"output":"About Summarise the history/m);
  const submit = emu.log().find((e) => e.path.endsWith("/async_predict"));
  assert.equal(submit.body.priority, 1);
  assert.deepEqual(submit.body.inference_retry_config, { max_attempts: 3, initial_delay_ms: 1000, max_delay_ms: 5000 });
});

test("async-webhook.mjs with the wrong secret: the webhook is refused", async () => {
  const { code, stdout } = await run("async-webhook.mjs", { BASETEN_WEBHOOK_SECRET: "whsec_not_it", POLL_MS: "5", WEBHOOK_WAIT_MS: "300" });
  assert.match(stdout, /^refused webhook: mismatch$/m);
  assert.match(stdout, /^no verified webhook within 300 ms$/m);
  assert.equal(code, 1);
});
