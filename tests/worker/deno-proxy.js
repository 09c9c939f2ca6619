// Run by deno.test.js under Deno: proxy() from the web entry behind Deno.serve.
// Prints its URL, then one JSON usage record per request on stderr.
import * as modelwire from "../../js/web.js";
import { makeProxy } from "../../js/proxy.js";

const proxy = makeProxy(modelwire);
const [upstream, apiKey] = Deno.args;
Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(`http://127.0.0.1:${port}`) }, (request) =>
  proxy(request, { upstream, apiKey, onUsage: (usage) => console.error(JSON.stringify(usage)) }),
);
