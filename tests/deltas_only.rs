//! `ChatAccumulator::deltas_only` and `MessagesAccumulator::deltas_only`:
//! over every recorded stream of the conformance corpus the sink hears
//! exactly what a full accumulator's sink hears (the same calls, the same
//! error at the same event), and over a long stream their memory stays
//! constant while a full accumulator's grows.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use modelwire::chat::{ChatAccumulator, ChatSink};
use modelwire::messages::{MessagesAccumulator, MessagesSink};
use modelwire::sse::{EventRef, Sink, SseDecoder};
use serde_json::Value;
use support::{Corpus, StreamVector};

/// Every sink call, in order, as text.
#[derive(Default)]
struct Log(Vec<String>);

impl ChatSink for Log {
    fn content(&mut self, choice: u32, delta: &str) {
        self.0.push(format!("content {choice} {delta}"));
    }
    fn refusal(&mut self, choice: u32, delta: &str) {
        self.0.push(format!("refusal {choice} {delta}"));
    }
    fn reasoning(&mut self, choice: u32, delta: &str) {
        self.0.push(format!("reasoning {choice} {delta}"));
    }
    fn tool_call(&mut self, choice: u32, index: u32, id: Option<&str>, name: Option<&str>) {
        self.0
            .push(format!("tool_call {choice} {index} {id:?} {name:?}"));
    }
    fn tool_arguments(&mut self, choice: u32, index: u32, delta: &str) {
        self.0.push(format!("arguments {choice} {index} {delta}"));
    }
    fn finish(&mut self, choice: u32, reason: &str) {
        self.0.push(format!("finish {choice} {reason}"));
    }
    fn usage(&mut self, usage: &str) {
        self.0.push(format!("usage {usage}"));
    }
}

impl MessagesSink for Log {
    fn message_start(&mut self) {
        self.0.push("message_start".into());
    }
    fn block_start(&mut self, index: u32, kind: &str) {
        self.0.push(format!("block_start {index} {kind}"));
    }
    fn tool_use(&mut self, index: u32, id: Option<&str>, name: Option<&str>) {
        self.0.push(format!("tool_use {index} {id:?} {name:?}"));
    }
    fn text(&mut self, index: u32, delta: &str) {
        self.0.push(format!("text {index} {delta}"));
    }
    fn thinking(&mut self, index: u32, delta: &str) {
        self.0.push(format!("thinking {index} {delta}"));
    }
    fn signature(&mut self, index: u32, signature: &str) {
        self.0.push(format!("signature {index} {signature}"));
    }
    fn input_json(&mut self, index: u32, fragment: &str) {
        self.0.push(format!("input_json {index} {fragment}"));
    }
    fn citation(&mut self, index: u32, citation: &str) {
        self.0.push(format!("citation {index} {citation}"));
    }
    fn other_delta(&mut self, index: u32, kind: &str, delta: &str) {
        self.0.push(format!("other_delta {index} {kind} {delta}"));
    }
    fn block_stop(&mut self, index: u32) {
        self.0.push(format!("block_stop {index}"));
    }
    fn stop_reason(&mut self, reason: &str) {
        self.0.push(format!("stop_reason {reason}"));
    }
    fn usage(&mut self, usage: &str) {
        self.0.push(format!("usage {usage}"));
    }
    fn message_stop(&mut self) {
        self.0.push("message_stop".into());
    }
    fn ping(&mut self) {
        self.0.push("ping".into());
    }
    fn unknown_event(&mut self, event_type: &str, data: &str) {
        self.0.push(format!("unknown {event_type} {data}"));
    }
}

/// The SSE events of a body, as `(event, data)`.
fn events(body: &str) -> Vec<(Option<String>, String)> {
    struct Collect(Vec<(Option<String>, String)>);
    impl Sink for Collect {
        fn event(&mut self, event: EventRef<'_>) {
            self.0
                .push((event.event.map(str::to_owned), event.data.to_owned()));
        }
    }
    let mut collect = Collect(Vec::new());
    let mut decoder = SseDecoder::new();
    decoder.feed(body.as_bytes(), &mut collect).unwrap();
    if let Some(last) = decoder.finish().unwrap().unterminated {
        collect.0.push((last.event, last.data));
    }
    collect.0
}

/// What a Chat accumulator's sink hears, ending with the error (if any).
fn chat_log(mut chat: ChatAccumulator, body: &str) -> (Vec<String>, ChatAccumulator) {
    let mut log = Log::default();
    for (event, data) in events(body) {
        if let Err(err) = chat.push(event.as_deref(), &data, &mut log) {
            log.0.push(format!("error {err}"));
            break;
        }
    }
    (log.0, chat)
}

fn messages_log(
    mut messages: MessagesAccumulator,
    body: &str,
) -> (Vec<String>, MessagesAccumulator) {
    let mut log = Log::default();
    for (event, data) in events(body) {
        if let Err(err) = messages.push(event.as_deref(), &data, &mut log) {
            log.0.push(format!("error {err}"));
            break;
        }
    }
    (log.0, messages)
}

#[test]
fn chat_sinks_hear_the_same_over_the_corpus() {
    let Some(corpus) = Corpus::locate("streams") else {
        return;
    };
    let vectors = corpus.vectors("openai-chat");
    assert!(vectors.len() >= 18);
    for (name, vector) in vectors {
        let vector = StreamVector::parse(&vector).unwrap();
        let (full, _) = chat_log(ChatAccumulator::new(), &vector.sse_text);
        let (lean, chat) = chat_log(ChatAccumulator::deltas_only(), &vector.sse_text);
        assert_eq!(full, lean, "{name}");
        // What it kept: the completion without its text.
        let kept: Value = serde_json::from_str(&chat.completion_json()).unwrap();
        for choice in kept["choices"].as_array().unwrap() {
            let message = &choice["message"];
            assert_eq!(message["content"], Value::Null, "{name}");
            assert_eq!(message.get("reasoning_content"), None, "{name}");
            for call in message["tool_calls"].as_array().into_iter().flatten() {
                let text = call["function"]["arguments"]
                    .as_str()
                    .or(call["custom"]["input"].as_str());
                assert_eq!(text, Some(""), "{name}");
            }
        }
    }
}

#[test]
fn messages_sinks_hear_the_same_over_the_corpus() {
    let Some(corpus) = Corpus::locate("streams") else {
        return;
    };
    let vectors = corpus.vectors("anthropic-messages");
    assert!(vectors.len() >= 17);
    let mut kept_text = 0;
    for (name, vector) in vectors {
        let vector = StreamVector::parse(&vector).unwrap();
        let (full, _) = messages_log(MessagesAccumulator::new(), &vector.sse_text);
        let (lean, messages) = messages_log(MessagesAccumulator::deltas_only(), &vector.sse_text);
        // A full accumulator also checks each tool block's input JSON at its
        // stop; one that keeps no JSON cannot, and goes on.
        let invalid_input = full
            .last()
            .is_some_and(|l| l.starts_with("error Unable to parse tool parameter JSON"));
        if invalid_input {
            assert_eq!(full[..full.len() - 1], lean[..full.len() - 1], "{name}");
        } else {
            assert_eq!(full, lean, "{name}");
        }
        assert!(messages.unknown_events().is_empty(), "{name}");
        let kept: Value = serde_json::from_str(&messages.message_json()).unwrap();
        for block in kept["content"].as_array().into_iter().flatten() {
            kept_text += block["text"].as_str().map_or(0, str::len);
        }
    }
    assert_eq!(kept_text, 0);
}

/// A chat chunk carrying `text`.
fn chat_chunk(text: &str) -> String {
    format!(
        r#"{{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{{"index":0,"delta":{{"content":"{text}","tool_calls":[{{"index":0,"id":"t","function":{{"name":"f","arguments":"{text}"}}}}]}},"logprobs":{{"content":[{{"token":"{text}","logprob":-0.5}}]}}}}],"usage":{{"prompt_tokens":3,"completion_tokens":7,"total_tokens":10}}}}"#
    )
}

#[test]
fn a_long_chat_stream_keeps_constant_state_without_text() {
    let mut lean = ChatAccumulator::deltas_only();
    let mut full = ChatAccumulator::new();
    let mut heard = 0;
    let mut sizes = Vec::new();
    for i in 0..10_000 {
        let chunk = chat_chunk("délta ");
        let mut log = Log::default();
        lean.push(None, &chunk, &mut log).unwrap();
        full.push(None, &chunk, &mut ()).unwrap();
        heard += log.0.len();
        if i == 9 || i == 9_999 {
            sizes.push((lean.completion_json().len(), full.completion_json().len()));
        }
    }
    // content, tool_call (once), arguments, usage for each chunk.
    assert_eq!(heard, 10_000 * 3 + 1);
    assert_eq!(sizes[0].0, sizes[1].0, "deltas_only grew: {sizes:?}");
    assert!(sizes[1].1 > sizes[0].1 * 100, "{sizes:?}");
}

#[test]
fn a_long_messages_stream_keeps_constant_state_without_text() {
    let start = r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"usage":{"input_tokens":3,"output_tokens":1}}}"#;
    let mut lean = MessagesAccumulator::deltas_only();
    let mut full = MessagesAccumulator::new();
    for accumulator in [&mut lean, &mut full] {
        accumulator.push(None, start, &mut ()).unwrap();
        let text =
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#;
        accumulator.push(None, text, &mut ()).unwrap();
        let tool = r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}"#;
        accumulator.push(None, tool, &mut ()).unwrap();
    }
    let mut sizes = Vec::new();
    for i in 0..10_000 {
        for event in [
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"délta "}}"#,
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"[1,"}}"#,
            r#"{"type":"thing_from_the_future","n":1}"#,
        ] {
            lean.push(None, event, &mut ()).unwrap();
            full.push(None, event, &mut ()).unwrap();
        }
        if i == 9 || i == 9_999 {
            sizes.push((
                lean.message_json().len() + lean.unknown_events().len(),
                full.unknown_events().len() + full.tool_input_json(1).unwrap().len(),
            ));
        }
    }
    assert_eq!(sizes[0].0, sizes[1].0, "deltas_only grew: {sizes:?}");
    assert!(sizes[1].1 > sizes[0].1 * 100, "{sizes:?}");
    assert_eq!(lean.tool_input_json(1), Some(""));
}
