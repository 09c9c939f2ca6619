#!/usr/bin/env bash
# `npm start`: sets up and builds if needed, starts the local default backend
# (the Model API emulator) and serves the playground; prints one URL.
# MODELWIRE_UPSTREAM=http://127.0.0.1:PORT points the page at another server.
set -euo pipefail
source "$(dirname "$0")/env.sh"

bash scripts/setup.sh
[ -f pkg/web/modelwire_bg.wasm ] && [ -z "$(find src Cargo.toml -newer pkg/web/modelwire_bg.wasm -print -quit)" ] \
  || bash scripts/build.sh

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
if [ -z "${MODELWIRE_UPSTREAM:-}" ] && [ -f emulator/cli.js ]; then
  exec {fd}< <(node emulator/cli.js)
  pids+=($!)
  read -r MODELWIRE_UPSTREAM <&"$fd"
  export MODELWIRE_UPSTREAM
fi
exec {fd2}< <(node scripts/serve.js)
pids+=($!)
read -r url <&"$fd2"
echo "modelwire playground: $url  (backend: ${MODELWIRE_UPSTREAM:-none})"
wait
