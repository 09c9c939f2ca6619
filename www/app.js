// The playground's entry: fills the settings with their defaults, wires the page's controls to
// the modules that do the work, and loads the model catalog.
//
// The playground: a chat against Baseten Model APIs (or the emulator) through the edge worker,
// built on the modelwire client: the model catalog, Chat Completions or Messages on the same
// conversation, reasoning, tools, JSON schema with the partial object, live numbers and cost,
// a request inspector, Stop, errors. Plus the SSE decoder on a pasted stream.
//
// The page never holds a key: its /v1 is the edge worker (served by scripts/serve.js on this
// origin), which adds the key server-side.
//
// One job a module: dom.js (helpers), defaults.js (demo tools, schema, results), state.js (the
// shared state and the client), models.js (picker), chat.js (the log's bubbles), request.js
// (the request from the settings), conversation.js (turns, Stop, Clear), tools.js (tool round
// trips), numbers.js (live numbers), inspector.js (request, curl, conversion, wire events),
// status.js (status line, errors), decoder.js (the recorded-stream panel).
import { $ } from "./dom.js";
import { DEFAULT_TOOLS, DEFAULT_SCHEMA } from "./defaults.js";
import { loadModels, showModel } from "./models.js";
import { clearConversation, promptKey, stopTurn, submitPrompt } from "./conversation.js";
import { sendToolResults } from "./tools.js";
import { copyCurl } from "./inspector.js";
import { SAMPLE_STREAM, decodeSource } from "./decoder.js";

$("tools").value = JSON.stringify(DEFAULT_TOOLS, null, 2);
$("schema").value = JSON.stringify(DEFAULT_SCHEMA, null, 2);
$("source").value = SAMPLE_STREAM;

$("model").addEventListener("change", showModel);
$("composer").addEventListener("submit", submitPrompt);
$("prompt").addEventListener("keydown", promptKey);
$("stop").addEventListener("click", stopTurn);
$("clear").addEventListener("click", clearConversation);
$("use-schema").addEventListener("change", () => {
  $("structured").hidden = !$("use-schema").checked;
});
$("send-tools").addEventListener("click", sendToolResults);
$("copy-curl").addEventListener("click", copyCurl);
$("decode").addEventListener("click", decodeSource);
// The controls work from here on (the catalog may still be loading: body[data-ready] then).
document.body.dataset.wired = "true";

void loadModels();
