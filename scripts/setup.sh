#!/usr/bin/env bash
# Installs what the build and the tests need, from the package registries only
# (crates.io, Debian, npm), and skips whatever is already there at the right
# version. Run by `npm start` and `npm test`; safe to run any number of times.
set -euo pipefail
source "$(dirname "$0")/env.sh"

WASM_BINDGEN_VERSION=0.2.130 # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml
WASM_PACK_VERSION=0.15.1
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

say() { printf 'setup: %s\n' "$*"; }

command -v rustup >/dev/null || { say "rustup is required (it manages the Rust toolchain)"; exit 1; }
command -v node >/dev/null || { say "Node.js 20+ is required"; exit 1; }

# rust-toolchain.toml names the channel, target and components; make sure they are present.
installed_targets=$(rustup target list --installed)
grep -qx wasm32-unknown-unknown <<<"$installed_targets" || rustup target add wasm32-unknown-unknown
for component in rustfmt clippy; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # Not --locked: its lockfile pins a crate version the registry no longer serves.
  cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  say "installing wasm-pack $WASM_PACK_VERSION (about 3 minutes)"
  cargo install --force --locked wasm-pack --version "$WASM_PACK_VERSION"
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Chromium and ChromeDriver from Debian"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# npm ci only when package-lock.json changed since the last install here.
stamp=node_modules/.modelwire-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing npm devDependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
say "toolchain ready"
