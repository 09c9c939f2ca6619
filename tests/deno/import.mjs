// Cold-start probe, run by deno.test.js under Deno: the import of the package's
// Deno entry (module graph + the .wasm fetched over file:// and instantiated)
// and nothing else. Prints the export names and the in-process time to
// evaluate this module's dependencies (from process start, performance.now()).
import * as mw from "../../js/web.js";

console.log(JSON.stringify({ exports: Object.keys(mw).sort(), sinceStartMs: performance.now() }));
