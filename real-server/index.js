// Start/stop the real local peer (llama.cpp's llama-server with SmolLM2-135M-Instruct) from Node.
//
//   import { startRealServer } from "../../real-server/index.js";
//   const server = await startRealServer({ apiKey: "secret" });
//   // server.url === "http://127.0.0.1:PORT"  (OpenAI base: `${url}/v1`, Anthropic base: url)
//   await server.close();
//
// The first call on a fresh machine builds llama-server (about 15 min); later calls start in ~2 s.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../scripts/real-server.sh", import.meta.url));

/** The model alias the server answers to (any model name is accepted, though). */
export const MODEL = "smollm2-135m-instruct";

const live = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort if a caller forgets close(): kill the process groups synchronously on exit.
  process.on("exit", () => {
    for (const pid of live) {
      try { process.kill(-pid, "SIGKILL"); } catch { /* already gone */ }
    }
  });
}

/**
 * Start llama-server through scripts/real-server.sh.
 * @param {object} [options]
 * @param {string} [options.apiKey]  passed as --api-key (bad or missing key then gets 401)
 * @param {number} [options.port]    fixed port (default: a free one)
 * @param {number} [options.startTimeoutMs]  default 40 min (covers a first build)
 * @param {boolean} [options.verbose] forward the server's stderr to ours
 *   (also on when MODELWIRE_REAL_SERVER_LOG=1)
 * @returns {Promise<{url: string, model: string, apiKey: string|undefined, pid: number,
 *   stderr: () => string, close: () => Promise<void>}>}
 */
export function startRealServer({ apiKey, port, startTimeoutMs = 40 * 60 * 1000, verbose } = {}) {
  const env = { ...process.env };
  delete env.PORT;
  delete env.LLAMA_API_KEY;
  if (port != null) env.PORT = String(port);
  if (apiKey) env.LLAMA_API_KEY = apiKey;
  const forward = verbose ?? process.env.MODELWIRE_REAL_SERVER_LOG === "1";

  // detached: its own process group, so close() can signal the script and llama-server together.
  const child = spawn("bash", [SCRIPT, "run"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child.pid);
  installExitHook();

  let errTail = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s) => {
    if (forward) process.stderr.write(s);
    errTail = (errTail + s).slice(-16384);
  });

  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child.pid);
      resolve({ code, signal });
    });
  });

  const signalGroup = (sig) => {
    try { process.kill(-child.pid, sig); } catch { /* already gone */ }
  };

  let closing;
  const close = () => {
    closing ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup("SIGTERM");
        const timer = setTimeout(() => signalGroup("SIGKILL"), 8000);
        await exited;
        clearTimeout(timer);
      }
      // Anything left in the group (should be nothing) goes too.
      signalGroup("SIGKILL");
      child.stdout.destroy();
      child.stderr.destroy();
    })();
    return closing;
  };

  return new Promise((resolve, reject) => {
    let out = "";
    let settled = false;
    const fail = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      close().finally(() => reject(err));
    };
    const timer = setTimeout(
      () => fail(new Error(`real-server did not start within ${startTimeoutMs} ms\n${errTail}`)),
      startTimeoutMs,
    );
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (s) => {
      if (settled) return;
      out += s;
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      const url = out.slice(0, nl).trim();
      if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
        fail(new Error(`real-server printed an unexpected first line: ${JSON.stringify(url)}\n${errTail}`));
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({ url, model: MODEL, apiKey, pid: child.pid, stderr: () => errTail, close });
    });
    child.once("error", (err) => fail(err));
    exited.then(({ code, signal }) =>
      fail(new Error(`real-server exited before it was ready (code ${code}, signal ${signal})\n${errTail}`)),
    );
  });
}
