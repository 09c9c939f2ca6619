//! `ChatStream` for JavaScript: bytes of a `/chat/completions` SSE body in,
//! the accumulated `chat.completion` out, with one boundary crossing per
//! network chunk rather than per event.

use crate::chat::{ChatAccumulator, ChatStreamError, Flow};
use crate::sse::{self, EventRef, Sink};
use wasm_bindgen::prelude::*;

/// Decodes and accumulates a Chat Completions stream inside wasm.
///
/// ```js
/// const stream = new ChatStream();
/// for await (const chunk of response.body) if (stream.push(chunk)) break;
/// stream.finish();
/// const completion = JSON.parse(stream.completionJson());
/// stream.free();
/// ```
#[wasm_bindgen]
pub struct ChatStream {
    sse: sse::SseDecoder,
    feed: Feed,
}

/// SSE events into the accumulator, holding the first stream error.
struct Feed {
    chat: ChatAccumulator,
    error: Option<ChatStreamError>,
}

impl Sink for Feed {
    fn event(&mut self, event: EventRef<'_>) {
        if self.error.is_some() || self.chat.is_done() {
            return;
        }
        match self.chat.push(event.event, event.data, &mut ()) {
            Ok(Flow::Continue | Flow::Done) => {}
            Err(err) => self.error = Some(err),
        }
    }
}

impl Default for ChatStream {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl ChatStream {
    /// An empty stream.
    #[wasm_bindgen(constructor)]
    pub fn new() -> ChatStream {
        ChatStream {
            sse: sse::SseDecoder::new(),
            feed: Feed {
                chat: ChatAccumulator::new(),
                error: None,
            },
        }
    }

    /// Feeds one chunk of the body; returns `true` once `[DONE]` arrived.
    /// Throws a `StreamError` for an error sent mid-stream or a malformed
    /// chunk, and an `SseError` past the SSE buffer cap; what arrived before
    /// stays available from `completionJson()`.
    pub fn push(&mut self, chunk: &[u8]) -> Result<bool, JsValue> {
        self.sse.feed(chunk, &mut self.feed)?;
        match self.feed.error.take() {
            Some(err) => Err(err.into()),
            None => Ok(self.feed.chat.is_done()),
        }
    }

    /// Ends the body and says how the stream ended: `"done"` (with
    /// `[DONE]`), `"eof"` (the body ended between events; some servers omit
    /// `[DONE]`), or `"cut"` (the body ended in the middle of an event, as
    /// when a connection drops: that event is incomplete and is dropped).
    #[wasm_bindgen(unchecked_return_type = "\"done\" | \"eof\" | \"cut\"")]
    pub fn finish(&mut self) -> Result<String, JsValue> {
        let end = self.sse.finish()?;
        // A last event without its blank line still counts when it is
        // whole (`data: [DONE]\n` alone is a common ending); when it does
        // not parse, it was cut off and is not an error of its own.
        let mut cut = end.cut;
        if let Some(event) = end.unterminated.filter(|_| !self.feed.chat.is_done()) {
            let applied = self
                .feed
                .chat
                .push(event.event.as_deref(), &event.data, &mut ());
            cut = match applied {
                Ok(_) => false,
                Err(ChatStreamError::InvalidChunk { .. }) => true,
                Err(err) => return Err(err.into()),
            };
        }
        let how = match (self.feed.chat.is_done(), cut) {
            (true, _) => "done",
            (false, false) => "eof",
            (false, true) => "cut",
        };
        Ok(how.into())
    }

    /// The completion so far, as `chat.completion` JSON text.
    #[wasm_bindgen(js_name = completionJson)]
    pub fn completion_json(&self) -> String {
        self.feed.chat.completion_json()
    }
}
