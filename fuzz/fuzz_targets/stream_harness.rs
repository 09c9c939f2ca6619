//! The harness both stream targets share: any SSE body through the decoder
//! into an accumulator; the result must be valid JSON and must not depend on
//! how the body was cut into chunks.

use modelwire::chat::ChatAccumulator;
use modelwire::messages::MessagesAccumulator;
use modelwire::sse::{EventRef, Sink, SseDecoder};

/// What the harness needs of an accumulator.
pub trait Accumulate: Default {
    /// Applies one event; `false` once the stream failed.
    fn apply(&mut self, event: Option<&str>, data: &str) -> bool;
    /// The result so far, as JSON text.
    fn json(&self) -> String;
}

impl Accumulate for ChatAccumulator {
    fn apply(&mut self, event: Option<&str>, data: &str) -> bool {
        self.push(event, data, &mut ()).is_ok()
    }
    fn json(&self) -> String {
        self.completion_json()
    }
}

impl Accumulate for MessagesAccumulator {
    fn apply(&mut self, event: Option<&str>, data: &str) -> bool {
        self.push(event, data, &mut ()).is_ok()
    }
    fn json(&self) -> String {
        self.message_json()
    }
}

struct Feed<A> {
    accumulator: A,
    failed: bool,
}

impl<A: Accumulate> Sink for Feed<A> {
    fn event(&mut self, event: EventRef<'_>) {
        if !self.failed && !self.accumulator.apply(event.event, event.data) {
            self.failed = true;
        }
    }
}

fn run<A: Accumulate>(bytes: &[u8], step: usize) -> (String, bool) {
    let mut decoder = SseDecoder::new();
    let mut feed = Feed {
        accumulator: A::default(),
        failed: false,
    };
    for chunk in bytes.chunks(step.max(1)) {
        if decoder.feed(chunk, &mut feed).is_err() {
            break;
        }
    }
    let _ = decoder.finish();
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
}
