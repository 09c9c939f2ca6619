//! Conformance runner over `../shared/conformance/sse/`: the WHATWG, openai-node
//! and eventsource-parser vectors. Each vector must pass as chunked, re-fed
//! byte by byte, and at every two-way split point of its bytes.
//!
//! The corpus is read at run time (`MODELWIRE_CONFORMANCE` overrides its path)
//! and never copied into this repository. Without it the runner fails under
//! `CI=true` and skips with a message otherwise.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use modelwire::sse::{Event, EventRef, LineSplitter, Sink, SseDecoder};
use serde_json::Value;
use support::{Corpus, Outcome};

/// What a vector can check: the events, and what a WHATWG `EventSource`
/// exposes besides them.
#[derive(Debug, Default, PartialEq)]
struct Decoded {
    events: Vec<Event>,
    retries: Vec<u64>,
    comments: Vec<String>,
    last_event_id: String,
}

impl Sink for Decoded {
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

fn decode<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Decoded {
    let mut decoder = SseDecoder::new();
    let mut out = Decoded::default();
    for chunk in chunks {
        decoder
            .feed(chunk, &mut out)
            .expect("no vector reaches the cap");
    }
    decoder.finish().expect("no vector reaches the cap");
    out.last_event_id = decoder.last_event_id().to_owned();
    out
}

fn split_lines<'a>(chunks: impl IntoIterator<Item = &'a [u8]>, flush: bool) -> Vec<String> {
    let mut splitter = LineSplitter::new(usize::MAX);
    let mut lines = Vec::new();
    for chunk in chunks {
        splitter
            .feed(chunk, &mut |line: &[u8]| {
                lines.push(String::from_utf8_lossy(line).into_owned());
                Ok(())
            })
            .unwrap();
    }
    if let Some(rest) = splitter.flush().filter(|_| flush) {
        lines.push(String::from_utf8_lossy(&rest).into_owned());
    }
    lines
}

/// Checks the events and the optional expectations of one `kind: "sse"` vector.
fn check_sse(vector: &Value, got: &Decoded) -> Result<(), String> {
    let expected: Vec<Event> = vector["expected_events"]
        .as_array()
        .ok_or("no expected_events")?
        .iter()
        .map(|e| Event {
            event: e["event"].as_str().map(str::to_owned),
            data: e["data"].as_str().unwrap_or_default().to_owned(),
            id: e["id"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    if got.events != expected {
        return Err(format!("events {:?}\n  expected {expected:?}", got.events));
    }
    if let Some(retries) = vector.get("expected_retry").and_then(Value::as_array) {
        let want: Vec<u64> = retries.iter().filter_map(Value::as_u64).collect();
        if got.retries != want {
            return Err(format!("retries {:?}, expected {want:?}", got.retries));
        }
    }
    if let Some(id) = vector.get("expected_last_event_id").and_then(Value::as_str)
        && got.last_event_id != id
    {
        return Err(format!("last id {:?}, expected {id:?}", got.last_event_id));
    }
    if let Some(comments) = vector.get("expected_comments").and_then(Value::as_array) {
        let want: Vec<&str> = comments.iter().filter_map(Value::as_str).collect();
        if got.comments != want {
            return Err(format!("comments {:?}, expected {want:?}", got.comments));
        }
    }
    Ok(())
}

/// Runs `run` on the vector's own chunks, byte by byte, and at every two-way
/// split, checking each result; returns the first failure.
fn every_feeding<T>(
    chunks: &[Vec<u8>],
    invariant: bool,
    run: impl Fn(&mut dyn Iterator<Item = &[u8]>) -> T,
    check: impl Fn(&T) -> Result<(), String>,
) -> Result<(), String> {
    check(&run(&mut chunks.iter().map(Vec::as_slice))).map_err(|e| format!("as chunked: {e}"))?;
    if !invariant {
        return Ok(());
    }
    let whole = chunks.concat();
    check(&run(&mut whole.chunks(1))).map_err(|e| format!("byte by byte: {e}"))?;
    for cut in 0..=whole.len() {
        let (a, b) = whole.split_at(cut);
        check(&run(&mut [a, b].into_iter())).map_err(|e| format!("split at {cut}: {e}"))?;
    }
    Ok(())
}

fn run_vector(vector: &Value) -> Result<(), String> {
    let chunks = support::chunks(vector)?;
    let invariant = vector["split_invariant"].as_bool().unwrap_or(true);
    match vector["kind"].as_str() {
        Some("sse") => every_feeding(
            &chunks,
            invariant,
            |c| decode(c),
            |got| check_sse(vector, got),
        ),
        Some("sse-lines") => {
            let flush = vector["flush_at_end"].as_bool().unwrap_or(false);
            let want: Vec<String> = serde_json::from_value(vector["expected_lines"].clone())
                .map_err(|e| e.to_string())?;
            every_feeding(
                &chunks,
                true,
                |c| split_lines(c, flush),
                |got| match got == &want {
                    true => Ok(()),
                    false => Err(format!("lines {got:?}, expected {want:?}")),
                },
            )
        }
        other => Err(format!("unknown kind {other:?}")),
    }
}

#[test]
fn sse_conformance_corpus() {
    let Some(corpus) = Corpus::locate("sse") else {
        return;
    };
    let mut outcome = Outcome::default();
    for folder in ["vectors", "splits", "lines"] {
        for (name, vector) in corpus.vectors(folder) {
            outcome.record(&name, run_vector(&vector));
        }
    }
    outcome.finish("SSE conformance", 500);
}
