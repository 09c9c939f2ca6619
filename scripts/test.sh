#!/usr/bin/env bash
# `npm test`: installs what is missing, builds, then runs every suite. It is
# exactly what CI runs. Every step runs even after a failure, so one run shows
# everything that is broken; the exit code is non-zero if any step failed.
set -uo pipefail
source "$(dirname "$0")/env.sh"

bash scripts/setup.sh || exit 1
bash scripts/build.sh || exit 1

passed=()
failed=()
step() {
  local name=$1
  shift
  printf '\n=== %s\n' "$name"
  if "$@"; then passed+=("$name"); else failed+=("$name"); fi
}
wasm_test() { wasm-pack --log-level warn test --mode no-install "$@" -- --test wasm_glue; }
# The same glue tests in Chromium: wasm-bindgen-test picks the browser from this variable.
wasm_test_chromium() { WASM_BINDGEN_USE_BROWSER=1 wasm_test --headless --chrome; }

step "cargo fmt --check" cargo fmt --all -- --check
step "clippy (host)" cargo clippy --all-targets -- -D warnings
step "clippy (wasm32)" cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
step "cargo test (host: unit, conformance, properties, doc)" cargo test
step "wasm-bindgen-test in Node" wasm_test --node
step "wasm-bindgen-test in Chromium" wasm_test_chromium
step "tsc --strict (typings, entries, playground, examples)" tsc -p tsconfig.json
step "package in Node" node --test tests/js/
step "clients against the emulator (Node)" node --test tests/client/ tests/messages/ tests/examples/ tests/drills/ tests/deploy/ tests/convert/ tests/catalog/
step "edge worker in workerd, proxy()" node --test tests/worker/
step "package in Deno" node --test tests/deno/
step "package in Bun" node --test tests/bun/
step "bundlers (Vite, esbuild) in Chromium" node --test tests/bundlers/
step "page in Chromium (Playwright)" node --test tests/browser/
step "emulator with the official SDKs" node --test tests/emulator/

printf '\n=== summary\n'
for name in "${passed[@]}"; do printf 'ok      %s\n' "$name"; done
for name in "${failed[@]}"; do printf 'FAILED  %s\n' "$name"; done
printf 'steps: %d passed, %d failed\n' "${#passed[@]}" "${#failed[@]}"
[ "${#failed[@]}" -eq 0 ]
