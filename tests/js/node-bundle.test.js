// The package's "node" entry is pkg/node-bundle.js, js/node.js bundled into one file by
// scripts/bundle-node.js (cold start). Suites that import "modelwire" run the bundle, so a
// bundle older than js/ would test stale code: this fails first, saying what to run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { OPTIONS, OUTFILE, ROOT } from "../../scripts/bundle-node.js";

test("pkg/node-bundle.js is js/node.js as it is now, bundled", async () => {
  const fresh = await build({ ...OPTIONS, outfile: OUTFILE, write: false });
  assert.equal(fresh.outputFiles.length, 1);
  const built = readFileSync(join(ROOT, OUTFILE), "utf8");
  assert.ok(built === fresh.outputFiles[0].text, `${OUTFILE} is older than js/: run \`npm run build\``);
});

test('import "modelwire" under Node resolves to the bundle, which exports what js/node.js does', async () => {
  assert.equal(import.meta.resolve("modelwire"), new URL(`../../${OUTFILE}`, import.meta.url).href);
  const bundled = await import("modelwire");
  const source = await import("../../js/node.js");
  assert.deepEqual(Object.keys(bundled).sort(), Object.keys(source).sort());
  for (const [name, value] of Object.entries(source)) assert.equal(typeof bundled[name], typeof value, name);
  // One wasm instance behind both: the glue is required, not bundled.
  assert.equal(bundled.ChatStream, source.ChatStream);
});
