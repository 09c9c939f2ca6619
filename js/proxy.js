// `proxy()`: a server-side pass-through for Baseten Model APIs that holds the
// key, for Workers, Node (any server that speaks Request / Response) and Deno.
//
// The browser calls the proxy; the proxy sets `Authorization` and forwards
// `POST /v1/chat/completions`, `POST /v1/messages`, `GET /v1/models[/{id}]`.
// The response body goes back chunk for chunk as it arrives (nothing waits
// for the end), while a wasm `ChatStream` / `MessagesStream` reads the same
// chunks to report usage once the body has ended.
//
// This module does not import the wasm glue: each runtime entry initialises
// its own (web, workerd, node), so the entry hands its classes to
// `makeProxy(wasm)` and exports the result as `proxy`.

/** @typedef {import("../pkg/web/modelwire.js").ChatStream} ChatStream */
/** @typedef {import("../pkg/web/modelwire.js").MessagesStream} MessagesStream */
/**
 * The wasm classes the proxy parses with (an entry's exports, or its wasm glue).
 * @typedef {{
 *   ChatStream: new () => ChatStream,
 *   MessagesStream: new () => MessagesStream,
 * }} ProxyWasm
 */
/**
 * @typedef {object} ProxyUsage
 * @property {string} path the route, e.g. `/v1/chat/completions`
 * @property {string | null} model from the response, else the request
 * @property {number} status the upstream status (502 when it was unreachable)
 * @property {Record<string, any> | null} usage the upstream's usage object, as sent
 * @property {string | null} requestId `x-baseten-request-id` / `x-request-id` / `request-id`
 * @property {number} durationMs from the request to the end of the body
 * @property {boolean} stream whether the body was an event stream
 * @property {"done" | "eof" | "cut" | null} ending how a stream ended (`null` for JSON)
 * @property {{ code: string, message: string } | null} error why the usage may be missing or partial
 */
/**
 * @typedef {object} ProxyOptions
 * @property {string} [upstream] base URL; default `https://inference.baseten.co` (a trailing `/v1` is fine)
 * @property {string} apiKey sent upstream as `Authorization: {authScheme} {apiKey}`
 * @property {"Bearer" | "Api-Key"} [authScheme] default `"Bearer"`
 * @property {Iterable<string> | string} [allowedOrigins] origins given CORS (`"*"` allows any); default none
 * @property {(usage: ProxyUsage) => unknown} [onUsage] called once per forwarded request, after its body ended
 * @property {typeof fetch} [fetch] default `globalThis.fetch`, looked up at call time
 * @property {(promise: Promise<unknown>) => void} [waitUntil] keeps the runtime alive for an async `onUsage` (Workers: `ctx.waitUntil.bind(ctx)`)
 */

export const DEFAULT_UPSTREAM = "https://inference.baseten.co";

/** Keys shorter than this are not scrubbed: they would garble ordinary text (as in the client). */
const MIN_SCRUBBED_KEY_LEN = 6;
const REDACTED = "[REDACTED]";
/** Non-streamed bodies larger than this are passed through but not parsed for usage. */
const MAX_PARSED_BYTES = 8 << 20;

/** Request headers never forwarded: the browser's credentials, and what the runtime sets itself. */
const DROP_REQUEST = new Set([
  "authorization",
  "x-api-key",
  "cookie",
  "host",
  "origin",
  "referer",
  "content-length",
  "accept-encoding",
  "connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
/** Response headers never passed back: hop-by-hop, and what no longer matches the (decoded) body. */
const DROP_RESPONSE = new Set([
  "content-encoding",
  "content-length",
  "set-cookie",
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-expose-headers",
  "access-control-max-age",
]);
const EXPOSE = "x-baseten-request-id, x-baseten-model-id, x-request-id, request-id, retry-after, retry-after-ms";
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Binds `proxy` to a runtime's wasm classes.
 * @param {ProxyWasm} wasm
 * @returns {(request: Request, options: ProxyOptions) => Promise<Response>}
 */
export function makeProxy(wasm) {
  return (request, options) => proxyRequest(wasm, request, options);
}

/**
 * @param {ProxyWasm} wasm
 * @param {Request} request
 * @param {ProxyOptions} options
 * @returns {Promise<Response>}
 */
async function proxyRequest(wasm, request, options) {
  const started = Date.now();
  const url = new URL(request.url);
  const path = url.pathname;
  const origin = request.headers.get("origin");
  const cors = corsHeaders(origin, options.allowedOrigins);
  const anthropic = path === "/v1/messages";

  if (origin !== null && cors === null) {
    // Not only the preflight: a "simple" POST from another site would spend tokens too.
    return errorResponse(403, "origin not allowed", "origin_not_allowed", null, anthropic);
  }
  const route = routeOf(request.method === "OPTIONS" ? "" : request.method, path);
  if (request.method === "OPTIONS") {
    if (cors === null || !routeOf("*", path)) return errorResponse(403, "preflight not allowed", "forbidden", null, false);
    const headers = new Headers(cors);
    headers.set("access-control-allow-methods", "GET, POST, OPTIONS");
    const asked = request.headers.get("access-control-request-headers");
    if (asked) headers.set("access-control-allow-headers", asked);
    headers.set("access-control-max-age", "600");
    headers.append("vary", "access-control-request-headers");
    return new Response(null, { status: 204, headers });
  }
  if (!route) {
    const known = routeOf("*", path);
    return known
      ? errorResponse(405, `method ${request.method} not allowed on ${path}`, "method_not_allowed", cors, anthropic, { allow: known })
      : errorResponse(404, `no route ${path}`, "not_found", cors, anthropic);
  }

  const apiKey = options.apiKey ?? "";
  const secret = apiKey.length >= MIN_SCRUBBED_KEY_LEN ? apiKey : null;
  const scrub = (/** @type {string} */ text) => (secret ? text.split(secret).join(REDACTED) : text);

  // Request bodies are small (and the model name is read from them): read whole.
  const body = request.method === "POST" ? new Uint8Array(await request.arrayBuffer()) : null;
  let model = path.startsWith("/v1/models/") ? decodeURIComponent(path.slice("/v1/models/".length)) : null;
  if (body) model = requestModel(body);

  const headers = new Headers();
  for (const [name, value] of request.headers) if (!DROP_REQUEST.has(name) && !name.startsWith("cf-")) headers.set(name, value);
  if (apiKey) headers.set("authorization", `${options.authScheme ?? "Bearer"} ${apiKey}`);
  const target = upstreamUrl(options.upstream ?? DEFAULT_UPSTREAM, path, url.search);

  /** @param {Omit<ProxyUsage, "path" | "durationMs">} record */
  const report = (record) => {
    if (!options.onUsage) return;
    try {
      const result = options.onUsage({ path, ...record, durationMs: Date.now() - started });
      if (result && typeof (/** @type {any} */ (result).then) === "function") {
        const done = Promise.resolve(result).catch(() => {});
        options.waitUntil?.(done);
      }
    } catch {
      // A failing callback must not break the response.
    }
  };

  /** @type {Response} */
  let upstream;
  try {
    const doFetch = options.fetch ?? globalThis.fetch;
    upstream = await doFetch(target, { method: request.method, headers, body, redirect: "manual" });
  } catch (err) {
    const reason = scrub(err instanceof Error ? `${err.message}${causeText(err)}` : String(err));
    const error = { code: "upstream_unreachable", message: reason };
    report({ model, status: 502, usage: null, requestId: null, stream: false, ending: null, error });
    return errorResponse(502, `upstream unreachable: ${reason}`, "upstream_unreachable", cors, anthropic);
  }

  const out = new Headers();
  for (const [name, value] of upstream.headers) if (!DROP_RESPONSE.has(name)) out.set(name, scrub(value));
  if (cors) for (const [name, value] of cors) name === "vary" ? out.append(name, value) : out.set(name, value);
  const requestId =
    upstream.headers.get("x-baseten-request-id") ?? upstream.headers.get("x-request-id") ?? upstream.headers.get("request-id");
  const status = upstream.status;
  const type = upstream.headers.get("content-type") ?? "";
  const stream = /^text\/event-stream/i.test(type);

  if (!upstream.body || NULL_BODY.has(status)) {
    const error = status >= 400 ? { code: "upstream_status", message: `status ${status}` } : null;
    report({ model, status, usage: null, requestId, stream: false, ending: null, error });
    return new Response(null, { status, statusText: upstream.statusText, headers: out });
  }

  const meter = makeMeter(wasm, stream && route === "chat" ? "chat" : stream && route === "messages" ? "messages" : "json", scrub);
  const scrubber = secret ? makeScrubber(secret) : null;
  const reader = upstream.body.getReader();
  let finished = false;
  /** @param {{ code: string, message: string } | null} failure */
  const end = (failure) => {
    if (finished) return;
    finished = true;
    const result = meter.end(failure);
    report({
      model: result.model ?? model,
      status,
      usage: result.usage,
      requestId,
      stream,
      ending: result.ending,
      error: result.error ?? (status >= 400 ? { code: "upstream_status", message: scrub(result.errorText ?? `status ${status}`) } : null),
    });
  };

  const body$ = new ReadableStream(
    {
      async pull(controller) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch (err) {
          const message = scrub(err instanceof Error ? err.message : String(err));
          end({ code: "connection_lost", message: `upstream body failed: ${message}` });
          controller.error(new Error("upstream body failed"));
          return;
        }
        if (chunk.done) {
          const tail = scrubber?.end();
          if (tail?.length) {
            meter.push(tail);
            controller.enqueue(tail);
          }
          end(null);
          controller.close();
          return;
        }
        const bytes = scrubber ? scrubber.push(chunk.value) : chunk.value;
        if (bytes.length === 0) return;
        meter.push(bytes);
        controller.enqueue(bytes);
      },
      async cancel(reason) {
        end({ code: "aborted", message: "the client went away before the body ended" });
        await reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body$, { status, statusText: upstream.statusText, headers: out });
}

/**
 * Which route a method and path are, `"*"` for any method: the route's name,
 * or for `"*"` the methods it allows.
 * @param {string} method
 * @param {string} path
 * @returns {string | null}
 */
function routeOf(method, path) {
  /** @type {[string, string] | null} */
  const route =
    path === "/v1/chat/completions"
      ? ["POST", "chat"]
      : path === "/v1/messages"
        ? ["POST", "messages"]
        : path === "/v1/models" || (path.startsWith("/v1/models/") && path.length > "/v1/models/".length)
          ? ["GET", "models"]
          : null;
  if (!route) return null;
  if (method === "*") return route[0];
  return method === route[0] || (method === "HEAD" && route[0] === "GET") ? route[1] : null;
}

/**
 * CORS headers for an allowed origin, `null` for any other (and for none).
 * @param {string | null} origin
 * @param {Iterable<string> | string | undefined} allowed
 * @returns {Headers | null}
 */
function corsHeaders(origin, allowed) {
  if (origin === null || allowed === undefined) return null;
  const list = typeof allowed === "string" ? allowed.split(",") : [...allowed];
  const ok = list.some((entry) => {
    const item = entry.trim().replace(/\/+$/, "");
    return item === "*" || item === origin;
  });
  if (!ok) return null;
  return new Headers({ "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSE, vary: "origin" });
}

/**
 * @param {string} base
 * @param {string} path starts with `/v1/`
 * @param {string} search
 */
function upstreamUrl(base, path, search) {
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
  url.pathname = prefix + path;
  url.search = search;
  return url.toString();
}

/** @param {Uint8Array} body */
function requestModel(body) {
  try {
    const model = JSON.parse(new TextDecoder().decode(body))?.model;
    return typeof model === "string" ? model : null;
  } catch {
    return null;
  }
}

/** @param {Error} err */
function causeText(err) {
  const cause = /** @type {any} */ (err).cause;
  if (!cause) return "";
  return ` (${cause instanceof Error ? cause.message : String(cause.code ?? cause)})`;
}

/**
 * An error in OpenAI's shape (`{error: {message, type, param, code}}`); on
 * `/v1/messages` also Anthropic's top-level `type: "error"`.
 * @param {number} status
 * @param {string} message
 * @param {string} code
 * @param {Headers | null} cors
 * @param {boolean} anthropic
 * @param {Record<string, string>} [extra]
 */
function errorResponse(status, message, code, cors, anthropic, extra = {}) {
  const type = { 502: "api_error", 404: "not_found_error", 403: "permission_error" }[status] ?? "invalid_request_error";
  const error = { message, type, param: null, code };
  const body = anthropic ? { type: "error", error } : { error };
  const headers = new Headers({ "content-type": "application/json", ...extra });
  if (cors) for (const [name, value] of cors) headers.set(name, value);
  return new Response(JSON.stringify(body), { status, headers });
}

/**
 * @typedef {{
 *   model: string | null,
 *   usage: Record<string, any> | null,
 *   ending: "done" | "eof" | "cut" | null,
 *   error: { code: string, message: string } | null,
 *   errorText?: string,
 * }} MeterResult
 */

/**
 * Reads a copy of the body for usage: a wasm stream for SSE, else up to
 * `MAX_PARSED_BYTES` of JSON. Never throws.
 * @param {ProxyWasm} wasm
 * @param {"chat" | "messages" | "json"} kind
 * @param {(text: string) => string} scrub
 */
function makeMeter(wasm, kind, scrub) {
  /** @type {ChatStream | MessagesStream | null} */
  let parser = null;
  /** @type {{ code: string, message: string } | null} */
  let error = null;
  /** @type {Uint8Array[]} */
  let chunks = [];
  let size = 0;
  try {
    if (kind === "chat") parser = new wasm.ChatStream();
    else if (kind === "messages") parser = new wasm.MessagesStream();
  } catch (err) {
    error = describe(err, scrub);
  }
  /** @param {unknown} err */
  const fail = (err) => {
    error ??= describe(err, scrub);
  };

  return {
    /** @param {Uint8Array} bytes */
    push(bytes) {
      if (kind === "json") {
        size += bytes.length;
        if (size <= MAX_PARSED_BYTES) chunks.push(bytes);
        else chunks = [];
        return;
      }
      if (!parser || error) return;
      try {
        parser.push(bytes);
      } catch (err) {
        fail(err);
      }
    },
    /**
     * @param {{ code: string, message: string } | null} failure
     * @returns {MeterResult}
     */
    end(failure) {
      if (kind === "json") return endJson(failure);
      /** @type {"done" | "eof" | "cut" | null} */
      let ending = null;
      /** @type {any} */
      let value = null;
      if (parser) {
        try {
          if (!error && !failure) ending = parser.finish();
        } catch (err) {
          fail(err);
        }
        try {
          const json =
            kind === "chat"
              ? /** @type {ChatStream} */ (parser).completionJson()
              : /** @type {MessagesStream} */ (parser).messageJson();
          value = JSON.parse(json);
        } catch (err) {
          fail(err);
        }
        try {
          parser.free();
        } catch {
          // Already freed.
        }
        parser = null;
      }
      if (failure) error ??= failure;
      if (!error && (ending === "cut" || (kind === "messages" && ending === "eof"))) {
        error = { code: "incomplete", message: `the stream ended without ${kind === "chat" ? "[DONE]" : "message_stop"} (${ending})` };
      }
      return { model: stringOrNull(value?.model), usage: objectOrNull(value?.usage), ending, error };
    },
  };

  /** @param {{ code: string, message: string } | null} failure */
  function endJson(failure) {
    /** @type {any} */
    let value = null;
    let text = "";
    if (size > MAX_PARSED_BYTES) error = { code: "too_large", message: `body of ${size} bytes not parsed` };
    else {
      const all = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        all.set(chunk, at);
        at += chunk.length;
      }
      text = new TextDecoder().decode(all);
      try {
        value = JSON.parse(text);
      } catch {
        value = null;
      }
    }
    chunks = [];
    const upstreamMessage = [value?.error, value?.error?.message, value?.message].find((m) => typeof m === "string") ?? text.slice(0, 500);
    return {
      model: stringOrNull(value?.model),
      usage: objectOrNull(value?.usage),
      ending: null,
      error: failure ?? error,
      errorText: upstreamMessage,
    };
  }
}

/**
 * @param {unknown} err
 * @param {(text: string) => string} scrub
 */
function describe(err, scrub) {
  const e = /** @type {any} */ (err);
  const code = typeof e?.code === "string" ? e.code : typeof e?.name === "string" ? e.name : "parse_error";
  const message = scrub(typeof e?.message === "string" ? e.message : String(err));
  return { code, message };
}

/** @param {unknown} v */
const stringOrNull = (v) => (typeof v === "string" ? v : null);
/** @param {unknown} v */
const objectOrNull = (v) => (v && typeof v === "object" ? /** @type {Record<string, any>} */ (v) : null);

/**
 * Replaces `secret` in a byte stream with `[REDACTED]`. A chunk comes back as
 * the same bytes unless it contains the secret or ends with a prefix of it
 * (those few bytes wait for the next chunk), so SSE events, which end with a
 * line break, are never held back.
 * @param {string} secret
 */
export function makeScrubber(secret) {
  const key = new TextEncoder().encode(secret);
  const redacted = new TextEncoder().encode(REDACTED);
  /** @type {Uint8Array} */
  let carry = new Uint8Array(0);

  /** @param {Uint8Array} data @param {number} at */
  const matchesAt = (data, at) => {
    for (let j = 0; j < key.length; j++) if (data[at + j] !== key[j]) return false;
    return true;
  };

  return {
    /** @param {Uint8Array} chunk @returns {Uint8Array} */
    push(chunk) {
      let data = chunk;
      if (carry.length) {
        data = new Uint8Array(carry.length + chunk.length);
        data.set(carry);
        data.set(chunk, carry.length);
        carry = new Uint8Array(0);
      }
      /** @type {Uint8Array[] | null} */
      let parts = null;
      let from = 0;
      let i = data.indexOf(key[0]);
      while (i !== -1 && i + key.length <= data.length) {
        if (matchesAt(data, i)) {
          (parts ??= []).push(data.subarray(from, i), redacted);
          from = i + key.length;
          i = data.indexOf(key[0], from);
        } else i = data.indexOf(key[0], i + 1);
      }
      // The longest tail (after the last replacement) that could start the key.
      let hold = 0;
      for (let k = Math.min(key.length - 1, data.length - from); k > 0; k--) {
        const at = data.length - k;
        if (data[at] !== key[0]) continue;
        let prefix = true;
        for (let j = 1; j < k; j++) if (data[at + j] !== key[j]) prefix = false;
        if (prefix) {
          hold = k;
          break;
        }
      }
      if (hold) carry = data.slice(data.length - hold);
      if (!parts) return hold ? data.subarray(0, data.length - hold) : data;
      parts.push(data.subarray(from, data.length - hold));
      const total = parts.reduce((n, p) => n + p.length, 0);
      const out = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
    /** The held-back tail at the end of the body. */
    end() {
      const rest = carry;
      carry = new Uint8Array(0);
      return rest;
    },
  };
}
