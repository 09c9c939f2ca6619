//! An assistant message both ways: Chat's `reasoning_content`, `content`
//! and `tool_calls` against Messages' thinking, text and `tool_use` blocks.
//! Used for assistant turns of a request and for the reply of a response.

use super::LossKind::{Approximated, Dropped, Reshaped, Unsupported};
use super::parts::{Content, NO_CHAT, NO_MESSAGES, report_block_rest};
use super::raw::{
    Obj, Out, Report, as_array, as_str, as_u64, index, is_json, is_json_object, join, quoted,
    text_item, write_list,
};
use serde_json::value::RawValue;

/// Where the message sits; the two differ in what a Chat message may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// A turn of a request: content may be an array of parts, and a tool
    /// call's input must be an object the server accepts.
    Request,
    /// The reply of a response: content is one string, and a tool call's
    /// input is kept as the model wrote it.
    Response,
}

/// The fields of a Chat assistant message, from Messages blocks.
#[derive(Default)]
pub(super) struct ChatAssistant {
    /// `content` as JSON: `null`, a string, or (requests) an array of parts.
    pub content: String,
    /// `reasoning_content`: the thinking blocks' text, joined.
    pub reasoning: Option<String>,
    /// `thinking_blocks` (see the module docs), when `reasoning_content`
    /// alone would lose something: a signature, a redacted block, or the
    /// boundaries between several thinking blocks.
    pub thinking_blocks: Option<Vec<String>>,
    /// `tool_calls`, as JSON objects.
    pub tool_calls: Vec<String>,
}

impl ChatAssistant {
    /// Writes `content`, `reasoning_content`, `thinking_blocks` and
    /// `tool_calls` (the last three only when there are some).
    pub fn write(&self, out: &mut Out, refusal: bool) {
        out.raw("content", &self.content);
        if refusal {
            out.raw("refusal", "null");
        }
        if let Some(text) = &self.reasoning {
            out.str("reasoning_content", text);
        }
        if let Some(blocks) = &self.thinking_blocks {
            out.list("thinking_blocks", blocks);
        }
        if !self.tool_calls.is_empty() {
            out.list("tool_calls", &self.tool_calls);
        }
    }
}

/// Reads a Chat assistant message (`msg`, at `path`) into Messages content:
/// a string (a request turn with nothing but text), or blocks: thinking,
/// then text, then tool use.
pub(super) fn chat_to_blocks(
    msg: &mut Obj<'_>,
    path: &str,
    mode: Mode,
    report: &mut Report,
) -> Content {
    let mut blocks = reasoning_to_blocks(msg, path, report);
    let content = msg.take("content");
    let refusal = msg.take_str("refusal");
    let mut tools = Vec::new();
    let calls_path = join(path, "tool_calls");
    if let Some(raw) = msg.take("tool_calls") {
        match as_array(raw) {
            Some(calls) => {
                for (i, call) in calls.into_iter().enumerate() {
                    tools.extend(tool_use(call, i, &index(&calls_path, i), mode, report));
                }
            }
            None => report.add(&calls_path, Dropped, "not an array"),
        }
    }
    let others = !blocks.is_empty() || !tools.is_empty() || refusal.is_some();
    let content_path = join(path, "content");
    match content {
        None => {}
        Some(raw) if raw.get().starts_with('"') => {
            let text = as_str(raw).unwrap_or_default();
            if mode == Mode::Request && !others {
                return Content::Text(raw.get().to_owned());
            }
            if !text.is_empty() || (mode == Mode::Response && !others) {
                blocks.push(text_item(&text));
            } else {
                report.add(
                    &content_path,
                    Reshaped,
                    "empty: not sent as a block (Messages refuses empty text blocks), comes back as null",
                );
            }
        }
        Some(raw) => match as_array(raw) {
            Some(parts) => {
                let before = blocks.len();
                for (i, part) in parts.into_iter().enumerate() {
                    blocks.extend(text_part(part, &index(&content_path, i), report));
                }
                let texts = blocks.len() - before;
                let reason = match (mode, texts, others) {
                    (Mode::Response, _, _) => "an array: comes back as one string",
                    (Mode::Request, 0, _) => "no text: comes back as null",
                    (Mode::Request, 1, true) => {
                        "one part beside reasoning, a refusal or tool calls: comes back as a string"
                    }
                    _ => "",
                };
                if !reason.is_empty() {
                    report.add(&content_path, Reshaped, reason);
                }
            }
            None => report.add(&content_path, Dropped, "not a string or an array"),
        },
    }
    if let Some(text) = refusal {
        let at = join(path, "refusal");
        if text.is_empty() {
            report.add(&at, Dropped, "empty");
        } else {
            report.add(
                &at,
                Approximated,
                "Messages has no refusal field: sent as a text block, which comes back as content",
            );
            if content.is_some() {
                report.add(
                    &content_path,
                    Reshaped,
                    "comes back joined with the refusal text",
                );
            }
            blocks.push(text_item(&text));
        }
    }
    blocks.extend(tools);
    Content::Blocks(blocks)
}

/// An assistant text part; other part types have no place in a Messages
/// assistant turn.
fn text_part(raw: &RawValue, path: &str, report: &mut Report) -> Option<String> {
    let Some(mut part) = Obj::typed(raw, "text") else {
        report.add(
            path,
            Dropped,
            "only text parts have a Messages equivalent in an assistant turn",
        );
        return None;
    };
    let text = part.take_str("text").unwrap_or_default();
    part.report_rest(path, Dropped, NO_MESSAGES, report);
    Some(text_item(&text))
}

/// `thinking_blocks` when present (they are Messages blocks already, kept
/// as they are), else `reasoning_content` (or `reasoning`) as one thinking
/// block.
fn reasoning_to_blocks(msg: &mut Obj<'_>, path: &str, report: &mut Report) -> Vec<String> {
    let listed = msg.take("thinking_blocks");
    let content = msg.take_str("reasoning_content");
    let alternate = msg.take_str("reasoning");
    let content_path = join(path, "reasoning_content");
    if alternate.is_some() {
        let reason = if content.is_some() || listed.is_some() {
            "the same reasoning under a second name: not carried"
        } else {
            "carried as thinking, which comes back as reasoning_content"
        };
        report.add(&join(path, "reasoning"), Reshaped, reason);
    }
    if let Some(raw) = listed {
        let at = join(path, "thinking_blocks");
        let Some(items) = as_array(raw) else {
            report.add(&at, Dropped, "not an array");
            return Vec::new();
        };
        let mut blocks = Vec::with_capacity(items.len());
        let mut text = String::new();
        let (mut thinking, mut special) = (0, false);
        for (i, item) in items.into_iter().enumerate() {
            let Some(mut block) = Obj::parse(item) else {
                report.add(&index(&at, i), Dropped, "not an object");
                continue;
            };
            match block.take_str("type").as_deref() {
                Some("thinking") => {
                    thinking += 1;
                    text.push_str(&block.take_str("thinking").unwrap_or_default());
                    special |= block.take("signature").is_some() || !block.rest().is_empty();
                }
                Some("redacted_thinking") => special = true,
                _ => {
                    report.add(
                        &index(&at, i),
                        Dropped,
                        "not a thinking or redacted_thinking block",
                    );
                    continue;
                }
            }
            blocks.push(item.get().to_owned());
        }
        match &content {
            Some(joined) if *joined != text => report.add(
                &content_path,
                Dropped,
                "differs from the text of thinking_blocks, which is what is carried",
            ),
            None if thinking > 0 => report.add(
                &content_path,
                Reshaped,
                "absent: comes back as the text of thinking_blocks",
            ),
            _ => {}
        }
        if !special && thinking < 2 {
            report.add(
                &at,
                Reshaped,
                "one unsigned thinking block: comes back as reasoning_content alone",
            );
        }
        return blocks;
    }
    let Some(text) = content.or(alternate) else {
        return Vec::new();
    };
    if text.is_empty() {
        report.add(&content_path, Dropped, "empty: no thinking block");
        return Vec::new();
    }
    let mut block = Out::new();
    block.str("type", "thinking");
    block.str("thinking", &text);
    vec![block.finish()]
}

/// A Chat tool call as a `tool_use` block.
fn tool_use(
    raw: &RawValue,
    position: usize,
    path: &str,
    mode: Mode,
    report: &mut Report,
) -> Option<String> {
    let Some(mut call) = Obj::parse(raw) else {
        report.add(path, Dropped, "not an object");
        return None;
    };
    // Stream accumulators number the calls; the block order carries that.
    if let Some(number) = call.take("index")
        && as_u64(number) != u64::try_from(position).ok()
    {
        report.add(
            &join(path, "index"),
            Reshaped,
            "not the call's position: comes back absent",
        );
    }
    let id = call.take_str("id");
    let kind = call.take_str("type");
    if kind.as_deref() == Some("custom") || call.has("custom") {
        report.add(
            path,
            Dropped,
            "custom (free-form) tool calls have no Messages equivalent",
        );
        return None;
    }
    let function_path = join(path, "function");
    let Some(mut function) = call.take_obj("function") else {
        report.add(&function_path, Dropped, "a tool call without a function");
        return None;
    };
    match kind.as_deref() {
        Some("function") => {}
        None => report.add(
            &join(path, "type"),
            Reshaped,
            "absent: comes back as \"function\"",
        ),
        Some(_) => report.add(&join(path, "type"), Dropped, "not \"function\""),
    }
    let name = function.take_str("name").unwrap_or_default();
    let input = tool_input(
        function.take_raw("arguments"),
        &join(&function_path, "arguments"),
        mode,
        report,
    );
    function.report_rest(&function_path, Dropped, NO_MESSAGES, report);
    call.report_rest(path, Dropped, NO_MESSAGES, report);
    if id.is_none() {
        report.add(
            &join(path, "id"),
            Unsupported,
            "absent: Messages requires a tool_use id, \"\" is sent",
        );
    }
    let mut block = Out::new();
    block.str("type", "tool_use");
    block.str("id", id.as_deref().unwrap_or(""));
    block.str("name", &name);
    block.raw("input", &input);
    Some(block.finish())
}

/// `function.arguments` (a string of JSON, or from some servers an object)
/// as a `tool_use` input, in JSON. The text is kept as written, key order
/// and spacing included, so that it comes back the same.
fn tool_input(raw: Option<&RawValue>, path: &str, mode: Mode, report: &mut Report) -> String {
    let Some(raw) = raw.filter(|raw| raw.get() != "null") else {
        report.add(
            path,
            Reshaped,
            "absent: {} is sent, which comes back as \"{}\"",
        );
        return "{}".to_owned();
    };
    if raw.get().starts_with('{') {
        report.add(
            path,
            Reshaped,
            "an object rather than a string of JSON: comes back as a string",
        );
        return raw.get().to_owned();
    }
    let text = as_str(raw).unwrap_or_default();
    let trimmed = text.trim_ascii();
    if trimmed.is_empty() {
        report.add(
            path,
            Reshaped,
            "empty: {} is sent, which comes back as \"{}\"",
        );
        return "{}".to_owned();
    }
    if trimmed.len() != text.len() && is_json(trimmed) {
        report.add(path, Reshaped, "the whitespace around the JSON is not kept");
    }
    if is_json_object(trimmed) {
        return trimmed.to_owned();
    }
    match (mode, is_json(trimmed)) {
        (Mode::Request, true) => {
            report.add(path, Dropped, "not a JSON object: {} is sent");
            "{}".to_owned()
        }
        (Mode::Request, false) => {
            report.add(path, Dropped, "not valid JSON: {} is sent");
            "{}".to_owned()
        }
        (Mode::Response, true) => {
            report.add(path, Unsupported, "not a JSON object: carried as it is");
            trimmed.to_owned()
        }
        (Mode::Response, false) => {
            report.add(
                path,
                Dropped,
                "not valid JSON (a reply cut short?): the input is null",
            );
            "null".to_owned()
        }
    }
}

/// Reads Messages assistant content (a string, or blocks) into Chat fields.
pub(super) fn blocks_to_chat(
    raw: Option<&RawValue>,
    path: &str,
    mode: Mode,
    report: &mut Report,
) -> ChatAssistant {
    let mut chat = ChatAssistant {
        content: "null".to_owned(),
        ..ChatAssistant::default()
    };
    let Some(raw) = raw else {
        return chat;
    };
    if raw.get().starts_with('"') {
        chat.content = raw.get().to_owned();
        return chat;
    }
    let Some(blocks) = as_array(raw) else {
        report.add(path, Dropped, "not a string or an array of blocks");
        return chat;
    };
    let mut texts = Vec::new();
    let mut thinking_text: Option<String> = None;
    let mut items = Vec::new();
    let (mut thinking, mut special) = (0, false);
    // Chat keeps reasoning, text and tool calls apart, in that order.
    let mut phase = 0;
    let mut reordered = false;
    for (i, item) in blocks.into_iter().enumerate() {
        let at = index(path, i);
        let Some(mut block) = Obj::parse(item) else {
            report.add(&at, Dropped, "not an object");
            continue;
        };
        let kind = block.take_str("type");
        let rank = match kind.as_deref() {
            Some("thinking") => {
                let text = block.take_str("thinking").unwrap_or_default();
                thinking_text
                    .get_or_insert_with(String::new)
                    .push_str(&text);
                thinking += 1;
                special |= block.take("signature").is_some() || !block.rest().is_empty();
                items.push(item.get().to_owned());
                0
            }
            Some("redacted_thinking") => {
                special = true;
                items.push(item.get().to_owned());
                0
            }
            Some("text") => {
                texts.push(block.take_str("text").unwrap_or_default());
                report_block_rest(block, &at, report);
                1
            }
            Some("tool_use") => {
                chat.tool_calls.push(tool_call(block, &at, report));
                2
            }
            other => {
                let reason = [
                    "a ",
                    other.unwrap_or("typeless"),
                    " block has no Chat Completions equivalent",
                ]
                .concat();
                report.add(&at, Dropped, &reason);
                continue;
            }
        };
        if rank < phase && !reordered {
            reordered = true;
            report.add(
                path,
                Reshaped,
                "blocks out of order for Chat, which keeps reasoning, then text, then tool calls: they come back in that order",
            );
        }
        phase = phase.max(rank);
    }
    let others = !items.is_empty() || !chat.tool_calls.is_empty();
    if others && texts.len() == 1 && texts[0].is_empty() {
        report.add(
            &index(path, 0),
            Reshaped,
            "empty text beside reasoning or tool use: comes back as no block",
        );
    }
    chat.content = match (mode, texts.len()) {
        (_, 0) => "null".to_owned(),
        (Mode::Response, n) => {
            if n > 1 {
                report.add(
                    path,
                    Reshaped,
                    "several text blocks: joined into one string",
                );
            }
            quoted(&texts.concat())
        }
        (Mode::Request, 1) if others => quoted(&texts[0]),
        (Mode::Request, _) => {
            let parts: Vec<String> = texts.iter().map(|t| text_item(t)).collect();
            let mut out = String::new();
            write_list(&mut out, &parts);
            out
        }
    };
    chat.reasoning = thinking_text;
    if special || thinking > 1 {
        chat.thinking_blocks = Some(items);
    }
    chat
}

/// A `tool_use` block as a Chat tool call; `arguments` is the input's JSON
/// text as it came.
fn tool_call(mut block: Obj<'_>, path: &str, report: &mut Report) -> String {
    let id = block.take_str("id").unwrap_or_default();
    let name = block.take_str("name").unwrap_or_default();
    let arguments = match block.take_raw("input") {
        Some(input) => input.get(),
        None => {
            report.add(&join(path, "input"), Reshaped, "absent: comes back as {}");
            "{}"
        }
    };
    for (key, value) in block.rest() {
        if value.get() != "null" {
            report.add(&join(path, key.as_str()), Dropped, NO_CHAT);
        }
    }
    let mut function = Out::new();
    function.str("name", &name);
    function.str("arguments", arguments);
    let mut call = Out::new();
    call.str("id", &id);
    call.str("type", "function");
    call.raw("function", &function.finish());
    call.finish()
}
