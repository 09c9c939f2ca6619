// Run by deno.test.js under Deno, never by Node:
//   deno run --allow-net=127.0.0.1 --allow-read=REPO client.mjs EMULATOR_URL
// Imports the browser/Deno entry by a relative path only (no deno.land, jsr: or
// npm: specifier), so the only file fetched is the .wasm next to the glue
// (file://, which needs read permission). Prints one JSON line.
import * as mw from "../../js/web.js";
import { run } from "./scenarios.mjs";

const url = Deno.args[0];
if (!url) throw new Error("usage: deno run client.mjs EMULATOR_URL");
console.log(JSON.stringify({ entry: "js/web.js", ...(await run(mw, url)) }));
