// Prints and records the size of what a browser downloads: the wasm module and
// its JS glue, raw and gzip -9 (the figure in the README's numbers section).
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const files = ["pkg/web/modelwire_bg.wasm", "pkg/web/modelwire.js"];
const sizes = files.map((file) => {
  const bytes = readFileSync(file);
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const total = sizes.reduce((t, s) => ({ raw: t.raw + s.raw, gzip: t.gzip + s.gzip }), { raw: 0, gzip: 0 });
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const s of [...sizes, { file: "total", ...total }]) {
  console.log(`size: ${s.file.padEnd(34)} ${kib(s.raw).padStart(10)} raw ${kib(s.gzip).padStart(10)} gzip`);
}
// What js/inline.js ships instead of the .wasm file (bundlers without a production asset step).
const inline = readFileSync("pkg/web/modelwire_wasm_base64.js");
const inlined = { file: "pkg/web/modelwire_wasm_base64.js", raw: inline.length, gzip: gzipSync(inline, { level: 9 }).length };
console.log(`size: ${inlined.file.padEnd(34)} ${kib(inlined.raw).padStart(10)} raw ${kib(inlined.gzip).padStart(10)} gzip (the .wasm as base64, instead of the file, for js/inline.js)`);
// The Node build, opt-level 3 (Cargo.toml's release-node): what a server loads, not a download.
const nodeWasm = readFileSync("pkg/node/modelwire_bg.wasm");
const node = { file: "pkg/node/modelwire_bg.wasm", raw: nodeWasm.length, gzip: gzipSync(nodeWasm, { level: 9 }).length };
console.log(`size: ${node.file.padEnd(34)} ${kib(node.raw).padStart(10)} raw ${kib(node.gzip).padStart(10)} gzip (Node and Bun, built for speed)`);
writeFileSync("pkg/size.json", JSON.stringify({ files: sizes, total, inline: inlined, node }, null, 2) + "\n");
