// The package under Deno (the README promises it runs there): Deno 2 from the
// `deno` devDependency (node_modules/.bin/deno), against the emulator served
// from this Node process on 127.0.0.1.
//
// - client.mjs imports `../../js/web.js` by relative path, as a Deno user
//   importing the file (or a URL) would: top-level `await init()` fetches
//   pkg/web/modelwire_bg.wasm over file://, which needs --allow-read.
// - "by package name": a throwaway project whose node_modules/modelwire links
//   to this repo, importing "modelwire". Deno resolves the exports map with its
//   conditions (deno, node, import, default): its "deno" key, listed before
//   "node", gives js/web.js, whose glue fetches the .wasm over file://.
//
// Nothing is fetched from outside: relative imports only, --no-remote,
// DENO_NO_UPDATE_CHECK=1 (else Deno looks up its release host in the
// background), a DENO_DIR of its own in a temp dir, a minimal environment (no
// proxy variables), and permissions limited to 127.0.0.1 and the files read.
// After each run the DENO_DIR is checked for remote or npm downloads.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator } from "../../emulator/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const HERE = join(ROOT, "tests", "deno");
const DENO_BIN = join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "deno.cmd" : "deno");
const MODEL = "deepseek-ai/DeepSeek-V3.1";
/** No prompts, no remote modules, no deno.lock written into the repo. */
const BASE_FLAGS = ["--no-prompt", "--no-remote", "--no-lock"];
/** The scripts here import only relative files: no deno.json / package.json is wanted either. */
const RELATIVE_FLAGS = [...BASE_FLAGS, "--no-config", "--no-npm"];

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** Scratch space: DENO_DIRs and the by-name project. Removed after. */
let scratch = "";
before(async () => {
  assert.ok(existsSync(DENO_BIN), `${DENO_BIN} is missing: the deno devDependency is not installed (npm ci)`);
  scratch = mkdtempSync(join(tmpdir(), "modelwire-deno-"));
  emu = await startEmulator({});
});
// Fault counters are per key: each test starts from a clean emulator.
beforeEach(() => emu?.reset());
after(async () => {
  await emu?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

let dirs = 0;
/** A fresh, empty DENO_DIR (a cold cache). */
function freshDenoDir() {
  const dir = join(scratch, `deno-dir-${dirs++}`);
  mkdirSync(dir);
  return dir;
}

/** Only what Deno needs: no proxies, no DENO_* from the caller's shell. @param {string} denoDir */
function denoEnv(denoDir) {
  /** @type {Record<string, string>} */
  const env = { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "TMPDIR"]) if (process.env[name]) env[name] = String(process.env[name]);
  return env;
}

/**
 * `deno run FLAGS SCRIPT ARGS` without blocking the event loop (the emulator
 * answers from this process).
 * @param {{ flags: string[], script: string, args?: string[], cwd?: string, denoDir?: string }} o
 * @returns {Promise<{ code: number, stdout: string, stderr: string, denoDir: string }>}
 */
function denoRun({ flags, script, args = [], cwd = ROOT, denoDir = freshDenoDir() }) {
  return new Promise((resolve) => {
    execFile(
      DENO_BIN,
      ["run", ...flags, script, ...args],
      { cwd, env: denoEnv(denoDir), timeout: 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr), denoDir });
      },
    );
  });
}

/** The one JSON line a script printed. @param {{ code: number, stdout: string, stderr: string }} r */
function jsonLine(r) {
  assert.equal(r.code, 0, `deno exited ${r.code}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stdout}`);
  return JSON.parse(lines[0]);
}

/** Deno stored nothing downloaded: no remote module cache, no npm packages. @param {string} denoDir */
function assertNothingDownloaded(denoDir) {
  const entries = readdirSync(denoDir);
  for (const remote of ["remote", "deps", "gen/https", "jsr"]) assert.ok(!entries.includes(remote), `DENO_DIR has ${remote}/: ${entries}`);
  if (entries.includes("npm")) assert.deepEqual(readdirSync(join(denoDir, "npm")), [], "DENO_DIR/npm is not empty");
}

/** The same assertions for whichever entry the script imported. @param {any} out */
function assertScenarios(out) {
  assert.match(out.runtime.deno, /^2\./);

  // Plain create.
  assert.equal(out.create.object, "chat.completion");
  assert.equal(out.create.model, MODEL);
  assert.match(out.create.content, /^About What is gradient descent/);
  assert.equal(out.create.finishReason, "stop");
  assert.ok(out.create.usage.completion_tokens > 0);
  assert.match(out.create.requestId, /^[0-9a-f]{32}$/);

  // Streamed create: chunks, and currentCompletion() = what the deltas said.
  assert.equal(out.stream.isStream, true);
  assert.ok(out.stream.chunks > 3, `only ${out.stream.chunks} chunks`);
  assert.match(out.stream.joined, /^About Name three prime numbers/);
  assert.equal(out.stream.currentContent, out.stream.joined);
  assert.equal(out.stream.currentFinishReason, "stop");
  assert.ok(out.stream.currentUsage?.completion_tokens > 0, "Baseten-style running usage accumulated");

  // Runner: content deltas concatenate to finalContent().
  assert.equal(out.runner.isRunner, true);
  assert.ok(out.runner.deltas > 3, `only ${out.runner.deltas} deltas`);
  assert.equal(out.runner.joined, out.runner.finalContent);
  assert.match(out.runner.finalContent, /^About Explain backpropagation briefly/);
  assert.equal(out.runner.snapshotsGrow, true);

  // Typed error.
  assert.equal(out.error.thrown, true);
  assert.equal(out.error.isRateLimitError, true, `got ${out.error.constructor}: ${out.error.message}`);
  assert.equal(out.error.isAPIError, true);
  assert.equal(out.error.name, "RateLimitError");
  assert.equal(out.error.status, 429);
  assert.equal(out.error.hasHeaders, true);
}

/** The chat requests the emulator saw (since the last reset). */
const chatRequests = () => emu.log().filter((e) => e.path === "/v1/chat/completions");

test("js/web.js under Deno: create, stream + currentCompletion, runner, RateLimitError", async (t) => {
  const r = await denoRun({
    flags: [...RELATIVE_FLAGS, "--allow-net=127.0.0.1", `--allow-read=${ROOT}`],
    script: join(HERE, "client.mjs"),
    args: [emu.url],
  });
  const out = jsonLine(r);
  t.diagnostic(`deno ${out.runtime.deno} (v8 ${out.runtime.v8})`);
  assert.equal(out.entry, "js/web.js");
  assertScenarios(out);
  assert.equal(r.stderr, "", "no warnings (e.g. instantiateStreaming's MIME fallback)");
  assertNothingDownloaded(r.denoDir);

  // The emulator saw exactly the four requests, the last one the injected 429.
  const seen = chatRequests();
  assert.deepEqual(
    seen.map((e) => e.status),
    [200, 200, 200, 429],
  );
  assert.deepEqual(
    seen.map((e) => e.body?.stream ?? false),
    [false, true, true, false],
  );
});

test("without --allow-read the import fails on the .wasm fetch, naming the file", async () => {
  const r = await denoRun({ flags: [...RELATIVE_FLAGS, "--allow-net=127.0.0.1"], script: join(HERE, "import.mjs") });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /NotCapable: Requires read access to ".*pkg\/web\/modelwire_bg\.wasm"/);
  // Reading just that one file is enough: static imports need no permission.
  const ok = await denoRun({
    flags: [...RELATIVE_FLAGS, `--allow-read=${join(ROOT, "pkg", "web", "modelwire_bg.wasm")}`],
    script: join(HERE, "import.mjs"),
  });
  assert.ok(jsonLine(ok).exports.includes("Client"));
});

test('by package name under Deno: import "modelwire" from node_modules', async (t) => {
  // A user's project: package.json + node_modules/modelwire (a link to this
  // repo, as `npm install` of the packed package would lay it out), resolved
  // by Deno's own node_modules support (no npm registry, no --no-config).
  const project = join(scratch, "project");
  mkdirSync(join(project, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(project, "node_modules", "modelwire"), "dir");
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "deno-user", private: true, type: "module", dependencies: { modelwire: "*" } }),
  );
  const scenarios = pathToFileURL(join(HERE, "scenarios.mjs")).href;
  writeFileSync(
    join(project, "main.mjs"),
    `import * as mw from "modelwire";\n` +
      `import { run } from ${JSON.stringify(scenarios)};\n` +
      `const entry = import.meta.resolve("modelwire");\n` +
      `console.log(JSON.stringify({ entry, ...(await run(mw, Deno.args[0])) }));\n`,
  );
  const r = await denoRun({
    flags: [...BASE_FLAGS, "--allow-net=127.0.0.1", `--allow-read=${ROOT},${realpathSync(project)}`],
    script: join(project, "main.mjs"),
    args: [emu.url],
    cwd: project,
  });
  const out = jsonLine(r);
  // Which entry Deno picked from the exports map (see the top of this file).
  t.diagnostic(`"modelwire" resolved to ${out.entry.replace(pathToFileURL(ROOT).href, "<repo>")}`);
  assert.equal(out.entry, pathToFileURL(join(ROOT, "js", "web.js")).href);
  assertScenarios(out);
  assert.equal(r.stderr, "");
  assertNothingDownloaded(r.denoDir);
  assert.ok(!existsSync(join(project, "deno.lock")), "--no-lock: no lockfile written");
  assert.equal(chatRequests().length, 4);
});

test("cold start: deno run of importing js/web.js (median of 5)", (t) => {
  const empty = join(scratch, "empty.mjs");
  writeFileSync(empty, "");
  const flags = [...RELATIVE_FLAGS, `--allow-read=${ROOT}`];
  /** Wall time of one `deno run` (spawnSync: nothing else runs meanwhile). @param {string} script @param {string} denoDir */
  const once = (script, denoDir) => {
    const start = process.hrtime.bigint();
    const r = spawnSync(DENO_BIN, ["run", ...flags, script], { cwd: ROOT, env: denoEnv(denoDir), encoding: "utf8", timeout: 60_000 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.equal(r.status, 0, r.stderr);
    return { ms, stdout: r.stdout };
  };
  const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (/** @type {number[]} */ xs) => `median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(", ")})`;

  const baseline = [];
  const cold = [];
  const inProcess = [];
  for (let i = 0; i < 5; i++) baseline.push(once(empty, freshDenoDir()).ms);
  for (let i = 0; i < 5; i++) {
    const { ms, stdout } = once(join(HERE, "import.mjs"), freshDenoDir());
    const out = JSON.parse(stdout);
    assert.ok(out.exports.includes("Client") && out.exports.includes("RateLimitError"), String(out.exports));
    cold.push(ms);
    inProcess.push(out.sinceStartMs);
  }
  const warmDir = freshDenoDir();
  once(join(HERE, "import.mjs"), warmDir);
  const warm = [];
  for (let i = 0; i < 5; i++) warm.push(once(join(HERE, "import.mjs"), warmDir).ms);

  t.diagnostic(`deno binary: ${realpathSync(DENO_BIN).replace(ROOT, "<repo>")}`);
  t.diagnostic(`empty script, fresh DENO_DIR: ${fmt(baseline)}`);
  t.diagnostic(`import js/web.js, fresh DENO_DIR (cold): ${fmt(cold)}`);
  t.diagnostic(`import js/web.js, warm DENO_DIR (v8 code cache): ${fmt(warm)}`);
  t.diagnostic(`import js/web.js, performance.now() at the end of the import (cold): ${fmt(inProcess)}`);
});
