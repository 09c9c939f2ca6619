//! `ChatStream` for JavaScript: bytes of a `/chat/completions` SSE body in,
//! the accumulated `chat.completion` out, with one boundary crossing per
//! network chunk rather than per event.
//!
//! On request it also collects, per `push`, the chunks as one JSON array
//! text (`takeChunks`, for iteration: one `JSON.parse` per network chunk)
//! and the deltas as one JSON array of tuples (`takeEvents`, for the
//! runner's `content` / `reasoning` / tool-argument events).

use super::error::stream_error;
use crate::chat::{ChatAccumulator, ChatSink, ChatStreamError, Flow};
use crate::convert::{MessagesToChatStream, Via};
use crate::json::write_str;
use crate::sse::{self, EventRef, Sink};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Options for `new ChatStream(options)`. */
export interface ChatStreamOptions {
  /** Cap on one SSE line and one event's data, in bytes (default 8 MiB). */
  maxBufferBytes?: number;
  /** Collect each chunk's JSON for `takeChunks()`. */
  chunks?: boolean;
  /** Collect deltas for `takeEvents()`. */
  events?: boolean;
}

/**
 * One delta from `takeEvents()`: `[kind, choice, index, value, name?]`:
 * 0 content, 1 refusal, 2 reasoning (value: the text);
 * 3 tool call start (value: id or null, name: the name or null);
 * 4 tool arguments (value: the text); 5 finish (value: the reason);
 * 6 usage (value: the usage object).
 */
export type ChatStreamEvent = [number, number, number, any, (string | null)?];
"#;

#[wasm_bindgen]
extern "C" {
    /// `ChatStreamOptions` from the TypeScript section above.
    #[wasm_bindgen(typescript_type = "ChatStreamOptions")]
    pub type ChatStreamOptions;
}

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
    /// `Some` in step-by-step mode (see `step.rs`).
    stepper: Option<super::step::Stepper>,
    /// The key, scrubbed from errors (set by `ClientCore.chatStream`).
    pub(super) secret: Option<String>,
    /// `Some` when the body is a Messages stream, converted event by event
    /// (`ClientCore.chatStreamFromMessages`, see `convert.rs`).
    pub(super) via: Option<Via<MessagesToChatStream>>,
}

/// SSE events into the accumulator, holding the first stream error.
struct Feed {
    chat: ChatAccumulator,
    error: Option<ChatStreamError>,
    /// `Some` when chunks are collected: `[` then each chunk's data, comma-separated.
    chunks: Option<String>,
    /// `Some` when deltas are collected: `[` then tuples, comma-separated.
    events: Option<Tuples>,
}

/// A JSON array of delta tuples under construction: `[` then tuples,
/// comma-separated.
pub(super) struct Tuples(pub(super) String);

impl Tuples {
    pub(super) fn new() -> Tuples {
        Tuples(String::from("["))
    }

    /// Starts a tuple `[kind,a,b,` (the caller writes the rest and `]`).
    fn open(&mut self, kind: u32, a: u32, b: u32) {
        self.open2(kind, a);
        push_num(&mut self.0, b);
        self.0.push(',');
    }

    /// Starts a tuple `[kind,a,`.
    pub(super) fn open2(&mut self, kind: u32, a: u32) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push('[');
        push_num(&mut self.0, kind);
        self.0.push(',');
        push_num(&mut self.0, a);
        self.0.push(',');
    }

    fn text(&mut self, kind: u32, choice: u32, index: u32, text: &str) {
        // `"content": ""` on the role chunk is not a delta (openai-node skips it too).
        if text.is_empty() {
            return;
        }
        self.open(kind, choice, index);
        write_str(&mut self.0, text);
        self.0.push(']');
    }

    /// The array so far (closed), leaving an empty one; `None` when empty.
    pub(super) fn take(&mut self) -> Option<String> {
        let mut buffer = Some(std::mem::replace(&mut self.0, String::from("[")));
        let out = take_array(&mut buffer);
        if out.is_none() {
            self.0 = buffer.unwrap_or_else(|| String::from("["));
        }
        out
    }
}

fn push_num(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Digits are ASCII.
    out.push_str(std::str::from_utf8(&digits[i..]).unwrap_or("0"));
}

pub(super) fn push_opt(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => write_str(out, text),
        None => out.push_str("null"),
    }
}

impl ChatSink for Tuples {
    fn content(&mut self, choice: u32, delta: &str) {
        self.text(0, choice, 0, delta);
    }
    fn refusal(&mut self, choice: u32, delta: &str) {
        self.text(1, choice, 0, delta);
    }
    fn reasoning(&mut self, choice: u32, delta: &str) {
        self.text(2, choice, 0, delta);
    }
    fn tool_call(&mut self, choice: u32, index: u32, id: Option<&str>, name: Option<&str>) {
        self.open(3, choice, index);
        push_opt(&mut self.0, id);
        self.0.push(',');
        push_opt(&mut self.0, name);
        self.0.push(']');
    }
    fn tool_arguments(&mut self, choice: u32, index: u32, delta: &str) {
        self.text(4, choice, index, delta);
    }
    fn finish(&mut self, choice: u32, reason: &str) {
        self.text(5, choice, 0, reason);
    }
    fn usage(&mut self, usage: &str) {
        self.open(6, 0, 0);
        self.0.push_str(usage);
        self.0.push(']');
    }
}

impl Sink for Feed {
    fn event(&mut self, event: EventRef<'_>) {
        if self.error.is_some() || self.chat.is_done() {
            return;
        }
        self.apply(event.event, event.data);
    }
}

impl Feed {
    fn apply(&mut self, event: Option<&str>, data: &str) -> bool {
        let pushed = match &mut self.events {
            Some(events) => self.chat.push(event, data, events),
            None => self.chat.push(event, data, &mut ()),
        };
        match pushed {
            Ok(Flow::Continue) => {
                if let Some(chunks) = &mut self.chunks {
                    if chunks.len() > 1 {
                        chunks.push(',');
                    }
                    // The accumulator parsed it: it is one JSON value.
                    chunks.push_str(data.trim_ascii());
                }
                true
            }
            Ok(Flow::Done) => true,
            Err(err) => {
                self.error = Some(err);
                false
            }
        }
    }
}

pub(super) fn take_array(buffer: &mut Option<String>) -> Option<String> {
    let buffer = buffer.as_mut()?;
    if buffer.len() <= 1 {
        return None;
    }
    buffer.push(']');
    let out = std::mem::replace(buffer, String::from("["));
    Some(out)
}

impl Default for ChatStream {
    fn default() -> Self {
        Self::with(sse::SseDecoder::new(), false, false)
    }
}

impl ChatStream {
    fn with(sse: sse::SseDecoder, chunks: bool, events: bool) -> ChatStream {
        ChatStream {
            sse,
            stepper: None,
            secret: None,
            via: None,
            feed: Feed {
                chat: ChatAccumulator::new(),
                error: None,
                chunks: chunks.then(|| String::from("[")),
                events: events.then(Tuples::new),
            },
        }
    }

    /// The first stream error, taken.
    pub(crate) fn take_error(&mut self) -> Option<ChatStreamError> {
        self.feed.error.take()
    }
}

#[wasm_bindgen]
impl ChatStream {
    /// An empty stream.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<ChatStreamOptions>) -> Result<ChatStream, JsValue> {
        let Some(options) = options.map(JsValue::from).filter(|o| !o.is_undefined()) else {
            return Ok(ChatStream::default());
        };
        let flag = |key: &str| {
            js_sys::Reflect::get(&options, &JsValue::from_str(key))
                .map(|v| v.is_truthy())
                .unwrap_or(false)
        };
        let sse = super::sse::decoder_from_options(&options)?;
        Ok(ChatStream::with(sse, flag("chunks"), flag("events")))
    }

    /// Feeds one chunk of the body; returns `true` once `[DONE]` arrived.
    /// Throws a `StreamError` for an error sent mid-stream or a malformed
    /// chunk, and an `SseError` past the SSE buffer cap; what arrived before
    /// stays available from `completionJson()`, `takeChunks()` and
    /// `takeEvents()`.
    pub fn push(&mut self, chunk: &[u8]) -> Result<bool, JsValue> {
        if let Some(stepper) = &mut self.stepper {
            match &mut self.via {
                Some(via) => self.sse.feed(chunk, &mut via.sink(stepper))?,
                None => self.sse.feed(chunk, stepper)?,
            }
            self.via_error()?;
            return Ok(false);
        }
        match &mut self.via {
            Some(via) => self.sse.feed(chunk, &mut via.sink(&mut self.feed))?,
            None => self.sse.feed(chunk, &mut self.feed)?,
        }
        match self.take_error() {
            Some(err) => Err(self.js_error(err)),
            None => self.via_error().map(|()| self.feed.chat.is_done()),
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
        if let Some(via) = &mut self.via {
            // The converter's closing events are applied now, not queued,
            // so that how the stream ended is known here.
            let mut events = Vec::new();
            cut = via.finish(end, &mut events);
            for event in events {
                if self.feed.error.is_some() || self.feed.chat.is_done() {
                    break;
                }
                let Some(stepper) = &mut self.stepper else {
                    self.feed.apply(event.event.as_deref(), &event.data);
                    continue;
                };
                // Step mode: the chunk goes to the next `next()`.
                self.feed.chunks = Some(String::from("["));
                self.feed.apply(event.event.as_deref(), &event.data);
                if let Some(array) = take_array(&mut self.feed.chunks) {
                    stepper.push_ready(array[1..array.len() - 1].to_owned());
                }
                self.feed.chunks = None;
            }
            match self.take_error() {
                None | Some(ChatStreamError::InvalidChunk { .. }) => {}
                Some(err) => return Err(self.js_error(err)),
            }
        } else if let Some(event) = end.unterminated.filter(|_| !self.feed.chat.is_done()) {
            cut = !self.feed.apply(event.event.as_deref(), &event.data);
            match self.take_error() {
                None | Some(ChatStreamError::InvalidChunk { .. }) => {}
                Some(err) => return Err(self.js_error(err)),
            }
            let deliver = !cut && !self.feed.chat.is_done();
            if let Some(stepper) = self.stepper.as_mut().filter(|_| deliver) {
                stepper.push_ready(event.data.trim_ascii().to_owned());
            }
        }
        let how = match (self.feed.chat.is_done(), cut) {
            (true, _) => "done",
            (false, false) => "eof",
            (false, true) => "cut",
        };
        Ok(how.into())
    }

    /// Switches step-by-step delivery on (before the first `push`): `push`
    /// then only decodes, and `next()` applies one event at a time.
    #[wasm_bindgen(js_name = stepwise)]
    pub fn set_stepwise(&mut self) {
        self.stepper.get_or_insert_with(Default::default);
    }

    /// Stops keeping the deltas' text (before the first `push`): it still
    /// reaches `next()`, `takeChunks()` and `takeEvents()`, but memory stays
    /// constant however long the stream, and `completionJson()` gives the
    /// result without it (ids, finish or stop reasons and usage are kept).
    #[wasm_bindgen(js_name = deltasOnly)]
    pub fn set_deltas_only(&mut self) {
        self.feed.chat = ChatAccumulator::deltas_only();
    }

    /// Step-by-step mode: applies the next decoded event and returns its
    /// chunk as JSON text (deltas go to `takeEvents()`), or `undefined` when
    /// none is waiting. Throws the stream's error at the event that caused it.
    #[wasm_bindgen(js_name = next)]
    pub fn next_event(&mut self) -> Result<Option<String>, JsValue> {
        let Some(stepper) = &mut self.stepper else {
            return Ok(None);
        };
        if let Some(ready) = stepper.pop_ready() {
            return Ok(Some(ready));
        }
        while let Some((event, data)) = stepper.pop() {
            if self.feed.chat.is_done() {
                continue;
            }
            self.feed.apply(event.as_deref(), &data);
            if let Some(err) = self.feed.error.take() {
                return Err(stream_error(err, self.secret.as_deref()));
            }
            if !self.feed.chat.is_done() {
                let mut data = data;
                data.truncate(data.trim_ascii_end().len());
                return Ok(Some(data));
            }
        }
        Ok(None)
    }

    /// Whether `[DONE]` has been applied.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.feed.chat.is_done()
    }

    /// Whether a chunk has arrived (before that, a retry loses nothing).
    #[wasm_bindgen(getter)]
    pub fn started(&self) -> bool {
        self.feed.chat.is_started()
    }

    /// The last usage received, as JSON text (`undefined` before any): what
    /// the meter needs, without copying the whole completion.
    #[wasm_bindgen(js_name = usageJson)]
    pub fn usage_json(&self) -> Option<String> {
        self.feed.chat.usage_json().map(str::to_owned)
    }

    /// The completion so far, as `chat.completion` JSON text.
    #[wasm_bindgen(js_name = completionJson)]
    pub fn completion_json(&self) -> String {
        self.feed.chat.completion_json()
    }

    /// Switches collecting chunks and deltas on or off from now on (the
    /// runner turns deltas on when a listener needs them).
    pub fn collect(&mut self, chunks: bool, events: bool) {
        let feed = &mut self.feed;
        match (chunks, feed.chunks.is_some()) {
            (true, false) => feed.chunks = Some(String::from("[")),
            (false, true) => feed.chunks = None,
            _ => {}
        }
        match (events, feed.events.is_some()) {
            (true, false) => feed.events = Some(Tuples::new()),
            (false, true) => feed.events = None,
            _ => {}
        }
    }

    /// The chunks accumulated since the last call, as the text of one JSON
    /// array; `undefined` when there are none (or chunks are not collected).
    #[wasm_bindgen(js_name = takeChunks)]
    pub fn take_chunks(&mut self) -> Option<String> {
        take_array(&mut self.feed.chunks)
    }

    /// The deltas since the last call, as the text of one JSON array of
    /// `ChatStreamEvent` tuples; `undefined` when there are none.
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&mut self) -> Option<String> {
        self.feed.events.as_mut().and_then(Tuples::take)
    }
}
