// Serves the playground (www/) and the built package (js/, pkg/) on 127.0.0.1.
// With an upstream (the emulator, llama-server), it also forwards /v1/* there,
// so the page can fetch real streams without CORS. Prints its URL first.
//
// `startPlayground()` (and `node scripts/serve.js --worker`, which `npm start` runs) puts the
// edge worker (worker/, in workerd) between the page and the upstream: the page's /v1 goes to
// the worker, which holds the key and allows exactly this server's origin, so no key reaches
// the page.
import { createServer, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * @param {{ port?: number, upstream?: string | (() => string | undefined), info?: Record<string, unknown> }} options
 *   `upstream` may be a function, read per request (the worker's URL is known only after
 *   this server listens, since the worker must allow this server's origin).
 *   `info`: served as JSON at `/__playground.json` (what the page shows about its backend).
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serve({ port = 0, upstream: upstreamOption, info } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const upstream = typeof upstreamOption === "function" ? upstreamOption() : upstreamOption;
    if (upstream && path.startsWith("/v1/")) return forward(req, res, upstream);
    // Dedicated deployments, as the emulator serves them (deploymentBaseURL "{origin}/model/{model_id}").
    if (upstream && path.startsWith("/model/")) return forward(req, res, upstream);
    if (info && path === "/__playground.json") {
      return void res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(info));
    }
    // /js/ and /pkg/ are the package; everything else is the page in www/.
    const inPackage = path.startsWith("/js/") || path.startsWith("/pkg/");
    const file = inPackage ? path : join("www", path === "/" ? "index.html" : path);
    const full = normalize(join(root, file));
    const allowed = ["www", "js", "pkg"].some((dir) => full.startsWith(join(root, dir) + sep));
    if (!allowed) return void res.writeHead(404).end("not found");
    try {
      const body = await readFile(full);
      res.writeHead(200, { "content-type": types[extname(full)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(undefined)));
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

/**
 * Streams the request to the upstream and the answer back, unbuffered, byte for byte. When
 * the browser goes away mid-stream, the upstream request is cancelled too; when the upstream
 * drops mid-body, the browser's connection is dropped after every byte received has been
 * passed on. (node:http rather than fetch: a fetch body that errors discards the chunks
 * still queued in it, so a drop would lose events the upstream did send.)
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {string} upstream
 */
function forward(req, res, upstream) {
  const target = new URL(req.url ?? "/", upstream);
  const headers = { ...req.headers };
  delete headers.host;
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const request = send(target, { method: req.method, headers });
  res.on("close", () => {
    if (!res.writableFinished) request.destroy();
  });
  request.on("response", (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.on("data", (chunk) => res.write(chunk));
    answer.on("end", () => res.end());
    answer.on("error", () => {}); // reported through `close` below
    answer.on("close", () => {
      if (!answer.complete && !res.writableEnded) res.socket ? res.socket.end() : res.destroy();
    });
  });
  request.on("error", (err) => {
    if (res.writableEnded || res.destroyed) return;
    if (res.headersSent) return void (res.socket ? res.socket.end() : res.destroy());
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: `upstream ${upstream} unreachable: ${err}` }));
  });
  req.pipe(request);
}

/**
 * The playground as `npm start` runs it: this server on 127.0.0.1, the edge worker in workerd
 * in front of `upstream` with `apiKey`, allowing exactly this server's origin, and the page's
 * /v1 forwarded to the worker.
 * @param {{ upstream?: string, apiKey?: string, port?: number, echo?: boolean, backend?: string }} options
 *   `backend`: a label for the page ("emulator", "Baseten", …).
 * @returns {Promise<{ url: string, workerUrl: string, close: () => Promise<void> }>}
 */
export async function startPlayground({ upstream = "https://inference.baseten.co", apiKey, port = 0, echo = false, backend } = {}) {
  const { startWorker } = await import("../worker/run.js");
  /** @type {string | undefined} */
  let workerUrl;
  const upstreamV1 = upstream.replace(/\/+$/, "").replace(/\/v1$/, "") + "/v1";
  const server = await serve({
    port,
    upstream: () => workerUrl,
    info: { backend: backend ?? upstreamV1, upstream: upstreamV1, keyEnv: "BASETEN_API_KEY", keySet: Boolean(apiKey), via: "edge worker (workerd)" },
  });
  const origin = new URL(server.url).origin;
  let worker;
  try {
    worker = await startWorker({ upstream, apiKey, origins: [origin], echo });
  } catch (err) {
    await server.close();
    throw err;
  }
  workerUrl = worker.url;
  const running = worker;
  return {
    url: server.url,
    workerUrl,
    close: async () => {
      await running.close();
      await server.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 0);
  if (process.argv.includes("--worker")) {
    // The key comes from the environment only; it is handed to workerd's environment, never printed.
    const playground = await startPlayground({
      port,
      upstream: process.env.MODELWIRE_UPSTREAM || undefined,
      apiKey: process.env.BASETEN_API_KEY || undefined,
      backend: process.env.MODELWIRE_BACKEND || undefined,
      echo: true,
    });
    console.log(playground.url);
    const stop = () => void playground.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } else {
    const { url } = await serve({ port, upstream: process.env.MODELWIRE_UPSTREAM || undefined });
    console.log(url);
  }
}
