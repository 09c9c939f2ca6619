//! Conformance runner over `../shared/conformance/streams/openai-chat/`:
//! recorded and synthetic Chat Completions streams, decoded by the SSE
//! decoder and folded by the accumulator, as one chunk, byte by byte and at
//! random split points, must give the corpus's `expected_final`.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use modelwire::chat::{ChatAccumulator, ChatSink, ChatStreamError, Flow};
use modelwire::sse::{EventRef, Sink, SseDecoder};
use serde_json::Value;
use std::collections::BTreeMap;
use support::{Corpus, Outcome, StreamVector, contains, random_cuts};

/// Records the deltas the sink hears, to check they add up to the result.
#[derive(Default)]
struct Heard {
    content: BTreeMap<u32, String>,
    arguments: BTreeMap<(u32, u32), String>,
}

impl ChatSink for Heard {
    fn content(&mut self, choice: u32, delta: &str) {
        self.content.entry(choice).or_default().push_str(delta);
    }
    fn tool_arguments(&mut self, choice: u32, index: u32, delta: &str) {
        self.arguments
            .entry((choice, index))
            .or_default()
            .push_str(delta);
    }
}

/// SSE events straight into the accumulator, stopping at the first error.
struct Feed {
    chat: ChatAccumulator,
    heard: Heard,
    error: Option<ChatStreamError>,
}

impl Sink for Feed {
    fn event(&mut self, event: EventRef<'_>) {
        if self.error.is_none()
            && let Err(err) = self.chat.push(event.event, event.data, &mut self.heard)
        {
            self.error = Some(err);
        }
    }
}

fn run(bytes: &[u8], cuts: &[usize]) -> Feed {
    let mut decoder = SseDecoder::new();
    let mut feed = Feed {
        chat: ChatAccumulator::new(),
        heard: Heard::default(),
        error: None,
    };
    let mut start = 0;
    for &cut in cuts.iter().chain([&bytes.len()]) {
        decoder.feed(&bytes[start..cut], &mut feed).unwrap();
        start = cut;
    }
    decoder.finish().unwrap();
    feed
}

fn check(vector: &StreamVector, feed: &Feed) -> Result<(), String> {
    if let Some(err) = &feed.error {
        return Err(format!("stream error: {err}"));
    }
    let got: Value = serde_json::from_str(&feed.chat.completion_json())
        .map_err(|e| format!("completion_json is not JSON: {e}"))?;
    contains(&got, &vector.expected_final, "final")?;
    let saw_done = vector.expected_flags["saw_done"].as_bool().unwrap_or(false);
    if feed.chat.is_done() != saw_done {
        return Err(format!(
            "saw_done {}, expected {saw_done}",
            feed.chat.is_done()
        ));
    }
    for choice in got["choices"].as_array().into_iter().flatten() {
        let index = choice["index"].as_u64().unwrap_or(0) as u32;
        let content = choice["message"]["content"].as_str().unwrap_or_default();
        let heard = feed.heard.content.get(&index).map_or("", String::as_str);
        if heard != content {
            return Err(format!("content deltas {heard:?} != final {content:?}"));
        }
        for call in choice["message"]["tool_calls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let at = (index, call["index"].as_u64().unwrap_or(0) as u32);
            let text = call["function"]["arguments"]
                .as_str()
                .or(call["custom"]["input"].as_str())
                .unwrap_or_default();
            let heard = feed.heard.arguments.get(&at).map_or("", String::as_str);
            if heard != text {
                return Err(format!("argument deltas {heard:?} != final {text:?}"));
            }
        }
    }
    Ok(())
}

fn run_vector(vector: &Value) -> Result<(), String> {
    let vector = &StreamVector::parse(vector)?;
    let bytes = vector.sse_text.as_bytes();
    check(vector, &run(bytes, &[])).map_err(|e| format!("one chunk: {e}"))?;
    let bytewise: Vec<usize> = (1..bytes.len()).collect();
    check(vector, &run(bytes, &bytewise)).map_err(|e| format!("byte by byte: {e}"))?;
    for seed in 0..50 {
        let cuts = random_cuts(bytes.len(), seed);
        check(vector, &run(bytes, &cuts)).map_err(|e| format!("cuts {cuts:?}: {e}"))?;
    }
    Ok(())
}

#[test]
fn openai_chat_stream_corpus() {
    let Some(corpus) = Corpus::locate("streams") else {
        return;
    };
    let mut outcome = Outcome::default();
    for (name, vector) in corpus.vectors("openai-chat") {
        outcome.record(&name, run_vector(&vector));
    }
    outcome.finish("OpenAI chat stream conformance", 18);
}

#[test]
fn everything_after_done_is_ignored_and_errors_keep_the_partial() {
    let mut chat = ChatAccumulator::new();
    let chunk =
        r#"{"id":"c1","created":5,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}"#;
    assert_eq!(chat.push(None, chunk, &mut ()), Ok(Flow::Continue));
    let error = r#"{"error":{"message":"overloaded","code":503}}"#;
    let err = chat.push(None, error, &mut ()).unwrap_err();
    assert_eq!(
        err,
        ChatStreamError::Server(r#"{"message":"overloaded","code":503}"#.into())
    );
    let partial: Value = serde_json::from_str(&chat.completion_json()).unwrap();
    assert_eq!(partial["choices"][0]["message"]["content"], "Hel");
    assert_eq!(partial["id"], "c1");

    let mut chat = ChatAccumulator::new();
    chat.push(None, chunk, &mut ()).unwrap();
    assert_eq!(chat.push(None, "[DONE]", &mut ()), Ok(Flow::Done));
    assert_eq!(chat.push(None, "not even json", &mut ()), Ok(Flow::Done));
    let malformed = ChatAccumulator::new().push(None, r#"{"choices":[{"de"#, &mut ());
    assert!(matches!(
        malformed,
        Err(ChatStreamError::InvalidChunk { .. })
    ));
}

/// Found by `npm run fuzz` (chat_stream): a number no f64 holds (`1727E46182`) passes
/// through as the server sent it, as openai-node's `JSON.parse` reads it (`Infinity`). The
/// result is JSON text (RFC 8259 puts no bound on exponents), but serde_json's `Value`
/// rejects it as out of range, so the fuzz harness checks the syntax (`RawValue`), not a
/// `Value` parse.
#[test]
fn numbers_beyond_f64_pass_through_as_sent() {
    let mut chat = ChatAccumulator::new();
    for data in [
        r#"{"id":"a","created":1,"model":"m","x":-1e999,"choices":[{"index":0,"delta":{"content":"Hi"}}]}"#,
        r#"{"id":"a","created":1727E46182,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
    ] {
        chat.push(None, data, &mut ()).unwrap();
    }
    let json = chat.completion_json();
    assert!(json.contains(r#""created":1727E46182"#), "{json}");
    assert!(json.contains(r#""x":-1e999"#), "{json}");
    serde_json::from_str::<Box<serde_json::value::RawValue>>(&json).expect("JSON text");
    assert!(
        serde_json::from_str::<Value>(&json).is_err(),
        "a Value cannot hold it"
    );
}

#[test]
fn baseten_quirks_merge_by_index_and_keep_unknown_fields() {
    // Usage on every chunk, finish_reason before the last content chunk,
    // tool-call ids repeated with name:null, a call starting at index 1,
    // arguments sent as an object, and unknown fields at every level.
    let stream = [
        r#"{"id":"a","created":1,"model":"m","timings":{"n":1},"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"}}],"usage":{"total_tokens":1}}"#,
        r#"{"id":"a","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls","stop_reason":128008}],"usage":null}"#,
        r#"{"id":"a","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"!","tool_calls":[{"index":1,"id":"call_1","type":"function","function":{"name":"get","arguments":"{\"a\":"}}]}}],"usage":{"total_tokens":2}}"#,
        r#"{"id":"a","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_1","type":"function","function":{"name":null,"arguments":"1}"}}]}}],"usage":{"total_tokens":3}}"#,
        r#"{"id":"a","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":2,"id":"","function":{"name":"put","arguments":{"b":2}}}]},"finish_reason":null}]}"#,
        r#"{"id":"a","created":1,"model":"m","choices":[],"usage":{"total_tokens":4}}"#,
    ];
    let mut chat = ChatAccumulator::new();
    for data in stream {
        chat.push(None, data, &mut ()).unwrap();
    }
    let got: Value = serde_json::from_str(&chat.completion_json()).unwrap();
    let expected: Value = serde_json::from_str(
        r#"{"id":"a","object":"chat.completion","created":1,"model":"m","timings":{"n":1},
        "usage":{"total_tokens":4},
        "choices":[{"index":0,"finish_reason":"tool_calls","stop_reason":128008,"logprobs":null,
          "message":{"role":"assistant","content":"Hi!","refusal":null,"tool_calls":[
            {"index":1,"id":"call_1","type":"function","function":{"name":"get","arguments":"{\"a\":1}"}},
            {"index":2,"id":null,"type":"function","function":{"name":"put","arguments":"{\"b\":2}"}}]}}]}"#,
    )
    .unwrap();
    assert_eq!(got, expected);
}
