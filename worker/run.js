// Starts the edge worker in workerd (the binary from node_modules) on
// 127.0.0.1 with a free port, and stops it again.
//
//   import { startWorker } from "./worker/run.js";
//   const worker = await startWorker({ upstream: emulator.url, apiKey, origins: ["http://127.0.0.1:5173"] });
//   // worker.url, worker.output()
//   await worker.close();
//
// From a shell: `node worker/run.js` prints the URL as its first stdout line;
// BASETEN_API_KEY, MODELWIRE_UPSTREAM, MODELWIRE_ORIGINS and PORT configure it,
// workerd's own output goes to stderr, SIGINT / SIGTERM stop it.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const configPath = fileURLToPath(new URL("./config.capnp", import.meta.url));

/** The workerd binary: the package's platform binary (its bin shim is the same file on Linux). */
export function workerdBinary() {
  try {
    const path = createRequire(import.meta.url)("workerd").default;
    if (typeof path === "string" && existsSync(path)) return path;
  } catch {
    // Fall through to the .bin link.
  }
  const bin = fileURLToPath(new URL("../node_modules/.bin/workerd", import.meta.url));
  if (existsSync(bin)) return bin;
  throw new Error("workerd is not installed: run `npm install` (devDependency `workerd`)");
}

/**
 * @param {{ upstream?: string, apiKey?: string, origins?: string[] | string, port?: number, timeoutMs?: number, echo?: boolean }} [options]
 *   `echo`: copy workerd's output to this process's stderr as it comes.
 * @returns {Promise<{ url: string, port: number, pid: number, output: () => string, close: () => Promise<void> }>}
 */
export async function startWorker({ upstream, apiKey, origins, port = 0, timeoutMs = 30000, echo = false } = {}) {
  const env = { ...process.env };
  // Only what is given (or already in the environment) reaches the worker.
  if (apiKey !== undefined) env.BASETEN_API_KEY = apiKey;
  if (upstream !== undefined) env.MODELWIRE_UPSTREAM = upstream;
  if (origins !== undefined) env.MODELWIRE_ORIGINS = Array.isArray(origins) ? origins.join(",") : origins;
  const child = spawn(
    workerdBinary(),
    ["serve", configPath, "--socket-addr", `http=127.0.0.1:${port}`, "--control-fd", "3"],
    { cwd: root, env, stdio: ["ignore", "pipe", "pipe", "pipe"] },
  );
  let output = "";
  const collect = (/** @type {Buffer} */ data) => {
    output += data.toString();
    if (echo) process.stderr.write(data);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  // If this process ends without close(), workerd must not outlive it.
  const orphan = () => child.kill("SIGKILL");
  process.on("exit", orphan);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  exited.then(() => process.off("exit", orphan));

  const control = /** @type {import("node:stream").Readable} */ (child.stdio[3]);
  const ready = new Promise((resolve, reject) => {
    let buffer = "";
    control.on("data", (data) => {
      buffer += data.toString();
      let nl;
      while ((nl = buffer.indexOf("\n")) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const message = JSON.parse(line);
          if (message.event === "listen" && (message.socket ?? message.socketName) === "http") resolve(message.port);
        } catch {
          // Not a control message we know.
        }
      }
    });
    child.once("error", reject);
    exited.then(({ code, signal }) => reject(new Error(`workerd exited (${code ?? signal}) before listening:\n${scrub(output, env.BASETEN_API_KEY)}`)));
  });

  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workerd did not listen within ${timeoutMs} ms:\n${scrub(output, env.BASETEN_API_KEY)}`)), timeoutMs);
  });
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(kill);
  };
  try {
    const listening = /** @type {number} */ (await Promise.race([ready, timeout]));
    return { url: `http://127.0.0.1:${listening}`, port: listening, pid: /** @type {number} */ (child.pid), output: () => output, close };
  } catch (err) {
    await close();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** @param {string} text @param {string | undefined} key */
function scrub(text, key) {
  return key && key.length >= 6 ? text.split(key).join("[REDACTED]") : text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const worker = await startWorker({ port: Number(process.env.PORT ?? 0), echo: true });
  console.log(worker.url);
  const stop = () => worker.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
