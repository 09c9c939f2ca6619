//! `/chat/completions` request bodies.

use super::fields::{
    Obj, Result, check_object_schema, check_tool_name, is_image_url, one_of, parse, quote,
    show_number, type_error,
};
use super::{RequestSummary, ValidationError};
use serde_json::Value;

const ROLES: [&str; 6] = [
    "system",
    "developer",
    "user",
    "assistant",
    "tool",
    "function",
];

/// Checks a `/chat/completions` request body (JSON text) before it is sent.
///
/// Unknown fields, content-part types and tool types beyond `function` /
/// `custom` are not errors; `null` for an optional parameter is absent.
/// Baseten's own rule that `n` is 1 is enforced too.
pub fn validate_chat_request(body: &str) -> std::result::Result<RequestSummary, ValidationError> {
    validate_chat_value(&parse(body)?)
}

/// [`validate_chat_request`] for a body already parsed.
pub fn validate_chat_value(body: &Value) -> std::result::Result<RequestSummary, ValidationError> {
    let req = Obj::root(body)?;
    let mut summary = RequestSummary {
        model: req.non_empty_str("model")?.to_owned(),
        ..RequestSummary::default()
    };

    for (path, message) in req.non_empty_array("messages")?.iter() {
        check_message(Obj::new(path, message)?, &mut summary)?;
    }

    // Sampling and length.
    req.number_between("temperature", 0.0, 2.0)?;
    req.probability("top_p")?;
    req.number_between("frequency_penalty", -2.0, 2.0)?;
    req.number_between("presence_penalty", -2.0, 2.0)?;
    if let Some(n) = req.integer("n")?
        && n != 1
    {
        return Err(req.error(
            "n",
            format!("must be 1 (one choice per request on Baseten), got {n}"),
        ));
    }
    let max_tokens = req.token_count("max_tokens")?;
    let max_completion_tokens = req.token_count("max_completion_tokens")?;
    summary.max_output_tokens = max_completion_tokens.or(max_tokens);
    check_stop(&req)?;
    req.integer_at_least("top_k", -1)?;
    req.number_between("min_p", 0.0, 1.0)?;
    if let Some(penalty) = req.number("repetition_penalty")?
        && penalty <= 0.0
    {
        return Err(req.error(
            "repetition_penalty",
            format!("must be greater than 0, got {}", show_number(penalty)),
        ));
    }
    req.integer("seed")?;
    if let Some(bias) = req.object("logit_bias")? {
        for key in bias.keys() {
            bias.number_between(key, -100.0, 100.0)?;
        }
    }
    req.bool("logprobs")?;
    if let Some(top) = req.integer("top_logprobs")?
        && !(0..=20).contains(&top)
    {
        return Err(req.error(
            "top_logprobs",
            format!("must be between 0 and 20, got {top}"),
        ));
    }
    req.str("user")?;

    // Tools.
    let names = check_tools(&req)?;
    summary.uses_tools = !names.is_empty()
        || req
            .get("functions")
            .and_then(Value::as_array)
            .is_some_and(|functions| !functions.is_empty());
    check_tool_choice(&req, &names)?;
    req.bool("parallel_tool_calls")?;

    check_response_format(&req, &mut summary)?;

    // Streaming.
    summary.stream = req.bool("stream")?.unwrap_or(false);
    if let Some(options) = req.object("stream_options")? {
        options.bool("include_usage")?;
        options.bool("continuous_usage_stats")?;
    }

    // Reasoning.
    if let Some(effort) = req.str("reasoning_effort")? {
        if effort.is_empty() {
            return Err(req.error("reasoning_effort", "must not be empty"));
        }
        summary.reasoning_requested |= effort != "none";
    }
    if let Some(args) = req.object("chat_template_args")? {
        summary.reasoning_requested |= thinking_on(&args);
    }
    // vLLM's name for the same thing; not checked, only read.
    if let Some(Ok(kwargs)) = req
        .get("chat_template_kwargs")
        .map(|value| Obj::new(req.path("chat_template_kwargs"), value))
    {
        summary.reasoning_requested |= thinking_on(&kwargs);
    }

    Ok(summary)
}

/// `enable_thinking: true` or `thinking: true` in template arguments.
fn thinking_on(args: &Obj<'_>) -> bool {
    ["enable_thinking", "thinking"]
        .iter()
        .any(|key| args.get(key) == Some(&Value::Bool(true)))
}

fn check_message(msg: Obj<'_>, summary: &mut RequestSummary) -> Result<()> {
    let role = msg.required_str("role")?;
    match role {
        "system" | "developer" | "user" => check_content(&msg, false, summary)?,
        "assistant" => {
            // Content may be null or absent: with tool_calls, and also in a
            // reply cut by the length limit that the caller passes back.
            check_content(&msg, true, summary)?;
            check_tool_calls(&msg)?;
            msg.str("refusal")?;
        }
        "tool" => {
            msg.non_empty_str("tool_call_id")?;
            check_content(&msg, false, summary)?;
        }
        "function" => {
            msg.non_empty_str("name")?;
            check_content(&msg, true, summary)?;
        }
        other => {
            return Err(msg.error(
                "role",
                format!("must be {}, got {}", one_of(&ROLES), quote(other)),
            ));
        }
    }
    msg.str("name")?;
    Ok(())
}

/// `content`: a string or an array of parts; `null` or absent when `optional`.
fn check_content(msg: &Obj<'_>, optional: bool, summary: &mut RequestSummary) -> Result<()> {
    const EXPECTED: &str = "a string or an array of content parts";
    match msg.raw("content") {
        None | Some(Value::Null) if optional => Ok(()),
        None => Err(msg.error("content", "is required")),
        Some(Value::String(_)) => Ok(()),
        Some(Value::Array(parts)) => {
            for (i, part) in parts.iter().enumerate() {
                let path = format!("{}[{i}]", msg.path("content"));
                check_part(Obj::new(path, part)?, summary)?;
            }
            Ok(())
        }
        Some(other) => Err(type_error(msg.path("content"), EXPECTED, other)),
    }
}

/// One content part; types this module does not know pass.
fn check_part(part: Obj<'_>, summary: &mut RequestSummary) -> Result<()> {
    match part.required_str("type")? {
        "text" => {
            part.required_str("text")?;
        }
        "refusal" => {
            part.required_str("refusal")?;
        }
        "image_url" => {
            let image = part.required_object("image_url")?;
            let url = image.required_str("url")?;
            if !is_image_url(url) {
                return Err(image.error(
                    "url",
                    format!("must be an https, http or data: URL, got {}", quote(url)),
                ));
            }
            image.str("detail")?;
            summary.has_images = true;
        }
        "input_audio" => {
            let audio = part.required_object("input_audio")?;
            audio.non_empty_str("data")?;
            audio.non_empty_str("format")?;
            summary.has_audio = true;
        }
        _ => {}
    }
    Ok(())
}

/// An assistant message's `tool_calls`.
fn check_tool_calls(msg: &Obj<'_>) -> Result<()> {
    let Some(calls) = msg.array("tool_calls")? else {
        return Ok(());
    };
    for (path, call) in calls.iter() {
        let call = Obj::new(path, call)?;
        call.non_empty_str("id")?;
        match call.required_str("type")? {
            "function" => {
                let function = call.required_object("function")?;
                function.non_empty_str("name")?;
                // Baseten returns (and accepts) arguments as an object too.
                match function.required("arguments")? {
                    Value::String(_) | Value::Object(_) => {}
                    other => {
                        return Err(type_error(
                            function.path("arguments"),
                            "a string of JSON or an object",
                            other,
                        ));
                    }
                }
            }
            "custom" => {
                let custom = call.required_object("custom")?;
                custom.non_empty_str("name")?;
                custom.required_str("input")?;
            }
            other => {
                return Err(call.error(
                    "type",
                    format!("must be \"function\" or \"custom\", got {}", quote(other)),
                ));
            }
        }
    }
    Ok(())
}

/// `stop`: a string or at most 4 strings.
fn check_stop(req: &Obj<'_>) -> Result<()> {
    match req.get("stop") {
        None | Some(Value::String(_)) => Ok(()),
        Some(Value::Array(_)) => req.strings("stop", 4),
        Some(other) => Err(type_error(
            req.path("stop"),
            "a string or an array of strings",
            other,
        )),
    }
}

/// `tools`; returns the declared names.
fn check_tools(req: &Obj<'_>) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let Some(tools) = req.array("tools")? else {
        return Ok(names);
    };
    for (path, tool) in tools.iter() {
        let tool = Obj::new(path, tool)?;
        match tool.required_str("type")? {
            "function" => {
                let function = tool.required_object("function")?;
                names.push(check_tool_name(&function, "name")?);
                function.str("description")?;
                check_object_schema(&function, "parameters", false)?;
                function.bool("strict")?;
            }
            "custom" => {
                let custom = tool.required_object("custom")?;
                names.push(check_tool_name(&custom, "name")?);
                custom.str("description")?;
            }
            other => {
                return Err(tool.error(
                    "type",
                    format!("must be \"function\" or \"custom\", got {}", quote(other)),
                ));
            }
        }
    }
    Ok(names)
}

/// `tool_choice`: a mode, or an object naming a declared tool.
fn check_tool_choice(req: &Obj<'_>, names: &[String]) -> Result<()> {
    const MODES: [&str; 3] = ["none", "auto", "required"];
    match req.get("tool_choice") {
        None => Ok(()),
        Some(Value::String(mode)) => match mode.as_str() {
            "none" | "auto" => Ok(()),
            "required" if names.is_empty() => Err(req.error(
                "tool_choice",
                "is \"required\" but no tools are declared in tools",
            )),
            "required" => Ok(()),
            other => Err(req.error(
                "tool_choice",
                format!(
                    "must be {} or an object naming a tool, got {}",
                    one_of(&MODES),
                    quote(other)
                ),
            )),
        },
        Some(value @ Value::Object(_)) => {
            let choice = Obj::new(req.path("tool_choice"), value)?;
            let kind = choice.required_str("type")?;
            if kind != "function" && kind != "custom" {
                return Err(choice.error(
                    "type",
                    format!("must be \"function\" or \"custom\", got {}", quote(kind)),
                ));
            }
            let named = choice.required_object(kind)?;
            let name = named.non_empty_str("name")?;
            if !names.iter().any(|declared| declared == name) {
                return Err(named.error(
                    "name",
                    format!("names {}, which is not declared in tools", quote(name)),
                ));
            }
            Ok(())
        }
        Some(other) => Err(type_error(
            req.path("tool_choice"),
            "a string or an object",
            other,
        )),
    }
}

/// `response_format`: text, json_object or json_schema.
fn check_response_format(req: &Obj<'_>, summary: &mut RequestSummary) -> Result<()> {
    const TYPES: [&str; 3] = ["text", "json_object", "json_schema"];
    let Some(format) = req.object("response_format")? else {
        return Ok(());
    };
    match format.required_str("type")? {
        "text" => {}
        "json_object" => summary.uses_json_object = true,
        "json_schema" => {
            format.required_object("json_schema")?;
            summary.uses_json_schema = true;
        }
        other => {
            return Err(format.error(
                "type",
                format!("must be {}, got {}", one_of(&TYPES), quote(other)),
            ));
        }
    }
    // Also under json_object: the seed's legacy form nests a schema there.
    if let Some(schema) = format.object("json_schema")? {
        schema.non_empty_str("name")?;
        schema.str("description")?;
        if let Some(value) = schema.get("schema")
            && !value.is_object()
        {
            return Err(type_error(
                schema.path("schema"),
                "a JSON Schema object",
                value,
            ));
        }
        schema.bool("strict")?;
    }
    Ok(())
}
