// The package through bundlers, the way an app uses it: tests/bundlers/app/
// (index.html + main.js, which imports "modelwire" and streams one completion)
// copied into a throwaway project whose node_modules/modelwire holds the files
// the npm package ships (package.json "files"), built with Vite and with
// esbuild into temp directories, each output served statically with /v1
// forwarded to the emulator, and loaded in Chromium (Playwright). The text the
// page shows must be the emulator's own answer to the same request.
//
// The question (issue 7): is the .wasm found without manual configuration?
// The package's "browser" condition has two entries:
// - with "production" (Vite's and webpack's production builds): js/web.js, whose
//   glue loads `new URL("modelwire_bg.wasm", import.meta.url)` at import time
//   (top-level `await init()`). Vite 7 recognises the pattern, emits
//   assets/modelwire_bg-<hash>.wasm and rewrites the URL.
// - otherwise: js/inline.js, which carries the .wasm as base64 and compiles it
//   synchronously: esbuild (which leaves `new URL(...)` untouched, so the page
//   would fetch modelwire_bg.wasm next to the bundle and get a 404, and whose
//   default iife format cannot hold a top-level await) and Vite's dev server
//   (which pre-bundles dependencies with esbuild into node_modules/.vite/deps/,
//   moving import.meta.url away from the .wasm) both work with no options.
// esbuild with --conditions=production picks js/web.js: a smaller bundle, but
// the .wasm must then be copied next to it by hand (tested too, as documented).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { cpSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { createServer as createNetServer } from "node:net";
import { build as viteBuild, createServer as viteServer, version as viteVersion } from "vite";
import * as esbuild from "esbuild";
import { launchChromium } from "../browser/harness.js";
import { serveDir } from "./serve-dir.js";
import { startEmulator } from "../../emulator/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const APP = join(ROOT, "tests", "bundlers", "app");
const MODEL = "zai-org/GLM-5";
const PROMPT = "Explain how a bundler finds a WebAssembly file.";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** @type {import("playwright-core").Browser} */
let browser;
/** Temp dir: the project and every build's output. Removed after. */
let scratch = "";
/** The throwaway app project (node_modules/modelwire = the shipped files). */
let project = "";

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "modelwire-bundlers-"));
  project = join(scratch, "project");
  const pkg = join(project, "node_modules", "modelwire");
  mkdirSync(pkg, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  for (const file of ["package.json", ...manifest.files]) cpSync(join(ROOT, file), join(pkg, file), { recursive: true });
  cpSync(APP, project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "bundled-app", private: true, type: "module", dependencies: { modelwire: manifest.version } }));
  emu = await startEmulator({});
  browser = await launchChromium();
});
beforeEach(() => emu?.reset());
after(async () => {
  await browser?.close();
  await emu?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Files under `dir`, relative, sorted. @param {string} dir @returns {string[]} */
function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** The emulator's own answer: the same request sent straight to it, its SSE read here. */
async function reference() {
  const response = await fetch(`${emu.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer reference-key" },
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: PROMPT }], stream: true }),
  });
  assert.equal(response.status, 200);
  const chunks = (await response.text())
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice(6)));
  return { chunks: chunks.length, content: chunks.map((c) => c.choices?.[0]?.delta?.content ?? "").join("") };
}

/**
 * Serves `dir`, opens it in Chromium and waits until the app is done, failed,
 * or threw while loading (a failed import leaves #status at "loading").
 * @param {string} dir
 */
async function loadApp(dir) {
  const server = await serveDir(dir, emu.url);
  const context = await browser.newContext();
  const page = await context.newPage();
  /** @type {string[]} */
  const pageErrors = [];
  /** @type {string[]} */
  const console = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("console", (msg) => console.push(`${msg.type()}: ${msg.text()}`));
  try {
    await page.goto(`${server.url}?${new URLSearchParams({ model: MODEL, prompt: PROMPT })}`);
    const deadline = Date.now() + 20_000;
    let status = "";
    for (;;) {
      status = (await page.textContent("#status")) ?? "";
      if (status !== "loading" || pageErrors.length || Date.now() > deadline) break;
      await sleep(25);
    }
    const text = (await page.textContent("#output")) ?? "";
    const chunks = await page.getAttribute("#status", "data-chunks");
    return { status, text, chunks: Number(chunks), pageErrors, console, requests: server.requests };
  } finally {
    await context.close();
    await server.close();
  }
}

/**
 * The page streamed the emulator's answer, and fetched exactly one .wasm (`wasmPath`), or none
 * when the bundle carries it inline (`wasmPath` null).
 * @param {Awaited<ReturnType<typeof loadApp>>} page @param {string | null} wasmPath
 */
async function assertStreamedTheEmulatorsAnswer(page, wasmPath) {
  assert.deepEqual(page.pageErrors, []);
  assert.equal(page.status, "done");
  const seen = emu.log().filter((e) => e.path === "/v1/chat/completions");
  assert.deepEqual(
    seen.map((e) => [e.status, e.body?.stream, e.body?.model]),
    [[200, true, MODEL]],
    "one streamed request through the same-origin proxy",
  );
  const ref = await reference();
  assert.ok(ref.content.length > 20);
  assert.equal(page.text, ref.content, "the page shows the emulator's answer");
  assert.equal(page.chunks, ref.chunks);
  const wasm = page.requests.filter((r) => r.path.endsWith(".wasm"));
  assert.deepEqual(wasm, wasmPath === null ? [] : [{ path: wasmPath, status: 200, type: "application/wasm" }], JSON.stringify(page.requests));
  assert.deepEqual(page.console.filter((m) => !m.startsWith("log:") && !m.startsWith("debug:")), [], "no console warnings or errors");
}

/** Size of a built file, raw and gzip -9, for the diagnostics. @param {string} file */
function sizeOf(file) {
  const bytes = readFileSync(file);
  return `${(bytes.length / 1024).toFixed(1)} KiB (${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KiB gzip)`;
}

test("Vite 7, no configuration: the .wasm is emitted as an asset and the app streams the emulator's answer", async (t) => {
  const outDir = join(scratch, "vite");
  /** @type {string[]} */
  const warnings = [];
  const started = performance.now();
  // vite build sets process.env.NODE_ENV to "production" for the rest of the process, and Vite
  // picks the "production" or "development" condition by it: put it back, as a separate
  // `vite` process would find it (the dev server test below runs in this process).
  const nodeEnv = process.env.NODE_ENV;
  const result = await viteBuild({
    root: project,
    configFile: false,
    envFile: false,
    logLevel: "warn",
    customLogger: {
      info: () => {},
      warn: (msg) => void warnings.push(msg),
      warnOnce: (msg) => void warnings.push(msg),
      error: (msg) => void warnings.push(msg),
      clearScreen: () => {},
      hasErrorLogged: () => false,
      hasWarned: false,
    },
    build: { outDir, emptyOutDir: true },
  }).finally(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });
  const ms = performance.now() - started;
  const output = /** @type {import("rollup").RollupOutput} */ (Array.isArray(result) ? result[0] : result).output;
  t.diagnostic(`vite ${viteVersion} build: ${ms.toFixed(0)} ms → ${listFiles(outDir).join(", ")}`);
  assert.deepEqual(warnings, []);
  const modules = output.flatMap((o) => (o.type === "chunk" ? o.moduleIds : [])).map((id) => relative(project, id));
  assert.ok(modules.includes("node_modules/modelwire/js/web.js"), "the \"browser\" + \"production\" entry");
  assert.ok(!modules.includes("node_modules/modelwire/js/node.js") && !modules.includes("node_modules/modelwire/js/inline.js"));
  const wasmAssets = output.filter((o) => o.fileName.endsWith(".wasm"));
  assert.equal(wasmAssets.length, 1, "the glue's new URL(…, import.meta.url) became an emitted asset");
  assert.match(wasmAssets[0].fileName, /^assets\/modelwire_bg-[\w-]+\.wasm$/);
  assert.deepEqual(readFileSync(join(outDir, wasmAssets[0].fileName)), readFileSync(join(ROOT, "pkg", "web", "modelwire_bg.wasm")));

  const page = await loadApp(outDir);
  await assertStreamedTheEmulatorsAnswer(page, `/${wasmAssets[0].fileName}`);
});

/** esbuild's build of main.js into `outdir` (metafile on, nothing logged). @param {string} outdir @param {import("esbuild").BuildOptions} options */
async function esbuildApp(outdir, options) {
  const started = performance.now();
  const result = await esbuild.build({
    absWorkingDir: project,
    entryPoints: ["main.js"],
    bundle: true,
    outdir,
    metafile: true,
    logLevel: "silent",
    ...options,
  });
  copyFileSync(join(project, "index.html"), join(outdir, "index.html"));
  return { result, ms: performance.now() - started };
}

test("esbuild with its defaults (`esbuild main.js --bundle --outdir=…`, an iife) and with --format=esm: the .wasm inside, the app streams the emulator's answer", async (t) => {
  for (const [name, options] of /** @type {const} */ ([
    ["esbuild-defaults", {}],
    ["esbuild-esm", { format: "esm" }],
  ])) {
    emu.reset();
    const outdir = join(scratch, name);
    const { result, ms } = await esbuildApp(outdir, options);
    t.diagnostic(`esbuild ${esbuild.version} ${JSON.stringify(options)}: ${ms.toFixed(0)} ms → ${listFiles(outdir).join(", ")}; main.js ${sizeOf(join(outdir, "main.js"))}`);
    assert.deepEqual(result.warnings, []);
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.includes("node_modules/modelwire/js/inline.js"), "the \"browser\" entry without \"production\"");
    assert.ok(!inputs.includes("node_modules/modelwire/js/web.js") && !inputs.includes("node_modules/modelwire/js/node.js"));
    assert.deepEqual(listFiles(outdir), ["index.html", "main.js"], "nothing to copy by hand");
    await assertStreamedTheEmulatorsAnswer(await loadApp(outdir), null);
  }
});

test("esbuild --format=esm --conditions=production: js/web.js, a smaller bundle, and the .wasm copied next to it by hand", async (t) => {
  const outdir = join(scratch, "esbuild-production");
  const { result, ms } = await esbuildApp(outdir, { format: "esm", conditions: ["production"] });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.includes("node_modules/modelwire/js/web.js") && !inputs.includes("node_modules/modelwire/js/inline.js"));
  assert.match(readFileSync(join(outdir, "main.js"), "utf8"), /new URL\("modelwire_bg\.wasm", import\.meta\.url\)/, "the glue's URL left as it was");
  // Without the copy the page's fetch of the .wasm 404s.
  const missing = await loadApp(outdir);
  assert.equal(missing.status, "loading", "main.js never ran past its import");
  assert.match(missing.pageErrors.join("\n"), /failed to fetch Wasm: 404 Not Found fetching 'http:\/\/127\.0\.0\.1:\d+\/modelwire_bg\.wasm'/);
  assert.equal(emu.log().length, 0, "no request reached the emulator");
  // The manual step: the file the glue's new URL("modelwire_bg.wasm", import.meta.url) names, next to main.js.
  copyFileSync(join(project, "node_modules", "modelwire", "pkg", "web", "modelwire_bg.wasm"), join(outdir, "modelwire_bg.wasm"));
  t.diagnostic(`esbuild ${esbuild.version} --format=esm --conditions=production: ${ms.toFixed(0)} ms, main.js ${sizeOf(join(outdir, "main.js"))} + modelwire_bg.wasm ${sizeOf(join(outdir, "modelwire_bg.wasm"))}`);
  emu.reset();
  await assertStreamedTheEmulatorsAnswer(await loadApp(outdir), "/modelwire_bg.wasm");
});

/** A free port on 127.0.0.1 for Vite's dev server (it takes 0 as "the default, 5173"). */
async function freePort() {
  const server = createNetServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  return port;
}

/**
 * The Vite dev server on the project (its own proxy for /v1), the app opened in
 * Chromium; resolves when the app is done or failed. Also what the page fetched
 * for the .wasm.
 * @param {import("vite").InlineConfig} config
 */
async function viteDev(config) {
  // Its dependency cache is the default, project/node_modules/.vite (a fresh project each run).
  const server = await viteServer({
    root: project,
    configFile: false,
    envFile: false,
    logLevel: "silent",
    clearScreen: false,
    server: { host: "127.0.0.1", port: await freePort(), strictPort: true, proxy: { "/v1": emu.url } },
    ...config,
  });
  await server.listen();
  const context = await browser.newContext();
  const page = await context.newPage();
  /** @type {string[]} */
  const pageErrors = [];
  /** @type {{ path: string, status: number, type: string }[]} */
  const wasm = [];
  /** @type {string[]} every path the page fetched */
  const modules = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("response", (r) => {
    const url = new URL(r.url());
    modules.push(url.pathname);
    if (url.pathname.endsWith(".wasm")) wasm.push({ path: url.pathname, status: r.status(), type: r.headers()["content-type"] ?? "" });
  });
  try {
    await page.goto(`${server.resolvedUrls?.local[0]}?${new URLSearchParams({ model: MODEL, prompt: PROMPT })}`);
    const deadline = Date.now() + 30_000;
    let status = "";
    for (;;) {
      status = (await page.textContent("#status")) ?? "";
      if (status !== "loading" || pageErrors.length || Date.now() > deadline) break;
      await sleep(25);
    }
    return { status, text: (await page.textContent("#output")) ?? "", pageErrors, wasm, modules };
  } finally {
    await context.close();
    await server.close();
  }
}

test("Vite dev server, no configuration: js/inline.js through its dependency pre-bundling; the app streams the emulator's answer", async () => {
  const page = await viteDev({});
  assert.deepEqual(page.pageErrors, []);
  assert.equal(page.status, "done");
  assert.deepEqual(page.wasm, [], "no .wasm fetched: it is inside the pre-bundled dependency");
  assert.ok(page.modules.some((path) => /^\/node_modules\/\.vite\/deps\/modelwire\.js/.test(path)), page.modules.join("\n"));
  const seen = emu.log().filter((e) => e.path === "/v1/chat/completions");
  assert.deepEqual(seen.map((e) => [e.status, e.body?.stream]), [[200, true]]);
  assert.equal(page.text, (await reference()).content, "the page shows the emulator's answer");
});
