// Programmatic entry: start an emulator on 127.0.0.1 for a test or a demo.
//
//   import { startEmulator } from './emulator/index.js';
//   const emu = await startEmulator({ keys: { good: 'valid' } });
//   // ... fetch(`${emu.url}/v1/chat/completions`, ...)
//   await emu.close();
import { createServer } from 'node:http';
import { State } from './state.js';
import { createHandler } from './server.js';

export { signWebhook } from './async.js';
export { defaultCatalog } from './catalog.js';
export { fingerprint } from './auth.js';

/**
 * @typedef {object} Emulator
 * @property {string} url base URL, `http://127.0.0.1:PORT` (append `/v1` for OpenAI clients)
 * @property {number} port
 * @property {() => import('./log.js').LogEntry[]} log a copy of the request log
 * @property {() => void} clearLog
 * @property {(partial: import('./state.js').EmulatorOptions) => void} configure change options while running
 * @property {() => void} reset forget log, fault counters, rate windows, prefix cache, async requests
 * @property {() => void} resumeAsync start queued async requests (after `async.paused`)
 * @property {import('./state.js').State} state internals, for white-box tests
 * @property {() => Promise<void>} close stop listening, drop open connections, cancel timers
 */

/**
 * Start an emulator; resolves once it listens.
 * @param {import('./state.js').EmulatorOptions} [options]
 * @returns {Promise<Emulator>}
 */
export async function startEmulator(options = {}) {
  const state = new State(options);
  const server = createServer({ keepAliveTimeout: 5000 }, createHandler(state));
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  server.on('connection', (/** @type {import('node:net').Socket} */ s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(state.options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  let closed = false;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    port: addr.port,
    log: () => state.log.list(),
    clearLog: () => state.log.clear(),
    configure: (partial) => state.configure(partial),
    reset: () => state.reset(),
    resumeAsync: () => state.configure({ async: { paused: false } }),
    state,
    close: async () => {
      if (closed) return;
      closed = true;
      const done = new Promise((resolve) => server.close(() => resolve(undefined)));
      for (const s of sockets) s.destroy();
      await state.asyncQueue.close();
      await done;
    },
  };
}
