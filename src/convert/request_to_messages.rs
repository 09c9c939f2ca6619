//! A `/chat/completions` request body as a `/v1/messages` one.

use super::LossKind::{Approximated, Dropped, Reshaped, Unsupported};
use super::assistant::{self, Mode};
use super::parts::{Content, NO_MESSAGES, content_to_blocks, part_to_block};
use super::raw::{
    Obj, Out, Report, as_array, as_bool, as_f64, as_str, index, join, text_item, write_list,
};
use super::{ConvertError, Converted, DEFAULT_MAX_TOKENS, THINKING_BUDGETS};
use serde_json::value::RawValue;

/// Chat Completions fields with no Messages equivalent, and why.
const CHAT_ONLY: [(&str, &str); 19] = [
    ("n", "Messages gives one reply per request"),
    ("logprobs", "Messages has no log probabilities"),
    ("top_logprobs", "Messages has no log probabilities"),
    (
        "response_format",
        "Baseten's Messages API has no structured output",
    ),
    ("frequency_penalty", NO_MESSAGES),
    ("presence_penalty", NO_MESSAGES),
    ("logit_bias", NO_MESSAGES),
    ("seed", NO_MESSAGES),
    ("functions", "legacy functions: declare tools instead"),
    (
        "function_call",
        "legacy function_call: use tool_choice instead",
    ),
    (
        "metadata",
        "Chat metadata (stored completions) has no Messages equivalent",
    ),
    ("store", NO_MESSAGES),
    ("service_tier", NO_MESSAGES),
    ("modalities", NO_MESSAGES),
    ("audio", NO_MESSAGES),
    ("prediction", NO_MESSAGES),
    ("web_search_options", NO_MESSAGES),
    (
        "prompt_cache_key",
        "no Messages equivalent (Baseten caches prompts automatically)",
    ),
    ("safety_identifier", NO_MESSAGES),
];

/// Converts a Chat Completions request body to a Messages one.
///
/// See the [module docs](super) for each mapping and each loss. Fields
/// neither protocol defines (`min_p`, `repetition_penalty`, …) are carried
/// as they are.
///
/// ```
/// use modelwire::convert::chat_to_messages_request;
/// let converted = chat_to_messages_request(
///     r#"{"model":"m","messages":[{"role":"system","content":"Be brief."},
///         {"role":"user","content":"Hi"}],"max_completion_tokens":256}"#,
/// )
/// .unwrap();
/// assert_eq!(
///     converted.json,
///     r#"{"model":"m","max_tokens":256,"system":"Be brief.","messages":[{"role":"user","content":"Hi"}]}"#
/// );
/// ```
pub fn chat_to_messages_request(body: &str) -> Result<Converted, ConvertError> {
    let mut req = Obj::root(body)?;
    let mut report = Report::default();
    let mut out = Out::new();
    if let Some(model) = req.take("model") {
        out.raw("model", model.get());
    }
    let turns = match req.take("messages") {
        Some(raw) => turns(raw, &mut report),
        None => Turns::default(),
    };
    let (thinking, budget, template_args) = thinking(&mut req, &mut report);
    out.num("max_tokens", max_tokens(&mut req, budget, &mut report));
    if let Some(system) = &turns.system {
        out.raw("system", system);
    }
    out.list("messages", &turns.messages);

    if let Some(temperature) = req.take("temperature") {
        if as_f64(temperature).is_some_and(|t| t > 1.0) {
            report.add(
                "temperature",
                Unsupported,
                "above the Messages maximum of 1: sent unchanged, the server may refuse it",
            );
        }
        out.raw("temperature", temperature.get());
    }
    if let Some(top_p) = req.take("top_p") {
        out.raw("top_p", top_p.get());
    }
    if let Some(top_k) = req.take("top_k") {
        if top_k.get() == "-1" {
            report.add(
                "top_k",
                Reshaped,
                "-1 (off) is the Messages default: not sent",
            );
        } else {
            out.raw("top_k", top_k.get());
        }
    }
    if let Some(stop) = req.take("stop") {
        if stop.get().starts_with('"') {
            report.add(
                "stop",
                Reshaped,
                "a string: sent as a one-element list, comes back as one",
            );
            out.raw("stop_sequences", &["[", stop.get(), "]"].concat());
        } else {
            out.raw("stop_sequences", stop.get());
        }
    }
    let streaming = req.take("stream").is_some_and(|stream| {
        out.raw("stream", stream.get());
        stream.get() == "true"
    });
    if let Some(raw) = req.take("tools") {
        tools(raw, &mut out, &mut report);
    }
    tool_choice(&mut req, &mut out, &mut report);
    if let Some(thinking) = &thinking {
        out.raw("thinking", thinking);
    }
    if let Some(user) = req.take("user") {
        let mut metadata = Out::new();
        metadata.raw("user_id", user.get());
        out.raw("metadata", &metadata.finish());
    }
    if let Some(args) = &template_args {
        out.raw("chat_template_args", args);
    }
    for (key, reason) in CHAT_ONLY {
        if req.take(key).is_some() {
            report.add(key, Dropped, reason);
        }
    }
    // Messages streams always carry usage, and a Messages stream request
    // converts back with `include_usage` on (see `request_to_chat`).
    let options = req.take("stream_options");
    let usage_on = options.is_some_and(|o| {
        serde_json::from_str::<serde_json::Value>(o.get())
            .is_ok_and(|v| v == serde_json::json!({"include_usage": true}))
    });
    match (options, streaming) {
        (Some(_), true) if usage_on => {}
        (Some(_), _) => report.add(
            "stream_options",
            Dropped,
            "Messages streams always carry usage and have no other stream options",
        ),
        (None, true) => report.add(
            "stream",
            Reshaped,
            "Messages streams always carry usage: comes back with stream_options.include_usage",
        ),
        (None, false) => {}
    }
    // What neither protocol defines is the server's: carried as it is.
    out.extra(&req.rest());
    Ok(Converted {
        json: out.finish(),
        dropped: report.0,
    })
}

/// `max_completion_tokens`, else `max_tokens`, else a default above the
/// thinking budget (Messages requires the field).
fn max_tokens(req: &mut Obj<'_>, budget: Option<u64>, report: &mut Report) -> u64 {
    let completion = req.take("max_completion_tokens");
    let legacy = req.take("max_tokens");
    let read = |raw: Option<&RawValue>, key: &str, report: &mut Report| {
        let raw = raw?;
        let value = serde_json::from_str::<u64>(raw.get()).ok();
        if value.is_none() {
            report.add(key, Dropped, "not a token count");
        }
        value
    };
    let completion_value = read(completion, "max_completion_tokens", report);
    let legacy_value = read(legacy, "max_tokens", report);
    let value = match (completion_value, legacy_value) {
        (Some(c), Some(l)) => {
            let reason = if c == l {
                "repeats max_completion_tokens: comes back alone"
            } else {
                "differs from max_completion_tokens, which is sent"
            };
            report.add(
                "max_tokens",
                if c == l { Reshaped } else { Dropped },
                reason,
            );
            report.add(
                "max_completion_tokens",
                Reshaped,
                "comes back as max_tokens",
            );
            Some(c)
        }
        (Some(c), None) => {
            report.add(
                "max_completion_tokens",
                Reshaped,
                "comes back as max_tokens",
            );
            Some(c)
        }
        (None, l) => l,
    };
    match (value, budget) {
        (Some(value), Some(budget)) if value <= budget => {
            let reason = [
                "not above the thinking budget (",
                &budget.to_string(),
                "): Messages servers may refuse it",
            ]
            .concat();
            report.add("max_tokens", Unsupported, &reason);
            value
        }
        (Some(value), _) => value,
        (None, budget) => {
            let value = DEFAULT_MAX_TOKENS + budget.unwrap_or(0);
            let reason = [
                "absent: Messages requires max_tokens, ",
                &value.to_string(),
                " is sent",
            ]
            .concat();
            report.add("max_tokens", Approximated, &reason);
            value
        }
    }
}

/// `reasoning_effort` and `chat_template_args.enable_thinking` as Messages
/// `thinking`: (the `thinking` object, its budget, what else
/// `chat_template_args` held).
fn thinking(
    req: &mut Obj<'_>,
    report: &mut Report,
) -> (Option<String>, Option<u64>, Option<String>) {
    let effort = req.take_str("reasoning_effort");
    let mut enable = None;
    let mut args_left = None;
    if let Some(raw) = req.take("chat_template_args") {
        match Obj::parse(raw) {
            Some(mut args) => {
                enable = args.take("enable_thinking").and_then(as_bool);
                let mut left = Out::new();
                left.extra(&args.rest());
                if !left.is_empty() {
                    args_left = Some(left.finish());
                }
            }
            None => args_left = Some(raw.get().to_owned()),
        }
    }
    let mut thinking = Out::new();
    let off = enable == Some(false) || effort.as_deref() == Some("none");
    if off {
        thinking.str("type", "disabled");
        match (effort.as_deref(), enable) {
            (Some("none"), None) => report.add(
                "reasoning_effort",
                Reshaped,
                "\"none\": thinking is disabled, which comes back as chat_template_args.enable_thinking false",
            ),
            (Some("none"), _) => report.add(
                "reasoning_effort",
                Reshaped,
                "\"none\" beside enable_thinking false: comes back as the latter alone",
            ),
            (Some(_), _) => report.add(
                "reasoning_effort",
                Dropped,
                "enable_thinking is false: thinking is disabled",
            ),
            (None, _) => {}
        }
        return (Some(thinking.finish()), None, args_left);
    }
    if enable != Some(true) && effort.is_none() {
        return (None, None, args_left);
    }
    let budget = match effort.as_deref() {
        None => {
            report.add(
                "reasoning_effort",
                Reshaped,
                "absent: thinking gets the medium budget, which comes back as reasoning_effort \"medium\"",
            );
            THINKING_BUDGETS[1].1
        }
        Some(effort) => match THINKING_BUDGETS.iter().find(|(name, _)| *name == effort) {
            Some((_, budget)) => *budget,
            None => {
                let nearest = match effort {
                    "minimal" => THINKING_BUDGETS[0],
                    "xhigh" | "max" => THINKING_BUDGETS[2],
                    _ => THINKING_BUDGETS[1],
                };
                let reason = [
                    "no thinking budget for this effort: the ",
                    nearest.0,
                    " budget is used",
                ]
                .concat();
                report.add("reasoning_effort", Approximated, &reason);
                nearest.1
            }
        },
    };
    if enable.is_none() {
        report.add(
            "chat_template_args.enable_thinking",
            Reshaped,
            "absent: enabled thinking comes back with enable_thinking true",
        );
    }
    thinking.str("type", "enabled");
    thinking.num("budget_tokens", budget);
    (Some(thinking.finish()), Some(budget), args_left)
}

/// The conversation: leading system messages become `system`, tool
/// messages become `tool_result` blocks in a user turn.
#[derive(Default)]
struct Turns {
    system: Option<String>,
    messages: Vec<String>,
}

/// A Messages turn being built.
struct Turn {
    user: bool,
    content: Content,
    /// Holds tool results and nothing else yet: a following tool message,
    /// or a user message with content parts, joins it.
    open_results: bool,
}

impl Turn {
    fn write(&self) -> String {
        let mut out = Out::new();
        out.str("role", if self.user { "user" } else { "assistant" });
        out.raw("content", &self.content.to_json());
        out.finish()
    }
}

fn turns(raw: &RawValue, report: &mut Report) -> Turns {
    let Some(list) = as_array(raw) else {
        report.add("messages", Dropped, "not an array");
        return Turns::default();
    };
    let mut system: Vec<String> = Vec::new();
    let mut system_text: Option<String> = None;
    let mut system_paths: Vec<String> = Vec::new();
    let mut turns: Vec<Turn> = Vec::new();
    for (i, raw) in list.into_iter().enumerate() {
        let path = index("messages", i);
        let Some(mut msg) = Obj::parse(raw) else {
            report.add(&path, Dropped, "not an object");
            continue;
        };
        let role = msg.take_str("role");
        match role.as_deref() {
            Some(role @ ("system" | "developer")) => {
                if role == "developer" {
                    report.add(
                        &join(&path, "role"),
                        Approximated,
                        "Messages has one system prompt: a developer message joins it and comes back as system",
                    );
                }
                if !turns.is_empty() {
                    report.add(
                        &path,
                        Approximated,
                        "Messages has no system turns: moved into the system prompt",
                    );
                }
                let content_path = join(&path, "content");
                if let Some(content) = msg.take("content") {
                    if content.get().starts_with('"') {
                        system_text = Some(content.get().to_owned());
                        let text = as_str(content).unwrap_or_default();
                        system.push(text_item(&text));
                    } else if let Some(parts) = as_array(content) {
                        system_text = None;
                        for (j, part) in parts.into_iter().enumerate() {
                            let at = index(&content_path, j);
                            match part_to_block(part, &at, report) {
                                Some(block) if block.starts_with(r#"{"type":"text""#) => {
                                    system.push(block);
                                }
                                Some(_) => {
                                    report.add(&at, Dropped, "the system prompt holds text only")
                                }
                                None => {}
                            }
                        }
                    } else {
                        report.add(&content_path, Dropped, "not a string or an array of parts");
                    }
                }
                system_paths.push(path.clone());
                msg.report_rest(&path, Dropped, NO_MESSAGES, report);
            }
            Some("user") => {
                let content_path = join(&path, "content");
                let content = match msg.take("content") {
                    Some(raw) => content_to_blocks(raw, &content_path, report),
                    None => {
                        report.add(&content_path, Reshaped, "absent: comes back as \"\"");
                        None
                    }
                };
                let content = content.unwrap_or_else(|| Content::Text("\"\"".to_owned()));
                msg.report_rest(&path, Dropped, NO_MESSAGES, report);
                // Content parts right after tool results join their turn,
                // the way Anthropic's clients send them; a string stays a
                // turn of its own, so that it comes back a string.
                if let Content::Blocks(parts) = &content
                    && let Some(last) = turns.last_mut().filter(|t| t.open_results)
                    && let Content::Blocks(blocks) = &mut last.content
                {
                    blocks.extend(parts.iter().cloned());
                    last.open_results = false;
                    continue;
                }
                turns.push(Turn {
                    user: true,
                    content,
                    open_results: false,
                });
            }
            Some("assistant") => {
                let content = assistant::chat_to_blocks(&mut msg, &path, Mode::Request, report);
                msg.report_rest(&path, Dropped, NO_MESSAGES, report);
                turns.push(Turn {
                    user: false,
                    content,
                    open_results: false,
                });
            }
            Some("tool") => {
                let block = tool_result(&mut msg, &path, report);
                msg.report_rest(&path, Dropped, NO_MESSAGES, report);
                if let Some(last) = turns.last_mut().filter(|t| t.open_results)
                    && let Content::Blocks(blocks) = &mut last.content
                {
                    blocks.push(block);
                    continue;
                }
                turns.push(Turn {
                    user: true,
                    content: Content::Blocks(vec![block]),
                    open_results: true,
                });
            }
            Some("function") => report.add(
                &path,
                Dropped,
                "legacy function messages have no Messages equivalent",
            ),
            _ => report.add(&join(&path, "role"), Dropped, "not a role Messages knows"),
        }
    }
    if system_paths.len() > 1 {
        for path in &system_paths {
            report.add(
                path,
                Reshaped,
                "system messages are merged into one system prompt, which comes back as one system message",
            );
        }
    }
    let system = match (system_paths.len(), system_text) {
        (0, _) => None,
        (1, Some(text)) => Some(text),
        _ => {
            let mut out = String::new();
            write_list(&mut out, &system);
            Some(out)
        }
    };
    Turns {
        system,
        messages: turns.iter().map(Turn::write).collect(),
    }
}

/// A tool message as a `tool_result` block.
fn tool_result(msg: &mut Obj<'_>, path: &str, report: &mut Report) -> String {
    let mut block = Out::new();
    block.str("type", "tool_result");
    match msg.take("tool_call_id") {
        Some(id) => block.raw("tool_use_id", id.get()),
        None => {
            report.add(
                &join(path, "tool_call_id"),
                Unsupported,
                "absent: Messages requires tool_use_id, \"\" is sent",
            );
            block.str("tool_use_id", "");
        }
    }
    let content_path = join(path, "content");
    match msg.take("content") {
        Some(raw) => {
            if let Some(content) = content_to_blocks(raw, &content_path, report) {
                block.raw("content", &content.to_json());
            }
        }
        None => report.add(&content_path, Reshaped, "absent: comes back as \"\""),
    }
    if msg.take("name").is_some() {
        report.add(
            &join(path, "name"),
            Dropped,
            "Messages tool results have no name",
        );
    }
    block.finish()
}

/// `tools`: each function's `parameters` become `input_schema`, as written.
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
            Some("function") => {}
            None => report.add(
                &join(&path, "type"),
                Reshaped,
                "absent: comes back as \"function\"",
            ),
            Some(_) => {
                report.add(
                    &path,
                    Dropped,
                    "only function tools have a Messages equivalent",
                );
                continue;
            }
        }
        let function_path = join(&path, "function");
        let Some(mut function) = tool.take_obj("function") else {
            report.add(&function_path, Dropped, "a tool without a function");
            continue;
        };
        let mut out = Out::new();
        if let Some(name) = function.take("name") {
            out.raw("name", name.get());
        }
        if let Some(description) = function.take("description") {
            out.raw("description", description.get());
        }
        match function.take("parameters") {
            Some(schema) => out.raw("input_schema", schema.get()),
            None => {
                report.add(
                    &join(&function_path, "parameters"),
                    Reshaped,
                    "absent: Messages requires input_schema, an empty object schema is sent",
                );
                out.raw("input_schema", r#"{"type":"object","properties":{}}"#);
            }
        }
        if function.take("strict").is_some() {
            report.add(
                &join(&function_path, "strict"),
                Dropped,
                "Baseten's Messages API has no strict tool schemas",
            );
        }
        function.report_rest(&function_path, Dropped, NO_MESSAGES, report);
        tool.report_rest(&path, Dropped, NO_MESSAGES, report);
        tools.push(out.finish());
    }
    out.list("tools", &tools);
}

/// `tool_choice` and `parallel_tool_calls` as one Messages `tool_choice`.
fn tool_choice(req: &mut Obj<'_>, out: &mut Out, report: &mut Report) {
    let choice = req.take("tool_choice");
    let parallel = req.take("parallel_tool_calls");
    let mut result = Out::new();
    let mut none = false;
    if let Some(raw) = choice {
        let mode = as_str(raw);
        match mode.as_deref() {
            Some("auto") => result.str("type", "auto"),
            Some("none") => {
                result.str("type", "none");
                none = true;
            }
            Some("required") => result.str("type", "any"),
            Some(_) => report.add("tool_choice", Dropped, "not a mode Messages knows"),
            None => match Obj::typed(raw, "function") {
                Some(mut named) => {
                    let name = named
                        .take_obj("function")
                        .and_then(|mut f| f.take("name"))
                        .map_or("\"\"", RawValue::get);
                    result.str("type", "tool");
                    result.raw("name", name);
                    named.report_rest("tool_choice", Dropped, NO_MESSAGES, report);
                }
                None => report.add(
                    "tool_choice",
                    Dropped,
                    "only a function tool choice has a Messages equivalent",
                ),
            },
        }
    }
    match parallel.map(as_bool) {
        None => {}
        Some(None) => report.add("parallel_tool_calls", Dropped, "not a boolean"),
        Some(Some(_)) if none => report.add(
            "parallel_tool_calls",
            Dropped,
            "tool_choice is none: no tool is called",
        ),
        Some(Some(parallel)) if result.is_empty() => {
            if parallel {
                report.add(
                    "parallel_tool_calls",
                    Reshaped,
                    "true is the default: not sent",
                );
            } else {
                report.add(
                    "tool_choice",
                    Reshaped,
                    "absent: {type: auto} is sent to carry disable_parallel_tool_use, comes back as \"auto\"",
                );
                result.str("type", "auto");
                result.raw("disable_parallel_tool_use", "true");
            }
        }
        Some(Some(parallel)) => {
            result.raw(
                "disable_parallel_tool_use",
                if parallel { "false" } else { "true" },
            );
        }
    }
    if !result.is_empty() {
        out.raw("tool_choice", &result.finish());
    }
}
