//! Conformance runner over `../shared/conformance/streams/anthropic-messages/`:
//! recorded and synthetic Messages streams, decoded by the SSE decoder and
//! folded by the accumulator, as one chunk, byte by byte and at random split
//! points, must give the corpus's `expected_final`, `expected_flags` and
//! `expected_error`. Then unit tests for the rules the corpus leaves open.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use modelwire::messages::{Flow, MessagesAccumulator, MessagesSink, MessagesStreamError};
use modelwire::sse::{EventRef, Sink, SseDecoder};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use support::{Corpus, Outcome, StreamVector, contains, random_cuts};

/// Records what the sink hears, to check it adds up to the result.
#[derive(Default)]
struct Heard {
    text: BTreeMap<u32, String>,
    thinking: BTreeMap<u32, String>,
    input_json: BTreeMap<u32, String>,
    tools: Vec<(u32, Option<String>, Option<String>)>,
    stops: Vec<u32>,
    stop_reason: Option<String>,
    usage: Option<String>,
    unknown: Vec<(String, String)>,
    other: Vec<(u32, String, String)>,
    message_stop: bool,
}

impl MessagesSink for Heard {
    fn tool_use(&mut self, index: u32, id: Option<&str>, name: Option<&str>) {
        self.tools
            .push((index, id.map(str::to_owned), name.map(str::to_owned)));
    }
    fn text(&mut self, index: u32, delta: &str) {
        self.text.entry(index).or_default().push_str(delta);
    }
    fn thinking(&mut self, index: u32, delta: &str) {
        self.thinking.entry(index).or_default().push_str(delta);
    }
    fn input_json(&mut self, index: u32, fragment: &str) {
        self.input_json.entry(index).or_default().push_str(fragment);
    }
    fn other_delta(&mut self, index: u32, kind: &str, delta: &str) {
        self.other.push((index, kind.to_owned(), delta.to_owned()));
    }
    fn block_stop(&mut self, index: u32) {
        self.stops.push(index);
    }
    fn stop_reason(&mut self, reason: &str) {
        self.stop_reason = Some(reason.to_owned());
    }
    fn usage(&mut self, usage: &str) {
        self.usage = Some(usage.to_owned());
    }
    fn message_stop(&mut self) {
        self.message_stop = true;
    }
    fn unknown_event(&mut self, event_type: &str, data: &str) {
        self.unknown.push((event_type.to_owned(), data.to_owned()));
    }
}

/// SSE events straight into the accumulator, stopping at the first error.
struct Feed {
    messages: MessagesAccumulator,
    heard: Heard,
    error: Option<MessagesStreamError>,
}

impl Sink for Feed {
    fn event(&mut self, event: EventRef<'_>) {
        if self.error.is_none()
            && let Err(err) = self.messages.push(event.event, event.data, &mut self.heard)
        {
            self.error = Some(err);
        }
    }
}

fn run(bytes: &[u8], cuts: &[usize]) -> Feed {
    let mut decoder = SseDecoder::new();
    let mut feed = Feed {
        messages: MessagesAccumulator::new(),
        heard: Heard::default(),
        error: None,
    };
    let mut start = 0;
    for &cut in cuts.iter().chain([&bytes.len()]) {
        decoder.feed(&bytes[start..cut], &mut feed).unwrap();
        start = cut;
    }
    // What the decoder reports as unterminated at EOF is the caller's
    // business (the Python fixtures lose their message_stop this way).
    decoder.finish().unwrap();
    feed
}

/// Keys the result has beyond `expected` must come from the stream: the
/// accumulator invents only `type`, `role`, `content` and `usage`.
fn extra_keys_from_stream(actual: &Value, expected: &Value, sse: &str) -> Result<(), String> {
    let (a, e) = match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => (a, e),
        (Value::Array(a), Value::Array(e)) => {
            return a
                .iter()
                .zip(e)
                .try_for_each(|(av, ev)| extra_keys_from_stream(av, ev, sse));
        }
        _ => return Ok(()),
    };
    for (key, value) in a {
        match e.get(key) {
            Some(ev) => extra_keys_from_stream(value, ev, sse)?,
            None if sse.contains(&format!("\"{key}\"")) => {}
            None => return Err(format!("key {key:?} is in the result but not the stream")),
        }
    }
    Ok(())
}

fn check_error(vector: &StreamVector, feed: &Feed) -> Result<(), String> {
    let flags = &vector.expected_flags;
    let expected_errors = flags["stream_errors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    match (&feed.error, vector.expected_error.as_ref()) {
        (None, None) if expected_errors.is_empty() => Ok(()),
        (Some(MessagesStreamError::Server(raw)), None) => {
            let got: Value = serde_json::from_str(raw).map_err(|e| format!("error JSON: {e}"))?;
            if expected_errors != [got.clone()] {
                return Err(format!("stream error {got}, expected {expected_errors:?}"));
            }
            Ok(())
        }
        (Some(err @ MessagesStreamError::InvalidToolInput { .. }), Some(expected))
            if expected["kind"] == "invalid tool input JSON" =>
        {
            let message = err.to_string();
            for part in expected["message_contains"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let part = part.as_str().unwrap_or_default();
                if !message.contains(part) {
                    return Err(format!("error {message:?} lacks {part:?}"));
                }
            }
            Ok(())
        }
        (got, expected) => Err(format!(
            "error {got:?}, expected {expected:?} / {expected_errors:?}"
        )),
    }
}

fn check(vector: &StreamVector, feed: &Feed) -> Result<(), String> {
    check_error(vector, feed)?;
    let expected = &vector.expected_final;
    if expected.is_null() {
        return Ok(());
    }
    let got: Value = serde_json::from_str(&feed.messages.message_json())
        .map_err(|e| format!("message_json is not JSON: {e}"))?;
    contains(&got, expected, "final")?;
    let sse = vector.sse_text.as_str();
    extra_keys_from_stream(&got, expected, sse)?;

    let flags = &vector.expected_flags;
    let saw_stop = flags["saw_message_stop"].as_bool().unwrap_or(false);
    if feed.messages.saw_message_stop() != saw_stop || feed.heard.message_stop != saw_stop {
        return Err(format!("saw_message_stop, expected {saw_stop}"));
    }
    let unterminated: BTreeMap<String, String> = feed
        .messages
        .unterminated_tool_json()
        .map(|(i, json)| (i.to_string(), json.to_owned()))
        .collect();
    let expected_unterminated: BTreeMap<String, String> =
        serde_json::from_value(flags["unterminated_tool_json"].clone()).unwrap_or_default();
    if unterminated != expected_unterminated {
        return Err(format!(
            "unterminated {unterminated:?}, expected {expected_unterminated:?}"
        ));
    }
    let cut = !saw_stop || !expected_unterminated.is_empty();
    if feed.messages.is_cut() != cut {
        return Err(format!("is_cut {}, expected {cut}", feed.messages.is_cut()));
    }

    for (i, block) in got["content"].as_array().into_iter().flatten().enumerate() {
        let index = i as u32;
        let heard = |map: &BTreeMap<u32, String>| map.get(&index).cloned().unwrap_or_default();
        if let Some(text) = block["text"].as_str()
            && heard(&feed.heard.text) != text
        {
            return Err(format!("text deltas != final {text:?}"));
        }
        if let Some(text) = block["thinking"].as_str()
            && heard(&feed.heard.thinking) != text
        {
            return Err(format!("thinking deltas != final {text:?}"));
        }
        let buffer = feed.messages.tool_input_json(index).unwrap_or_default();
        if heard(&feed.heard.input_json) != buffer {
            return Err(format!("input_json deltas != buffer {buffer:?}"));
        }
        if !buffer.is_empty() && !block["input"].is_null() {
            let parsed: Value = serde_json::from_str(buffer).map_err(|e| e.to_string())?;
            if parsed != block["input"] {
                return Err(format!("input {} != parsed buffer", block["input"]));
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
fn anthropic_messages_stream_corpus() {
    let Some(corpus) = Corpus::locate("streams") else {
        return;
    };
    let mut outcome = Outcome::default();
    for (name, vector) in corpus.vectors("anthropic-messages") {
        outcome.record(&name, run_vector(&vector));
    }
    outcome.finish("Anthropic messages stream conformance", 17);
}

const START: &str = r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1,"cache_read_input_tokens":3}}}"#;

fn feed(events: &[(Option<&str>, &str)]) -> (MessagesAccumulator, Heard) {
    let mut messages = MessagesAccumulator::new();
    let mut heard = Heard::default();
    for (event, data) in events {
        messages.push(*event, data, &mut heard).unwrap();
    }
    (messages, heard)
}

fn message(messages: &MessagesAccumulator) -> Value {
    serde_json::from_str(&messages.message_json()).unwrap()
}

#[test]
fn unknown_event_types_are_surfaced_and_kept() {
    let (messages, heard) = feed(&[
        (Some("message_start"), START),
        (
            Some("future_event"),
            r#"{"type":"future_event","payload":{"x":1}}"#,
        ),
        // An unknown type may reuse a known key with another shape.
        (None, r#"{"type":"annotation","delta":"not an object"}"#),
        // An unknown event name with non-JSON data.
        (Some("heartbeat"), "tick"),
        (Some("ping"), r#"{"type": "ping"}"#),
    ]);
    let expected = [
        (
            "future_event",
            r#"{"type":"future_event","payload":{"x":1}}"#,
        ),
        (
            "annotation",
            r#"{"type":"annotation","delta":"not an object"}"#,
        ),
        ("heartbeat", "tick"),
    ];
    let kept: Vec<(&str, &str)> = messages
        .unknown_events()
        .iter()
        .map(|(t, d)| (t.as_str(), d.as_str()))
        .collect();
    assert_eq!(kept, expected);
    let heard: Vec<(&str, &str)> = heard
        .unknown
        .iter()
        .map(|(t, d)| (t.as_str(), d.as_str()))
        .collect();
    assert_eq!(heard, expected);
    assert_eq!(message(&messages)["id"], "msg_1");

    // A known type whose data is malformed is an error, not an unknown event.
    let mut messages = MessagesAccumulator::new();
    let err = messages
        .push(
            Some("content_block_delta"),
            r#"{"type":"content_block_delta","index":0,"de"#,
            &mut (),
        )
        .unwrap_err();
    assert!(matches!(err, MessagesStreamError::InvalidEvent { .. }));
    let err = messages.push(None, "not json", &mut ()).unwrap_err();
    assert!(matches!(err, MessagesStreamError::InvalidEvent { .. }));
}

#[test]
fn message_delta_merges_usage_keys_that_are_present_and_not_null() {
    let (messages, heard) = feed(&[
        (None, START),
        (
            None,
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null,"stop_details":{"type":"x"}},"usage":{"output_tokens":7,"input_tokens":null,"server_tool_use":{"web_search_requests":1}}}"#,
        ),
        (
            None,
            r#"{"type":"message_delta","delta":{},"usage":{"output_tokens":9},"context_management":{"applied":[]}}"#,
        ),
    ]);
    let got = message(&messages);
    assert_eq!(
        got["usage"],
        json!({"input_tokens":10,"output_tokens":9,"cache_read_input_tokens":3,
               "server_tool_use":{"web_search_requests":1}})
    );
    // An empty delta does not clear what an earlier one assigned.
    assert_eq!(got["stop_reason"], "end_turn");
    assert_eq!(got["stop_details"], json!({"type":"x"}));
    assert_eq!(got["stop_sequence"], Value::Null);
    assert_eq!(got["context_management"], json!({"applied":[]}));
    assert_eq!(heard.stop_reason.as_deref(), Some("end_turn"));
    let usage: Value = serde_json::from_str(heard.usage.as_deref().unwrap()).unwrap();
    assert_eq!(usage, got["usage"]);
    assert!(messages.is_cut(), "no message_stop yet");
}

#[test]
fn tool_block_without_input_and_padded_json() {
    // llama-server: no `input` in the start block, no pings. Anthropic:
    // spaces before the final `}` of the event data and of the tool JSON.
    let (mut messages, heard) = feed(&[
        (None, START),
        (
            None,
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"abc","name":"get"}     }"#,
        ),
        (
            None,
            r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"def","name":"noargs"}}"#,
        ),
        (None, r#"{"type":"content_block_stop","index":1}"#),
        (
            None,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":" {\"city\": \"Par"}  }"#,
        ),
    ]);
    let got = message(&messages);
    assert_eq!(got["content"][0]["input"], Value::Null, "still streaming");
    assert_eq!(got["content"][1]["input"], json!({}));
    assert_eq!(messages.tool_input_json(0), Some(" {\"city\": \"Par"));
    assert_eq!(
        messages.unterminated_tool_json().collect::<Vec<_>>(),
        [(0, " {\"city\": \"Par")]
    );
    assert_eq!(
        heard.tools,
        [
            (0, Some("abc".into()), Some("get".into())),
            (1, Some("def".into()), Some("noargs".into()))
        ]
    );
    let events = [
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"is\"   }  "}}"#,
        r#"{"type":"content_block_stop","index":0   }"#,
        r#"{"type":"message_stop"}"#,
    ];
    for data in events {
        messages.push(None, data, &mut ()).unwrap();
    }
    let got = message(&messages);
    assert_eq!(
        got["content"],
        json!([{"type":"tool_use","id":"abc","name":"get","input":{"city":"Paris"}},
               {"type":"tool_use","id":"def","name":"noargs","input":{}}])
    );
    assert!(!messages.is_cut());
}

#[test]
fn error_event_mid_stream_keeps_the_partial_message() {
    let mut messages = MessagesAccumulator::new();
    let mut heard = Heard::default();
    let events = [
        START,
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Part"}}"#,
    ];
    for data in events {
        messages.push(None, data, &mut heard).unwrap();
    }
    let error = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    // Recognised by the data's type alone, without `event: error`.
    assert_eq!(
        messages.push(None, error, &mut heard),
        Err(MessagesStreamError::Server(error.into()))
    );
    assert_eq!(message(&messages)["content"][0]["text"], "Part");
    // By the event name, whatever the data (kept as sent).
    assert_eq!(
        messages.push(Some("error"), "upstream timeout\n", &mut heard),
        Err(MessagesStreamError::Server("upstream timeout".into()))
    );
    // The OpenAI shape llama-server uses on /v1/messages.
    let openai = r#"{"error":{"message":"boom","type":"server_error","code":500}}"#;
    assert_eq!(
        messages.push(None, openai, &mut heard),
        Err(MessagesStreamError::Server(openai.into()))
    );
    assert_eq!(message(&messages)["content"][0]["text"], "Part");
    assert!(messages.is_cut());
}

#[test]
fn events_after_message_stop_are_ignored() {
    let (mut messages, _) = feed(&[(None, START), (None, r#"{"type":"message_stop"}"#)]);
    let before = messages.message_json();
    for data in [
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"late"}}"#,
        r#"{"type":"error","error":{"type":"overloaded_error","message":"late"}}"#,
        "not even json",
    ] {
        assert_eq!(messages.push(None, data, &mut ()), Ok(Flow::Done));
    }
    assert_eq!(messages.message_json(), before);
    assert!(messages.saw_message_stop());
    assert!(!messages.is_cut());

    // A proxy's trailing `[DONE]` ends the stream without a message_stop.
    let (mut messages, _) = feed(&[(None, START)]);
    assert_eq!(messages.push(None, "[DONE]", &mut ()), Ok(Flow::Done));
    assert!(messages.is_done() && !messages.saw_message_stop());
}

#[test]
fn thinking_signature_citations_and_unknown_deltas() {
    let (messages, heard) = feed(&[
        (None, START),
        (
            None,
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#,
        ),
        (
            None,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hm"}}"#,
        ),
        (
            None,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"a"}}"#,
        ),
        (
            None,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"b"}}"#,
        ),
        (
            None,
            r#"{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"#,
        ),
        (
            None,
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"citations_delta","citation":{"type":"char_location","cited_text":"x"}}}"#,
        ),
        (
            None,
            r#"{"delta":{"text":"Yes \"q\"","type":"text_delta"},"index":1,"type":"content_block_delta"}"#,
        ),
        (
            None,
            r#"{"type":"content_block_start","index":2,"content_block":{"type":"compaction","content":null,"encrypted_content":null}}"#,
        ),
        (
            None,
            r#"{"type":"content_block_delta","index":2,"delta":{"type":"compaction_delta","content":"Sum","encrypted_content":"opaque"}}"#,
        ),
    ]);
    assert_eq!(
        message(&messages)["content"],
        json!([
            {"type":"thinking","thinking":"Hm","signature":"b"},
            {"type":"text","text":"Yes \"q\"","citations":[{"type":"char_location","cited_text":"x"}]},
            {"type":"compaction","content":"Sum","encrypted_content":"opaque"}
        ])
    );
    assert_eq!(heard.thinking[&0], "Hm");
    assert_eq!(heard.other.len(), 1);
    let (index, kind, raw) = &heard.other[0];
    assert_eq!((*index, kind.as_str()), (2, "compaction_delta"));
    let raw: Value = serde_json::from_str(raw).unwrap();
    assert_eq!(raw["encrypted_content"], "opaque");
}

#[test]
fn invalid_tool_json_fails_at_its_stop_and_keeps_the_text() {
    let (mut messages, _) = feed(&[
        (None, START),
        (
            None,
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"n","input":{}}}"#,
        ),
        (
            None,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\": 1} trailing"}}"#,
        ),
    ]);
    let err = messages
        .push(None, r#"{"type":"content_block_stop","index":0}"#, &mut ())
        .unwrap_err();
    let MessagesStreamError::InvalidToolInput { index, json, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!((*index, json.as_str()), (0, "{\"a\": 1} trailing"));
    assert!(
        err.to_string()
            .starts_with("Unable to parse tool parameter JSON from model")
    );
    assert_eq!(message(&messages)["content"][0]["input"], Value::Null);
    assert_eq!(messages.tool_input_json(0), Some("{\"a\": 1} trailing"));
    // It is an error, not a cut.
    assert_eq!(messages.unterminated_tool_json().count(), 0);
}

#[test]
fn no_message_start_and_sparse_or_unstarted_blocks() {
    let (messages, _) = feed(&[
        (
            None,
            r#"{"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"orphan"}}"#,
        ),
        (None, r#"{"type":"content_block_stop","index":7}"#),
    ]);
    assert_eq!(
        message(&messages),
        json!({"type":"message","role":"assistant","content":[{"text":"orphan"}],"usage":null})
    );
}

#[test]
fn arbitrary_bytes_never_panic() {
    // Every prefix of a real stream's events, and some garbage, through the
    // whole pipeline: the result is always valid JSON.
    let events = [
        START,
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"n"}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"k\":[1,"}}"#,
        r#"{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":null}"#,
    ];
    for event in events {
        for end in 0..=event.len() {
            let Some(prefix) = event.get(..end) else {
                continue;
            };
            let mut messages = MessagesAccumulator::new();
            for data in [START, prefix, "\u{0}", "{}", "[]", "null", r#"{"type":5}"#] {
                let _ = messages.push(None, data, &mut ());
            }
            let _: Value = serde_json::from_str(&messages.message_json()).unwrap();
        }
    }
}
