//! The events of a Messages stream as read from the wire. Only what
//! accumulation needs is typed; everything else lands in `extra`.
//!
//! An event's keys may come in any order (`"delta"` before `"type"` is
//! common in SDK fixtures), so [`Event`] is the union of every event type's
//! keys and is read in one pass; the accumulator then looks at `type`.

use crate::json::{Str, json_object};
use serde_json::value::RawValue;

json_object! {
    /// One stream event (`message_start`, `content_block_delta`, …).
    pub struct Event<'a> {
        kind: Option<Str<'a>> = "type",
        message: Option<Message<'a>> = "message",
        index: Option<u32> = "index",
        content_block: Option<Block<'a>> = "content_block",
        delta: Option<Delta<'a>> = "delta",
        usage: Option<Usage<'a>> = "usage",
        error: Option<&'a RawValue> = "error",
    }
}

json_object! {
    /// The snapshot of `message_start`: every key but `content` and `usage`
    /// is kept as it came.
    pub struct Message<'a> {
        content: Option<Vec<Block<'a>>> = "content",
        usage: Option<Usage<'a>> = "usage",
    }
}

json_object! {
    /// A usage object; every key is kept raw, because `message_delta`
    /// merges them key by key.
    pub struct Usage<'a> {}
}

json_object! {
    /// A content block, as `content_block_start` (or `message_start`) gives
    /// it. The keys deltas accumulate into are typed; `id`, `name`, `caller`
    /// and the rest stay raw.
    pub struct Block<'a> {
        kind: Option<Str<'a>> = "type",
        text: Option<Str<'a>> = "text",
        thinking: Option<Str<'a>> = "thinking",
        signature: Option<Str<'a>> = "signature",
        citations: Option<Vec<&'a RawValue>> = "citations",
        input: Option<&'a RawValue> = "input",
    }
}

json_object! {
    /// The `delta` of `content_block_delta` (`text_delta`, `input_json_delta`,
    /// …) or of `message_delta` (`stop_reason`, `stop_sequence`, … all in
    /// `extra`, since none of the typed names occur there).
    pub struct Delta<'a> {
        kind: Option<Str<'a>> = "type",
        text: Option<Str<'a>> = "text",
        thinking: Option<Str<'a>> = "thinking",
        signature: Option<Str<'a>> = "signature",
        partial_json: Option<Str<'a>> = "partial_json",
        citation: Option<&'a RawValue> = "citation",
    }
}

json_object! {
    /// Only an event's `type`: the fallback read of an event whose other
    /// keys do not have the shape [`Event`] expects (an unknown event type
    /// may reuse a known key name for something else).
    pub struct Head<'a> {
        kind: Option<Str<'a>> = "type",
    }
}
