//! The shape of a `chat.completion.chunk` as read from the wire. Only what
//! accumulation needs is typed; everything else lands in `extra`.

use crate::json::{Str, json_object};
use serde_json::value::RawValue;

json_object! {
    /// One streamed chunk.
    pub struct Chunk<'a> {
        id: Option<Str<'a>> = "id",
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
        logprobs: Option<Logprobs<'a>> = "logprobs",
    }
}

json_object! {
    /// What a choice's message gained.
    pub struct Delta<'a> {
        role: Option<Str<'a>> = "role",
        content: Option<Str<'a>> = "content",
        refusal: Option<Str<'a>> = "refusal",
        reasoning_content: Option<Str<'a>> = "reasoning_content",
        reasoning: Option<Str<'a>> = "reasoning",
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
        custom: Option<Custom<'a>> = "custom",
    }
}

json_object! {
    /// A function tool's name and a fragment of its arguments. Some servers
    /// send `arguments` as a JSON object rather than a string, hence raw.
    pub struct Function<'a> {
        name: Option<Str<'a>> = "name",
        arguments: Option<&'a RawValue> = "arguments",
    }
}

json_object! {
    /// A custom (free-form) tool's name and a fragment of its input.
    pub struct Custom<'a> {
        name: Option<Str<'a>> = "name",
        input: Option<Str<'a>> = "input",
    }
}

json_object! {
    /// Token log-probabilities; the entries are carried through untouched.
    pub struct Logprobs<'a> {
        content: Option<Vec<&'a RawValue>> = "content",
        refusal: Option<Vec<&'a RawValue>> = "refusal",
    }
}
