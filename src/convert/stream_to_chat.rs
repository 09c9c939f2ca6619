//! Messages stream events in, Chat Completions stream chunks out.

use super::LossKind::Dropped;
use super::parts::NO_CHAT;
use super::raw::{Obj, Out, Report, as_str, invalid, write_list};
use super::response::{messages_usage_to_chat, stop_to_finish};
use super::{ConvertError, Loss};
use crate::json::{ExtraFields, Str, json_object, write_opt_str, write_str};
use crate::sse::Event;
use serde_json::value::RawValue;

json_object! {
    /// One Messages stream event: the union of every event type's keys.
    pub struct StreamEvent<'a> {
        kind: Option<Str<'a>> = "type",
        message: Option<&'a RawValue> = "message",
        index: Option<u32> = "index",
        content_block: Option<&'a RawValue> = "content_block",
        delta: Option<Delta<'a>> = "delta",
        usage: Option<&'a RawValue> = "usage",
        error: Option<&'a RawValue> = "error",
    }
}

json_object! {
    /// A block's delta, or `message_delta`'s.
    pub struct Delta<'a> {
        kind: Option<Str<'a>> = "type",
        text: Option<Str<'a>> = "text",
        thinking: Option<Str<'a>> = "thinking",
        signature: Option<Str<'a>> = "signature",
        partial_json: Option<Str<'a>> = "partial_json",
        stop_reason: Option<Str<'a>> = "stop_reason",
        stop_sequence: Option<Str<'a>> = "stop_sequence",
    }
}

/// Turns a Messages stream into a Chat Completions one, event by event.
///
/// [`push`](Self::push) takes each SSE event (its `event` name and `data`)
/// and returns the `data` of the Chat chunks it makes (no `event` name);
/// `message_stop` gives the final `[DONE]`. The first chunk carries
/// `role`; text deltas become `content`, thinking deltas
/// `reasoning_content`, each `tool_use` block a tool call (numbered from 0)
/// whose `arguments` are the input JSON fragments; `message_delta` gives
/// the chunk with `finish_reason` and the usage. Messages has no creation
/// time: `created` is 0, as in [`messages_to_chat_response`](super::messages_to_chat_response).
///
/// What has no Chat equivalent (server tool blocks, citations, unknown
/// events) is listed in [`dropped`](Self::dropped).
///
/// ```
/// use modelwire::convert::MessagesToChatStream;
/// let mut stream = MessagesToChatStream::new();
/// let mut chunks = Vec::new();
/// for (event, data) in [
///     ("message_start", r#"{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3,"output_tokens":0}}}"#),
///     ("content_block_start", r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
///     ("content_block_delta", r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#),
///     ("content_block_stop", r#"{"type":"content_block_stop","index":0}"#),
///     ("message_delta", r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}"#),
///     ("message_stop", r#"{"type":"message_stop"}"#),
/// ] {
///     chunks.extend(stream.push(Some(event), data).unwrap());
/// }
/// assert_eq!(chunks[1].data, r#"{"id":"msg_1","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}"#);
/// assert_eq!(chunks.last().unwrap().data, "[DONE]");
/// ```
#[derive(Debug, Default)]
pub struct MessagesToChatStream {
    /// The role chunk was sent.
    started: bool,
    /// `message_stop`, an error, or `finish`: later input is ignored.
    done: bool,
    /// `message_delta` arrived: the message is complete but for its stop.
    finished: bool,
    /// The message's `id` and `model`, as JSON strings.
    id: String,
    model: String,
    /// The blocks by stream index.
    blocks: Vec<Block>,
    /// Tool calls so far; the next gets this index.
    tool_calls: u32,
    /// The usage so far: `message_start`'s, with each key a `message_delta`
    /// carries merged over it, as Messages readers do.
    usage: ExtraFields,
    /// Finished thinking and redacted blocks, as JSON, for `thinking_blocks`.
    thinking_items: Vec<String>,
    thinking_count: usize,
    /// A block needs `thinking_blocks` to be carried: signed, redacted or
    /// with more fields.
    special: bool,
    report: Report,
}

#[derive(Debug)]
struct Block {
    index: u32,
    kind: Kind,
    /// Something was sent for it.
    sent: bool,
    /// A thinking block's text and signature.
    thinking: String,
    signature: Option<String>,
}

#[derive(Debug, PartialEq)]
enum Kind {
    Text,
    Thinking,
    /// A redacted block, as JSON.
    Redacted(String),
    /// A tool call's index, and its start block's input (JSON).
    Tool(u32, String),
    /// A block Chat has no place for.
    Other,
}

impl MessagesToChatStream {
    /// A converter at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the stream is over: `message_stop` or an error arrived, or
    /// [`finish`](Self::finish) was called.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// What could not be carried over so far, one entry per place.
    pub fn dropped(&self) -> &[Loss] {
        &self.report.0
    }

    /// Converts one SSE event (`event` is its name, `None` when unnamed; the
    /// data's `type` decides). An `error` event becomes a chunk with an
    /// `error` key, the way Chat servers fail mid-stream, and ends the
    /// stream.
    pub fn push(&mut self, event: Option<&str>, data: &str) -> Result<Vec<Event>, ConvertError> {
        let mut out = Vec::new();
        if self.done {
            return Ok(out);
        }
        if data.trim_ascii() == "[DONE]" {
            return Ok(self.finish());
        }
        let parsed: StreamEvent<'_> =
            serde_json::from_str(data).map_err(|err| invalid(data, &err))?;
        let kind = parsed.kind.as_ref().map(Str::as_str).or(event);
        if kind == Some("error") || event == Some("error") {
            self.done = true;
            out.push(chunk_event(error_chunk(parsed.error)));
            return Ok(out);
        }
        match kind {
            Some("message_start") => self.message_start(parsed.message, &mut out),
            Some("content_block_start") => {
                self.ensure_started(&mut out);
                self.block_start(parsed.index.unwrap_or(0), parsed.content_block, &mut out);
            }
            Some("content_block_delta") => {
                self.ensure_started(&mut out);
                if let Some(delta) = parsed.delta {
                    self.block_delta(parsed.index.unwrap_or(0), delta, &mut out);
                }
            }
            Some("content_block_stop") => self.block_stop(parsed.index.unwrap_or(0), &mut out),
            Some("message_delta") => {
                self.ensure_started(&mut out);
                self.message_delta(parsed.delta, parsed.usage, &mut out);
            }
            Some("message_stop") => {
                self.done = true;
                out.push(chunk_event("[DONE]".to_owned()));
            }
            Some("ping") => {}
            other => self.report.once(
                other.unwrap_or("event"),
                Dropped,
                "an event Chat Completions has no equivalent for",
            ),
        }
        Ok(out)
    }

    /// Ends the stream at EOF. After `message_delta` the message is
    /// complete and `[DONE]` is sent (some streams lose their last blank
    /// line, and with it `message_stop`); before it the stream was cut and
    /// nothing is sent.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        if self.done {
            return out;
        }
        self.done = true;
        if self.finished {
            out.push(chunk_event("[DONE]".to_owned()));
        } else if self.started {
            self.report.once(
                "message_delta",
                Dropped,
                "the stream ended before message_delta: no finish_reason and no [DONE] are sent",
            );
        }
        out
    }

    fn ensure_started(&mut self, out: &mut Vec<Event>) {
        if !self.started {
            self.message_start(None, out);
        }
    }

    fn message_start(&mut self, message: Option<&RawValue>, out: &mut Vec<Event>) {
        if self.started {
            return;
        }
        self.started = true;
        self.id = "\"\"".to_owned();
        self.model = "\"\"".to_owned();
        if let Some(mut message) = message.and_then(Obj::parse) {
            if let Some(id) = message.take("id") {
                self.id = id.get().to_owned();
            }
            if let Some(model) = message.take("model") {
                self.model = model.get().to_owned();
            }
            if let Some(usage) = message.take("usage").and_then(Obj::parse) {
                self.usage.merge(&usage.rest());
            }
            if message.take("content").is_some_and(|c| c.get() != "[]") {
                self.report.once(
                    "message.content",
                    Dropped,
                    "blocks given whole in message_start are not converted",
                );
            }
            for key in ["type", "role", "stop_reason", "stop_sequence"] {
                message.take(key);
            }
            for (key, value) in message.rest() {
                if value.get() != "null" {
                    let path = ["message.", key.as_str()].concat();
                    self.report.once(&path, Dropped, NO_CHAT);
                }
            }
        }
        out.push(self.chunk(r#"{"role":"assistant"}"#));
    }

    fn block_start(&mut self, index: u32, block: Option<&RawValue>, out: &mut Vec<Event>) {
        let mut block_obj = block.and_then(Obj::parse);
        let kind_name = block_obj.as_mut().and_then(|b| b.take_str("type"));
        let mut state = Block {
            index,
            kind: Kind::Other,
            sent: false,
            thinking: String::new(),
            signature: None,
        };
        match (kind_name.as_deref(), block_obj) {
            (Some("text"), Some(mut b)) => {
                state.kind = Kind::Text;
                if let Some(text) = b.take_str("text").filter(|t| !t.is_empty()) {
                    state.sent = true;
                    out.push(self.delta("content", &text));
                }
            }
            (Some("thinking"), Some(mut b)) => {
                state.kind = Kind::Thinking;
                if let Some(text) = b.take_str("thinking").filter(|t| !t.is_empty()) {
                    state.sent = true;
                    state.thinking.push_str(&text);
                    out.push(self.delta("reasoning_content", &text));
                }
                state.signature = b
                    .take_str("signature")
                    .filter(|s| !s.is_empty())
                    .map(|s| s.into_owned());
                self.special |= !b.rest().is_empty();
            }
            (Some("redacted_thinking"), _) => {
                let raw = block.map_or("{}", RawValue::get);
                state.kind = Kind::Redacted(raw.to_owned());
            }
            (Some("tool_use"), Some(mut b)) => {
                let call = self.tool_calls;
                self.tool_calls += 1;
                let input = b.take("input").map_or("{}", RawValue::get);
                state.kind = Kind::Tool(call, input.to_owned());
                let mut function = Out::new();
                function.opt_str("name", b.take_str("name").as_deref());
                function.str("arguments", "");
                let mut tool = Out::new();
                tool.num("index", call.into());
                tool.opt_str("id", b.take_str("id").as_deref());
                tool.str("type", "function");
                tool.raw("function", &function.finish());
                let delta = ["{\"tool_calls\":[", &tool.finish(), "]}"].concat();
                out.push(self.chunk(&delta));
            }
            (other, _) => {
                let path = ["content[", &index.to_string(), "]"].concat();
                let reason = [
                    "a ",
                    other.unwrap_or("typeless"),
                    " block has no Chat Completions equivalent",
                ]
                .concat();
                self.report.once(&path, Dropped, &reason);
            }
        }
        match self.blocks.iter().position(|b| b.index == index) {
            Some(at) => self.blocks[at] = state,
            None => self.blocks.push(state),
        }
    }

    fn block_delta(&mut self, index: u32, delta: Delta<'_>, out: &mut Vec<Event>) {
        let Some(at) = self.blocks.iter().position(|b| b.index == index) else {
            return;
        };
        let kind = delta.kind.as_ref().map_or("", Str::as_str);
        let chunk = match (kind, &self.blocks[at].kind) {
            ("text_delta", Kind::Text) => {
                let text = delta.text.as_ref().map_or("", Str::as_str);
                (!text.is_empty()).then(|| self.delta("content", text))
            }
            ("thinking_delta", Kind::Thinking) => {
                let text = delta.thinking.as_ref().map_or("", Str::as_str);
                self.blocks[at].thinking.push_str(text);
                (!text.is_empty()).then(|| self.delta("reasoning_content", text))
            }
            ("signature_delta", Kind::Thinking) => {
                let signature = delta.signature.as_ref().map_or("", Str::as_str);
                self.blocks[at].signature = Some(signature.to_owned());
                None
            }
            ("input_json_delta", Kind::Tool(call, _)) => {
                let fragment = delta.partial_json.as_ref().map_or("", Str::as_str);
                (!fragment.is_empty()).then(|| self.arguments(*call, fragment))
            }
            (_, Kind::Other) => None,
            _ => {
                let path = ["content[", &index.to_string(), "].", kind].concat();
                self.report.once(&path, Dropped, NO_CHAT);
                None
            }
        };
        if let Some(chunk) = chunk {
            self.blocks[at].sent = true;
            out.push(chunk);
        }
    }

    fn block_stop(&mut self, index: u32, out: &mut Vec<Event>) {
        let Some(at) = self.blocks.iter().position(|b| b.index == index) else {
            return;
        };
        let block = &self.blocks[at];
        let sent = block.sent;
        let chunk = match &block.kind {
            // An empty block still makes the field a string, as the
            // response converter does.
            Kind::Text if !sent => Some(self.delta("content", "")),
            Kind::Thinking => {
                let mut item = Out::new();
                item.str("type", "thinking");
                item.str("thinking", &block.thinking);
                if let Some(signature) = &block.signature {
                    item.str("signature", signature);
                    self.special = true;
                }
                self.thinking_items.push(item.finish());
                self.thinking_count += 1;
                let empty = (!sent).then(|| self.delta("reasoning_content", ""));
                out.extend(empty);
                self.thinking_blocks()
            }
            Kind::Redacted(raw) => {
                self.thinking_items.push(raw.clone());
                self.special = true;
                self.thinking_blocks()
            }
            Kind::Tool(call, input) if !sent => Some(self.arguments(*call, &input.clone())),
            _ => None,
        };
        self.blocks[at].sent = true;
        out.extend(chunk);
    }

    /// `thinking_blocks` with every thinking block so far, when
    /// `reasoning_content` alone would lose something (see the module
    /// docs). Chat readers assign unknown delta keys, so the latest list wins.
    fn thinking_blocks(&self) -> Option<Event> {
        if !self.special && self.thinking_count < 2 {
            return None;
        }
        let mut delta = String::from("{\"thinking_blocks\":");
        write_list(&mut delta, &self.thinking_items);
        delta.push('}');
        Some(self.chunk(&delta))
    }

    fn message_delta(
        &mut self,
        delta: Option<Delta<'_>>,
        usage: Option<&RawValue>,
        out: &mut Vec<Event>,
    ) {
        if let Some(usage) = usage.and_then(Obj::parse) {
            for (key, value) in usage.rest() {
                if value.get() != "null" {
                    self.usage.set(key.as_str(), value.to_owned());
                }
            }
        }
        let mut report = Report::default();
        let (mut finish, mut matched) = (None, None);
        if let Some(delta) = &delta {
            (finish, matched) = stop_to_finish(
                delta.stop_reason.as_ref().map(Str::as_str),
                delta.stop_sequence.as_ref().map(Str::as_str),
                "delta",
                &mut report,
            );
            for (key, value) in &delta.extra {
                if value.get() != "null" {
                    report.add(&["delta.", key.as_str()].concat(), Dropped, NO_CHAT);
                }
            }
        }
        let mut usage = String::new();
        self.usage.write_object(&mut usage);
        let usage = RawValue::from_string(usage).ok();
        let usage = messages_usage_to_chat(usage.as_deref(), "usage", &mut report);
        for loss in report.0 {
            self.report.once(&loss.path, loss.kind, &loss.reason);
        }
        self.finished = true;
        let mut data = self.head();
        data.push_str(
            ",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":",
        );
        write_opt_str(&mut data, finish);
        if let Some(matched) = matched {
            data.push_str(",\"stop_reason\":");
            write_str(&mut data, matched);
        }
        data.push_str("}],\"usage\":");
        data.push_str(&usage);
        data.push('}');
        out.push(chunk_event(data));
    }

    /// A chunk whose delta sets one text field.
    fn delta(&self, key: &str, text: &str) -> Event {
        let mut delta = Out::new();
        delta.str(key, text);
        self.chunk(&delta.finish())
    }

    /// A chunk with a fragment of a tool call's arguments.
    fn arguments(&self, call: u32, fragment: &str) -> Event {
        let mut delta = String::from("{\"tool_calls\":[{\"index\":");
        delta.push_str(&call.to_string());
        delta.push_str(",\"function\":{\"arguments\":");
        write_str(&mut delta, fragment);
        delta.push_str("}}]}");
        self.chunk(&delta)
    }

    /// `{"id":…,"object":"chat.completion.chunk","created":0,"model":…`
    fn head(&self) -> String {
        let mut data = String::with_capacity(96 + self.id.len() + self.model.len());
        data.push_str("{\"id\":");
        data.push_str(&self.id);
        data.push_str(",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":");
        data.push_str(&self.model);
        data
    }

    fn chunk(&self, delta: &str) -> Event {
        let mut data = self.head();
        data.push_str(",\"choices\":[{\"index\":0,\"delta\":");
        data.push_str(delta);
        data.push_str(",\"logprobs\":null,\"finish_reason\":null}]}");
        chunk_event(data)
    }
}

fn chunk_event(data: String) -> Event {
    Event {
        event: None,
        data,
        id: String::new(),
    }
}

/// A Messages error as the data of a Chat error chunk:
/// `{"error":{"message":…,"type":…}}`.
fn error_chunk(error: Option<&RawValue>) -> String {
    let mut kind = None;
    let mut message = None;
    if let Some(error) = error {
        match Obj::parse(error) {
            Some(mut error) => {
                kind = error.take_str("type").map(|t| t.into_owned());
                message = error.take_str("message").map(|m| m.into_owned());
            }
            None => message = as_str(error).map(|m| m.into_owned()),
        }
    }
    let mut inner = Out::new();
    inner.opt_str("message", message.as_deref());
    inner.str("type", kind.as_deref().unwrap_or("api_error"));
    let mut out = Out::new();
    out.raw("error", &inner.finish());
    out.finish()
}
