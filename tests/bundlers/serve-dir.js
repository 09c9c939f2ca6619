// A bundler's output directory served on 127.0.0.1 as a static host would
// serve it (the .wasm as application/wasm), with /v1/* forwarded, unbuffered,
// to the emulator so that the page streams from its own origin. Every request
// is recorded with the status it got.
import { createServer, request as httpRequest } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/**
 * @param {string} dir the directory to serve (index.html at /)
 * @param {string} upstream the emulator's base URL
 * @returns {Promise<{ url: string, requests: { path: string, status: number, type: string }[], close: () => Promise<void> }>}
 */
export async function serveDir(dir, upstream) {
  /** @type {{ path: string, status: number, type: string }[]} */
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    // writeHead(status, headers) does not show in getHeader(): read the headers as sent.
    res.on("finish", () => requests.push({ path, status: res.statusCode, type: /content-type: ([^\r\n]*)/i.exec(String(/** @type {any} */ (res)._header))?.[1] ?? "" }));
    if (path.startsWith("/v1/")) return forward(req, res, upstream);
    const full = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!full.startsWith(dir + sep)) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    try {
      const body = await readFile(full);
      res.writeHead(200, { "content-type": TYPES[/** @type {keyof TYPES} */ (extname(full))] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}

/**
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {string} upstream
 */
function forward(req, res, upstream) {
  const headers = { ...req.headers };
  delete headers.host;
  const request = httpRequest(new URL(req.url ?? "/", upstream), { method: req.method, headers });
  request.on("response", (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  request.on("error", (err) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { "content-type": "text/plain" }).end(`upstream unreachable: ${err}`);
  });
  req.pipe(request);
}
