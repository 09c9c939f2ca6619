//! `/v1/messages` (Anthropic Messages) request bodies.

use super::fields::{
    Obj, Result, check_object_schema, check_tool_name, is_http_url, one_of, parse, quote,
    type_error,
};
use super::{RequestSummary, ValidationError};
use serde_json::Value;

/// The smallest thinking budget accepted. Anthropic's own API asks for
/// 1024; Baseten documents no budget at all (the emulator and vLLM-style
/// servers accept `{"type":"enabled"}` alone), so only nonsense is refused.
const MIN_THINKING_BUDGET: i128 = 1;

/// Checks a `/v1/messages` request body (JSON text) before it is sent.
///
/// Unknown fields and block types (`thinking`, `redacted_thinking`,
/// `document`, …) are not errors; `null` for an optional parameter is absent.
pub fn validate_messages_request(
    body: &str,
) -> std::result::Result<RequestSummary, ValidationError> {
    validate_messages_value(&parse(body)?)
}

/// [`validate_messages_request`] for a body already parsed.
pub fn validate_messages_value(
    body: &Value,
) -> std::result::Result<RequestSummary, ValidationError> {
    let req = Obj::root(body)?;
    let mut summary = RequestSummary {
        model: req.non_empty_str("model")?.to_owned(),
        ..RequestSummary::default()
    };
    let max_tokens = req.token_count("max_tokens")?.ok_or_else(|| {
        req.error(
            "max_tokens",
            "is required (the Messages API has no default)",
        )
    })?;
    summary.max_output_tokens = Some(max_tokens);

    for (path, message) in req.non_empty_array("messages")?.iter() {
        check_message(Obj::new(path, message)?, &mut summary)?;
    }
    check_system(&req)?;

    req.number_between("temperature", 0.0, 1.0)?;
    req.probability("top_p")?;
    req.integer_at_least("top_k", 0)?;
    req.strings("stop_sequences", usize::MAX)?;

    let names = check_tools(&req)?;
    summary.uses_tools = !names.is_empty();
    check_tool_choice(&req, &names)?;

    if let Some(metadata) = req.object("metadata")? {
        metadata.str("user_id")?;
    }
    summary.stream = req.bool("stream")?.unwrap_or(false);
    check_thinking(&req, max_tokens, &mut summary)?;

    // Structured output (Anthropic's `output_format`, later
    // `output_config.format`): read for the summary, not checked.
    let output_format = req.get("output_format").or_else(|| {
        req.get("output_config")
            .and_then(|config| config.get("format"))
    });
    summary.uses_json_schema = output_format
        .and_then(|format| format.get("type"))
        .is_some_and(|kind| kind == "json_schema");

    Ok(summary)
}

fn check_message(msg: Obj<'_>, summary: &mut RequestSummary) -> Result<()> {
    let role = msg.required_str("role")?;
    match role {
        "user" | "assistant" => {}
        "system" => {
            return Err(msg.error(
                "role",
                "must be \"user\" or \"assistant\"; a system prompt goes in the top-level system field",
            ));
        }
        other => {
            return Err(msg.error(
                "role",
                format!("must be \"user\" or \"assistant\", got {}", quote(other)),
            ));
        }
    }
    match msg.required("content")? {
        Value::String(_) => Ok(()),
        Value::Array(blocks) => {
            for (i, block) in blocks.iter().enumerate() {
                let path = format!("{}[{i}]", msg.path("content"));
                check_block(Obj::new(path, block)?, role, summary)?;
            }
            Ok(())
        }
        other => Err(type_error(
            msg.path("content"),
            "a string or an array of content blocks",
            other,
        )),
    }
}

/// One content block of a message with `role`; unknown types pass.
fn check_block(block: Obj<'_>, role: &str, summary: &mut RequestSummary) -> Result<()> {
    match block.required_str("type")? {
        "text" => {
            block.required_str("text")?;
        }
        "image" => check_image(&block, summary)?,
        "tool_use" => {
            if role != "assistant" {
                return Err(block.error("type", "a tool_use block belongs in an assistant message"));
            }
            block.non_empty_str("id")?;
            block.non_empty_str("name")?;
            match block.required("input")? {
                Value::Object(_) => {}
                other => return Err(type_error(block.path("input"), "an object", other)),
            }
        }
        "tool_result" => {
            if role != "user" {
                return Err(block.error("type", "a tool_result block belongs in a user message"));
            }
            block.non_empty_str("tool_use_id")?;
            block.bool("is_error")?;
            match block.get("content") {
                None | Some(Value::String(_)) => {}
                Some(Value::Array(inner)) => {
                    for (i, item) in inner.iter().enumerate() {
                        let path = format!("{}[{i}]", block.path("content"));
                        check_result_block(Obj::new(path, item)?, summary)?;
                    }
                }
                Some(other) => {
                    return Err(type_error(
                        block.path("content"),
                        "a string or an array of content blocks",
                        other,
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// A block inside a `tool_result`'s content: text, image, or unknown.
fn check_result_block(block: Obj<'_>, summary: &mut RequestSummary) -> Result<()> {
    match block.required_str("type")? {
        "text" => {
            block.required_str("text")?;
        }
        "image" => check_image(&block, summary)?,
        _ => {}
    }
    Ok(())
}

/// An `image` block: a base64 or url source (other source types pass).
fn check_image(block: &Obj<'_>, summary: &mut RequestSummary) -> Result<()> {
    let source = block.required_object("source")?;
    match source.required_str("type")? {
        "base64" => {
            source.non_empty_str("media_type")?;
            source.non_empty_str("data")?;
        }
        "url" => {
            let url = source.required_str("url")?;
            if !is_http_url(url) {
                return Err(source.error(
                    "url",
                    format!("must be an https or http URL, got {}", quote(url)),
                ));
            }
        }
        _ => {}
    }
    summary.has_images = true;
    Ok(())
}

/// `system`: a string or an array of text blocks.
fn check_system(req: &Obj<'_>) -> Result<()> {
    match req.get("system") {
        None | Some(Value::String(_)) => Ok(()),
        Some(Value::Array(blocks)) => {
            for (i, block) in blocks.iter().enumerate() {
                let block = Obj::new(format!("{}[{i}]", req.path("system")), block)?;
                let kind = block.required_str("type")?;
                if kind != "text" {
                    return Err(block.error(
                        "type",
                        format!("must be \"text\" in system, got {}", quote(kind)),
                    ));
                }
                block.required_str("text")?;
            }
            Ok(())
        }
        Some(other) => Err(type_error(
            req.path("system"),
            "a string or an array of text blocks",
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
        names.push(check_tool_name(&tool, "name")?);
        tool.str("description")?;
        // A typed tool other than "custom" is a server tool
        // (`web_search_20250305`, …) and has no input_schema.
        match tool.str("type")? {
            None | Some("custom") => check_object_schema(&tool, "input_schema", true)?,
            Some(_) => {}
        }
    }
    Ok(names)
}

/// `tool_choice`: `{type: auto|any|tool|none, disable_parallel_tool_use?}`.
fn check_tool_choice(req: &Obj<'_>, names: &[String]) -> Result<()> {
    const TYPES: [&str; 4] = ["auto", "any", "tool", "none"];
    let Some(choice) = req.object("tool_choice")? else {
        return Ok(());
    };
    match choice.required_str("type")? {
        "auto" | "none" => {}
        "any" if names.is_empty() => {
            return Err(choice.error("type", "is \"any\" but no tools are declared in tools"));
        }
        "any" => {}
        "tool" => {
            let name = choice.non_empty_str("name")?;
            if !names.iter().any(|declared| declared == name) {
                return Err(choice.error(
                    "name",
                    format!("names {}, which is not declared in tools", quote(name)),
                ));
            }
        }
        other => {
            return Err(choice.error(
                "type",
                format!("must be {}, got {}", one_of(&TYPES), quote(other)),
            ));
        }
    }
    choice.bool("disable_parallel_tool_use")?;
    Ok(())
}

/// `thinking`: enabled with a budget below `max_tokens`, disabled, or adaptive.
fn check_thinking(req: &Obj<'_>, max_tokens: u64, summary: &mut RequestSummary) -> Result<()> {
    const TYPES: [&str; 3] = ["enabled", "disabled", "adaptive"];
    let Some(thinking) = req.object("thinking")? else {
        return Ok(());
    };
    match thinking.required_str("type")? {
        "enabled" => {
            // Optional at Baseten; when given, it must fit under max_tokens.
            let Some(budget) = thinking.integer("budget_tokens")? else {
                summary.reasoning_requested = true;
                return Ok(());
            };
            if budget < MIN_THINKING_BUDGET {
                return Err(thinking.error(
                    "budget_tokens",
                    format!("must be at least {MIN_THINKING_BUDGET}, got {budget}"),
                ));
            }
            if budget >= i128::from(max_tokens) {
                return Err(thinking.error(
                    "budget_tokens",
                    format!("must be less than max_tokens ({max_tokens}), got {budget}"),
                ));
            }
            summary.reasoning_requested = true;
        }
        "disabled" => {}
        "adaptive" => summary.reasoning_requested = true,
        other => {
            return Err(thinking.error(
                "type",
                format!("must be {}, got {}", one_of(&TYPES), quote(other)),
            ));
        }
    }
    Ok(())
}
