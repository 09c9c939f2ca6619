// The package under Bun: Bun from the `bun` devDependency (node_modules/.bin/bun,
// whose binary comes from the @oven/bun-<platform> optional dependency), against
// the emulator served from this Node process on 127.0.0.1.
//
// client.mjs imports "modelwire" by name, as a user's code does. Bun resolves
// the exports map with its runtime conditions ("bun", "node", "import",
// "default", …): there is no "bun" key, so it picks "node" → pkg/node-bundle.js
// (js/node.js bundled), whose CommonJS glue reads pkg/node/modelwire_bg.wasm with fs. With
// `--conditions=browser` (the key listed before "node") the same script gets
// js/inline.js instead (the .wasm inside the JavaScript), and adding
// `--conditions=production` gets js/web.js, whose glue fetches the .wasm over
// file://; all three are run.
//
// What Bun printed is checked against the emulator's own answer: the same
// requests sent straight to the emulator here, their SSE read independently.
//
// Nothing is fetched from outside and nothing is left behind: --no-install (no
// auto-install from the registry), --no-env-file, a minimal environment with
// HOME and the caches in a temp dir, the transpiler cache off.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator } from "../../emulator/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const SCRIPT = join(ROOT, "tests", "bun", "client.mjs");
const BUN_BIN = join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "bun.exe" : "bun");
const CHAT = { model: "deepseek-ai/DeepSeek-V3.1", messages: [{ role: "user", content: "Name three prime numbers." }] };
const MESSAGES = { model: "zai-org/GLM-5", max_tokens: 256, messages: [{ role: "user", content: "What is gradient descent?" }] };

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** Scratch space: Bun's HOME and install cache. Removed after. */
let scratch = "";
before(async () => {
  assert.ok(existsSync(BUN_BIN), `${BUN_BIN} is missing: the bun devDependency is not installed (npm ci)`);
  scratch = mkdtempSync(join(tmpdir(), "modelwire-bun-"));
  emu = await startEmulator({});
});
beforeEach(() => emu?.reset());
after(async () => {
  await emu?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Only what Bun needs: no proxies, no BUN_* from the caller's shell, caches in scratch. */
function bunEnv() {
  /** @type {Record<string, string>} */
  const env = {
    HOME: scratch,
    BUN_INSTALL_CACHE_DIR: join(scratch, "install-cache"),
    BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0",
    DO_NOT_TRACK: "1",
    NO_COLOR: "1",
  };
  for (const name of ["PATH", "TMPDIR"]) if (process.env[name]) env[name] = String(process.env[name]);
  return env;
}

/**
 * `bun run FLAGS client.mjs URL` without blocking the event loop (the emulator
 * answers from this process).
 * @param {string[]} flags
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function bunRun(flags) {
  return new Promise((resolve) => {
    execFile(
      BUN_BIN,
      ["run", "--no-install", "--no-env-file", ...flags, SCRIPT, emu.url],
      { cwd: ROOT, env: bunEnv(), timeout: 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The one JSON line the script printed. @param {{ code: number, stdout: string, stderr: string }} r */
function jsonLine(r) {
  assert.equal(r.code, 0, `bun exited ${r.code}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stdout}`);
  return JSON.parse(lines[0]);
}

/** The `data:` payloads of an SSE body, read here without the package. @param {string} text */
function sseData(text) {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) =>
      block
        .split(/\r?\n/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).replace(/^ /, ""))
        .join("\n"),
    )
    .filter((data) => data !== "" && data !== "[DONE]")
    .map((data) => JSON.parse(data));
}

/** POSTs a streamed request straight to the emulator. @param {string} path @param {object} body */
async function emulatorStream(path, body) {
  const response = await fetch(`${emu.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer reference-key", "x-api-key": "reference-key" },
    body: JSON.stringify({ ...body, stream: true }),
  });
  assert.equal(response.status, 200);
  return sseData(await response.text());
}

/** The emulator's own answers to the two requests the script makes. */
async function reference() {
  const chunks = await emulatorStream("/v1/chat/completions", CHAT);
  const events = await emulatorStream("/v1/messages", MESSAGES);
  return {
    chat: {
      chunks: chunks.length,
      content: chunks.map((c) => c.choices?.[0]?.delta?.content ?? "").join(""),
      reasoning: chunks.map((c) => c.choices?.[0]?.delta?.reasoning_content ?? "").join(""),
      finishReason: chunks.map((c) => c.choices?.[0]?.finish_reason).filter(Boolean).at(-1),
    },
    messages: {
      text: events
        .filter((e) => e.type === "content_block_delta" && e.delta.type === "text_delta")
        .map((e) => e.delta.text)
        .join(""),
      stopReason: events.find((e) => e.type === "message_delta")?.delta.stop_reason,
      eventTypes: events.map((e) => e.type).filter((type) => type !== "ping"),
    },
  };
}

/** @param {any} out what Bun printed @param {Awaited<ReturnType<typeof reference>>} ref */
function assertMatchesEmulator(out, ref) {
  assert.match(out.runtime.bun, /^1\./);
  for (const name of ["Client", "APIError", "RateLimitError", "Stream", "ChatCompletionStream", "SseDecoder", "PartialJson"]) {
    assert.ok(out.exports.includes(name), `${name} exported`);
  }

  // Chat: the chunks the client yielded are the emulator's, content and reasoning alike.
  assert.equal(out.chat.isStream, true);
  assert.ok(ref.chat.content.length > 20 && ref.chat.reasoning.length > 0, "the reference has content and reasoning");
  assert.equal(out.chat.content, ref.chat.content);
  assert.equal(out.chat.reasoning, ref.chat.reasoning);
  assert.equal(out.chat.currentContent, ref.chat.content, "currentCompletion() accumulated in wasm");
  assert.equal(out.chat.finishReason, ref.chat.finishReason);
  assert.equal(out.chat.chunks, ref.chat.chunks);

  // Messages: the text deltas, finalText() and the event sequence are the emulator's.
  assert.ok(out.messages.deltas > 5, `only ${out.messages.deltas} text deltas`);
  assert.ok(ref.messages.text.length > 20);
  assert.equal(out.messages.joined, ref.messages.text);
  assert.equal(out.messages.finalText, ref.messages.text);
  assert.equal(out.messages.stopReason, ref.messages.stopReason);
  assert.equal(out.messages.model, MESSAGES.model);
  assert.deepEqual(out.messages.eventTypes, ref.messages.eventTypes);

  // The emulator saw the two streamed requests, then the two reference ones.
  const seen = emu.log().filter((e) => e.path === "/v1/chat/completions" || e.path === "/v1/messages");
  assert.deepEqual(
    seen.map((e) => [e.path, e.status, e.body?.stream]),
    [
      ["/v1/chat/completions", 200, true],
      ["/v1/messages", 200, true],
      ["/v1/chat/completions", 200, true],
      ["/v1/messages", 200, true],
    ],
  );
}

/** Bun downloaded nothing into its install cache. */
function assertNothingInstalled() {
  const cache = join(scratch, "install-cache");
  if (existsSync(cache)) assert.deepEqual(readdirSync(cache), [], "Bun's install cache is not empty");
}

const entry = (/** @type {string} */ url) => url.replace(pathToFileURL(ROOT).href, "<repo>");

test('import "modelwire" under Bun (its default conditions): chat and Messages streams match the emulator', async (t) => {
  const r = await bunRun([]);
  const out = jsonLine(r);
  t.diagnostic(`bun ${out.runtime.bun} (${out.runtime.revision.slice(0, 9)}), binary ${realpathSync(BUN_BIN).replace(ROOT, "<repo>")}`);
  t.diagnostic(`"modelwire" resolved to ${entry(out.entry)}`);
  // No "bun" key in the exports map: Bun takes "node" (listed after "browser", which Bun's runtime does not match).
  assert.equal(out.entry, pathToFileURL(join(ROOT, "pkg", "node-bundle.js")).href);
  assertMatchesEmulator(out, await reference());
  assert.equal(r.stderr, "", "no warnings");
  assertNothingInstalled();
});

test('import "modelwire" under Bun with --conditions=browser (js/inline.js) and with production too (js/web.js, the .wasm over file://)', async (t) => {
  for (const [conditions, file] of [[["--conditions=browser"], "inline.js"], [["--conditions=browser", "--conditions=production"], "web.js"]]) {
    emu.reset();
    const r = await bunRun(conditions);
    const out = jsonLine(r);
    t.diagnostic(`${conditions.join(" ")}: "modelwire" resolved to ${entry(out.entry)}`);
    assert.equal(out.entry, pathToFileURL(join(ROOT, "js", file)).href);
    assertMatchesEmulator(out, await reference());
    assert.equal(r.stderr, "", "no warnings (e.g. instantiateStreaming's MIME fallback)");
    assertNothingInstalled();
  }
});
