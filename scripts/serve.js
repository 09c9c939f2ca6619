// Serves the playground (www/) and the built package (js/, pkg/) on 127.0.0.1.
// With an upstream (the emulator, llama-server), it also forwards /v1/* there,
// so the page can fetch real streams without CORS. Prints its URL first.
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
 * @param {{ port?: number, upstream?: string }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serve({ port = 0, upstream } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (upstream && path.startsWith("/v1/")) return forward(req, res, upstream);
    // Dedicated deployments, as the emulator serves them (deploymentBaseURL "{origin}/model/{model_id}").
    if (upstream && path.startsWith("/model/")) return forward(req, res, upstream);
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 0);
  const { url } = await serve({ port, upstream: process.env.MODELWIRE_UPSTREAM || undefined });
  console.log(url);
}
