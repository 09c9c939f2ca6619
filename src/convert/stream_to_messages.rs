//! Chat Completions stream chunks in, Messages stream events out.

use super::LossKind::{Approximated, Dropped, Reshaped, Unsupported};
use super::parts::NO_MESSAGES;
use super::raw::{Obj, Out, Report, as_str, as_u64, invalid, is_json, join};
use super::response::{chat_usage_to_messages, finish_to_stop};
use super::{ConvertError, Loss};
use crate::api_error::ErrorKind;
use crate::json::{Str, json_object};
use crate::sse::Event;
use serde_json::value::RawValue;

json_object! {
    /// One `chat.completion.chunk`, as far as conversion reads it.
    pub struct Chunk<'a> {
        id: Option<Str<'a>> = "id",
        model: Option<Str<'a>> = "model",
        object: Option<&'a RawValue> = "object",
        choices: Option<Vec<Choice<'a>>> = "choices",
        usage: Option<&'a RawValue> = "usage",
        error: Option<&'a RawValue> = "error",
    }
}

json_object! {
    /// One choice of a chunk.
    pub struct Choice<'a> {
        index: Option<u32> = "index",
        delta: Option<Delta<'a>> = "delta",
        finish_reason: Option<Str<'a>> = "finish_reason",
        stop_reason: Option<&'a RawValue> = "stop_reason",
        logprobs: Option<&'a RawValue> = "logprobs",
    }
}

json_object! {
    /// What a choice's message gained.
    pub struct Delta<'a> {
        role: Option<&'a RawValue> = "role",
        content: Option<Str<'a>> = "content",
        refusal: Option<Str<'a>> = "refusal",
        reasoning_content: Option<Str<'a>> = "reasoning_content",
        reasoning: Option<Str<'a>> = "reasoning",
        thinking_blocks: Option<Vec<&'a RawValue>> = "thinking_blocks",
        tool_calls: Option<Vec<ToolCall<'a>>> = "tool_calls",
    }
}

json_object! {
    /// A fragment of one tool call.
    pub struct ToolCall<'a> {
        index: Option<u32> = "index",
        id: Option<Str<'a>> = "id",
        kind: Option<Str<'a>> = "type",
        function: Option<Function<'a>> = "function",
        custom: Option<&'a RawValue> = "custom",
    }
}

json_object! {
    /// A function's name and a fragment of its arguments (a string, or from
    /// some servers an object).
    pub struct Function<'a> {
        name: Option<Str<'a>> = "name",
        arguments: Option<&'a RawValue> = "arguments",
    }
}

/// Turns a Chat Completions stream into a Messages one, chunk by chunk.
///
/// [`push`](Self::push) takes the `data` of each SSE event (a
/// `chat.completion.chunk`, or `[DONE]`) and returns the Messages events it
/// completes, each with its `event` name; [`finish`](Self::finish) closes
/// the stream at EOF. The events follow Anthropic's order: `message_start`,
/// then for each block `content_block_start`, its deltas and
/// `content_block_stop` (thinking, text and `tool_use` blocks, indices from
/// 0), then `message_delta` with the stop reason and usage, and
/// `message_stop`.
///
/// Only what the Chat stream says is known: the stop reason and the final
/// usage wait for the end of the stream (a `finish_reason` can arrive
/// before the last content), and a tool block is stopped only once its
/// arguments parse, so that a Messages reader never sees invalid input
/// JSON; a call whose arguments never parse stays open, as in a stream cut
/// by `max_tokens`. What has no Messages equivalent (other choices,
/// log probabilities, custom tool calls) is listed in
/// [`dropped`](Self::dropped).
///
/// ```
/// use modelwire::convert::ChatToMessagesStream;
/// let mut stream = ChatToMessagesStream::new();
/// let mut events = stream
///     .push(r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#)
///     .unwrap();
/// events.extend(stream.push(r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#).unwrap());
/// events.extend(stream.push("[DONE]").unwrap());
/// let names: Vec<_> = events.iter().map(|e| e.event.as_deref().unwrap()).collect();
/// assert_eq!(
///     names,
///     ["message_start", "content_block_start", "content_block_delta", "content_block_stop",
///      "message_delta", "message_stop"]
/// );
/// assert_eq!(
///     events[4].data,
///     r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":0,"output_tokens":0}}"#
/// );
/// ```
#[derive(Debug, Default)]
pub struct ChatToMessagesStream {
    /// `message_start` was sent.
    started: bool,
    /// The stream is over (`[DONE]`, an error, or `finish`): later input
    /// is ignored.
    done: bool,
    /// The block being written.
    open: Option<Open>,
    /// The index the next block gets.
    next_index: u32,
    /// Tool calls by their Chat index.
    tools: Vec<Tool>,
    /// Text or a refusal arrived as `""` only: an empty text block is sent
    /// if nothing else is, as the response converter does.
    empty_text: bool,
    /// The last `finish_reason`, and vLLM's `stop_reason` beside it.
    finish: Option<String>,
    stop_reason: Option<Box<RawValue>>,
    /// The last usage (Baseten sends a running total on every chunk).
    usage: Option<Box<RawValue>>,
    report: Report,
}

/// The block being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Thinking(u32),
    Text(u32),
    Refusal(u32),
    /// A position in `tools`.
    Tool(usize),
}

#[derive(Debug)]
struct Tool {
    /// The call's `index` in the Chat stream.
    chat_index: u32,
    /// Its block index; `None` for a call dropped (a custom tool).
    block: Option<u32>,
    /// The arguments so far.
    arguments: String,
    stopped: bool,
}

impl ChatToMessagesStream {
    /// A converter at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the stream is over: `[DONE]` or an error arrived, or
    /// [`finish`](Self::finish) was called.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// What could not be carried over so far, one entry per place (a
    /// stream repeats its fields on every chunk).
    pub fn dropped(&self) -> &[Loss] {
        &self.report.0
    }

    /// Converts the `data` of one SSE event. A chunk with an `error` key
    /// becomes an `error` event and ends the stream.
    pub fn push(&mut self, data: &str) -> Result<Vec<Event>, ConvertError> {
        let mut out = Vec::new();
        if self.done {
            return Ok(out);
        }
        if data.trim_ascii() == "[DONE]" {
            self.end(&mut out);
            return Ok(out);
        }
        let chunk: Chunk<'_> = serde_json::from_str(data).map_err(|err| invalid(data, &err))?;
        if let Some(error) = chunk.error {
            self.done = true;
            out.push(event("error", error_event(error)));
            return Ok(out);
        }
        if !self.started {
            self.start(&chunk, &mut out);
        }
        if let Some(usage) = chunk.usage {
            self.usage = Some(usage.to_owned());
        }
        for choice in chunk.choices.into_iter().flatten() {
            match choice.index.unwrap_or(0) {
                0 => self.choice(choice, &mut out),
                n => self.report.once(
                    &["choices[", &n.to_string(), "]"].concat(),
                    Dropped,
                    "Messages has one reply: only the first choice is kept",
                ),
            }
        }
        for (key, _) in chunk.extra {
            let reason = match key.as_str() {
                "created" => "a Messages message has no creation time",
                _ => NO_MESSAGES,
            };
            self.report.once(key.as_str(), Dropped, reason);
        }
        Ok(out)
    }

    /// Ends the stream at EOF. After a `finish_reason` the message is
    /// closed as with `[DONE]` (Chat streams may end without it); without
    /// one the stream was cut: open blocks are stopped but no
    /// `message_stop` is sent.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        if self.done {
            return out;
        }
        if self.finish.is_some() || !self.started {
            self.end(&mut out);
            return out;
        }
        self.close(&mut out);
        self.report.once(
            "finish_reason",
            Dropped,
            "the stream ended without a finish_reason: no message_stop is sent",
        );
        self.done = true;
        out
    }

    fn start(&mut self, chunk: &Chunk<'_>, out: &mut Vec<Event>) {
        self.started = true;
        let mut message = Out::new();
        message.str("id", chunk.id.as_ref().map_or("", Str::as_str));
        message.str("type", "message");
        message.str("role", "assistant");
        message.str("model", chunk.model.as_ref().map_or("", Str::as_str));
        message.raw("content", "[]");
        message.raw("stop_reason", "null");
        message.raw("stop_sequence", "null");
        // What the first chunk says of the prompt; the totals come at the end.
        let usage = match chunk.usage {
            Some(usage) => chat_usage_to_messages(Some(usage), "usage", &mut Report::default()),
            None => r#"{"input_tokens":0,"output_tokens":0}"#.to_owned(),
        };
        message.raw("usage", &usage);
        let mut start = Out::new();
        start.str("type", "message_start");
        start.raw("message", &message.finish());
        out.push(event("message_start", start.finish()));
    }

    fn choice(&mut self, choice: Choice<'_>, out: &mut Vec<Event>) {
        if let Some(delta) = choice.delta {
            let reasoning = match (&delta.reasoning_content, &delta.reasoning) {
                (Some(text), _) => Some(text),
                (None, Some(text)) => {
                    self.report.once(
                        "choices[0].delta.reasoning",
                        Reshaped,
                        "carried as thinking, which comes back as reasoning_content",
                    );
                    Some(text)
                }
                (None, None) => None,
            };
            if let Some(text) = reasoning {
                self.text(Kind::Thinking, text.as_str(), out);
            }
            if let Some(blocks) = &delta.thinking_blocks {
                self.thinking_blocks(blocks, out);
            }
            if let Some(text) = &delta.content {
                self.text(Kind::Text, text.as_str(), out);
            }
            if let Some(text) = &delta.refusal {
                if !text.as_str().is_empty() {
                    self.report.once(
                        "choices[0].delta.refusal",
                        Approximated,
                        "Messages has no refusal field: sent as a text block",
                    );
                }
                self.text(Kind::Refusal, text.as_str(), out);
            }
            for call in delta.tool_calls.into_iter().flatten() {
                self.tool_call(call, out);
            }
            for (key, _) in delta.extra {
                self.report.once(
                    &join("choices[0].delta", key.as_str()),
                    Dropped,
                    NO_MESSAGES,
                );
            }
        }
        if let Some(reason) = choice.finish_reason.filter(|r| !r.as_str().is_empty()) {
            self.finish = Some(reason.0.into_owned());
        }
        if let Some(stop) = choice.stop_reason {
            self.stop_reason = Some(stop.to_owned());
        }
        if choice.logprobs.is_some() {
            self.report.once(
                "choices[0].logprobs",
                Dropped,
                "Messages has no log probabilities",
            );
        }
        for (key, _) in choice.extra {
            self.report
                .once(&join("choices[0]", key.as_str()), Dropped, NO_MESSAGES);
        }
    }

    /// Appends reasoning, text or refusal text, opening its block if needed.
    fn text(&mut self, kind: Kind, text: &str, out: &mut Vec<Event>) {
        if text.is_empty() {
            self.empty_text |= kind != Kind::Thinking;
            return;
        }
        let index = match self.open {
            Some(Open::Thinking(i)) if kind == Kind::Thinking => i,
            Some(Open::Text(i)) if kind == Kind::Text => i,
            Some(Open::Refusal(i)) if kind == Kind::Refusal => i,
            _ => {
                self.close(out);
                let index = self.next_block();
                let block = if kind == Kind::Thinking {
                    self.open = Some(Open::Thinking(index));
                    r#"{"type":"thinking","thinking":""}"#
                } else {
                    self.open = Some(if kind == Kind::Text {
                        Open::Text(index)
                    } else {
                        Open::Refusal(index)
                    });
                    r#"{"type":"text","text":""}"#
                };
                out.push(block_start(index, block));
                index
            }
        };
        let (delta_type, key) = if kind == Kind::Thinking {
            ("thinking_delta", "thinking")
        } else {
            ("text_delta", "text")
        };
        let mut delta = Out::new();
        delta.str("type", delta_type);
        delta.str(key, text);
        out.push(block_delta(index, &delta.finish()));
    }

    /// `thinking_blocks` (this crate's extension, see the module docs): the
    /// newest entry's signature goes to the open thinking block, and a
    /// redacted block is sent whole.
    fn thinking_blocks(&mut self, blocks: &[&RawValue], out: &mut Vec<Event>) {
        let Some(mut last) = blocks.last().copied().and_then(Obj::parse) else {
            return;
        };
        match last.take_str("type").as_deref() {
            Some("thinking") => {
                if let (Some(Open::Thinking(index)), Some(signature)) =
                    (self.open, last.take_str("signature"))
                {
                    let mut delta = Out::new();
                    delta.str("type", "signature_delta");
                    delta.str("signature", &signature);
                    out.push(block_delta(index, &delta.finish()));
                }
            }
            Some("redacted_thinking") => {
                self.close(out);
                let index = self.next_block();
                out.push(block_start(index, blocks[blocks.len() - 1].get()));
                out.push(block_stop(index));
            }
            _ => self.report.once(
                "choices[0].delta.thinking_blocks",
                Dropped,
                "not a thinking or redacted_thinking block",
            ),
        }
    }

    fn tool_call(&mut self, call: ToolCall<'_>, out: &mut Vec<Event>) {
        let chat_index = call.index.unwrap_or(0);
        let at = match self.tools.iter().position(|t| t.chat_index == chat_index) {
            Some(at) => at,
            None => {
                let custom = call.custom.is_some()
                    || call.kind.as_ref().is_some_and(|k| k.as_str() == "custom");
                let block = if custom {
                    self.report.once(
                        &["choices[0].delta.tool_calls[", &chat_index.to_string(), "]"].concat(),
                        Dropped,
                        "custom (free-form) tool calls have no Messages equivalent",
                    );
                    None
                } else {
                    self.close(out);
                    let index = self.next_block();
                    let mut block = Out::new();
                    block.str("type", "tool_use");
                    block.str("id", call.id.as_ref().map_or("", Str::as_str));
                    let name = call.function.as_ref().and_then(|f| f.name.as_ref());
                    block.str("name", name.map_or("", Str::as_str));
                    block.raw("input", "{}");
                    out.push(block_start(index, &block.finish()));
                    self.open = Some(Open::Tool(self.tools.len()));
                    Some(index)
                };
                self.tools.push(Tool {
                    chat_index,
                    block,
                    arguments: String::new(),
                    stopped: false,
                });
                self.tools.len() - 1
            }
        };
        let tool = &mut self.tools[at];
        let Some(index) = tool.block else {
            return;
        };
        let Some(arguments) = call.function.and_then(|f| f.arguments) else {
            return;
        };
        // A string's text, or from servers that send an object, its JSON.
        let fragment = match as_str(arguments) {
            Some(text) => text,
            None if arguments.get() == "null" => return,
            None => arguments.get().into(),
        };
        if fragment.is_empty() {
            return;
        }
        tool.arguments.push_str(&fragment);
        // More input after a stop reopens the block, as Messages readers do.
        tool.stopped = false;
        let mut delta = Out::new();
        delta.str("type", "input_json_delta");
        delta.str("partial_json", &fragment);
        out.push(block_delta(index, &delta.finish()));
    }

    fn next_block(&mut self) -> u32 {
        let index = self.next_index;
        self.next_index += 1;
        index
    }

    /// Stops the open block (a tool block only once its input parses).
    fn close(&mut self, out: &mut Vec<Event>) {
        match self.open.take() {
            None => {}
            Some(Open::Tool(at)) => self.stop_tool(at, out),
            Some(Open::Thinking(index) | Open::Text(index) | Open::Refusal(index)) => {
                out.push(block_stop(index));
            }
        }
    }

    fn stop_tool(&mut self, at: usize, out: &mut Vec<Event>) {
        let tool = &mut self.tools[at];
        if let Some(index) = tool.block
            && !tool.stopped
            && (tool.arguments.trim_ascii().is_empty() || is_json(&tool.arguments))
        {
            tool.stopped = true;
            out.push(block_stop(index));
        }
    }

    /// Closes every block and the message.
    fn end(&mut self, out: &mut Vec<Event>) {
        self.done = true;
        if !self.started {
            return;
        }
        self.close(out);
        for at in 0..self.tools.len() {
            self.stop_tool(at, out);
            let tool = &self.tools[at];
            if tool.block.is_some() && !tool.stopped {
                let path = [
                    "choices[0].delta.tool_calls[",
                    &tool.chat_index.to_string(),
                    "]",
                ]
                .concat();
                self.report.once(
                    &path,
                    Unsupported,
                    "the arguments are not valid JSON: the block is left without content_block_stop, as in a cut stream",
                );
            }
        }
        if self.next_index == 0 && self.empty_text {
            out.push(block_start(0, r#"{"type":"text","text":""}"#));
            out.push(block_stop(0));
        }
        let mut report = Report::default();
        let (stop_reason, stop_sequence) = finish_to_stop(
            self.finish.as_deref(),
            self.stop_reason.as_deref(),
            "choices[0]",
            &mut report,
        );
        let usage = chat_usage_to_messages(self.usage.as_deref(), "usage", &mut report);
        for loss in report.0 {
            self.report.once(&loss.path, loss.kind, &loss.reason);
        }
        let mut delta = Out::new();
        delta.opt_str("stop_reason", stop_reason.as_deref());
        delta.opt_str("stop_sequence", stop_sequence.as_deref());
        let mut message = Out::new();
        message.str("type", "message_delta");
        message.raw("delta", &delta.finish());
        message.raw("usage", &usage);
        out.push(event("message_delta", message.finish()));
        out.push(event(
            "message_stop",
            r#"{"type":"message_stop"}"#.to_owned(),
        ));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Thinking,
    Text,
    Refusal,
}

fn event(name: &str, data: String) -> Event {
    Event {
        event: Some(name.to_owned()),
        data,
        id: String::new(),
    }
}

fn block_start(index: u32, block: &str) -> Event {
    let mut data = Out::new();
    data.str("type", "content_block_start");
    data.num("index", index.into());
    data.raw("content_block", block);
    event("content_block_start", data.finish())
}

fn block_delta(index: u32, delta: &str) -> Event {
    let mut data = Out::new();
    data.str("type", "content_block_delta");
    data.num("index", index.into());
    data.raw("delta", delta);
    event("content_block_delta", data.finish())
}

fn block_stop(index: u32) -> Event {
    let mut data = Out::new();
    data.str("type", "content_block_stop");
    data.num("index", index.into());
    event("content_block_stop", data.finish())
}

/// A Chat error object as a Messages `error` event's data, its class kept:
/// the error's type (or numeric code) names an [`ErrorKind`], which names
/// Anthropic's type.
fn error_event(error: &RawValue) -> String {
    let (kind, message) = match Obj::parse(error) {
        Some(mut error) => {
            let message = error.take_str("message").map(|m| m.into_owned());
            let named = error.take_str("type");
            let kind = match named.as_deref() {
                // Already Anthropic's name (a proxy passing it through).
                Some(name) if ANTHROPIC_TYPES.contains(&name) => Some(name.to_owned()),
                Some(name) => {
                    ErrorKind::from_error_type(name).map(|k| anthropic_type(k).to_owned())
                }
                None => None,
            };
            let by_code = || {
                let code = error.take("code")?;
                let status = as_u64(code).or_else(|| as_str(code)?.parse().ok())?;
                let status = u16::try_from(status).ok()?;
                Some(anthropic_type(ErrorKind::from_status(status)).to_owned())
            };
            (kind.or_else(by_code), message)
        }
        None => (None, as_str(error).map(|m| m.into_owned())),
    };
    let mut inner = Out::new();
    inner.str("type", kind.as_deref().unwrap_or("api_error"));
    match message {
        Some(message) => inner.str("message", &message),
        None => inner.str("message", error.get()),
    }
    let mut out = Out::new();
    out.str("type", "error");
    out.raw("error", &inner.finish());
    out.finish()
}

const ANTHROPIC_TYPES: [&str; 9] = [
    "invalid_request_error",
    "authentication_error",
    "billing_error",
    "permission_error",
    "not_found_error",
    "request_too_large",
    "rate_limit_error",
    "api_error",
    "overloaded_error",
];

/// Anthropic's error type for a class of error.
fn anthropic_type(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::BadRequest | ErrorKind::UnprocessableEntity => "invalid_request_error",
        ErrorKind::Authentication => "authentication_error",
        ErrorKind::PaymentRequired => "billing_error",
        ErrorKind::PermissionDenied => "permission_error",
        ErrorKind::NotFound => "not_found_error",
        ErrorKind::PayloadTooLarge => "request_too_large",
        ErrorKind::RateLimit => "rate_limit_error",
        _ => "api_error",
    }
}
