// verifyWebhook and client.deployment() inside workerd (the package's workerd
// entry), next to the emulator. The workerd config is written at run time and
// lists every module of js/, so it follows the package as it grows.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createHmac } from "node:crypto";
import { startEmulator } from "../../emulator/index.js";
import { workerdBinary } from "../../worker/run.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const SECRETS = ["whsec_worker_old_5e4d3c2b", "whsec_worker_new_1a2b3c4d"];
const KEY = "mw-worker-deploy-key-6f5e4d3c2b1a";
const sign = (/** @type {string} */ secret, /** @type {string | Buffer} */ body) => "v1=" + createHmac("sha256", secret).update(body).digest("hex");

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** @type {{ url: string, close: () => Promise<void>, output: () => string }} */
let worker;
/** @type {string} */
let dir;

/** Starts workerd with a config listing js/*.js, pkg/web and the test worker. */
async function startTestWorker() {
  dir = mkdtempSync(join(tmpdir(), "mw-webhook-worker-"));
  // workerd resolves `embed` relative to the config file.
  const at = (/** @type {string} */ path) => relative(dir, join(root, path));
  const modules = [`(name = "tests/worker/webhook/index.js", esModule = embed "${at("tests/worker/webhook/index.js")}")`];
  for (const file of readdirSync(join(root, "js")).filter((f) => f.endsWith(".js"))) {
    modules.push(`(name = "js/${file}", esModule = embed "${at(`js/${file}`)}")`);
  }
  modules.push(`(name = "pkg/web/modelwire.js", esModule = embed "${at("pkg/web/modelwire.js")}")`);
  modules.push(`(name = "pkg/web/modelwire_bg.wasm", wasm = embed "${at("pkg/web/modelwire_bg.wasm")}")`);
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")}
  ],
  compatibilityDate = "2026-10-23",
  bindings = [
    (name = "WEBHOOK_SECRET", fromEnvironment = "WEBHOOK_SECRET"),
    (name = "BASETEN_API_KEY", fromEnvironment = "BASETEN_API_KEY"),
    (name = "DEPLOYMENT_BASE_URL", fromEnvironment = "DEPLOYMENT_BASE_URL"),
  ],
);
`;
  const configPath = join(dir, "config.capnp");
  writeFileSync(configPath, config);
  const env = { ...process.env, WEBHOOK_SECRET: SECRETS.join(","), BASETEN_API_KEY: KEY, DEPLOYMENT_BASE_URL: `${emu.url}/model/{model_id}` };
  const child = spawn(workerdBinary(), ["serve", configPath, "--socket-addr", "http=127.0.0.1:0", "--control-fd", "3"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const port = await new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`workerd did not listen:\n${output}`)), 30000);
    /** @type {import("node:stream").Readable} */ (child.stdio[3]).on("data", (data) => {
      buffer += data;
      for (const line of buffer.split("\n").slice(0, -1)) {
        try {
          const message = JSON.parse(line);
          if (message.event === "listen") {
            clearTimeout(timer);
            resolve(message.port);
          }
        } catch {
          // not a control message
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf("\n") + 1);
    });
    exited.then((code) => reject(new Error(`workerd exited (${code}):\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

before(async () => {
  emu = await startEmulator({ keys: { [KEY]: "valid" } });
  worker = await startTestWorker();
});
after(async () => {
  await worker?.close();
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** @param {string} body @param {Record<string, string>} headers @param {string} [query] */
async function deliver(body, headers, query = "") {
  const response = await fetch(`${worker.url}/hook${query}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  return { status: response.status, body: await response.json() };
}

const BODY = JSON.stringify({ request_id: "req0worker", model_id: "abcd1234", type: "async_request_completed", data: { output: "é ✓" }, errors: [] });

test("workerd: a signed webhook verifies (bytes or text), under either rotating secret", async () => {
  for (const secret of SECRETS) {
    assert.deepEqual(await deliver(BODY, { "x-baseten-signature": sign(secret, BODY) }), { status: 200, body: { request_id: "req0worker" } });
  }
  const both = SECRETS.map((s) => sign(s, BODY)).join(",");
  assert.equal((await deliver(BODY, { "X-BASETEN-SIGNATURE": both }, "?as=text")).status, 200);
});

test("workerd: tampered body, wrong secret, malformed or missing header are refused", async () => {
  const good = sign(SECRETS[1], BODY);
  const cases = [
    [BODY.replace("req0worker", "req1worker"), { "x-baseten-signature": good }, "mismatch"],
    [BODY, { "x-baseten-signature": sign("whsec_wrong", BODY) }, "mismatch"],
    [BODY, { "x-baseten-signature": good.slice(0, -2) }, "malformed_signature"],
    [BODY, { "x-baseten-signature": "sha256=" + good.slice(3) }, "malformed_signature"],
    [BODY, {}, "missing_signature"],
  ];
  for (const [body, headers, code] of /** @type {[string, Record<string, string>, string][]} */ (cases)) {
    const answer = await deliver(body, headers);
    assert.equal(answer.status, 401);
    assert.equal(answer.body.code, code);
    for (const s of SECRETS) assert.ok(!JSON.stringify(answer.body).includes(s));
  }
});

test("workerd: a real delivery from the emulator's async queue verifies", async () => {
  emu.configure({ webhookSecrets: SECRETS, async: { queueMs: 1, runMs: 1 } });
  const response = await fetch(`${emu.url}/model/abcd1234/environments/production/async_predict`, {
    method: "POST",
    headers: { authorization: `Api-Key ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ model_input: { prompt: "hi" }, webhook_endpoint: `${worker.url}/hook` }),
  });
  const { request_id } = await response.json();
  let status;
  for (let i = 0; i < 200; i++) {
    status = await (await fetch(`${emu.url}/model/abcd1234/async_request/${request_id}`, { headers: { authorization: `Api-Key ${KEY}` } })).json();
    if (status.webhook_status !== "PENDING") break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(status.status, "SUCCEEDED");
  assert.equal(status.webhook_status, "SUCCEEDED", "the worker answered 200: the signature verified");
});

test("workerd: client.deployment().predict, plain and streamed", async () => {
  const plain = await (await fetch(`${worker.url}/predict`, { method: "POST", body: JSON.stringify({ prompt: "edge" }) })).json();
  assert.equal(plain.model_id, "abcd1234");
  assert.match(plain.output, /^About edge/);
  const streamed = await (await fetch(`${worker.url}/predict?stream`, { method: "POST", body: JSON.stringify({ prompt: "edge", stream: true }) })).text();
  assert.match(streamed, /^About edge/);
  const entries = emu.log().filter((e) => e.path.endsWith("/predict"));
  assert.ok(entries.every((e) => e.headers.authorization.startsWith("Api-Key [REDACTED")));
});
