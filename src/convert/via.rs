//! Reading one protocol's stream as the other's: [`Via`] sits between an
//! SSE decoder fed with one protocol's body and a [`Sink`] of the other
//! protocol (its accumulator), converting each event on the way. The client
//! uses it to call a Messages server from a Chat Completions app and back.
//!
//! ```
//! use modelwire::chat::ChatAccumulator;
//! use modelwire::convert::{MessagesToChatStream, Via};
//! use modelwire::sse::{Event, SseDecoder};
//! let body = concat!(
//!     "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":0}}}\n\n",
//!     "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
//!     "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
//!     "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
//!     "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":1}}\n\n",
//! ); // no message_stop: `finish` closes the stream with [DONE]
//! let mut sse = SseDecoder::new();
//! let mut via = Via::new(MessagesToChatStream::new());
//! let mut out: Vec<Event> = Vec::new();
//! sse.feed(body.as_bytes(), &mut via.sink(&mut out)).unwrap();
//! let cut = via.finish(sse.finish().unwrap(), &mut out);
//! assert!(!cut && via.take_error().is_none());
//! let mut chat = ChatAccumulator::new();
//! for e in &out {
//!     chat.push(e.event.as_deref(), &e.data, &mut ()).unwrap();
//! }
//! assert!(chat.is_done());
//! assert!(chat.completion_json().contains(r#""content":"Hi""#));
//! ```

use super::{ChatToMessagesStream, ConvertError, Loss, MessagesToChatStream};
use crate::sse::{Event, EventRef, Finish, Sink};

/// A stream converter, either direction, seen through what [`Via`] needs.
pub trait StreamConverter {
    /// Converts one SSE event of the source protocol into the events of
    /// the target protocol it completes.
    fn convert(&mut self, event: Option<&str>, data: &str) -> Result<Vec<Event>, ConvertError>;
    /// Closes the stream at EOF.
    fn end(&mut self) -> Vec<Event>;
    /// What could not be carried over so far.
    fn losses(&self) -> &[Loss];
    /// Whether the stream is over.
    fn is_over(&self) -> bool;
}

impl StreamConverter for ChatToMessagesStream {
    fn convert(&mut self, _event: Option<&str>, data: &str) -> Result<Vec<Event>, ConvertError> {
        self.push(data)
    }
    fn end(&mut self) -> Vec<Event> {
        self.finish()
    }
    fn losses(&self) -> &[Loss] {
        self.dropped()
    }
    fn is_over(&self) -> bool {
        self.is_done()
    }
}

impl StreamConverter for MessagesToChatStream {
    fn convert(&mut self, event: Option<&str>, data: &str) -> Result<Vec<Event>, ConvertError> {
        self.push(event, data)
    }
    fn end(&mut self) -> Vec<Event> {
        self.finish()
    }
    fn losses(&self) -> &[Loss] {
        self.dropped()
    }
    fn is_over(&self) -> bool {
        self.is_done()
    }
}

/// A stream converter between an SSE decoder and a sink, holding the first
/// conversion error (after which later events are ignored, as the
/// accumulators ignore events after theirs).
#[derive(Debug, Default)]
pub struct Via<C> {
    converter: C,
    error: Option<ConvertError>,
}

/// The [`Sink`] to feed a decoder with: converts each event and forwards
/// the results to `inner`.
pub struct ViaSink<'a, C, S> {
    via: &'a mut Via<C>,
    inner: &'a mut S,
}

impl<C: StreamConverter, S: Sink> Sink for ViaSink<'_, C, S> {
    fn event(&mut self, event: EventRef<'_>) {
        self.via.forward(event.event, event.data, self.inner);
    }
}

impl<C: StreamConverter> Via<C> {
    /// A converter at the start of a stream.
    pub fn new(converter: C) -> Self {
        Via {
            converter,
            error: None,
        }
    }

    /// The sink that converts into `inner`.
    pub fn sink<'a, S: Sink>(&'a mut self, inner: &'a mut S) -> ViaSink<'a, C, S> {
        ViaSink { via: self, inner }
    }

    /// The first conversion error (an event whose data is not JSON), taken.
    pub fn take_error(&mut self) -> Option<ConvertError> {
        self.error.take()
    }

    /// What could not be carried over so far.
    pub fn losses(&self) -> &[Loss] {
        self.converter.losses()
    }

    /// Ends the stream, given the decoder's [`Finish`]: a last event that
    /// lost only its blank line still counts when it converts, as the
    /// accumulators count it; then the converter closes the stream (unless
    /// the body was cut inside an event, which must stay an incomplete
    /// stream). Returns whether it was cut.
    pub fn finish<S: Sink>(&mut self, end: Finish, inner: &mut S) -> bool {
        if self.error.is_some() {
            return end.cut;
        }
        let cut = match end.unterminated {
            Some(event) => !self.forward(event.event.as_deref(), &event.data, inner),
            None => end.cut,
        };
        if self.error.take().is_none() && !cut {
            for event in self.converter.end() {
                inner.event(event_ref(&event));
            }
        }
        cut
    }

    /// Converts one event into `inner`; `false` when it did not convert.
    fn forward<S: Sink>(&mut self, event: Option<&str>, data: &str, inner: &mut S) -> bool {
        if self.error.is_some() {
            return false;
        }
        match self.converter.convert(event, data) {
            Ok(events) => {
                for event in &events {
                    inner.event(event_ref(event));
                }
                true
            }
            Err(err) => {
                self.error = Some(err);
                false
            }
        }
    }
}

fn event_ref(event: &Event) -> EventRef<'_> {
    EventRef {
        event: event.event.as_deref(),
        data: &event.data,
        id: &event.id,
    }
}
