//! Any SSE body through the decoder into the Chat Completions accumulator:
//! no panic, the completion is always valid JSON, and the chunking of the
//! body does not change it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modelwire::chat::ChatAccumulator;
use modelwire::sse::{EventRef, Sink, SseDecoder};

struct Feed {
    chat: ChatAccumulator,
    failed: bool,
}

impl Sink for Feed {
    fn event(&mut self, event: EventRef<'_>) {
        if !self.failed && self.chat.push(event.event, event.data, &mut ()).is_err() {
            self.failed = true;
        }
    }
}

fn run(bytes: &[u8], step: usize) -> (String, bool) {
    let mut decoder = SseDecoder::new();
    let mut feed = Feed {
        chat: ChatAccumulator::new(),
        failed: false,
    };
    for chunk in bytes.chunks(step.max(1)) {
        if decoder.feed(chunk, &mut feed).is_err() {
            break;
        }
    }
    let _ = decoder.finish();
    (feed.chat.completion_json(), feed.failed)
}

fuzz_target!(|input: &[u8]| {
    let Some((&seed, bytes)) = input.split_first() else {
        return;
    };
    let whole = run(bytes, bytes.len());
    if let Err(err) = serde_json::from_str::<serde_json::Value>(&whole.0) {
        panic!("completion_json is not JSON ({err}): {}", whole.0);
    }
    assert_eq!(
        run(bytes, usize::from(seed % 13) + 1),
        whole,
        "chunking changed the result"
    );
});
