// Conversion between Chat Completions and Messages, over the wasm core
// (src/convert/): the pure functions exported as `convert`, event-level
// stream converters, and the pieces the client's `protocol` option uses to
// send one protocol's request to the other's endpoint. The conversions and
// their loss reports are all computed in wasm; this file only moves JSON.

import { ModelwireError } from "./errors.js";

/**
 * @typedef {import("./convert-types.js").Loss} Loss
 * @typedef {import("./convert-types.js").LossKind} LossKind
 * @typedef {import("./convert-types.js").Conversion} Conversion
 * @typedef {"chat" | "messages"} Protocol
 * @typedef {object} ConvertWasm
 * @property {(what: string, json: string) => string} convertBody
 * @property {typeof import("../pkg/web/modelwire.js").EventConverter} EventConverter
 */

/**
 * A body that could not be converted (`code`: `invalid_json`,
 * `not_an_object`), or, with `strictConversion`, a request whose conversion
 * would lose something (`code: "lossy"`, the losses in `dropped`).
 */
export class ConversionError extends ModelwireError {
  /** @param {string} message @param {{ code?: string, dropped?: Loss[] }} [fields] */
  constructor(message, fields = {}) {
    super(message);
    /** @type {string | undefined} */
    this.code = fields.code;
    /** @type {Loss[]} */
    this.dropped = fields.dropped ?? [];
  }
}

/** The wasm `ConversionError` as the class; anything else as is. @param {unknown} err */
function typed(err) {
  if (err instanceof Error && err.name === "ConversionError") {
    return new ConversionError(err.message, { code: /** @type {any} */ (err).code });
  }
  return err;
}

/** @param {ConvertWasm} wasm @param {string} what @param {string} json @returns {{ value: any, dropped: Loss[] }} */
function convertText(wasm, what, json) {
  try {
    return JSON.parse(wasm.convertBody(what, json));
  } catch (err) {
    throw typed(err);
  }
}

/**
 * One stream's raw events converted to the other protocol's, one at a
 * time: Chat Completions chunks (and `"[DONE]"`) to Messages events, or
 * Messages events to chunks. `push` returns the events each input
 * completes; `finish()` closes the stream at its end and frees the wasm
 * state (so does reaching the end: `[DONE]`, `message_stop`, an error).
 */
export class StreamConverter {
  /** @type {InstanceType<ConvertWasm["EventConverter"]> | null} */
  #wasm;
  /** @type {Loss[]} */
  #dropped = [];

  /** @param {ConvertWasm} wasm @param {"chatToMessages" | "messagesToChat"} direction */
  constructor(wasm, direction) {
    this.#wasm = new wasm.EventConverter(direction);
  }

  /** @param {any} event  a chunk or event object (or `"[DONE]"`) @returns {any[]} */
  push(event) {
    const wasm = this.#wasm;
    if (!wasm) return [];
    const data = typeof event === "string" ? event : JSON.stringify(event);
    const name = typeof event?.type === "string" ? event.type : undefined;
    let out;
    try {
      out = JSON.parse(wasm.push(name, data ?? ""));
    } catch (err) {
      throw typed(err);
    }
    if (wasm.done) this.free();
    return out;
  }

  /** Ends the stream: the events that close it. @returns {any[]} */
  finish() {
    const wasm = this.#wasm;
    if (!wasm) return [];
    const out = JSON.parse(wasm.finish());
    this.free();
    return out;
  }

  /** Whether the stream is over (no more events come out). */
  get done() {
    return this.#wasm === null || this.#wasm.done;
  }

  /** What could not be carried over so far. @returns {Loss[]} */
  get dropped() {
    return this.#wasm ? JSON.parse(this.#wasm.droppedJson()) : this.#dropped;
  }

  /** Releases the wasm state (the report stays readable). */
  free() {
    const wasm = this.#wasm;
    if (!wasm) return;
    this.#dropped = JSON.parse(wasm.droppedJson());
    this.#wasm = null;
    wasm.free();
  }
}

/** `convert`: the pure functions, given the runtime's wasm exports. @param {ConvertWasm} wasm */
export function makeConvert(wasm) {
  /** @param {string} what */
  const body = (what) => (/** @type {any} */ value) => convertText(wasm, what, JSON.stringify(value) ?? "");
  return Object.freeze({
    chatToMessagesRequest: body("chatToMessagesRequest"),
    messagesToChatRequest: body("messagesToChatRequest"),
    chatToMessagesResponse: body("chatToMessagesResponse"),
    messagesToChatResponse: body("messagesToChatResponse"),
    chatToMessagesStream: () => new StreamConverter(wasm, "chatToMessages"),
    messagesToChatStream: () => new StreamConverter(wasm, "messagesToChat"),
  });
}

const PROTOCOL_NAMES = ["chat", "messages"];
const KINDS = ["dropped", "approximated", "unsupported", "reshaped"];
/** What `strictConversion: true` refuses: every loss of meaning (a reshaped field keeps it). */
const STRICT_KINDS = ["dropped", "approximated", "unsupported"];

/**
 * The protocol the server is spoken to in, checked.
 * @param {Protocol} api  the shape the call is written in
 * @param {unknown} option  `protocol` from the request or client options
 * @returns {Protocol}
 */
export function wireProtocol(api, option) {
  if (option === undefined || option === null) return api;
  if (!PROTOCOL_NAMES.includes(/** @type {string} */ (option))) {
    throw new ModelwireError(`invalid option protocol: expected "chat" or "messages", got ${String(option)}`);
  }
  return /** @type {Protocol} */ (option);
}

/** @param {unknown} strict @returns {string[]} */
function refused(strict) {
  if (strict === undefined || strict === null || strict === false) return [];
  if (strict === true) return STRICT_KINDS;
  if (Array.isArray(strict) && strict.every((k) => KINDS.includes(k))) return strict;
  throw new ModelwireError(`invalid option strictConversion: expected a boolean or a list of ${KINDS.join(", ")}`);
}

/**
 * Converts a request body for the other endpoint; with `strict`, refuses
 * one that would lose something before anything is sent.
 * @param {ConvertWasm} wasm @param {Protocol} api @param {Protocol} wire @param {any} params @param {unknown} strict
 * @returns {{ params: any, conversion: Conversion }}
 */
export function convertRequest(wasm, api, wire, params, strict) {
  const kinds = refused(strict);
  const { value, dropped } = convertText(wasm, `${api}To${title(wire)}Request`, JSON.stringify(params));
  const lossy = dropped.filter((loss) => kinds.includes(loss.kind));
  if (lossy.length) {
    const list = lossy.map((l) => `${l.path} (${l.kind}: ${l.reason})`).join("; ");
    throw new ConversionError(`strictConversion: converting to ${wire} would lose ${list}`, { code: "lossy", dropped: lossy });
  }
  return { params: value, conversion: { api, via: wire, request: dropped, response: [] } };
}

/**
 * A response body from the other endpoint, converted back, with
 * `_conversion` (non-enumerable) listing what was lost both ways.
 * @param {ConvertWasm} wasm @param {Conversion} conversion @param {string} text
 */
export function convertResponse(wasm, conversion, text) {
  /** @type {{ value: any, dropped: Loss[] }} */
  let out;
  try {
    out = convertText(wasm, `${conversion.via}To${title(conversion.api)}Response`, text);
  } catch (cause) {
    throw new ModelwireError(`The response is not JSON: ${String(text).slice(0, 200)}`, { cause });
  }
  return withConversion(out.value, { ...conversion, response: out.dropped });
}

/**
 * Adds `_conversion` (non-enumerable, like `_request_id`).
 * @template {object} T @param {T} value @param {Conversion} conversion
 */
export function withConversion(value, conversion) {
  Object.defineProperty(value, "_conversion", { value: conversion, enumerable: false, configurable: true });
  return value;
}

/** @param {string} name */
const title = (name) => name[0].toUpperCase() + name.slice(1);
