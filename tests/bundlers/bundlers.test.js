// The package through bundlers, the way an app uses it: tests/bundlers/app/
// (index.html + main.js, which imports "modelwire" and streams one completion)
// copied into a throwaway project whose node_modules/modelwire holds the files
// the npm package ships (package.json "files"), built with Vite and with
// esbuild into temp directories, each output served statically with /v1
// forwarded to the emulator, and loaded in Chromium (Playwright). The text the
// page shows must be the emulator's own answer to the same request.
//
// The question (issue 7): is the .wasm found without manual configuration?
// Both bundlers pick the "browser" condition → js/web.js → pkg/web/modelwire.js,
// whose glue loads `new URL("modelwire_bg.wasm", import.meta.url)` at import
// time (top-level `await init()`).
// - Vite 7 (`vite build`, no config): yes. It recognises the pattern, emits
//   assets/modelwire_bg-<hash>.wasm and rewrites the URL.
// - esbuild: no. It leaves `new URL(...)` untouched (it does not treat it as an
//   asset reference, so `--loader:.wasm=file` changes nothing: the .wasm is not
//   in the module graph), and `import.meta.url` then points at the bundle: the
//   page fetches modelwire_bg.wasm next to main.js and gets a 404. It also needs
//   `--format=esm` (its default for a browser bundle is iife, which cannot hold
//   the top-level await). What works: `--format=esm` and copying
//   node_modules/modelwire/pkg/web/modelwire_bg.wasm next to the bundle.
// - Vite's dev server (`vite`, no config) is another matter: it pre-bundles the
//   dependency with esbuild into node_modules/.vite/deps/, and the glue's
//   import.meta.url moves with it, so the page asks for
//   /node_modules/.vite/deps/modelwire_bg.wasm, gets the SPA fallback
//   (index.html) and WebAssembly fails on "<!do". `optimizeDeps: { exclude:
//   ["modelwire"] }` in vite.config fixes it (the glue is then served from
//   /node_modules/modelwire/pkg/web/, its .wasm beside it).
// The tests assert exactly that; if a bundler changes, the test of the current
// failure fails and this comment needs updating.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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

/** @param {Awaited<ReturnType<typeof loadApp>>} page */
async function assertStreamedTheEmulatorsAnswer(page) {
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
  assert.equal(wasm.length, 1, `one .wasm fetched: ${JSON.stringify(page.requests)}`);
  assert.equal(wasm[0].status, 200);
  assert.equal(wasm[0].type, "application/wasm");
  assert.deepEqual(page.console.filter((m) => !m.startsWith("log:") && !m.startsWith("debug:")), [], "no console warnings or errors");
  return wasm[0].path;
}

test("Vite 7, no configuration: the .wasm is emitted as an asset and the app streams the emulator's answer", async (t) => {
  const outDir = join(scratch, "vite");
  /** @type {string[]} */
  const warnings = [];
  const started = performance.now();
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
  });
  const ms = performance.now() - started;
  const output = /** @type {import("rollup").RollupOutput} */ (Array.isArray(result) ? result[0] : result).output;
  t.diagnostic(`vite ${viteVersion} build: ${ms.toFixed(0)} ms → ${listFiles(outDir).join(", ")}`);
  assert.deepEqual(warnings, []);
  const modules = output.flatMap((o) => (o.type === "chunk" ? o.moduleIds : [])).map((id) => relative(project, id));
  assert.ok(modules.includes("node_modules/modelwire/js/web.js"), "the \"browser\" entry");
  assert.ok(!modules.includes("node_modules/modelwire/js/node.js"));
  const wasmAssets = output.filter((o) => o.fileName.endsWith(".wasm"));
  assert.equal(wasmAssets.length, 1, "the glue's new URL(…, import.meta.url) became an emitted asset");
  assert.match(wasmAssets[0].fileName, /^assets\/modelwire_bg-[\w-]+\.wasm$/);
  assert.deepEqual(readFileSync(join(outDir, wasmAssets[0].fileName)), readFileSync(join(ROOT, "pkg", "web", "modelwire_bg.wasm")));

  const page = await loadApp(outDir);
  const fetched = await assertStreamedTheEmulatorsAnswer(page);
  assert.equal(fetched, `/${wasmAssets[0].fileName}`);
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

test("esbuild with its defaults (iife for the browser): the build fails on js/web.js's top-level await", async () => {
  await assert.rejects(esbuildApp(join(scratch, "esbuild-iife"), {}), (/** @type {any} */ err) => {
    const messages = err.errors.map((/** @type {any} */ e) => `${e.location?.file}: ${e.text}`);
    assert.ok(
      messages.some((/** @type {string} */ m) => /modelwire\/js\/web\.js: Top-level await is currently not supported with the "iife" output format/.test(m)),
      messages.join("\n"),
    );
    return true;
  });
});

test("esbuild --format=esm (also with --loader:.wasm=file): no .wasm in the output, the page's fetch of it 404s", async (t) => {
  for (const [name, options] of /** @type {const} */ ([
    ["esbuild-esm", { format: "esm" }],
    ["esbuild-esm-file-loader", { format: "esm", loader: { ".wasm": "file" } }],
  ])) {
    emu.reset();
    const outdir = join(scratch, name);
    const { result, ms } = await esbuildApp(outdir, options);
    t.diagnostic(`esbuild ${esbuild.version} ${JSON.stringify(options)}: ${ms.toFixed(0)} ms → ${listFiles(outdir).join(", ")}`);
    assert.deepEqual(result.warnings, []);
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.includes("node_modules/modelwire/js/web.js") && !inputs.includes("node_modules/modelwire/js/node.js"), "the \"browser\" entry");
    assert.deepEqual(Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".wasm")), [], "no .wasm emitted");
    assert.match(readFileSync(join(outdir, "main.js"), "utf8"), /new URL\("modelwire_bg\.wasm", import\.meta\.url\)/, "the glue's URL left as it was");

    const page = await loadApp(outdir);
    assert.equal(page.status, "loading", "main.js never ran past its import");
    assert.equal(page.pageErrors.length, 1, page.pageErrors.join("\n"));
    assert.match(page.pageErrors[0], /^failed to fetch Wasm: 404 Not Found fetching 'http:\/\/127\.0\.0\.1:\d+\/modelwire_bg\.wasm'$/);
    assert.deepEqual(
      page.requests.filter((r) => r.path.endsWith(".wasm")).map((r) => [r.path, r.status]),
      [["/modelwire_bg.wasm", 404]],
    );
    assert.equal(emu.log().length, 0, "no request reached the emulator");
  }
});

test("esbuild --format=esm plus modelwire_bg.wasm copied next to the bundle: the app streams the emulator's answer", async (t) => {
  const outdir = join(scratch, "esbuild-esm-copied");
  const { ms } = await esbuildApp(outdir, { format: "esm" });
  // The manual step: the file the glue's new URL("modelwire_bg.wasm", import.meta.url) names, next to main.js.
  copyFileSync(join(project, "node_modules", "modelwire", "pkg", "web", "modelwire_bg.wasm"), join(outdir, "modelwire_bg.wasm"));
  t.diagnostic(`esbuild ${esbuild.version} --format=esm: ${ms.toFixed(0)} ms, + cp modelwire_bg.wasm → ${listFiles(outdir).join(", ")}`);
  const page = await loadApp(outdir);
  const fetched = await assertStreamedTheEmulatorsAnswer(page);
  assert.equal(fetched, "/modelwire_bg.wasm");
  assert.ok(existsSync(join(outdir, "main.js")));
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
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("response", (r) => {
    const url = new URL(r.url());
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
    return { status, text: (await page.textContent("#output")) ?? "", pageErrors, wasm };
  } finally {
    await context.close();
    await server.close();
  }
}

test("Vite dev server, no configuration: the pre-bundled glue asks for the .wasm under .vite/deps and gets index.html", async () => {
  const page = await viteDev({});
  assert.equal(page.status, "loading", "main.js never ran past its import");
  assert.equal(page.wasm.length, 1, JSON.stringify(page.wasm));
  assert.match(page.wasm[0].path, /^\/node_modules\/\.vite\/deps\/modelwire_bg\.wasm$/);
  assert.match(page.wasm[0].type, /^text\/html/, "the SPA fallback answered");
  assert.equal(page.pageErrors.length, 1, page.pageErrors.join("\n"));
  assert.match(page.pageErrors[0], /expected magic word 00 61 73 6d, found 3c 21 64 6f/);
  assert.equal(emu.log().length, 0, "no request reached the emulator");
});

test('Vite dev server with optimizeDeps.exclude ["modelwire"]: the app streams the emulator\'s answer', async () => {
  const page = await viteDev({ optimizeDeps: { exclude: ["modelwire"] } });
  assert.deepEqual(page.pageErrors, []);
  assert.equal(page.status, "done");
  assert.deepEqual(page.wasm, [{ path: "/node_modules/modelwire/pkg/web/modelwire_bg.wasm", status: 200, type: "application/wasm" }]);
  const seen = emu.log().filter((e) => e.path === "/v1/chat/completions");
  assert.deepEqual(seen.map((e) => [e.status, e.body?.stream]), [[200, true]]);
  assert.equal(page.text, (await reference()).content, "the page shows the emulator's answer");
});
