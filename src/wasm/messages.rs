//! `MessagesStream` for JavaScript: bytes of a `/messages` SSE body in, the
//! accumulated Anthropic `message` out, one boundary crossing per network
//! chunk. Like `ChatStream`, it can also collect the events as one JSON
//! array per `push` (`takeChunks`, for iteration) and the deltas as tuples
//! (`takeEvents`, for the runner's `text` / `thinking` / `inputJson` events).

use super::chat::{ChatStreamOptions, Tuples};
use super::error::messages_stream_error;
use crate::convert::{ChatToMessagesStream, Via};
use crate::json::write_str;
use crate::messages::{Flow, MessagesAccumulator, MessagesSink, MessagesStreamError};
use crate::sse::{self, EventRef, Sink};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/**
 * One delta from `MessagesStream.takeEvents()`: `[kind, index, value, extra?]`:
 * 0 text, 1 thinking, 2 signature, 3 input JSON fragment (value: the text);
 * 4 citation (value: the citation object); 5 block start (value: the block type);
 * 6 tool use (value: id or null, extra: name or null); 7 block stop;
 * 8 stop reason (value); 9 usage (value: the usage object); 10 message stop;
 * 11 unknown event (value: its type, extra: its data as text); 12 message start.
 */
export type MessagesStreamEvent = [number, number, any, any?];
"#;

/// Decodes and accumulates an Anthropic Messages stream inside wasm.
#[wasm_bindgen]
pub struct MessagesStream {
    sse: sse::SseDecoder,
    feed: Feed,
    /// `Some` in step-by-step mode (see `step.rs`).
    stepper: Option<super::step::Stepper>,
    pub(super) secret: Option<String>,
    /// `Some` when the body is a Chat Completions stream, converted event
    /// by event (`ClientCore.messagesStreamFromChat`, see `convert.rs`).
    pub(super) via: Option<Via<ChatToMessagesStream>>,
}

struct Feed {
    messages: MessagesAccumulator,
    error: Option<MessagesStreamError>,
    started: bool,
    /// Events that reach the caller (not pings, not a proxy's `[DONE]`).
    delivered: u64,
    /// `Some` when events are collected for iteration: `[` then each event's data.
    chunks: Option<String>,
    sink: Deltas,
}

/// What one event told the sink, plus the collected delta tuples.
struct Deltas {
    tuples: Option<Tuples>,
    /// The event was a `ping`: not delivered to iteration.
    ping: bool,
    /// The event was of an unknown type and its data is not JSON.
    raw_unknown: Option<String>,
}

impl Deltas {
    fn text(&mut self, kind: u32, index: u32, text: &str) {
        if let Some(t) = &mut self.tuples {
            if text.is_empty() {
                return;
            }
            t.open2(kind, index);
            write_str(&mut t.0, text);
            t.0.push(']');
        }
    }

    fn raw(&mut self, kind: u32, index: u32, json: &str) {
        if let Some(t) = &mut self.tuples {
            t.open2(kind, index);
            t.0.push_str(json);
            t.0.push(']');
        }
    }

    fn bare(&mut self, kind: u32, index: u32) {
        if let Some(t) = &mut self.tuples {
            t.open2(kind, index);
            t.0.push_str("null]");
        }
    }
}

impl MessagesSink for Deltas {
    fn message_start(&mut self) {
        self.bare(12, 0);
    }
    fn block_start(&mut self, index: u32, kind: &str) {
        self.text(5, index, kind);
    }
    fn tool_use(&mut self, index: u32, id: Option<&str>, name: Option<&str>) {
        if let Some(t) = &mut self.tuples {
            t.open2(6, index);
            super::chat::push_opt(&mut t.0, id);
            t.0.push(',');
            super::chat::push_opt(&mut t.0, name);
            t.0.push(']');
        }
    }
    fn text(&mut self, index: u32, delta: &str) {
        Deltas::text(self, 0, index, delta);
    }
    fn thinking(&mut self, index: u32, delta: &str) {
        Deltas::text(self, 1, index, delta);
    }
    fn signature(&mut self, index: u32, signature: &str) {
        Deltas::text(self, 2, index, signature);
    }
    fn input_json(&mut self, index: u32, fragment: &str) {
        Deltas::text(self, 3, index, fragment);
    }
    fn citation(&mut self, index: u32, citation: &str) {
        self.raw(4, index, citation);
    }
    fn block_stop(&mut self, index: u32) {
        self.bare(7, index);
    }
    fn stop_reason(&mut self, reason: &str) {
        Deltas::text(self, 8, 0, reason);
    }
    fn usage(&mut self, usage: &str) {
        self.raw(9, 0, usage);
    }
    fn message_stop(&mut self) {
        self.bare(10, 0);
    }
    fn ping(&mut self) {
        self.ping = true;
    }
    fn unknown_event(&mut self, event_type: &str, data: &str) {
        let is_json = serde_json::from_str::<serde::de::IgnoredAny>(data).is_ok();
        if !is_json {
            self.raw_unknown = Some(event_type.to_owned());
        }
        if let Some(t) = &mut self.tuples {
            t.open2(11, 0);
            write_str(&mut t.0, event_type);
            t.0.push(',');
            write_str(&mut t.0, data);
            t.0.push(']');
        }
    }
}

impl Sink for Feed {
    fn event(&mut self, event: EventRef<'_>) {
        if self.error.is_some() || self.messages.is_done() {
            return;
        }
        self.apply(event.event, event.data);
    }
}

impl Feed {
    /// Applies one event; `false` when it failed (the error is kept).
    fn apply(&mut self, event: Option<&str>, data: &str) -> bool {
        self.sink.ping = false;
        self.sink.raw_unknown = None;
        match self.messages.push(event, data, &mut self.sink) {
            Ok(flow) => {
                let proxy_done = flow == Flow::Done && !self.messages.saw_message_stop();
                if !proxy_done && !self.sink.ping {
                    self.started = true;
                    self.delivered += 1;
                    if let Some(chunks) = &mut self.chunks {
                        if chunks.len() > 1 {
                            chunks.push(',');
                        }
                        match self.sink.raw_unknown.take() {
                            // Not JSON: surfaced as `{type, data}` with the text.
                            Some(kind) => {
                                chunks.push_str("{\"type\":");
                                write_str(chunks, &kind);
                                chunks.push_str(",\"data\":");
                                write_str(chunks, data);
                                chunks.push('}');
                            }
                            None => chunks.push_str(data.trim_ascii()),
                        }
                    }
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

impl MessagesStream {
    /// Step mode: applies the next queued event. `None`: nothing is queued;
    /// `Some(None)`: applied but not delivered (a ping, anything after
    /// `message_stop`); `Some(Some(text))`: delivered, with its JSON text when
    /// `capture` (else empty). The stream's error, at the event that caused it.
    fn step_one(&mut self, capture: bool) -> Result<Option<Option<String>>, JsValue> {
        let Some((event, data)) = self.stepper.as_mut().and_then(super::step::Stepper::pop) else {
            return Ok(None);
        };
        if self.feed.messages.is_done() {
            return Ok(Some(None));
        }
        let before = self.feed.delivered;
        if capture {
            self.feed.chunks = Some(String::from("["));
        }
        self.feed.apply(event.as_deref(), &data);
        let out = super::chat::take_array(&mut self.feed.chunks);
        self.feed.chunks = None;
        if let Some(err) = self.feed.error.take() {
            return Err(messages_stream_error(err, self.secret.as_deref()));
        }
        if self.feed.delivered == before {
            return Ok(Some(None));
        }
        // `[` + the event + `]`: the event alone.
        Ok(Some(Some(out.map_or_else(String::new, |array| {
            array[1..array.len() - 1].to_owned()
        }))))
    }

    /// An empty stream over `sse`, with the key to scrub from errors.
    pub(super) fn with(sse: sse::SseDecoder, secret: Option<String>) -> MessagesStream {
        MessagesStream {
            sse,
            stepper: None,
            secret,
            via: None,
            feed: Feed {
                messages: MessagesAccumulator::new(),
                error: None,
                started: false,
                delivered: 0,
                chunks: None,
                sink: Deltas {
                    tuples: None,
                    ping: false,
                    raw_unknown: None,
                },
            },
        }
    }

    fn js_error(&self, err: MessagesStreamError) -> JsValue {
        messages_stream_error(err, self.secret.as_deref())
    }
}

#[wasm_bindgen]
impl MessagesStream {
    /// An empty stream; `options.maxBufferBytes` caps one SSE line or event.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<ChatStreamOptions>) -> Result<MessagesStream, JsValue> {
        let sse = match options.map(JsValue::from).filter(|o| !o.is_undefined()) {
            Some(options) => super::sse::decoder_from_options(&options)?,
            None => sse::SseDecoder::new(),
        };
        Ok(MessagesStream::with(sse, None))
    }

    /// Feeds one chunk of the body; returns `true` once `message_stop`
    /// arrived. Throws a `StreamError` for an `error` event or a malformed
    /// event; what arrived before stays available.
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
        match self.feed.error.take() {
            Some(err) => Err(self.js_error(err)),
            None => self.via_error().map(|()| self.feed.messages.is_done()),
        }
    }

    /// Ends the body: `"done"` (after `message_stop`), `"eof"` (the body
    /// ended between events without `message_stop`), or `"cut"` (it ended
    /// inside an event, or a tool input never finished).
    #[wasm_bindgen(unchecked_return_type = "\"done\" | \"eof\" | \"cut\"")]
    pub fn finish(&mut self) -> Result<String, JsValue> {
        let end = self.sse.finish()?;
        let mut cut = end.cut;
        if let Some(via) = &mut self.via {
            // The converter's closing events are applied now, not queued,
            // so that how the stream ended is known here.
            let mut events = Vec::new();
            cut = via.finish(end, &mut events);
            for event in events {
                if self.feed.error.is_some() || self.feed.messages.is_done() {
                    break;
                }
                let Some(stepper) = &mut self.stepper else {
                    self.feed.apply(event.event.as_deref(), &event.data);
                    continue;
                };
                // Step mode: the event goes to the next `next()`.
                self.feed.chunks = Some(String::from("["));
                self.feed.apply(event.event.as_deref(), &event.data);
                if let Some(array) = super::chat::take_array(&mut self.feed.chunks) {
                    stepper.push_ready(array[1..array.len() - 1].to_owned());
                }
                self.feed.chunks = None;
            }
            match self.feed.error.take() {
                None | Some(MessagesStreamError::InvalidEvent { .. }) => {}
                Some(err) => return Err(self.js_error(err)),
            }
        } else if let Some(event) = end.unterminated.filter(|_| !self.feed.messages.is_done()) {
            let stepping = self.stepper.is_some();
            if stepping {
                self.feed.chunks = Some(String::from("["));
            }
            cut = !self.feed.apply(event.event.as_deref(), &event.data);
            let applied = super::chat::take_array(&mut self.feed.chunks);
            if stepping {
                self.feed.chunks = None;
            }
            match self.feed.error.take() {
                None | Some(MessagesStreamError::InvalidEvent { .. }) => {}
                Some(err) => return Err(self.js_error(err)),
            }
            if let (Some(stepper), Some(array)) = (&mut self.stepper, applied.filter(|_| !cut)) {
                stepper.push_ready(array[1..array.len() - 1].to_owned());
            }
        }
        let messages = &self.feed.messages;
        let how = if messages.is_done() && !messages.is_cut() {
            "done"
        } else if cut || messages.unterminated_tool_json().next().is_some() {
            "cut"
        } else if messages.is_done() {
            "done"
        } else {
            "eof"
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
    /// constant however long the stream, and `messageJson()` gives the
    /// result without it (ids, finish or stop reasons and usage are kept).
    #[wasm_bindgen(js_name = deltasOnly)]
    pub fn set_deltas_only(&mut self) {
        self.feed.messages = MessagesAccumulator::deltas_only();
    }

    /// Step-by-step mode: applies decoded events until one reaches the
    /// caller and returns it as JSON text (a non-JSON unknown event as
    /// `{type, data}`), or `undefined` when none is waiting. Throws the
    /// stream's error at the event that caused it.
    #[wasm_bindgen(js_name = next)]
    pub fn next_event(&mut self) -> Result<Option<String>, JsValue> {
        let Some(stepper) = &mut self.stepper else {
            return Ok(None);
        };
        if let Some(ready) = stepper.pop_ready() {
            return Ok(Some(ready));
        }
        while let Some(step) = self.step_one(true)? {
            if let Some(out) = step {
                return Ok(Some(out));
            }
        }
        Ok(None)
    }

    /// Step-by-step mode, a network chunk's events at once: the data of the events
    /// queued since the last call, as sent, as the text of one JSON array, or
    /// `undefined` when none is new. For every event whose data is JSON that is
    /// exactly what `next()` would return, so JS parses the array once and then calls
    /// `applyNext()` per item (falling back to `next()` when the array is not JSON).
    #[wasm_bindgen(js_name = previewEvents)]
    pub fn preview_events(&mut self) -> Option<String> {
        self.stepper.as_mut()?.preview()
    }

    /// Step-by-step mode: applies the next queued event, in `previewEvents()` order,
    /// without returning it. 1: it reaches the caller; 2: it does not (a ping,
    /// anything after `message_stop`); 0: nothing is queued. Throws the stream's
    /// error at the event that caused it, as `next()` does.
    #[wasm_bindgen(js_name = applyNext)]
    pub fn apply_next(&mut self) -> Result<u8, JsValue> {
        Ok(match self.step_one(false)? {
            None => 0,
            Some(Some(_)) => 1,
            Some(None) => 2,
        })
    }

    /// Whether `message_stop` (or a proxy's `[DONE]`) has been applied.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.feed.messages.is_done()
    }

    /// Whether an event has arrived (before that, a retry loses nothing).
    #[wasm_bindgen(getter)]
    pub fn started(&self) -> bool {
        self.feed.started
    }

    /// The usage so far, as JSON text (`undefined` before any): what the
    /// meter needs, without copying the whole message.
    #[wasm_bindgen(js_name = usageJson)]
    pub fn usage_json(&self) -> Option<String> {
        self.feed.messages.usage_json()
    }

    /// The message so far, as Message JSON text.
    #[wasm_bindgen(js_name = messageJson)]
    pub fn message_json(&self) -> String {
        self.feed.messages.message_json()
    }

    /// The input JSON received so far for the tool block at `index`.
    #[wasm_bindgen(js_name = toolInputJson)]
    pub fn tool_input_json(&self, index: u32) -> Option<String> {
        self.feed.messages.tool_input_json(index).map(str::to_owned)
    }

    /// Switches collecting events (for iteration) and deltas on or off.
    pub fn collect(&mut self, chunks: bool, events: bool) {
        let feed = &mut self.feed;
        if chunks != feed.chunks.is_some() {
            feed.chunks = chunks.then(|| String::from("["));
        }
        if events != feed.sink.tuples.is_some() {
            feed.sink.tuples = events.then(Tuples::new);
        }
    }

    /// The events since the last call as the text of one JSON array
    /// (pings left out), or `undefined`.
    #[wasm_bindgen(js_name = takeChunks)]
    pub fn take_chunks(&mut self) -> Option<String> {
        super::chat::take_array(&mut self.feed.chunks)
    }

    /// The deltas since the last call as the text of one JSON array of
    /// `MessagesStreamEvent` tuples, or `undefined`.
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&mut self) -> Option<String> {
        self.feed.sink.tuples.as_mut().and_then(Tuples::take)
    }
}
