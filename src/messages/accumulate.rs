//! Folding stream events into the final Message.

use super::MessagesSink;
use super::event::{self, Event, Head};
use crate::json::{Extra, ExtraFields, Str, excerpt, write_str};
use crate::text::Text;
use serde_json::value::RawValue;
use std::fmt;

/// Whether the stream goes on after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep reading.
    Continue,
    /// `message_stop` (or a proxy's `[DONE]`) arrived: the stream is
    /// complete; later events are ignored.
    Done,
}

/// Why a stream failed after it began. The accumulator keeps everything
/// received before the failure: [`MessagesAccumulator::message_json`] still
/// gives the partial message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessagesStreamError {
    /// The server sent an error instead of an event: an `event: error`, or
    /// a data object of `"type":"error"` (or with an `error` key and no
    /// `type`, the OpenAI shape some servers use on `/v1/messages`). Holds
    /// the whole data object as raw JSON, e.g.
    /// `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`.
    /// The data is kept as sent even when it is not JSON (an `event: error`
    /// with a text payload): `api_error::ApiError::from_stream_data` takes
    /// either.
    Server(String),
    /// An event's data was not a valid event (truncated or malformed JSON).
    InvalidEvent {
        /// What the JSON parser said.
        reason: String,
        /// The start of the offending data, for the error message.
        excerpt: String,
    },
    /// A tool block's input JSON did not parse at its `content_block_stop`.
    /// The block's `input` stays `null`; the text is also available from
    /// [`MessagesAccumulator::tool_input_json`].
    InvalidToolInput {
        /// The block's index.
        index: u32,
        /// What the JSON parser said.
        reason: String,
        /// The accumulated input JSON text.
        json: String,
    },
}

impl fmt::Display for MessagesStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessagesStreamError::Server(error) => {
                write!(f, "the server reported an error mid-stream: {error}")
            }
            MessagesStreamError::InvalidEvent { reason, excerpt } => {
                write!(f, "a stream event is not valid JSON ({reason}): {excerpt}")
            }
            // The SDKs' wording, so that code matching on it keeps working.
            MessagesStreamError::InvalidToolInput {
                index,
                reason,
                json,
            } => write!(
                f,
                "Unable to parse tool parameter JSON from model (content block {index}: \
                 {reason}). JSON: {json}"
            ),
        }
    }
}

impl std::error::Error for MessagesStreamError {}

/// Accumulates a Messages stream; see the [module docs](super).
#[derive(Debug, Default)]
pub struct MessagesAccumulator {
    /// Whether `message_start` arrived; a second one is ignored, as the
    /// SDKs do.
    started: bool,
    /// The message's keys other than `content` and `usage`, in first-seen
    /// order: `message_start`'s, then `message_delta`'s assigned over them.
    head: ExtraFields,
    /// `None` until a usage object arrives.
    usage: Option<ExtraFields>,
    /// Sorted by index; indices may be sparse.
    blocks: Vec<BlockState>,
    saw_message_stop: bool,
    /// `message_stop` or `[DONE]`: later events are ignored.
    done: bool,
    /// Events of unknown types, `(type, data)`, in arrival order.
    unknown: Vec<(String, String)>,
    /// Set by [`MessagesAccumulator::deltas_only`]: what the deltas carry
    /// goes to the sink only.
    deltas_only: bool,
}

#[derive(Debug, Default)]
struct BlockState {
    index: u32,
    kind: Option<String>,
    /// The block's other keys (`id`, `name`, `caller`, …), plus those that
    /// deltas of unknown types assign.
    fields: ExtraFields,
    text: Option<Text>,
    thinking: Option<Text>,
    signature: Option<Text>,
    citations: Option<Vec<Box<RawValue>>>,
    /// The start block's `input` (`{}` when a tool block starts without
    /// one, as llama-server's do), replaced by the parsed buffer at stop.
    input: Option<Box<RawValue>>,
    /// The `input_json_delta` fragments so far.
    json: String,
    /// `content_block_stop` arrived.
    stopped: bool,
    /// `input` holds the parsed `json`.
    parsed: bool,
}

/// The event types this module applies; any other is surfaced as unknown.
const KNOWN: [&str; 8] = [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "ping",
    "error",
];

impl MessagesAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// An accumulator that keeps what a stream needs to go on and to be
    /// metered (the message's fields, each block's type, id and name, stop
    /// reason, usage) but not what the deltas carry (text, thinking, input
    /// JSON, citations) nor unknown events: those go to the sink only. Its
    /// memory stays constant over a stream of any length (given a bounded
    /// number of blocks), [`message_json`](Self::message_json) gives the
    /// message without the streamed text, and tool input JSON is not
    /// checked at `content_block_stop` (it is not kept).
    pub fn deltas_only() -> Self {
        Self {
            deltas_only: true,
            ..Self::default()
        }
    }

    /// Whether `message_stop` arrived. A stream that ended without it was
    /// cut (or, in some SDK fixtures, lost its last blank line).
    pub fn saw_message_stop(&self) -> bool {
        self.saw_message_stop
    }

    /// Whether the stream is complete (`message_stop`, or a proxy's
    /// `[DONE]`): later events are ignored.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Whether the message is incomplete: no `message_stop`, or a tool
    /// block whose input JSON never got its `content_block_stop`.
    pub fn is_cut(&self) -> bool {
        !self.saw_message_stop || self.unterminated_tool_json().next().is_some()
    }

    /// Tool blocks whose input JSON was still streaming when the stream
    /// ended (no `content_block_stop`, typically a `max_tokens` cut), as
    /// `(index, raw buffer)`. Their `input` is `null` in
    /// [`message_json`](Self::message_json): SDKs disagree on how much of a
    /// truncated buffer to keep, so the text is left to the caller.
    pub fn unterminated_tool_json(&self) -> impl Iterator<Item = (u32, &str)> {
        self.blocks
            .iter()
            .filter(|b| !b.stopped && b.has_json())
            .map(|b| (b.index, b.json.as_str()))
    }

    /// The input JSON text received so far for the block at `index` (empty
    /// when none arrived), for parsing partial tool input while it streams.
    pub fn tool_input_json(&self, index: u32) -> Option<&str> {
        self.find(index).map(|b| b.json.as_str())
    }

    /// Events of types this module does not know, as `(type, data)`.
    pub fn unknown_events(&self) -> &[(String, String)] {
        &self.unknown
    }

    /// Applies one SSE event (`event` is its type, `None` for a plain
    /// message), telling `sink` what changed.
    pub fn push(
        &mut self,
        event: Option<&str>,
        data: &str,
        sink: &mut impl MessagesSink,
    ) -> Result<Flow, MessagesStreamError> {
        if self.done {
            return Ok(Flow::Done);
        }
        let trimmed = data.trim_ascii();
        // Some proxies end Anthropic streams the OpenAI way.
        if trimmed == "[DONE]" {
            self.done = true;
            return Ok(Flow::Done);
        }
        let parsed: Event<'_> = match serde_json::from_str(data) {
            Ok(parsed) => parsed,
            Err(err) => return self.unparsed(event, data, &err, sink),
        };
        // The data's `type` is authoritative; the SSE name only fills in.
        let kind = parsed.kind.as_ref().map(Str::as_str).or(event);
        // openai-node's truthiness test, as `api_error` applies it.
        let openai_error = parsed.kind.is_none()
            && parsed
                .error
                .is_some_and(|e| !matches!(e.get(), "false" | "\"\""));
        if kind == Some("error") || event == Some("error") || openai_error {
            return Err(MessagesStreamError::Server(trimmed.to_owned()));
        }
        match kind {
            Some("message_start") => self.message_start(parsed, sink),
            Some("content_block_start") => self.block_start(parsed, sink),
            Some("content_block_delta") => self.block_delta(parsed, sink),
            Some("content_block_stop") => self.block_stop(parsed.index.unwrap_or(0), sink)?,
            Some("message_delta") => self.message_delta(parsed, sink),
            Some("message_stop") => {
                self.saw_message_stop = true;
                self.done = true;
                sink.message_stop();
                return Ok(Flow::Done);
            }
            Some("ping") => sink.ping(),
            other => self.unknown_event(other.unwrap_or("message"), data, sink),
        }
        Ok(Flow::Continue)
    }

    /// Data that is not a well-formed event: a server error in another
    /// shape, an event type this module does not know, or an invalid event.
    fn unparsed(
        &mut self,
        event: Option<&str>,
        data: &str,
        err: &serde_json::Error,
        sink: &mut impl MessagesSink,
    ) -> Result<Flow, MessagesStreamError> {
        let head = serde_json::from_str::<Head<'_>>(data).ok();
        let kind = match &head {
            Some(head) => head.kind.as_ref().map(Str::as_str).or(event),
            None => event,
        };
        if kind == Some("error") || event == Some("error") {
            return Err(MessagesStreamError::Server(data.trim_ascii().to_owned()));
        }
        match kind {
            Some(kind) if !KNOWN.contains(&kind) => {
                self.unknown_event(kind, data, sink);
                Ok(Flow::Continue)
            }
            _ => Err(MessagesStreamError::InvalidEvent {
                reason: err.to_string(),
                excerpt: excerpt(data).to_owned(),
            }),
        }
    }

    fn unknown_event(&mut self, kind: &str, data: &str, sink: &mut impl MessagesSink) {
        sink.unknown_event(kind, data);
        if !self.deltas_only {
            self.unknown.push((kind.to_owned(), data.to_owned()));
        }
    }

    fn message_start(&mut self, event: Event<'_>, sink: &mut impl MessagesSink) {
        if self.started {
            return;
        }
        self.started = true;
        let Some(message) = event.message else {
            return;
        };
        self.assign(&message.extra);
        for (index, block) in message.content.into_iter().flatten().enumerate() {
            let mut block = BlockState::start(u32::try_from(index).unwrap_or(u32::MAX), block);
            // A block given whole in the snapshot is already complete.
            block.stopped = true;
            self.blocks.push(block);
        }
        sink.message_start();
        if let Some(usage) = message.usage {
            let mut fields = ExtraFields::default();
            fields.merge(&usage.extra);
            self.usage = Some(fields);
            self.report_usage(sink);
        }
    }

    fn block_start(&mut self, event: Event<'_>, sink: &mut impl MessagesSink) {
        let index = event.index.unwrap_or(0);
        let block = BlockState::start(index, event.content_block.unwrap_or_default());
        sink.block_start(index, block.kind.as_deref().unwrap_or(""));
        if block.is_tool() {
            let id = block.string_field("id");
            let name = block.string_field("name");
            sink.tool_use(index, id.as_deref(), name.as_deref());
        }
        // content_block_start sets content[index], replacing any earlier one.
        let at = self.at(index);
        self.blocks[at] = block;
    }

    fn block_delta(&mut self, event: Event<'_>, sink: &mut impl MessagesSink) {
        let index = event.index.unwrap_or(0);
        let Some(delta) = event.delta else {
            return;
        };
        let at = self.at(index);
        self.blocks[at].apply(index, delta, !self.deltas_only, sink);
    }

    fn block_stop(
        &mut self,
        index: u32,
        sink: &mut impl MessagesSink,
    ) -> Result<(), MessagesStreamError> {
        let Ok(at) = self.blocks.binary_search_by_key(&index, |b| b.index) else {
            // A stop for a block that never started changes nothing.
            return Ok(());
        };
        let block = &mut self.blocks[at];
        block.stopped = true;
        if block.has_json() && !block.parsed {
            // JSON.parse semantics: whitespace around the value (Anthropic
            // pads its JSON) is fine, anything else after it is not.
            match RawValue::from_string(block.json.clone()) {
                Ok(input) => {
                    block.input = Some(input);
                    block.parsed = true;
                }
                Err(err) => {
                    return Err(MessagesStreamError::InvalidToolInput {
                        index,
                        reason: err.to_string(),
                        json: block.json.clone(),
                    });
                }
            }
        }
        sink.block_stop(index);
        Ok(())
    }

    fn message_delta(&mut self, event: Event<'_>, sink: &mut impl MessagesSink) {
        if let Some(delta) = &event.delta {
            // Assigned as given, `null` included (`stop_sequence: null`).
            self.assign(&delta.extra);
            if let Some(reason) = string_value(&delta.extra, "stop_reason") {
                sink.stop_reason(&reason);
            }
        }
        // Top-level keys other than delta/usage (beta `context_management`)
        // are message fields too.
        self.assign(&event.extra);
        if let Some(usage) = &event.usage {
            let fields = self.usage.get_or_insert_with(ExtraFields::default);
            // A key that is absent or null keeps its message_start value.
            for (key, value) in &usage.extra {
                if value.get() != "null" {
                    fields.set(key.as_str(), (*value).to_owned());
                }
            }
            self.report_usage(sink);
        }
    }

    /// Sets message fields, never `content` or `usage` (kept apart).
    fn assign(&mut self, extra: &Extra<'_>) {
        for (key, value) in extra {
            if !matches!(key.as_str(), "content" | "usage") {
                self.head.set(key.as_str(), (*value).to_owned());
            }
        }
    }

    fn report_usage(&self, sink: &mut impl MessagesSink) {
        if let Some(usage) = &self.usage {
            let mut out = String::new();
            usage.write_object(&mut out);
            sink.usage(&out);
        }
    }

    fn find(&self, index: u32) -> Option<&BlockState> {
        let at = self.blocks.binary_search_by_key(&index, |b| b.index).ok()?;
        self.blocks.get(at)
    }

    /// The position of block `index`, inserting an empty block when a delta
    /// comes for a block that never started.
    fn at(&mut self, index: u32) -> usize {
        match self.blocks.binary_search_by_key(&index, |b| b.index) {
            Ok(at) => at,
            Err(at) => {
                let block = BlockState {
                    index,
                    ..Default::default()
                };
                self.blocks.insert(at, block);
                at
            }
        }
    }

    /// The usage so far as a JSON object (what
    /// [`message_json`](Self::message_json) has as `usage`, without writing
    /// the whole message).
    pub fn usage_json(&self) -> Option<String> {
        let usage = self.usage.as_ref()?;
        let mut out = String::new();
        usage.write_object(&mut out);
        Some(out)
    }

    /// The message so far as Message JSON: the final one after
    /// `message_stop`, or what arrived before a failure or a cut. A tool
    /// block whose input JSON has not (or not validly) reached its
    /// `content_block_stop` has `"input": null`.
    pub fn message_json(&self) -> String {
        // Sized up front, as `ChatAccumulator::completion_json`.
        let text: usize = self.blocks.iter().map(BlockState::text_len).sum();
        let mut out = String::with_capacity(512 + text + text / 8);
        out.push('{');
        // Without message_start (a server that skips it) the result is
        // still recognisably a message.
        if self.head.get("type").is_none() {
            out.push_str("\"type\":\"message\",");
        }
        if self.head.get("role").is_none() {
            out.push_str("\"role\":\"assistant\",");
        }
        let mut head = String::new();
        self.head.write(&mut head);
        out.push_str(head.strip_prefix(',').unwrap_or(&head));
        if !self.head.is_empty() {
            out.push(',');
        }
        out.push_str("\"content\":[");
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            block.write(&mut out);
        }
        out.push_str("],\"usage\":");
        match &self.usage {
            Some(usage) => usage.write_object(&mut out),
            None => out.push_str("null"),
        }
        out.push('}');
        out
    }
}

impl BlockState {
    /// The bytes of text kept, about what [`write`](Self::write) writes of them.
    fn text_len(&self) -> usize {
        let texts = [&self.text, &self.thinking, &self.signature];
        texts.into_iter().flatten().map(Text::len).sum::<usize>()
            + self.json.len()
            + self.input.as_ref().map_or(0, |i| i.get().len())
            + self
                .citations
                .iter()
                .flatten()
                .map(|c| c.get().len() + 1)
                .sum::<usize>()
            + 64
    }

    fn start(index: u32, block: event::Block<'_>) -> Self {
        let mut state = BlockState {
            index,
            kind: block.kind.map(|k| k.0.into_owned()),
            text: block.text.map(|t| Text::from(t.as_str())),
            thinking: block.thinking.map(|t| Text::from(t.as_str())),
            signature: block.signature.map(|t| Text::from(t.as_str())),
            citations: block
                .citations
                .map(|list| list.into_iter().map(RawValue::to_owned).collect()),
            input: block.input.map(RawValue::to_owned),
            ..Default::default()
        };
        state.fields.merge(&block.extra);
        if state.input.is_none() && state.is_tool() {
            // llama-server starts tool blocks without `input`; Anthropic
            // sends `{}`, which is what a call without arguments keeps.
            state.input = RawValue::from_string("{}".to_owned()).ok();
        }
        state
    }

    /// `tool_use`, `server_tool_use`, `mcp_tool_use`: blocks whose input
    /// streams as JSON.
    fn is_tool(&self) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|k| k.ends_with("tool_use"))
    }

    /// Whether input JSON arrived (whitespace alone does not count).
    fn has_json(&self) -> bool {
        !self.json.trim_ascii().is_empty()
    }

    fn string_field(&self, key: &str) -> Option<String> {
        let raw = self.fields.get(key)?;
        serde_json::from_str::<Str<'_>>(raw.get())
            .ok()
            .map(|s| s.0.into_owned())
    }

    /// `keep`: append what the delta carries (false: [`MessagesAccumulator::deltas_only`]).
    fn apply(
        &mut self,
        index: u32,
        delta: event::Delta<'_>,
        keep: bool,
        sink: &mut impl MessagesSink,
    ) {
        let kind = delta.kind.as_ref().map_or("", Str::as_str);
        match kind {
            "text_delta" => {
                let text = delta.text.as_ref().map_or("", Str::as_str);
                if keep {
                    self.text.get_or_insert_with(Text::default).push_str(text);
                }
                sink.text(index, text);
            }
            "thinking_delta" => {
                let text = delta.thinking.as_ref().map_or("", Str::as_str);
                if keep {
                    self.thinking
                        .get_or_insert_with(Text::default)
                        .push_str(text);
                }
                sink.thinking(index, text);
            }
            "signature_delta" => {
                let signature = delta.signature.as_ref().map_or("", Str::as_str);
                self.signature = Some(Text::from(signature));
                sink.signature(index, signature);
            }
            "input_json_delta" => {
                let fragment = delta.partial_json.as_ref().map_or("", Str::as_str);
                if !fragment.is_empty() {
                    if keep {
                        self.json.push_str(fragment);
                    }
                    // More input after a stop reopens the block.
                    self.stopped = false;
                    self.parsed = false;
                    sink.input_json(index, fragment);
                }
            }
            "citations_delta" => {
                if let Some(citation) = delta.citation {
                    if keep {
                        self.citations
                            .get_or_insert_with(Vec::new)
                            .push(citation.to_owned());
                    }
                    sink.citation(index, citation.get());
                }
            }
            // An unknown delta type assigns its fields onto the block: what
            // the SDKs do for `compaction_delta` (`content`, and the latest
            // `encrypted_content`).
            _ => self.assign(kind, &delta, sink),
        }
    }

    fn assign(&mut self, kind: &str, delta: &event::Delta<'_>, sink: &mut impl MessagesSink) {
        let mut raw = ExtraFields::default();
        raw.set_str("type", kind);
        for (key, value, slot) in [
            ("text", &delta.text, &mut self.text),
            ("thinking", &delta.thinking, &mut self.thinking),
            ("signature", &delta.signature, &mut self.signature),
        ] {
            if let Some(value) = value {
                *slot = Some(Text::from(value.as_str()));
                raw.set_str(key, value.as_str());
            }
        }
        if let Some(text) = &delta.partial_json {
            self.fields.set_str("partial_json", text.as_str());
            raw.set_str("partial_json", text.as_str());
        }
        if let Some(citation) = delta.citation {
            self.fields.set("citation", citation.to_owned());
            raw.set("citation", citation.to_owned());
        }
        for (key, value) in &delta.extra {
            // Keys the block keeps typed go to their slot, never twice.
            match key.as_str() {
                "input" => self.input = Some((*value).to_owned()),
                "citations" => {
                    if let Ok(list) = serde_json::from_str::<Vec<&RawValue>>(value.get()) {
                        self.citations = Some(list.into_iter().map(RawValue::to_owned).collect());
                    }
                }
                key => self.fields.set(key, (*value).to_owned()),
            }
        }
        raw.merge(&delta.extra);
        let mut out = String::new();
        raw.write_object(&mut out);
        sink.other_delta(self.index, kind, &out);
    }

    fn write(&self, out: &mut String) {
        out.push('{');
        let mut comma = false;
        if let Some(kind) = &self.kind {
            field(out, &mut comma, "type");
            write_str(out, kind);
        }
        let mut fields = String::new();
        self.fields.write(&mut fields);
        if let Some(rest) = fields.strip_prefix(',') {
            if comma {
                out.push(',');
            }
            out.push_str(rest);
            comma = true;
        }
        for (name, value) in [
            ("text", &self.text),
            ("thinking", &self.thinking),
            ("signature", &self.signature),
        ] {
            if let Some(value) = value {
                field(out, &mut comma, name);
                value.write_json(out);
            }
        }
        if let Some(citations) = &self.citations {
            field(out, &mut comma, "citations");
            out.push('[');
            for (i, citation) in citations.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(citation.get());
            }
            out.push(']');
        }
        if self.has_json() {
            field(out, &mut comma, "input");
            match (&self.input, self.parsed) {
                (Some(input), true) => out.push_str(input.get()),
                _ => out.push_str("null"),
            }
        } else if let Some(input) = &self.input {
            field(out, &mut comma, "input");
            out.push_str(input.get());
        }
        out.push('}');
    }
}

/// Writes `"name":`, after a comma unless it is the object's first key.
fn field(out: &mut String, comma: &mut bool, name: &str) {
    if *comma {
        out.push(',');
    }
    *comma = true;
    write_str(out, name);
    out.push(':');
}

/// A key of `extra` whose value is a JSON string, as text.
fn string_value(extra: &Extra<'_>, name: &str) -> Option<String> {
    let (_, raw) = extra.iter().find(|(key, _)| key.as_str() == name)?;
    serde_json::from_str::<Str<'_>>(raw.get())
        .ok()
        .map(|s| s.0.into_owned())
}
