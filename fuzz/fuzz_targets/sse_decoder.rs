//! Any bytes, any chunking: the decoder never panics, and cutting the input
//! into chunks never changes the events, the errors or the end report. A
//! small cap makes the over-the-cap paths reachable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modelwire::sse::{Event, Finish, SseDecoder, SseError};

type Outcome = (Vec<Event>, Result<Finish, SseError>, String);

fn decode(bytes: &[u8], step: usize) -> Outcome {
    let mut decoder = SseDecoder::with_max_buffer_bytes(256);
    let mut events = Vec::new();
    for chunk in bytes.chunks(step.max(1)) {
        if let Err(err) = decoder.feed(chunk, &mut events) {
            let id = decoder.last_event_id().to_owned();
            return (events, Err(err), id);
        }
    }
    let end = decoder.finish();
    (events, end, decoder.last_event_id().to_owned())
}

fuzz_target!(|input: &[u8]| {
    let Some((&seed, bytes)) = input.split_first() else {
        return;
    };
    let whole = decode(bytes, bytes.len());
    assert_eq!(decode(bytes, 1), whole, "byte by byte");
    assert_eq!(decode(bytes, usize::from(seed % 31) + 2), whole, "chunked");
});
