# workerd config for the edge worker (worker/index.js). No bundler: every module
# the worker imports is listed here under the path it has in the repository, so
# the relative imports in js/ resolve as they do on disk.
#
#   BASETEN_API_KEY=… MODELWIRE_UPSTREAM=http://127.0.0.1:PORT MODELWIRE_ORIGINS=http://127.0.0.1:5173 \
#     node_modules/.bin/workerd serve worker/config.capnp --socket-addr http=127.0.0.1:8787
#
# or `node worker/run.js` (free port, prints the URL). The key comes from the
# environment (`fromEnvironment`), never from this file or the command line.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The default outbound network only reaches public addresses; the emulator
    # and llama-server listen on 127.0.0.1, so allow loopback and private ranges too.
    (name = "internet", network = (
      allow = ["public", "private", "local"],
      tlsOptions = (trustBrowserCas = true),
    )),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8787", http = (), service = "main"),
  ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker/index.js", esModule = embed "index.js"),
    (name = "js/workerd.js", esModule = embed "../js/workerd.js"),
    (name = "js/proxy.js", esModule = embed "../js/proxy.js"),
    (name = "js/api.js", esModule = embed "../js/api.js"),
    (name = "js/client.js", esModule = embed "../js/client.js"),
    (name = "js/errors.js", esModule = embed "../js/errors.js"),
    (name = "js/stream.js", esModule = embed "../js/stream.js"),
    (name = "js/sse-events.js", esModule = embed "../js/sse-events.js"),
    (name = "js/chat-runner.js", esModule = embed "../js/chat-runner.js"),
    (name = "js/messages-runner.js", esModule = embed "../js/messages-runner.js"),
    (name = "js/runner.js", esModule = embed "../js/runner.js"),
    (name = "js/growing.js", esModule = embed "../js/growing.js"),
    (name = "js/pump.js", esModule = embed "../js/pump.js"),
    (name = "js/transport.js", esModule = embed "../js/transport.js"),
    (name = "js/convert.js", esModule = embed "../js/convert.js"),
    (name = "js/deployment.js", esModule = embed "../js/deployment.js"),
    (name = "js/webhook.js", esModule = embed "../js/webhook.js"),
    (name = "js/models.js", esModule = embed "../js/models.js"),
    (name = "pkg/web/modelwire.js", esModule = embed "../pkg/web/modelwire.js"),
    (name = "pkg/web/modelwire_bg.wasm", wasm = embed "../pkg/web/modelwire_bg.wasm"),
  ],
  compatibilityDate = "2026-10-23",
  bindings = [
    (name = "BASETEN_API_KEY", fromEnvironment = "BASETEN_API_KEY"),
    (name = "MODELWIRE_UPSTREAM", fromEnvironment = "MODELWIRE_UPSTREAM"),
    (name = "MODELWIRE_ORIGINS", fromEnvironment = "MODELWIRE_ORIGINS"),
  ],
);
