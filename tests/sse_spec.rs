//! The SSE decoder against the WHATWG rules, one rule per test.
#![cfg(not(target_arch = "wasm32"))]

use modelwire::sse::{BufferKind, Event, EventRef, Sink, SseDecoder, SseError};

#[derive(Default)]
struct Everything {
    events: Vec<Event>,
    retries: Vec<u64>,
    comments: Vec<String>,
}

impl Sink for Everything {
    fn event(&mut self, event: EventRef<'_>) {
        self.events.push(event.to_owned());
    }
    fn retry(&mut self, millis: u64) {
        self.retries.push(millis);
    }
    fn comment(&mut self, raw: &[u8]) {
        self.comments
            .push(String::from_utf8_lossy(raw).into_owned());
    }
}

fn decode(chunks: &[&[u8]]) -> Everything {
    let mut decoder = SseDecoder::new();
    let mut out = Everything::default();
    for chunk in chunks {
        decoder.feed(chunk, &mut out).unwrap();
    }
    decoder.finish().unwrap();
    out
}

fn ev(event: Option<&str>, data: &str, id: &str) -> Event {
    Event {
        event: event.map(str::to_owned),
        data: data.to_owned(),
        id: id.to_owned(),
    }
}

#[test]
fn data_lines_join_with_lf_and_one_space_is_stripped() {
    let out = decode(&[b"data:  two spaces\ndata:none\ndata\n\n"]);
    assert_eq!(out.events, [ev(None, " two spaces\nnone\n", "")]);
}

#[test]
fn event_type_applies_to_one_event_only() {
    let out = decode(&[b"event: add\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n"]);
    assert_eq!(
        out.events,
        [
            ev(Some("add"), "1", ""),
            ev(None, "2", ""),
            ev(None, "3", "")
        ]
    );
}

#[test]
fn blocks_without_data_dispatch_nothing() {
    let out = decode(&[b"event: foo\n\nid: 1\n\n:comment\n\n"]);
    assert!(out.events.is_empty());
}

#[test]
fn last_event_id_persists_and_nul_ids_are_ignored() {
    let out = decode(&[b"id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n"]);
    let ids: Vec<_> = out.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["7", "7", "7", ""]);
}

#[test]
fn retry_takes_digits_only() {
    let out = decode(&[b"retry: 1500\nretry: 15x\nretry:\nretry: -1\nretry:0\n\n"]);
    assert_eq!(out.retries, [1500, 0]);
    let huge = decode(&[b"retry: 99999999999999999999999999\n\n"]);
    assert_eq!(huge.retries, [u64::MAX]);
}

#[test]
fn unknown_fields_and_comments_are_ignored() {
    let out = decode(&[b": hello\nfoo: bar\nDATA: no\ndata: yes\n\n"]);
    assert_eq!(out.events, [ev(None, "yes", "")]);
    assert_eq!(out.comments, ["hello"]);
}

#[test]
fn cr_lf_and_crlf_all_end_lines() {
    let out = decode(&[b"data: a\rdata: b\r\ndata: c\n\r\ndata: d\r\r"]);
    assert_eq!(out.events, [ev(None, "a\nb\nc", ""), ev(None, "d", "")]);
}

#[test]
fn crlf_split_across_chunks_is_one_line_end() {
    // WHATWG: a CR at chunk end may pair with an LF in the next chunk; had the
    // LF counted as a second terminator, the block would end after "a".
    let out = decode(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]);
    assert_eq!(out.events, [ev(None, "a\nb", "")]);
}

#[test]
fn one_leading_bom_is_stripped_even_when_split() {
    let out = decode(&[b"\xEF", b"\xBB", b"\xBFdata: a\n\n"]);
    assert_eq!(out.events, [ev(None, "a", "")]);
    // A second BOM is data: it makes the field name "\u{feff}data", unknown.
    let out = decode(&[b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n"]);
    assert_eq!(out.events, [ev(None, "b", "")]);
    // A BOM prefix that turns out to be something else is kept as bytes.
    let out = decode(&[b"\xEF\xBB", b"data: a\n\n"]);
    assert!(out.events.is_empty());
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    let out = decode(&[b"data: a\xFFb\xE2\x82\n\n"]);
    assert_eq!(out.events, [ev(None, "a\u{FFFD}b\u{FFFD}", "")]);
}

#[test]
fn multibyte_characters_survive_any_split() {
    let text = "data: é€😀\n\n".as_bytes();
    for cut in 0..text.len() {
        let out = decode(&[&text[..cut], &text[cut..]]);
        assert_eq!(out.events, [ev(None, "é€😀", "")], "cut at {cut}");
    }
}

#[test]
fn a_cut_final_block_is_not_dispatched_but_reported() {
    let mut decoder = SseDecoder::new();
    let mut events: Vec<Event> = Vec::new();
    decoder
        .feed(b"data: whole\n\nevent: x\ndata: par", &mut events)
        .unwrap();
    let finish = decoder.finish().unwrap();
    assert_eq!(events, [ev(None, "whole", "")]);
    assert!(finish.cut);
    assert_eq!(finish.unterminated, Some(ev(Some("x"), "par", "")));

    let mut decoder = SseDecoder::new();
    decoder.feed(b"data: [DONE]\n", &mut events).unwrap();
    let finish = decoder.finish().unwrap();
    assert!(finish.cut);
    assert_eq!(finish.unterminated, Some(ev(None, "[DONE]", "")));

    let mut decoder = SseDecoder::new();
    decoder.feed(b"data: a\n\n", &mut events).unwrap();
    assert_eq!(decoder.finish().unwrap(), Default::default());
}

#[test]
fn the_cap_fails_with_a_typed_error_and_stays_failed() {
    let mut decoder = SseDecoder::with_max_buffer_bytes(16);
    let mut events: Vec<Event> = Vec::new();
    decoder.feed(b"data: ok\n\n", &mut events).unwrap();
    let too_long_line = decoder.feed(b"data: 0123456789abcdef\n", &mut events);
    let expected = SseError::TooLarge {
        kind: BufferKind::Line,
        limit: 16,
    };
    assert_eq!(too_long_line, Err(expected.clone()));
    assert_eq!(
        decoder.feed(b"data: b\n\n", &mut events),
        Err(expected.clone())
    );
    assert_eq!(events, [ev(None, "ok", "")]);
    assert!(expected.to_string().contains("16 bytes"));

    // Many short data lines hit the event cap instead.
    let mut decoder = SseDecoder::with_max_buffer_bytes(16);
    let err = decoder
        .feed(b"data: 12345\ndata: 12345\ndata: 12345\n", &mut events)
        .unwrap_err();
    assert_eq!(
        err,
        SseError::TooLarge {
            kind: BufferKind::Event,
            limit: 16
        }
    );
    // finish() reports the failure once and resets the decoder.
    assert!(decoder.finish().is_err());
    decoder.feed(b"data: again\n\n", &mut events).unwrap();
    assert_eq!(events.last(), Some(&ev(None, "again", "")));
}

#[test]
fn finish_leaves_the_decoder_ready_for_a_new_stream() {
    let mut decoder = SseDecoder::new();
    let mut events: Vec<Event> = Vec::new();
    decoder
        .feed(b"id: 3\ndata: a\n\ndata: cut", &mut events)
        .unwrap();
    decoder.finish().unwrap();
    decoder
        .feed(b"\xEF\xBB\xBFdata: b\n\n", &mut events)
        .unwrap();
    assert_eq!(events, [ev(None, "a", "3"), ev(None, "b", "3")]);
    assert_eq!(decoder.last_event_id(), "3");
}
