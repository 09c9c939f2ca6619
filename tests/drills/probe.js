// Loaded before modelwire: keeps every WebAssembly instance made in this
// process (so a drill can read the wasm memory's size), and counts the wasm
// objects the client makes and frees, by class.
import { createRequire } from "node:module";

/** @type {WebAssembly.Instance[]} */
const instances = [];
const Instance = WebAssembly.Instance;
WebAssembly.Instance = /** @type {any} */ (
  new Proxy(Instance, {
    construct(target, args, newTarget) {
      const instance = Reflect.construct(target, args, newTarget);
      instances.push(instance);
      return instance;
    },
  })
);

/** Bytes of wasm linear memory in this process (it only ever grows). */
export function wasmMemoryBytes() {
  let total = 0;
  for (const i of instances) {
    const memory = /** @type {WebAssembly.Memory | undefined} */ (i.exports.memory);
    if (memory) total += memory.buffer.byteLength;
  }
  return total;
}

const require = createRequire(import.meta.url);
const glue = require("../../pkg/node/modelwire.js");

/** Made and freed, per class. @type {Record<string, { made: number, freed: number }>} */
export const counts = {};

/** @param {string} name @param {any} Class */
function countWrapped(name, Class) {
  const c = (counts[name] = { made: 0, freed: 0 });
  const wrap = Class.__wrap;
  Class.__wrap = function (/** @type {number} */ ptr) {
    c.made++;
    return wrap.call(this, ptr);
  };
  const free = Class.prototype.free;
  Class.prototype.free = function () {
    if (this.__wbg_ptr) c.freed++;
    return free.call(this);
  };
}
countWrapped("ChatStream", glue.ChatStream);
countWrapped("MessagesStream", glue.MessagesStream);

/** @param {string} name */
function countConstructed(name) {
  const c = (counts[name] = { made: 0, freed: 0 });
  const Base = glue[name];
  const free = Base.prototype.free;
  Base.prototype.free = function () {
    if (this.__wbg_ptr) c.freed++;
    return free.call(this);
  };
  glue[name] = class extends Base {
    /** @param {...any} args */
    constructor(...args) {
      super(...args);
      c.made++;
    }
  };
}
countConstructed("RetryLoop");
countConstructed("PartialJson");

/** Objects made and not freed, per class. */
export function live() {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v.made - v.freed]));
}
