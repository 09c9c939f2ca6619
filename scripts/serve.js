// Serves the playground (www/) and the built package (js/, pkg/) on 127.0.0.1.
// With an upstream (the emulator, llama-server), it also forwards /v1/* there,
// so the page can fetch real streams without CORS. Prints its URL first.
import { createServer } from "node:http";
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
 * Streams the request to the upstream and the answer back, unbuffered. When
 * the browser goes away mid-stream, the upstream request is cancelled too.
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {string} upstream
 */
async function forward(req, res, upstream) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = { ...req.headers };
  delete headers.host;
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  try {
    const answer = await fetch(new URL(req.url ?? "/", upstream), {
      method: req.method,
      headers: /** @type {Record<string, string>} */ (headers),
      body: chunks.length ? Buffer.concat(chunks) : undefined,
      signal: abort.signal,
    });
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    if (answer.body) for await (const chunk of answer.body) res.write(chunk);
    res.end();
  } catch (err) {
    if (abort.signal.aborted) return;
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: `upstream ${upstream} unreachable: ${err}` }));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 0);
  const { url } = await serve({ port, upstream: process.env.MODELWIRE_UPSTREAM || undefined });
  console.log(url);
}
