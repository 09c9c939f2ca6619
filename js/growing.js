// A text that grows by deltas (tool arguments, JSON content, tool input),
// parsed incrementally by the wasm PartialJson only while someone watches.

/** @typedef {{ push(fragment: string): boolean, snapshotJson(): string | undefined, free(): void }} WasmPartialJson */

export class Growing {
  text = "";
  /** @type {WasmPartialJson | null} */
  #parser = null;
  #fed = 0;
  #make;

  /** @param {() => WasmPartialJson} make */
  constructor(make) {
    this.#make = make;
  }

  /** @param {string} delta @param {boolean} track  keep the incremental parser fed */
  append(delta, track) {
    this.text += delta;
    if (track) {
      if (!this.#parser) {
        this.#parser = this.#make();
        this.#parser.push(this.text.slice(0, this.text.length - delta.length));
      }
      this.#parser.push(delta);
      this.#fed = this.text.length;
    }
  }

  /** The value now: from the incremental parser when it is current. */
  parsed() {
    return this.parsedAt()();
  }

  /** A getter for the value as of now: cheap while nothing newer arrived. */
  parsedAt() {
    const at = this.text.length;
    const text = this.text;
    return () => {
      if (this.#parser && this.#fed === at) return snapshot(this.#parser);
      const parser = this.#make();
      try {
        parser.push(text);
        return snapshot(parser);
      } finally {
        parser.free();
      }
    };
  }

  free() {
    this.#parser?.free();
    this.#parser = null;
  }
}

/** @param {WasmPartialJson} parser */
function snapshot(parser) {
  const json = parser.snapshotJson();
  return json === undefined ? undefined : JSON.parse(json);
}

/** @param {string} text */
export function parseOrNull(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
