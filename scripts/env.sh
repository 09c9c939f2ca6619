# Sourced by the scripts: the tools they use, found the same way on every run.
# binaryen's wasm-opt comes from node_modules (never Debian's: its output fails to load).
MODELWIRE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$MODELWIRE_ROOT/node_modules/.bin:$PATH"
cd "$MODELWIRE_ROOT"
