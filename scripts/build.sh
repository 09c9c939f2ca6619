#!/usr/bin/env bash
# Builds the package: pkg/web (browsers, bundlers, workerd, Deno) and pkg/node,
# each optimised with binaryen's wasm-opt -Oz, then prints the shipped size.
set -euo pipefail
source "$(dirname "$0")/env.sh"

# One build at a time per checkout: two at once would interleave writes to pkg/.
if command -v flock >/dev/null; then
  mkdir -p target
  exec 9>"target/.build.lock"
  flock 9
fi

# pkg/web at opt-level "z" (size: browsers, bundlers, workerd); pkg/node at 3 (speed:
# Node and Bun), Cargo.toml's release-node profile.
for target in web nodejs; do
  out="pkg/${target%js}"
  profile=(--release)
  [ "$target" = nodejs ] && profile=(--profile release-node)
  wasm-pack --log-level warn build --mode no-install "${profile[@]}" --no-pack \
    --target "$target" --out-dir "$out" --out-name modelwire
  wasm-opt -Oz "$out/modelwire_bg.wasm" -o "$out/modelwire_bg.wasm"
  # wasm-pack writes a catch-all .gitignore that would also hide the files from npm pack.
  rm -f "$out/.gitignore"
done
# The .wasm as base64 in a module, for js/inline.js (bundlers without a production asset step).
node -e '
const { readFileSync, writeFileSync } = require("node:fs");
const wasm = readFileSync("pkg/web/modelwire_bg.wasm").toString("base64");
writeFileSync("pkg/web/modelwire_wasm_base64.js", `// modelwire_bg.wasm, base64 (scripts/build.sh).\nexport const wasmBase64 = "${wasm}";\n`);
writeFileSync("pkg/web/modelwire_wasm_base64.d.ts", "export const wasmBase64: string;\n");
'
# The nodejs glue is CommonJS; our package.json says "type": "module".
echo '{ "type": "commonjs" }' > pkg/node/package.json
# The "node" entry: js/node.js and its imports in one file (cold start).
node scripts/bundle-node.js

node scripts/size.js
