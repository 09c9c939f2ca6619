//! The harness both stream targets share: any SSE body through the decoder
//! into an accumulator; the result must be valid JSON and must not depend on
//! how the body was cut into chunks, and a `deltas_only()` accumulator's sink
//! must hear what a full one's hears.

use modelwire::chat::{ChatAccumulator, ChatSink};
use modelwire::messages::{MessagesAccumulator, MessagesSink};
use modelwire::sse::{EventRef, Sink, SseDecoder};

/// What the harness needs of an accumulator.
pub trait Accumulate: Default {
    /// One that keeps none of the deltas' text.
    fn deltas_only() -> Self;
    /// Applies one event, recording what its sink hears (and the error, if
    /// any); `false` once the stream failed.
    fn apply(&mut self, event: Option<&str>, data: &str, log: &mut Log) -> bool;
    /// The result so far, as JSON text.
    fn json(&self) -> String;
}

/// What a sink heard, one entry per call; `None` records nothing.
#[derive(Default)]
pub struct Log(Option<Vec<String>>);

impl Log {
    fn add(&mut self, entry: impl FnOnce() -> String) {
        if let Some(log) = &mut self.0 {
            log.push(entry());
        }
    }

    /// Records a push's error, if any; whether it succeeded.
    fn outcome<T, E: std::fmt::Display>(&mut self, pushed: Result<T, E>) -> bool {
        match pushed {
            Ok(_) => true,
            Err(err) => {
                self.add(|| format!("error {err}"));
                false
            }
        }
    }
}

impl ChatSink for Log {
    fn content(&mut self, c: u32, d: &str) {
        self.add(|| format!("content {c} {d}"));
    }
    fn refusal(&mut self, c: u32, d: &str) {
        self.add(|| format!("refusal {c} {d}"));
    }
    fn reasoning(&mut self, c: u32, d: &str) {
        self.add(|| format!("reasoning {c} {d}"));
    }
    fn tool_call(&mut self, c: u32, i: u32, id: Option<&str>, name: Option<&str>) {
        self.add(|| format!("tool_call {c} {i} {id:?} {name:?}"));
    }
    fn tool_arguments(&mut self, c: u32, i: u32, d: &str) {
        self.add(|| format!("arguments {c} {i} {d}"));
    }
    fn finish(&mut self, c: u32, r: &str) {
        self.add(|| format!("finish {c} {r}"));
    }
    fn usage(&mut self, u: &str) {
        self.add(|| format!("usage {u}"));
    }
}

impl MessagesSink for Log {
    fn message_start(&mut self) {
        self.add(|| "message_start".into());
    }
    fn block_start(&mut self, i: u32, k: &str) {
        self.add(|| format!("block_start {i} {k}"));
    }
    fn tool_use(&mut self, i: u32, id: Option<&str>, name: Option<&str>) {
        self.add(|| format!("tool_use {i} {id:?} {name:?}"));
    }
    fn text(&mut self, i: u32, d: &str) {
        self.add(|| format!("text {i} {d}"));
    }
    fn thinking(&mut self, i: u32, d: &str) {
        self.add(|| format!("thinking {i} {d}"));
    }
    fn signature(&mut self, i: u32, s: &str) {
        self.add(|| format!("signature {i} {s}"));
    }
    fn input_json(&mut self, i: u32, f: &str) {
        self.add(|| format!("input_json {i} {f}"));
    }
    fn citation(&mut self, i: u32, c: &str) {
        self.add(|| format!("citation {i} {c}"));
    }
    fn other_delta(&mut self, i: u32, k: &str, d: &str) {
        self.add(|| format!("other_delta {i} {k} {d}"));
    }
    fn block_stop(&mut self, i: u32) {
        self.add(|| format!("block_stop {i}"));
    }
    fn stop_reason(&mut self, r: &str) {
        self.add(|| format!("stop_reason {r}"));
    }
    fn usage(&mut self, u: &str) {
        self.add(|| format!("usage {u}"));
    }
    fn message_stop(&mut self) {
        self.add(|| "message_stop".into());
    }
    fn ping(&mut self) {
        self.add(|| "ping".into());
    }
    fn unknown_event(&mut self, t: &str, d: &str) {
        self.add(|| format!("unknown {t} {d}"));
    }
}

impl Accumulate for ChatAccumulator {
    fn deltas_only() -> Self {
        ChatAccumulator::deltas_only()
    }
    fn apply(&mut self, event: Option<&str>, data: &str, log: &mut Log) -> bool {
        let pushed = self.push(event, data, log);
        log.outcome(pushed)
    }
    fn json(&self) -> String {
        self.completion_json()
    }
}

impl Accumulate for MessagesAccumulator {
    fn deltas_only() -> Self {
        MessagesAccumulator::deltas_only()
    }
    fn apply(&mut self, event: Option<&str>, data: &str, log: &mut Log) -> bool {
        let pushed = self.push(event, data, log);
        log.outcome(pushed)
    }
    fn json(&self) -> String {
        self.message_json()
    }
}

struct Feed<A> {
    accumulator: A,
    failed: bool,
    log: Log,
}

impl<A: Accumulate> Sink for Feed<A> {
    fn event(&mut self, event: EventRef<'_>) {
        if !self.failed
            && !self
                .accumulator
                .apply(event.event, event.data, &mut self.log)
        {
            self.failed = true;
        }
    }
}

/// The body fed in chunks of `step` bytes; `log`: record what the sink hears.
fn feed<A: Accumulate>(accumulator: A, bytes: &[u8], step: usize, log: bool) -> Feed<A> {
    let mut decoder = SseDecoder::new();
    let mut feed = Feed {
        accumulator,
        failed: false,
        log: Log(log.then(Vec::new)),
    };
    for chunk in bytes.chunks(step.max(1)) {
        if decoder.feed(chunk, &mut feed).is_err() {
            break;
        }
    }
    let _ = decoder.finish();
    feed
}

fn run<A: Accumulate>(bytes: &[u8], step: usize) -> (String, bool) {
    let feed = feed(A::default(), bytes, step, false);
    (feed.accumulator.json(), feed.failed)
}

/// The check: the first input byte picks a chunking, the rest is the body.
pub fn check<A: Accumulate>(input: &[u8]) {
    let Some((&seed, bytes)) = input.split_first() else {
        return;
    };
    let whole = run::<A>(bytes, bytes.len());
    // JSON text by RFC 8259's grammar: values the server sent pass through as sent, and a
    // number like 1727E46182 is valid JSON that no f64 (so no serde_json `Value`) holds
    // (tests/chat_conformance.rs, numbers_beyond_f64_pass_through_as_sent).
    if let Err(err) = serde_json::from_str::<Box<serde_json::value::RawValue>>(&whole.0) {
        panic!("the result is not JSON ({err}): {}", whole.0);
    }
    let chunked = run::<A>(bytes, usize::from(seed % 13) + 1);
    assert_eq!(chunked, whole, "chunking changed the result");

    // Keeping no text changes nothing the sink hears. A full Messages
    // accumulator also checks each tool block's input JSON at its stop; one
    // that keeps none cannot, and goes on: up to that error, the same.
    let step = usize::from(seed % 7) + 1;
    let full = feed(A::default(), bytes, step, true)
        .log
        .0
        .unwrap_or_default();
    let lean = feed(A::deltas_only(), bytes, step, true)
        .log
        .0
        .unwrap_or_default();
    match full.last() {
        Some(last) if last.starts_with("error Unable to parse tool parameter JSON") => {
            let before = full.len() - 1;
            assert_eq!(
                lean.get(..before),
                Some(&full[..before]),
                "deltas_only heard otherwise"
            );
        }
        _ => assert_eq!(lean, full, "deltas_only heard otherwise"),
    }
}
