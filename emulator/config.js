// Options from environment variables, for `node emulator/cli.js` (README lists them all).
import { parseKeys } from './auth.js';

/** @param {string | undefined} v */
const int = (v) => (v == null || v === '' ? undefined : Number(v));
/** @param {string | undefined} v */
const bool = (v) => (v == null || v === '' ? undefined : !['0', 'false', 'off', 'no'].includes(v.toLowerCase()));

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {import('./state.js').EmulatorOptions}
 */
export function optionsFromEnv(env) {
  /** @type {Record<string, any>} */
  const o = {
    port: int(env.PORT),
    keys: env.EMULATOR_KEYS ? parseKeys(env.EMULATOR_KEYS) : undefined,
    rpm: int(env.EMULATOR_RPM),
    tpm: int(env.EMULATOR_TPM),
    maxBodyBytes: int(env.EMULATOR_MAX_BODY_BYTES),
    quirks: bool(env.EMULATOR_QUIRKS),
    seed: int(env.EMULATOR_SEED),
    streamDelayMs: int(env.EMULATOR_STREAM_DELAY_MS),
    cacheBlockTokens: int(env.EMULATOR_CACHE_BLOCK_TOKENS),
    environments: env.EMULATOR_ENVIRONMENTS ? env.EMULATOR_ENVIRONMENTS.split(',').map((/** @type {string} */ s) => s.trim()) : undefined,
    servedModelName: env.EMULATOR_SERVED_MODEL || undefined,
    webhookSecrets: env.EMULATOR_WEBHOOK_SECRETS ? env.EMULATOR_WEBHOOK_SECRETS.split(',').map((/** @type {string} */ s) => s.trim()) : undefined,
    async: {
      queueMs: int(env.EMULATOR_ASYNC_QUEUE_MS),
      runMs: int(env.EMULATOR_ASYNC_RUN_MS),
      secondMs: int(env.EMULATOR_ASYNC_SECOND_MS),
      concurrency: int(env.EMULATOR_ASYNC_CONCURRENCY),
    },
  };
  o.async = Object.fromEntries(Object.entries(o.async).filter(([, v]) => v !== undefined));
  return /** @type {any} */ (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
}
