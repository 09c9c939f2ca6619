//! Server-Sent Events decoding over bytes, as the WHATWG HTML standard
//! ("Server-sent events", §9.2.6 *Interpreting an event stream*) defines it.
//!
//! [`SseDecoder`] does no I/O: feed it the chunks of a response body in order,
//! split anywhere (inside a UTF-8 sequence, between the CR and LF of a CRLF),
//! and it hands each completed event to a [`Sink`]. Every byte is examined a
//! bounded number of times whatever the chunking, and what it buffers (one
//! line, one event) is capped by [`SseDecoder::with_max_buffer_bytes`].
//!
//! ```
//! use modelwire::sse::{Event, SseDecoder};
//! let mut decoder = SseDecoder::new();
//! let mut events: Vec<Event> = Vec::new();
//! decoder.feed(b"event: ping\ndata: {\"a\"", &mut events).unwrap();
//! decoder.feed(b":1}\n\n", &mut events).unwrap();
//! assert_eq!(events[0].event.as_deref(), Some("ping"));
//! assert_eq!(events[0].data, "{\"a\":1}");
//! ```

mod decoder;
mod error;
mod lines;

pub use decoder::{Finish, SseDecoder};
pub use error::{BufferKind, SseError};
pub use lines::LineSplitter;

/// Default cap on one line and on one event's buffered data: 8 MiB.
pub const DEFAULT_MAX_BUFFER_BYTES: usize = 8 * 1024 * 1024;

/// An event as dispatched, borrowed from the decoder's buffers.
///
/// Borrowing lets a consumer parse `data` in place (e.g. as JSON) without the
/// decoder allocating a string per event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef<'a> {
    /// The `event` field of the block, `None` when absent or empty (a browser
    /// dispatches that as `"message"`).
    pub event: Option<&'a str>,
    /// The data lines joined with `\n`.
    pub data: &'a str,
    /// The last event id at dispatch time: it persists across events until an
    /// `id` line changes it, and is `""` when never set.
    pub id: &'a str,
}

/// An owned copy of an [`EventRef`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// See [`EventRef::event`].
    pub event: Option<String>,
    /// See [`EventRef::data`].
    pub data: String,
    /// See [`EventRef::id`].
    pub id: String,
}

impl EventRef<'_> {
    /// Copies the event out of the decoder's buffers.
    pub fn to_owned(&self) -> Event {
        Event {
            event: self.event.map(str::to_owned),
            data: self.data.to_owned(),
            id: self.id.to_owned(),
        }
    }
}

/// Receives what the decoder finds, in stream order.
pub trait Sink {
    /// A dispatched event.
    fn event(&mut self, event: EventRef<'_>);
    /// A valid `retry` field: the reconnection time in milliseconds.
    fn retry(&mut self, _millis: u64) {}
    /// A comment line, without its leading `:` and one optional space, as raw
    /// bytes so that sinks that ignore comments pay nothing to decode them.
    fn comment(&mut self, _raw: &[u8]) {}
}

/// Collects owned events; handy for tests and one-shot decoding.
impl Sink for Vec<Event> {
    fn event(&mut self, event: EventRef<'_>) {
        self.push(event.to_owned());
    }
}
