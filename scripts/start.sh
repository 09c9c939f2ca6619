#!/usr/bin/env bash
# `npm start`: sets up and builds if needed, then runs the playground the way it is meant to be
# used: the page talks to the edge worker (worker/, in workerd), which holds the key and
# forwards to the backend. Prints one URL. Everything listens on 127.0.0.1.
#
#   npm start                                   the local Model API emulator (a fixed local key)
#   BASETEN_API_KEY=… npm start                 Baseten (https://inference.baseten.co/v1)
#   MODELWIRE_UPSTREAM=http://127.0.0.1:PORT npm start   another server (llama-server, …);
#                                               BASETEN_API_KEY, if set, is sent to it
#   PORT=5173 npm start                         a fixed port for the page
set -euo pipefail
source "$(dirname "$0")/env.sh"

bash scripts/setup.sh
[ -f pkg/web/modelwire_bg.wasm ] && [ -z "$(find src Cargo.toml -newer pkg/web/modelwire_bg.wasm -print -quit)" ] \
  || bash scripts/build.sh

# The emulator's only valid key: the worker sends it, anything else is refused (403).
LOCAL_KEY="modelwire-local-emulator-key"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
if [ -n "${MODELWIRE_UPSTREAM:-}" ]; then
  export MODELWIRE_BACKEND="${MODELWIRE_BACKEND:-$MODELWIRE_UPSTREAM}"
elif [ -n "${BASETEN_API_KEY:-}" ]; then
  export MODELWIRE_UPSTREAM="https://inference.baseten.co" MODELWIRE_BACKEND="Baseten"
else
  # Its banner (more URLs) goes nowhere: the one URL to open is the playground's.
  exec {fd}< <(EMULATOR_KEYS="$LOCAL_KEY=valid" EMULATOR_STREAM_DELAY_MS="${EMULATOR_STREAM_DELAY_MS:-15}" \
    exec node emulator/cli.js 2>/dev/null)
  pids+=($!)
  read -r MODELWIRE_UPSTREAM <&"$fd"
  export MODELWIRE_UPSTREAM MODELWIRE_BACKEND="emulator" BASETEN_API_KEY="$LOCAL_KEY"
fi
exec {fd2}< <(exec node scripts/serve.js --worker)
pids+=($!)
read -r url <&"$fd2"
echo "modelwire playground: $url  (${MODELWIRE_BACKEND} via the edge worker; Ctrl-C stops)"
wait
