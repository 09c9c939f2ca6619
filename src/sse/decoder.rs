//! The event-stream interpreter: fields, blocks and dispatch.

use super::{BufferKind, DEFAULT_MAX_BUFFER_BYTES, Event, EventRef, LineSplitter, Sink, SseError};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// An incremental SSE decoder; see the [module docs](super).
#[derive(Debug)]
pub struct SseDecoder {
    lines: LineSplitter,
    block: Block,
    /// How many bytes of a leading BOM have been seen; `None` once the start
    /// of the stream is past. WHATWG strips one BOM, only at the very start,
    /// and it may arrive split across chunks.
    bom_seen: Option<usize>,
    /// Set after an error: a stream that broke the caps is not resumed.
    failed: Option<SseError>,
}

/// The state of the block (lines up to a blank line) being read.
#[derive(Debug)]
struct Block {
    /// WHATWG "data buffer": each `data` value followed by LF.
    data: String,
    /// WHATWG "event type buffer".
    event: String,
    /// WHATWG "last event ID buffer": survives dispatch, so later events
    /// without an `id` line still carry it.
    last_id: String,
    /// Whether a non-blank line arrived since the last blank line; at the end
    /// of the stream this tells a cut block from a clean end.
    open: bool,
    max_data: usize,
}

/// What [`SseDecoder::finish`] reports about the end of a stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Finish {
    /// The stream ended inside a block: after a non-blank line with no blank
    /// line to close it, or in the middle of a line. WHATWG discards such a
    /// block, and so does the decoder, but a caller may want to know.
    pub cut: bool,
    /// The event the cut block would have dispatched had a blank line ended
    /// it, for callers that prefer to salvage it. `id` and `retry` lines in
    /// the cut block are not applied.
    pub unterminated: Option<Event>,
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl SseDecoder {
    /// A decoder with the default 8 MiB cap.
    pub fn new() -> Self {
        Self::with_max_buffer_bytes(DEFAULT_MAX_BUFFER_BYTES)
    }

    /// A decoder that fails with [`SseError::TooLarge`] when one line, or one
    /// event's data, grows past `max` bytes.
    pub fn with_max_buffer_bytes(max: usize) -> Self {
        SseDecoder {
            lines: LineSplitter::new(max),
            block: Block {
                data: String::new(),
                event: String::new(),
                last_id: String::new(),
                open: false,
                max_data: max,
            },
            bom_seen: Some(0),
            failed: None,
        }
    }

    /// The last event id seen (`""` if none): what an `EventSource` would
    /// send as `Last-Event-ID` when reconnecting.
    pub fn last_event_id(&self) -> &str {
        &self.block.last_id
    }

    /// Decodes one chunk, handing each event it completes to `sink`.
    ///
    /// After an error the decoder refuses all further input with that error.
    pub fn feed(&mut self, mut chunk: &[u8], sink: &mut impl Sink) -> Result<(), SseError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        if let Some(seen) = self.bom_seen {
            let (held, rest, done) = match_bom(seen, chunk);
            chunk = rest;
            if done {
                self.bom_seen = None;
                // A partial match that failed was data after all.
                self.feed_lines(&BOM[..held], sink)?;
            } else {
                self.bom_seen = Some(held);
                return Ok(());
            }
        }
        self.feed_lines(chunk, sink)
    }

    fn feed_lines(&mut self, bytes: &[u8], sink: &mut impl Sink) -> Result<(), SseError> {
        if bytes.is_empty() {
            return Ok(());
        }
        let block = &mut self.block;
        let result = self
            .lines
            .feed(bytes, &mut |line: &[u8]| block.line(line, sink));
        if let Err(err) = &result {
            self.failed = Some(err.clone());
            self.block.clear();
            self.lines.flush();
        }
        result
    }

    /// Ends the stream and makes the decoder ready for a new one (the last
    /// event id is kept, as an `EventSource` keeps it across reconnections).
    pub fn finish(&mut self) -> Result<Finish, SseError> {
        if let Some(err) = self.failed.take() {
            *self = Self::with_max_buffer_bytes(self.block.max_data);
            return Err(err);
        }
        // A stream that was only a BOM prefix never got past the start.
        let held = self.bom_seen.replace(0).unwrap_or(0);
        let mut tail = BOM[..held].to_vec();
        if let Some(line) = self.lines.flush() {
            tail.extend_from_slice(&line);
        }
        let cut = self.block.open || !tail.is_empty();
        let unterminated = if cut { self.block.salvage(&tail) } else { None };
        self.block.clear();
        Ok(Finish { cut, unterminated })
    }
}

/// Advances the BOM match by the bytes of `chunk`: returns how many BOM bytes
/// are now matched, what is left of the chunk, and whether the start of the
/// stream is settled (a full BOM, or a byte that is not the BOM's).
fn match_bom(mut seen: usize, chunk: &[u8]) -> (usize, &[u8], bool) {
    for (i, &byte) in chunk.iter().enumerate() {
        if byte != BOM[seen] {
            return (seen, &chunk[i..], true);
        }
        seen += 1;
        if seen == BOM.len() {
            return (0, &chunk[i + 1..], true);
        }
    }
    (seen, &[], false)
}

impl Block {
    fn line(&mut self, line: &[u8], sink: &mut impl Sink) -> Result<(), SseError> {
        if line.is_empty() {
            self.open = false;
            self.dispatch(sink);
            return Ok(());
        }
        self.open = true;
        let (name, value) = split_field(line);
        match name {
            b"" => sink.comment(value),
            b"data" => self.push_data(value)?,
            b"event" => set_lossy(&mut self.event, value),
            // WHATWG: an id containing U+0000 is ignored entirely.
            b"id" if !value.contains(&0) => set_lossy(&mut self.last_id, value),
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                sink.retry(parse_digits(value))
            }
            _ => {}
        }
        Ok(())
    }

    fn push_data(&mut self, value: &[u8]) -> Result<(), SseError> {
        if self.data.len() + value.len() + 1 > self.max_data {
            return Err(SseError::TooLarge {
                kind: BufferKind::Event,
                limit: self.max_data,
            });
        }
        push_lossy(&mut self.data, value);
        self.data.push('\n');
        Ok(())
    }

    fn dispatch(&mut self, sink: &mut impl Sink) {
        // WHATWG: a block whose data buffer is empty dispatches nothing.
        if self.data.is_empty() {
            self.event.clear();
            return;
        }
        let data = &self.data[..self.data.len() - 1];
        sink.event(EventRef {
            event: (!self.event.is_empty()).then_some(self.event.as_str()),
            data,
            id: &self.last_id,
        });
        self.data.clear();
        self.event.clear();
    }

    /// The event a cut block would have made, given its unterminated last line.
    fn salvage(&mut self, last_line: &[u8]) -> Option<Event> {
        let (name, value) = split_field(last_line);
        match name {
            b"data" => {
                // Salvage is best effort: a line that breaks the cap is dropped.
                let _ = self.push_data(value);
            }
            b"event" => set_lossy(&mut self.event, value),
            _ => {}
        }
        if self.data.is_empty() {
            return None;
        }
        let mut one = Vec::with_capacity(1);
        self.dispatch(&mut one);
        one.pop()
    }

    fn clear(&mut self) {
        self.data.clear();
        self.event.clear();
        self.open = false;
    }
}

/// Splits `name:value`, dropping one space after the colon. A line without a
/// colon is a field name with an empty value; a comment has an empty name.
fn split_field(line: &[u8]) -> (&[u8], &[u8]) {
    match line.iter().position(|&b| b == b':') {
        Some(colon) => {
            let value = &line[colon + 1..];
            (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
        }
        None => (line, &[]),
    }
}

/// Replaces `buffer` with `value` decoded as UTF-8, invalid sequences becoming
/// U+FFFD. Decoding each line on its own is the same as decoding the stream:
/// CR and LF are ASCII and so can never be inside a multi-byte sequence.
fn set_lossy(buffer: &mut String, value: &[u8]) {
    buffer.clear();
    push_lossy(buffer, value);
}

/// Appends `value` decoded as UTF-8, invalid sequences becoming U+FFFD.
/// Valid text (nearly always) takes `str::from_utf8`, which checks ASCII a
/// word at a time; `from_utf8_lossy` walks every byte and was 13 % of the
/// native time of a Messages stream.
fn push_lossy(buffer: &mut String, value: &[u8]) {
    match std::str::from_utf8(value) {
        Ok(text) => buffer.push_str(text),
        Err(_) => buffer.push_str(&String::from_utf8_lossy(value)),
    }
}

/// A digits-only `retry` value; absurdly long ones saturate.
fn parse_digits(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    })
}
