// proxy() is runtime-neutral: the same helper under Deno (npm package `deno`),
// through the web entry, in front of the emulator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../../emulator/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const deno = join(root, "node_modules/.bin/deno");
const KEY = "sk-deno-proxy-test-5d1e0c";

test("proxy() under Deno streams a Messages reply through and reports usage", { skip: !existsSync(deno) && "npm package deno not installed" }, async () => {
  const emulator = await startEmulator({ keys: { [KEY]: "valid" } });
  const denoDir = mkdtempSync(join(tmpdir(), "modelwire-deno-"));
  const child = spawn(deno, ["run", `--allow-net=127.0.0.1`, `--allow-read=${root}`, join(root, "tests/worker/deno-proxy.js"), emulator.url, KEY], {
    env: { ...process.env, DENO_DIR: denoDir, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  try {
    const url = await new Promise((resolve, reject) => {
      child.stdout.once("data", (d) => resolve(String(d).trim()));
      child.once("exit", (code) => reject(new Error(`deno exited ${code}: ${stderr}`)));
    });
    const body = { model: "zai-org/GLM-5", max_tokens: 60, stream: true, messages: [{ role: "user", content: "Deno?" }] };
    const response = await fetch(url + "/v1/messages", { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer junk" }, body: JSON.stringify(body) });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /event: message_stop/);
    assert.ok(!text.includes(KEY));
    const output = /** @type {number} */ (Number(text.match(/"output_tokens":(\d+)\}\}\n\nevent: message_stop/)?.[1]));
    for (let i = 0; i < 50 && !stderr.includes('"path"'); i++) await new Promise((r) => setTimeout(r, 20));
    const usage = JSON.parse(stderr.split("\n").find((l) => l.startsWith("{")) ?? "null");
    assert.equal(usage.status, 200);
    assert.equal(usage.ending, "done");
    assert.equal(usage.usage.output_tokens, output);
    assert.ok(!stderr.includes(KEY));
  } finally {
    child.kill();
    await emulator.close();
    rmSync(denoDir, { recursive: true, force: true });
  }
});
