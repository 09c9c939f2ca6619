//! A `/v1/messages` request body as a `/chat/completions` one.

use super::LossKind::{Approximated, Dropped, Reshaped, Unsupported};
use super::assistant::{self, Mode};
use super::parts::{NO_CHAT, block_to_part, content_to_parts, report_block_rest};
use super::raw::{Obj, Out, Report, as_array, as_bool, as_u64, index, join, text_item, write_list};
use super::{ConvertError, Converted, THINKING_BUDGETS};
use serde_json::value::RawValue;

/// Messages fields with no Chat Completions equivalent, and why.
const MESSAGES_ONLY: [(&str, &str); 7] = [
    ("service_tier", NO_CHAT),
    ("container", NO_CHAT),
    ("mcp_servers", NO_CHAT),
    ("context_management", NO_CHAT),
    (
        "output_format",
        "Messages structured output has no Chat mapping here",
    ),
    (
        "output_config",
        "Messages structured output has no Chat mapping here",
    ),
    ("inference_geo", NO_CHAT),
];

/// Converts a Messages request body to a Chat Completions one.
///
/// See the [module docs](super) for each mapping and each loss. Fields
/// neither protocol defines are carried as they are.
///
/// ```
/// use modelwire::convert::messages_to_chat_request;
/// let converted = messages_to_chat_request(
///     r#"{"model":"m","max_tokens":256,"system":"Be brief.",
///         "messages":[{"role":"user","content":"Hi"}],"stop_sequences":["END"]}"#,
/// )
/// .unwrap();
/// assert_eq!(
///     converted.json,
///     r#"{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"max_tokens":256,"stop":["END"]}"#
/// );
/// assert!(converted.dropped.is_empty());
/// ```
pub fn messages_to_chat_request(body: &str) -> Result<Converted, ConvertError> {
    let mut req = Obj::root(body)?;
    let mut report = Report::default();
    let mut out = Out::new();
    if let Some(model) = req.take("model") {
        out.raw("model", model.get());
    }
    let mut messages = Vec::new();
    if let Some(raw) = req.take("system") {
        messages.extend(system(raw, &mut report));
    }
    if let Some(raw) = req.take("messages") {
        conversation(raw, &mut messages, &mut report);
    }
    out.list("messages", &messages);
    for key in ["max_tokens", "temperature", "top_p", "top_k"] {
        if let Some(value) = req.take(key) {
            out.raw(key, value.get());
        }
    }
    if let Some(stop) = req.take("stop_sequences") {
        out.raw("stop", stop.get());
    }
    if let Some(stream) = req.take("stream") {
        out.raw("stream", stream.get());
        // Messages streams always carry usage; Chat servers send it only
        // when asked (Baseten always does, OpenAI and llama-server do not).
        match req.take("stream_options") {
            Some(options) => out.raw("stream_options", options.get()),
            None if stream.get() == "true" => {
                out.raw("stream_options", r#"{"include_usage":true}"#);
            }
            None => {}
        }
    }
    if let Some(raw) = req.take("tools") {
        tools(raw, &mut out, &mut report);
    }
    if let Some(raw) = req.take("tool_choice") {
        tool_choice(raw, &mut out, &mut report);
    }
    thinking(&mut req, &mut out, &mut report);
    if let Some(mut metadata) = req.take_obj("metadata") {
        if let Some(user) = metadata.take("user_id") {
            out.raw("user", user.get());
        }
        metadata.report_rest("metadata", Dropped, NO_CHAT, &mut report);
    }
    for (key, reason) in MESSAGES_ONLY {
        if req.take(key).is_some() {
            report.add(key, Dropped, reason);
        }
    }
    out.extra(&req.rest());
    Ok(Converted {
        json: out.finish(),
        dropped: report.0,
    })
}

/// `system` as one system message: a string stays a string, text blocks
/// become text parts.
fn system(raw: &RawValue, report: &mut Report) -> Option<String> {
    let content = if raw.get().starts_with('"') {
        raw.get().to_owned()
    } else {
        let Some(blocks) = as_array(raw) else {
            report.add("system", Dropped, "not a string or an array of text blocks");
            return None;
        };
        let mut parts = Vec::with_capacity(blocks.len());
        for (i, block) in blocks.into_iter().enumerate() {
            let path = index("system", i);
            match Obj::typed(block, "text") {
                Some(mut block) => {
                    parts.push(text_item(&block.take_str("text").unwrap_or_default()));
                    report_block_rest(block, &path, report);
                }
                None => report.add(&path, Dropped, "the system prompt holds text only"),
            }
        }
        let mut out = String::new();
        write_list(&mut out, &parts);
        out
    };
    let mut message = Out::new();
    message.str("role", "system");
    message.raw("content", &content);
    Some(message.finish())
}

/// The turns, into `messages`: a user turn's `tool_result` blocks become
/// tool messages, followed by a user message with its other blocks.
fn conversation(raw: &RawValue, messages: &mut Vec<String>, report: &mut Report) {
    let Some(list) = as_array(raw) else {
        report.add("messages", Dropped, "not an array");
        return;
    };
    // Whether the previous turn was a user turn of tool results only: a
    // following user turn of blocks merges into it when converted back.
    let mut after_results = false;
    for (i, raw) in list.into_iter().enumerate() {
        let path = index("messages", i);
        let Some(mut msg) = Obj::parse(raw) else {
            report.add(&path, Dropped, "not an object");
            continue;
        };
        let role = msg.take_str("role");
        let content = msg.take("content");
        let content_path = join(&path, "content");
        let mut results_only = false;
        match role.as_deref() {
            Some("user") => {
                let Some(content) = content else {
                    report.add(&content_path, Dropped, "absent");
                    continue;
                };
                if after_results && content.get().starts_with('[') {
                    report.add(
                        &path,
                        Reshaped,
                        "content blocks right after a turn of tool results: merged into that turn when converted back",
                    );
                }
                results_only = user(content, &content_path, messages, report);
            }
            Some("assistant") => {
                let chat = assistant::blocks_to_chat(content, &content_path, Mode::Request, report);
                let mut out = Out::new();
                out.str("role", "assistant");
                chat.write(&mut out, false);
                messages.push(out.finish());
            }
            _ => {
                report.add(&join(&path, "role"), Dropped, "not user or assistant");
                continue;
            }
        }
        after_results = results_only;
        msg.report_rest(&path, Dropped, NO_CHAT, report);
    }
}

/// A user turn into `messages`; returns whether it held tool results only.
fn user(content: &RawValue, path: &str, messages: &mut Vec<String>, report: &mut Report) -> bool {
    let Some(blocks) = as_array(content) else {
        if let Some(content) = content_to_parts(content, path, report) {
            let mut out = Out::new();
            out.str("role", "user");
            out.raw("content", &content);
            messages.push(out.finish());
        }
        return false;
    };
    let mut parts = Vec::new();
    let mut results = 0;
    let mut moved = false;
    for (i, block) in blocks.iter().enumerate() {
        let at = index(path, i);
        if let Some(result) = Obj::typed(block, "tool_result") {
            if !parts.is_empty() && !moved {
                moved = true;
                report.add(
                    path,
                    Reshaped,
                    "a tool result after other content: Chat puts tool messages first, and they come back first",
                );
            }
            messages.push(tool_message(result, &at, report));
            results += 1;
        } else {
            parts.extend(block_to_part(block, &at, report));
        }
    }
    if results == 0 || !parts.is_empty() {
        let mut out = Out::new();
        out.str("role", "user");
        out.list("content", &parts);
        messages.push(out.finish());
    }
    results > 0 && parts.is_empty()
}

/// A `tool_result` block (its `type` read) as a tool message.
fn tool_message(mut block: Obj<'_>, path: &str, report: &mut Report) -> String {
    let mut out = Out::new();
    out.str("role", "tool");
    match block.take("tool_use_id") {
        Some(id) => out.raw("tool_call_id", id.get()),
        None => {
            report.add(
                &join(path, "tool_use_id"),
                Unsupported,
                "absent: Chat requires tool_call_id, \"\" is sent",
            );
            out.str("tool_call_id", "");
        }
    }
    let content_path = join(path, "content");
    let content = block
        .take("content")
        .and_then(|raw| content_to_parts(raw, &content_path, report));
    match content {
        Some(content) => out.raw("content", &content),
        None => {
            report.add(
                &content_path,
                Reshaped,
                "absent: \"\" is sent, which comes back as a string",
            );
            out.str("content", "");
        }
    }
    if block.take("is_error").is_some() {
        report.add(
            &join(path, "is_error"),
            Dropped,
            "Chat tool messages have no error flag",
        );
    }
    report_block_rest(block, path, report);
    out.finish()
}

/// `tools`: each `input_schema` becomes a function's `parameters`, as written.
fn tools(raw: &RawValue, out: &mut Out, report: &mut Report) {
    let Some(list) = as_array(raw) else {
        report.add("tools", Dropped, "not an array");
        return;
    };
    let mut tools = Vec::with_capacity(list.len());
    for (i, raw) in list.into_iter().enumerate() {
        let path = index("tools", i);
        let Some(mut tool) = Obj::parse(raw) else {
            report.add(&path, Dropped, "not an object");
            continue;
        };
        match tool.take_str("type").as_deref() {
            None => {}
            Some("custom") => report.add(
                &join(&path, "type"),
                Reshaped,
                "\"custom\" is the default: comes back absent",
            ),
            Some(_) => {
                report.add(
                    &path,
                    Dropped,
                    "a server tool: Chat Completions has no equivalent",
                );
                continue;
            }
        }
        let mut function = Out::new();
        if let Some(name) = tool.take("name") {
            function.raw("name", name.get());
        }
        if let Some(description) = tool.take("description") {
            function.raw("description", description.get());
        }
        if let Some(schema) = tool.take("input_schema") {
            function.raw("parameters", schema.get());
        }
        report_block_rest(tool, &path, report);
        let mut out = Out::new();
        out.str("type", "function");
        out.raw("function", &function.finish());
        tools.push(out.finish());
    }
    out.list("tools", &tools);
}

/// `tool_choice` as Chat's `tool_choice` and `parallel_tool_calls`.
fn tool_choice(raw: &RawValue, out: &mut Out, report: &mut Report) {
    let Some(mut choice) = Obj::parse(raw) else {
        report.add("tool_choice", Dropped, "not an object");
        return;
    };
    match choice.take_str("type").as_deref() {
        Some("auto") => out.str("tool_choice", "auto"),
        Some("any") => out.str("tool_choice", "required"),
        Some("none") => out.str("tool_choice", "none"),
        Some("tool") => {
            let mut function = Out::new();
            function.raw("name", choice.take("name").map_or("\"\"", RawValue::get));
            let mut named = Out::new();
            named.str("type", "function");
            named.raw("function", &function.finish());
            out.raw("tool_choice", &named.finish());
        }
        _ => report.add("tool_choice.type", Dropped, "not a tool choice Chat knows"),
    }
    if let Some(disable) = choice.take("disable_parallel_tool_use").and_then(as_bool) {
        out.raw(
            "parallel_tool_calls",
            if disable { "false" } else { "true" },
        );
    }
    choice.report_rest("tool_choice", Dropped, NO_CHAT, report);
}

/// `thinking` as `reasoning_effort` and `chat_template_args.enable_thinking`,
/// merged with any `chat_template_args` the body carries.
fn thinking(req: &mut Obj<'_>, out: &mut Out, report: &mut Report) {
    let carried = req.take("chat_template_args");
    let mut enable = None;
    if let Some(mut thinking) = req.take_obj("thinking") {
        match thinking.take_str("type").as_deref() {
            Some("enabled") => {
                enable = Some("true");
                let budget = thinking.take("budget_tokens").and_then(as_u64);
                out.str("reasoning_effort", effort(budget, report));
            }
            Some("disabled") => enable = Some("false"),
            Some("adaptive") => {
                enable = Some("true");
                report.add(
                    "thinking.type",
                    Approximated,
                    "adaptive: sent as enable_thinking alone, which comes back as enabled with the medium budget",
                );
            }
            _ => report.add("thinking.type", Dropped, "not a thinking mode Chat knows"),
        }
        thinking.report_rest("thinking", Dropped, NO_CHAT, report);
    }
    let mut args = Out::new();
    if let Some(enable) = enable {
        args.raw("enable_thinking", enable);
    }
    match carried.map(|raw| (raw, Obj::parse(raw))) {
        None => {}
        Some((_, Some(mut carried))) => {
            if enable.is_some() && carried.take("enable_thinking").is_some() {
                report.add(
                    "chat_template_args.enable_thinking",
                    Dropped,
                    "thinking decides it",
                );
            }
            args.extra(&carried.rest());
        }
        Some((raw, None)) if args.is_empty() => {
            out.raw("chat_template_args", raw.get());
            return;
        }
        Some(_) => report.add("chat_template_args", Dropped, "not an object"),
    }
    if !args.is_empty() {
        out.raw("chat_template_args", &args.finish());
    }
}

/// The `reasoning_effort` for a thinking budget.
fn effort(budget: Option<u64>, report: &mut Report) -> &'static str {
    let Some(budget) = budget else {
        report.add(
            "thinking.budget_tokens",
            Approximated,
            "absent: the medium effort is sent",
        );
        return THINKING_BUDGETS[1].0;
    };
    if let Some((name, _)) = THINKING_BUDGETS.iter().find(|(_, b)| *b == budget) {
        return name;
    }
    let name = match budget {
        0..=2048 => THINKING_BUDGETS[0].0,
        2049..=8192 => THINKING_BUDGETS[1].0,
        _ => THINKING_BUDGETS[2].0,
    };
    let reason = [
        "no reasoning_effort for this budget: \"",
        name,
        "\" is sent, which comes back as its budget",
    ]
    .concat();
    report.add("thinking.budget_tokens", Approximated, &reason);
    name
}
