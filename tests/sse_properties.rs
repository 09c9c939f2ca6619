//! Property tests: random valid streams, randomly re-chunked, decode to the
//! events they were built from.
#![cfg(not(target_arch = "wasm32"))]

use modelwire::sse::{Event, SseDecoder};
use proptest::prelude::*;

/// One line ending, chosen per line: the decoder must treat all three alike.
fn line_end() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r"), Just("\r\n")]
}

/// Field text without line ends; multibyte characters included so that
/// re-chunking cuts inside UTF-8 sequences.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 :{}\",é€😀\u{2028}]{0,24}"
}

#[derive(Debug, Clone)]
struct Block {
    event: Option<String>,
    data: Vec<String>,
    id: Option<String>,
    comment: Option<String>,
    retry: Option<u32>,
}

fn block() -> impl Strategy<Value = Block> {
    (
        proptest::option::of("[a-z_]{1,12}"),
        proptest::collection::vec(text(), 0..4),
        proptest::option::of("[a-z0-9]{0,6}"),
        proptest::option::of(text()),
        proptest::option::of(any::<u32>()),
    )
        .prop_map(|(event, data, id, comment, retry)| Block {
            event,
            data,
            id,
            comment,
            retry,
        })
}

/// Serialises the blocks and computes the events a WHATWG parser dispatches.
fn build(blocks: &[Block], ends: &[&str], bom: bool) -> (Vec<u8>, Vec<Event>) {
    let mut out = String::new();
    if bom {
        out.push('\u{FEFF}');
    }
    let mut ends = ends.iter().cycle();
    let mut previous = "\n";
    let mut line = |out: &mut String, text: &str| {
        // A blank line reuses the previous ending: after "\r", an "\n" would
        // join it as one CRLF and the blank line would vanish.
        let end = if text.is_empty() {
            previous
        } else {
            ends.next().unwrap()
        };
        out.push_str(text);
        out.push_str(end);
        previous = end;
    };
    let mut events = Vec::new();
    let mut last_id = String::new();
    for b in blocks {
        if let Some(c) = &b.comment {
            line(&mut out, &format!(":{c}"));
        }
        if let Some(e) = &b.event {
            line(&mut out, &format!("event: {e}"));
        }
        if let Some(id) = &b.id {
            line(&mut out, &format!("id: {id}"));
            last_id = id.clone();
        }
        if let Some(r) = b.retry {
            line(&mut out, &format!("retry: {r}"));
        }
        for d in &b.data {
            // The first space after the colon is eaten: write one explicitly.
            line(&mut out, &format!("data: {d}"));
        }
        line(&mut out, "");
        if !b.data.is_empty() {
            events.push(Event {
                event: b.event.clone(),
                data: b.data.join("\n"),
                id: last_id.clone(),
            });
        }
    }
    (out.into_bytes(), events)
}

fn decode_with_cuts(bytes: &[u8], cuts: &[usize]) -> Vec<Event> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut decoder = SseDecoder::new();
    let mut events = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([bytes.len()]) {
        decoder.feed(&bytes[start..cut], &mut events).unwrap();
        start = cut;
    }
    let finish = decoder.finish().unwrap();
    assert!(!finish.cut, "a stream of whole blocks is never cut");
    events
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_chunking_gives_the_events_the_stream_was_built_from(
        blocks in proptest::collection::vec(block(), 0..12),
        ends in proptest::collection::vec(line_end(), 1..5),
        bom in any::<bool>(),
        cuts in proptest::collection::vec(any::<usize>(), 0..24),
    ) {
        let (bytes, expected) = build(&blocks, &ends, bom);
        let whole = decode_with_cuts(&bytes, &[]);
        prop_assert_eq!(&whole, &expected);
        prop_assert_eq!(decode_with_cuts(&bytes, &cuts), whole);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_are_split_invariant(
        bytes in proptest::collection::vec(
            prop_oneof![Just(b'\r'), Just(b'\n'), Just(b':'), Just(b' '), Just(0xEF), any::<u8>()],
            0..300,
        ),
        cuts in proptest::collection::vec(any::<usize>(), 0..16),
    ) {
        let run = |cuts: &[usize]| {
            let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            cuts.sort_unstable();
            let mut decoder = SseDecoder::new();
            let mut events: Vec<Event> = Vec::new();
            let mut start = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                decoder.feed(&bytes[start..cut], &mut events).unwrap();
                start = cut;
            }
            (events, decoder.finish().unwrap(), decoder.last_event_id().to_owned())
        };
        prop_assert_eq!(run(&cuts), run(&[]));
    }
}
