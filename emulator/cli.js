#!/usr/bin/env node
// `node emulator/cli.js`: print the base URL as the first stdout line, serve until SIGINT/SIGTERM.
import { startEmulator } from './index.js';
import { optionsFromEnv } from './config.js';

const emu = await startEmulator(optionsFromEnv(process.env));
process.stdout.write(`${emu.url}\n`);
process.stderr.write(`modelwire emulator: OpenAI base ${emu.url}/v1, Anthropic base ${emu.url}; log at ${emu.url}/__emulator/log\n`);

let stopping = false;
const stop = async (/** @type {string} */ sig) => {
  if (stopping) return;
  stopping = true;
  await emu.close();
  process.stderr.write(`modelwire emulator: stopped (${sig})\n`);
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
