#!/usr/bin/env bash
# `npm run fuzz`: runs every cargo-fuzz target in fuzz/ for FUZZ_SECONDS each
# (default 60), or until FUZZ_RUNS executions if that comes first (issue 9 asks
# for FUZZ_RUNS=10000000), with bounded memory and input size, seeded at run time from
# ../shared/conformance (never copied into the repository: fuzz/corpus is
# git-ignored), and prints each target's executions. FUZZ_TARGETS narrows it.
# A crash stops the run and leaves its input in fuzz/artifacts/<target>/.
# FUZZ_SANITIZER defaults to none: the library has no `unsafe` (src/lib.rs forbids
# it on the host), so AddressSanitizer would find nothing a panic check does not,
# at half the speed; FUZZ_SANITIZER=address brings it back.
set -euo pipefail
source "$(dirname "$0")/env.sh"

SECONDS_EACH=${FUZZ_SECONDS:-60}
SANITIZER=${FUZZ_SANITIZER:-none}
# Inputs are capped at FUZZ_MAX_LEN bytes (default 65536). The stream and partial-JSON targets
# re-check every input at many split points, so their speed falls with input length: at 4096
# they run 5-10 times faster, and issue 9's ten million executions take minutes, not hours.
MAX_LEN=${FUZZ_MAX_LEN:-65536}
runs_limit=()
[ -n "${FUZZ_RUNS:-}" ] && runs_limit=(-runs="$FUZZ_RUNS")
CARGO_FUZZ_VERSION=0.13.2
CORPUS_SRC=${MODELWIRE_CONFORMANCE:-$MODELWIRE_ROOT/../shared/conformance}

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  cargo install --force --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

cd fuzz
targets=${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}

# Seeds: the corpus's SSE bodies and error bodies, each as one file.
if [ -d "$CORPUS_SRC" ]; then
  node --input-type=module - "$CORPUS_SRC" <<'JS'
import { readdirSync, readFileSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
const [src] = process.argv.slice(2);
const walk = (dir) => readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? walk(p) : p.endsWith(".json") && !p.endsWith("index.json") ? [p] : [];
});
const put = (target, name, text) => {
  mkdirSync(`corpus/${target}`, { recursive: true });
  // The first byte picks the chunking in the stream targets.
  writeFileSync(`corpus/${target}/${name}`, Buffer.concat([Buffer.from([7]), Buffer.from(text)]));
};
for (const file of walk(src)) {
  const v = JSON.parse(readFileSync(file, "utf8"));
  const name = file.slice(src.length + 1).replaceAll("/", "_");
  if (v.sse_text) put(v.protocol === "anthropic-messages" ? "messages_stream" : "chat_stream", name, v.sse_text);
  if (v.chunks_b64) put("sse_decoder", name, Buffer.concat(v.chunks_b64.map((c) => Buffer.from(c, "base64"))));
  if (v.body !== undefined) put("api_error", name, JSON.stringify(v.body));
  if (v.expected_final) put("partial_json", name, JSON.stringify(v.expected_final));
}
JS
fi

# Seeds for the deployment URL and webhook targets (layouts in their sources).
mkdir -p corpus/deploy_url corpus/webhook
printf '\000abcd1234\000staging\000dep123\000items/123?full=1\000req_1-2\000http://127.0.0.1:4010/model/{model_id}' >corpus/deploy_url/seed-env
printf '\022abcd1234\000eu-prod\000dep123\000/v1/models\000r1\000https://h' >corpus/deploy_url/seed-regional
printf '\244abcd1234\000production\000q4wz9\000health\000r1\000http://127.0.0.1:4010/model/{model_id}/' >corpus/deploy_url/seed-deployment
printf '\005\011\001whsec_emulator\000{"request_id":"r1","type":"async_request_completed","data":{}}\000v1=00,v2=x' >corpus/webhook/seed-rotation

printf '\n| target | seconds | max_len | executions | coverage (edges / features) | result |\n|---|---|---|---|---|---|\n' >fuzz-summary.md
status=0
for target in $targets; do
  mkdir -p "corpus/$target"
  log="artifacts/$target.log"
  mkdir -p artifacts
  dict=()
  case "$target" in
    sse_decoder|chat_stream|messages_stream) dict=(-dict=dicts/stream.dict) ;;
    deploy_url|webhook) dict=(-dict=dicts/$target.dict) ;;
  esac
  if cargo +nightly fuzz run -O -s "$SANITIZER" "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -max_len="$MAX_LEN" -print_final_stats=1 "${runs_limit[@]}" "${dict[@]}" >"$log" 2>&1; then
    result=ok
  else
    result="CRASH (see fuzz/$log and fuzz/artifacts/$target/)"
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 | sed 's/cov: \([0-9]*\) ft: \([0-9]*\)/\1 \/ \2/')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$target" "$SECONDS_EACH" "$MAX_LEN" "${runs:-?}" "${cov:-?}" "$result" | tee -a fuzz-summary.md
done
cat fuzz-summary.md
exit $status
