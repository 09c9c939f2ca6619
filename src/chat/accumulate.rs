//! Folding chunks into the final completion.

use super::ChatSink;
use super::chunk::{self, Chunk};
use crate::json::{ExtraFields, Str, excerpt, write_opt_str, write_str};
use crate::text::Text;
use serde_json::value::RawValue;
use std::fmt;

/// Whether the stream goes on after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep reading.
    Continue,
    /// `[DONE]` arrived: the stream is complete; later events are ignored.
    Done,
}

/// Why a stream failed after it began. The accumulator keeps everything
/// received before the failure: [`ChatAccumulator::completion_json`] still
/// gives the partial completion.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChatStreamError {
    /// The server sent an error instead of a chunk: a data object with an
    /// `error` key, or an `event: error`. Holds the error's raw JSON.
    Server(String),
    /// An event's data was not a chunk (truncated or malformed JSON).
    InvalidChunk {
        /// What the JSON parser said.
        reason: String,
        /// The start of the offending data, for the error message.
        excerpt: String,
    },
}

impl fmt::Display for ChatStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChatStreamError::Server(error) => {
                write!(f, "the server reported an error mid-stream: {error}")
            }
            ChatStreamError::InvalidChunk { reason, excerpt } => {
                write!(f, "a stream chunk is not valid JSON ({reason}): {excerpt}")
            }
        }
    }
}

impl std::error::Error for ChatStreamError {}

/// Accumulates a Chat Completions stream; see the [module docs](super).
#[derive(Debug, Default)]
pub struct ChatAccumulator {
    /// The completion's `id`, and the other top-level fields except
    /// `choices`, `usage` and `object`: set by the first chunk and replaced
    /// only by a later chunk with a non-empty `id` (Azure ends streams with
    /// an `id: ""` chunk that must not wipe them).
    id: Option<String>,
    head: ExtraFields,
    started: bool,
    /// Sorted by index; indices may be sparse.
    choices: Vec<ChoiceState>,
    /// The last non-null `usage`, as raw JSON. One buffer, rewritten in
    /// place: Baseten sends a running total on every chunk.
    usage: Option<String>,
    done: bool,
    /// Set by [`ChatAccumulator::deltas_only`]: the text of the deltas
    /// (content, refusal, reasoning, tool arguments, logprobs) goes to the
    /// sink only, so that memory stays constant however long the stream.
    deltas_only: bool,
}

#[derive(Debug, Default)]
struct ChoiceState {
    index: u32,
    role: Option<String>,
    content: Option<Text>,
    refusal: Option<Text>,
    reasoning_content: Option<Text>,
    reasoning: Option<Text>,
    /// Sorted by index; a call may start at index 1 with no index 0.
    tool_calls: Vec<ToolCallState>,
    finish_reason: Option<String>,
    logprobs: Option<LogprobsState>,
    /// Unknown keys of the deltas, carried onto the message.
    message_extra: ExtraFields,
    /// Unknown keys of the choice (`stop_reason`, `content_filter_results`, …).
    extra: ExtraFields,
}

#[derive(Debug, Default)]
struct ToolCallState {
    index: u32,
    id: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    /// `function.arguments`, or `custom.input` for a custom tool.
    arguments: Text,
    custom: bool,
    extra: ExtraFields,
}

#[derive(Debug, Default)]
struct LogprobsState {
    content: Option<Vec<Box<RawValue>>>,
    refusal: Option<Vec<Box<RawValue>>>,
}

impl ChatAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// An accumulator that keeps what a stream needs to go on and to be
    /// metered (ids, roles, names, finish reasons, usage, the other fields)
    /// but not the text the deltas carry: that goes to the sink only. Its
    /// memory stays constant over a stream of any length, and
    /// [`completion_json`](Self::completion_json) gives the completion
    /// without its text (`content`, `refusal` and reasoning `null`, tool
    /// arguments `""`, `logprobs` `null`).
    pub fn deltas_only() -> Self {
        Self {
            deltas_only: true,
            ..Self::default()
        }
    }

    /// Whether a chunk has been applied (until then, a retry loses nothing).
    pub fn is_started(&self) -> bool {
        self.started
    }

    /// Whether `[DONE]` has arrived.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Applies one SSE event (`event` is its type, `None` for a plain
    /// message), telling `sink` what changed.
    pub fn push(
        &mut self,
        event: Option<&str>,
        data: &str,
        sink: &mut impl ChatSink,
    ) -> Result<Flow, ChatStreamError> {
        if self.done {
            return Ok(Flow::Done);
        }
        if data.trim_ascii() == "[DONE]" {
            self.done = true;
            return Ok(Flow::Done);
        }
        let chunk: Chunk<'_> = serde_json::from_str(data).map_err(|err| invalid(data, &err))?;
        if let Some(error) = chunk.error {
            return Err(ChatStreamError::Server(error.get().to_owned()));
        }
        if event == Some("error") {
            return Err(ChatStreamError::Server(data.to_owned()));
        }
        self.apply(chunk, sink);
        Ok(Flow::Continue)
    }

    fn apply(&mut self, chunk: Chunk<'_>, sink: &mut impl ChatSink) {
        let has_id = chunk.id.as_ref().is_some_and(|id| !id.as_str().is_empty());
        if !self.started || has_id {
            if let Some(id) = &chunk.id
                && self.id.as_deref() != Some(id.as_str())
            {
                self.id = Some(id.as_str().to_owned());
            }
            self.head.merge(&chunk.extra);
            self.started = true;
        }
        if let Some(usage) = chunk.usage.filter(|u| u.get() != "null") {
            sink.usage(usage.get());
            let held = self.usage.get_or_insert_with(String::new);
            held.clear();
            held.push_str(usage.get());
        }
        let keep = !self.deltas_only;
        for choice in chunk.choices.into_iter().flatten() {
            let index = choice.index.unwrap_or(0);
            self.choice(index).apply(choice, keep, sink);
        }
    }

    fn choice(&mut self, index: u32) -> &mut ChoiceState {
        let at = match self.choices.binary_search_by_key(&index, |c| c.index) {
            Ok(at) => at,
            Err(at) => {
                let choice = ChoiceState {
                    index,
                    ..Default::default()
                };
                self.choices.insert(at, choice);
                at
            }
        };
        &mut self.choices[at]
    }

    /// The last `usage` received, as raw JSON (what
    /// [`completion_json`](Self::completion_json) has as `usage`, without
    /// writing the whole completion).
    pub fn usage_json(&self) -> Option<&str> {
        self.usage.as_deref()
    }

    /// The completion so far as `chat.completion` JSON: the final one after
    /// `[DONE]`, or what arrived before a failure or a cut.
    pub fn completion_json(&self) -> String {
        // Sized up front: a long stream's text would otherwise be copied at
        // every doubling, and wasm memory keeps the high-water mark.
        let text: usize = self.choices.iter().map(ChoiceState::text_len).sum();
        let mut out = String::with_capacity(512 + text + text / 8);
        out.push_str("{\"object\":\"chat.completion\"");
        if let Some(id) = &self.id {
            out.push_str(",\"id\":");
            write_str(&mut out, id);
        }
        self.head.write(&mut out);
        out.push_str(",\"choices\":[");
        for (i, choice) in self.choices.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            choice.write(&mut out);
        }
        out.push_str("],\"usage\":");
        out.push_str(self.usage.as_deref().unwrap_or("null"));
        out.push('}');
        out
    }
}

impl ChoiceState {
    /// The bytes of text kept, about what [`write`](Self::write) writes of them.
    fn text_len(&self) -> usize {
        let texts = [
            &self.content,
            &self.refusal,
            &self.reasoning_content,
            &self.reasoning,
        ];
        let logprobs = self.logprobs.iter().flat_map(|l| [&l.content, &l.refusal]);
        texts.into_iter().flatten().map(Text::len).sum::<usize>()
            + self
                .tool_calls
                .iter()
                .map(|c| c.arguments.len() + 64)
                .sum::<usize>()
            + logprobs
                .flatten()
                .flatten()
                .map(|e| e.get().len() + 1)
                .sum::<usize>()
    }

    /// `keep`: append the deltas' text (false: [`ChatAccumulator::deltas_only`]).
    fn apply(&mut self, choice: chunk::Choice<'_>, keep: bool, sink: &mut impl ChatSink) {
        let index = self.index;
        if let Some(delta) = choice.delta {
            if let Some(role) = non_empty(&delta.role) {
                self.role = Some(role.to_owned());
            }
            if let Some(text) = &delta.content {
                append(&mut self.content, text.as_str(), keep);
                sink.content(index, text.as_str());
            }
            if let Some(text) = &delta.refusal {
                append(&mut self.refusal, text.as_str(), keep);
                sink.refusal(index, text.as_str());
            }
            if let Some(text) = &delta.reasoning_content {
                append(&mut self.reasoning_content, text.as_str(), keep);
                sink.reasoning(index, text.as_str());
            }
            if let Some(text) = &delta.reasoning {
                append(&mut self.reasoning, text.as_str(), keep);
                // Some servers send both names with the same text: report it once.
                if delta.reasoning_content.is_none() {
                    sink.reasoning(index, text.as_str());
                }
            }
            for call in delta.tool_calls.into_iter().flatten() {
                self.tool_call(call, keep, sink);
            }
            self.message_extra.merge(&delta.extra);
        }
        if let Some(reason) = non_empty(&choice.finish_reason) {
            self.finish_reason = Some(reason.to_owned());
            sink.finish(index, reason);
        }
        if let Some(logprobs) = choice.logprobs.filter(|_| keep) {
            let state = self.logprobs.get_or_insert_with(Default::default);
            extend(&mut state.content, logprobs.content);
            extend(&mut state.refusal, logprobs.refusal);
        }
        self.extra.merge(&choice.extra);
    }

    fn tool_call(&mut self, call: chunk::ToolCall<'_>, keep: bool, sink: &mut impl ChatSink) {
        let index = call.index.unwrap_or(0);
        let (at, new) = match self.tool_calls.binary_search_by_key(&index, |c| c.index) {
            Ok(at) => (at, false),
            Err(at) => {
                let state = ToolCallState {
                    index,
                    ..Default::default()
                };
                self.tool_calls.insert(at, state);
                (at, true)
            }
        };
        let state = &mut self.tool_calls[at];
        // Ids, types and names are assigned, never concatenated, and never
        // cleared: servers repeat them on every delta, or send "" / null.
        if let Some(id) = non_empty(&call.id) {
            state.id = Some(id.to_owned());
        }
        if let Some(kind) = non_empty(&call.kind) {
            state.kind = Some(kind.to_owned());
        }
        let mut fragment = None;
        if let Some(function) = &call.function {
            if let Some(name) = non_empty(&function.name) {
                state.name = Some(name.to_owned());
            }
            if let Some(arguments) = function.arguments {
                fragment = Some(arguments_text(arguments));
            }
            state.extra.merge(&function.extra);
        }
        if let Some(custom) = &call.custom {
            state.custom = true;
            if let Some(name) = non_empty(&custom.name) {
                state.name = Some(name.to_owned());
            }
            fragment = custom.input.as_ref().map(|s| s.0.clone());
        }
        if new {
            sink.tool_call(
                self.index,
                index,
                state.id.as_deref(),
                state.name.as_deref(),
            );
        }
        if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
            if keep {
                state.arguments.push_str(&fragment);
            }
            sink.tool_arguments(self.index, index, &fragment);
        }
    }

    fn write(&self, out: &mut String) {
        out.push_str("{\"index\":");
        out.push_str(&self.index.to_string());
        out.push_str(",\"message\":{\"role\":");
        write_str(out, self.role.as_deref().unwrap_or("assistant"));
        out.push_str(",\"content\":");
        write_opt_text(out, self.content.as_ref());
        out.push_str(",\"refusal\":");
        write_opt_text(out, self.refusal.as_ref());
        for (key, value) in [
            ("reasoning_content", &self.reasoning_content),
            ("reasoning", &self.reasoning),
        ] {
            if let Some(text) = value {
                out.push(',');
                write_str(out, key);
                out.push(':');
                text.write_json(out);
            }
        }
        if !self.tool_calls.is_empty() {
            out.push_str(",\"tool_calls\":[");
            for (i, call) in self.tool_calls.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                call.write(out);
            }
            out.push(']');
        }
        self.message_extra.write(out);
        out.push_str("},\"finish_reason\":");
        write_opt_str(out, self.finish_reason.as_deref());
        out.push_str(",\"logprobs\":");
        match &self.logprobs {
            None => out.push_str("null"),
            Some(logprobs) => {
                out.push_str("{\"content\":");
                write_raw_list(out, logprobs.content.as_deref());
                out.push_str(",\"refusal\":");
                write_raw_list(out, logprobs.refusal.as_deref());
                out.push('}');
            }
        }
        self.extra.write(out);
        out.push('}');
    }
}

impl ToolCallState {
    fn write(&self, out: &mut String) {
        out.push_str("{\"index\":");
        out.push_str(&self.index.to_string());
        out.push_str(",\"id\":");
        write_opt_str(out, self.id.as_deref());
        let kind = self.kind.as_deref();
        out.push_str(",\"type\":");
        write_str(
            out,
            kind.unwrap_or(if self.custom { "custom" } else { "function" }),
        );
        let (object, text) = if self.custom {
            (",\"custom\":{\"name\":", "\"input\":")
        } else {
            (",\"function\":{\"name\":", "\"arguments\":")
        };
        out.push_str(object);
        write_opt_str(out, self.name.as_deref());
        out.push(',');
        out.push_str(text);
        self.arguments.write_json(out);
        self.extra.write(out);
        out.push_str("}}");
    }
}

fn non_empty<'s>(value: &'s Option<Str<'_>>) -> Option<&'s str> {
    value.as_ref().map(Str::as_str).filter(|s| !s.is_empty())
}

fn append(field: &mut Option<Text>, text: &str, keep: bool) {
    if keep {
        field.get_or_insert_with(Text::default).push_str(text);
    }
}

fn write_opt_text(out: &mut String, text: Option<&Text>) {
    match text {
        Some(text) => text.write_json(out),
        None => out.push_str("null"),
    }
}

fn extend(field: &mut Option<Vec<Box<RawValue>>>, entries: Option<Vec<&RawValue>>) {
    if let Some(entries) = entries {
        field
            .get_or_insert_with(Vec::new)
            .extend(entries.into_iter().map(RawValue::to_owned));
    }
}

fn write_raw_list(out: &mut String, list: Option<&[Box<RawValue>]>) {
    let Some(list) = list else {
        out.push_str("null");
        return;
    };
    out.push('[');
    for (i, entry) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(entry.get());
    }
    out.push(']');
}

/// A fragment of `function.arguments`: a string's text, or, from servers
/// that send the arguments as an object, that object's JSON text.
fn arguments_text(raw: &RawValue) -> std::borrow::Cow<'_, str> {
    match serde_json::from_str::<Str<'_>>(raw.get()) {
        Ok(text) => text.0,
        Err(_) if raw.get() == "null" => "".into(),
        Err(_) => raw.get().into(),
    }
}

fn invalid(data: &str, err: &serde_json::Error) -> ChatStreamError {
    ChatStreamError::InvalidChunk {
        reason: err.to_string(),
        excerpt: excerpt(data).to_owned(),
    }
}
