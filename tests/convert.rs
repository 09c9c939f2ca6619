//! Conversion between Chat Completions and Messages: round trips over a
//! corpus of requests and responses (identity apart from what the loss
//! report lists), the exact output of each mapping, the loss report, and the
//! stream converters against the conformance corpus and the accumulators.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use modelwire::chat::ChatAccumulator;
use modelwire::convert::{
    ChatToMessagesStream, Converted, Loss, LossKind, MessagesToChatStream,
    chat_to_messages_request, chat_to_messages_response, messages_to_chat_request,
    messages_to_chat_response,
};
use modelwire::messages::MessagesAccumulator;
use modelwire::sse::{Event, SseDecoder};
use modelwire::validate::{validate_chat_value, validate_messages_value};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::{Corpus, Outcome, StreamVector};

// ---------------------------------------------------------------- helpers

fn convert(f: Convert, body: &Value) -> (Value, Vec<Loss>) {
    let (value, losses, _) = convert_text(f, &body.to_string());
    (value, losses)
}

/// Converts JSON text; also gives the output text, so that a round trip
/// chains the converters on their own text (key order and spacing kept).
fn convert_text(f: Convert, body: &str) -> (Value, Vec<Loss>, String) {
    let converted = f(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let value = serde_json::from_str(&converted.json)
        .unwrap_or_else(|e| panic!("output is not JSON ({e}): {}", converted.json));
    (value, converted.dropped, converted.json)
}

fn paths(losses: &[Loss]) -> Vec<&str> {
    losses.iter().map(|l| l.path.as_str()).collect()
}

fn kind_of(losses: &[Loss], path: &str) -> LossKind {
    losses
        .iter()
        .find(|l| l.path == path)
        .unwrap_or_else(|| panic!("no loss at {path}: {losses:?}"))
        .kind
}

type Convert = fn(&str) -> Result<Converted, modelwire::convert::ConvertError>;

/// Fields whose value a reported path sends back under another name (the
/// report names the input field): the last segment `from` of a reported
/// path comes back as `to`.
const RENAMED: [(&str, &str); 6] = [
    ("max_completion_tokens", "max_tokens"),
    ("stream", "stream_options"),
    ("reasoning_effort", "chat_template_args.enable_thinking"),
    ("refusal", "content"),
    ("reasoning", "reasoning_content"),
    ("cache_creation_input_tokens", "input_tokens"),
];

/// Where `a` and `b` differ, except under the paths in `skip` (or renamed
/// by one); `null` and absent are the same (both protocols read `null` as
/// absent), and an absent object compares as an empty one.
fn differences(a: &Value, b: &Value, skip: &[&str]) -> Vec<String> {
    let mut skipped: Vec<String> = skip.iter().map(|s| s.to_string()).collect();
    for path in skip {
        for (from, to) in RENAMED {
            if *path == from {
                skipped.push(to.to_owned());
            } else if let Some(head) = path.strip_suffix(&format!(".{from}")) {
                skipped.push(format!("{head}.{to}"));
            }
        }
    }
    let mut out = Vec::new();
    diff(a, b, "", &skipped, &mut out);
    out
}

fn diff(a: &Value, b: &Value, path: &str, skip: &[String], out: &mut Vec<String>) {
    if skip.iter().any(|s| s == path) {
        return;
    }
    let as_object = |v: &Value| match v {
        Value::Object(map) => Some(map.clone()),
        Value::Null => Some(serde_json::Map::new()),
        _ => None,
    };
    let objects = (a.is_object() || b.is_object())
        .then(|| as_object(a).zip(as_object(b)))
        .flatten();
    if let Some((x, y)) = objects {
        let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let at = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            let null = Value::Null;
            diff(
                x.get(key).unwrap_or(&null),
                y.get(key).unwrap_or(&null),
                &at,
                skip,
                out,
            );
        }
        return;
    }
    if let (Value::Array(x), Value::Array(y)) = (a, b) {
        for i in 0..x.len().max(y.len()) {
            let null = Value::Null;
            diff(
                x.get(i).unwrap_or(&null),
                y.get(i).unwrap_or(&null),
                &format!("{path}[{i}]"),
                skip,
                out,
            );
        }
        return;
    }
    if a != b {
        out.push(format!("{path}: {a} became {b}"));
    }
}

/// A → B → A: the first step reports `expected` (paths, in order), the
/// second reports nothing (but `created`, which `messages_to_chat_response`
/// invents and `chat_to_messages_response` drops), the result equals A
/// apart from the reported paths, and B is valid for its protocol unless
/// something was reported as unsupported.
fn round_trip(
    name: &str,
    body: &Value,
    expected: &[&str],
    there: Convert,
    back: Convert,
    valid_there: Option<fn(&Value) -> bool>,
) -> Result<(), String> {
    let (converted, losses, text) = convert_text(there, &body.to_string());
    if paths(&losses) != expected {
        return Err(format!(
            "{name}: reported {losses:#?}\nexpected {expected:?}\nconverted {converted}"
        ));
    }
    if let Some(valid) = valid_there
        && !losses.iter().any(|l| l.kind == LossKind::Unsupported)
        && !valid(&converted)
    {
        return Err(format!("{name}: converted body is not valid: {converted}"));
    }
    let (returned, mut back_losses, _) = convert_text(back, &text);
    back_losses.retain(|l| l.path != "created");
    if !back_losses.is_empty() {
        return Err(format!(
            "{name}: the way back reported {back_losses:#?}\nconverted {converted}"
        ));
    }
    let skip: Vec<&str> = losses.iter().map(|l| l.path.as_str()).collect();
    let diffs = differences(body, &returned, &skip);
    if !diffs.is_empty() {
        return Err(format!(
            "{name}: {diffs:#?}\nconverted {converted}\nreturned {returned}"
        ));
    }
    Ok(())
}

fn valid_messages(body: &Value) -> bool {
    validate_messages_value(body)
        .map_err(|e| eprintln!("{e}"))
        .is_ok()
}

fn valid_chat(body: &Value) -> bool {
    validate_chat_value(body)
        .map_err(|e| eprintln!("{e}"))
        .is_ok()
}

fn run_all(
    cases: Vec<(&str, Value, Vec<&str>)>,
    f: impl Fn(&str, &Value, &[&str]) -> Result<(), String>,
) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, body, expected)| f(name, body, expected).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

fn weather_tool() -> Value {
    json!({"type": "function", "function": {"name": "get_weather", "description": "Current weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"},
            "units": {"type": "string", "enum": ["c", "f"]}}, "required": ["city"]}}})
}

fn weather_tool_messages() -> Value {
    json!({"name": "get_weather", "description": "Current weather",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"},
            "units": {"type": "string", "enum": ["c", "f"]}}, "required": ["city"]}})
}

// ------------------------------------------------- request round trips

/// Chat requests, and the paths each one's conversion must report.
fn chat_requests() -> Vec<(&'static str, Value, Vec<&'static str>)> {
    vec![
        (
            "plain",
            json!({"model": "m", "max_tokens": 100, "messages": [
            {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}),
            vec![],
        ),
        (
            "multi-turn parallel tool use",
            json!({"model": "m", "max_tokens": 1024,
            "messages": [
                {"role": "system", "content": "You check the weather."},
                {"role": "user", "content": "Paris and Rome?"},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}},
                    {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\"units\":\"c\",\"city\":\"Rome\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
                {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "21C"}]},
                {"role": "assistant", "content": "Paris 18C, Rome 21C."},
                {"role": "user", "content": "Thanks"}],
            "tools": [weather_tool()], "tool_choice": "auto", "parallel_tool_calls": true,
            "temperature": 0.7, "top_p": 0.9, "top_k": 40, "stop": ["END", "STOP"], "stream": true,
            "user": "user-1"}),
            vec!["stream"],
        ),
        (
            "text beside tool calls",
            json!({"model": "m", "max_tokens": 64, "messages": [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "content": "Checking.", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}],
            "tools": [weather_tool()]}),
            vec![],
        ),
        (
            "images",
            json!({"model": "m", "max_tokens": 64, "messages": [{"role": "user", "content": [
            {"type": "text", "text": "Compare these."},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}]}]}),
            vec![],
        ),
        (
            "reasoning",
            json!({"model": "m", "max_tokens": 20000, "reasoning_effort": "high",
            "chat_template_args": {"enable_thinking": true}, "messages": [
                {"role": "user", "content": "2+2?"},
                {"role": "assistant", "reasoning_content": "Add them.", "content": "4"},
                {"role": "user", "content": "And signed?"},
                {"role": "assistant", "reasoning_content": "Still 4.",
                 "thinking_blocks": [{"type": "thinking", "thinking": "Still 4.", "signature": "c2ln"}],
                 "content": "4"},
                {"role": "user", "content": "Thanks"}]}),
            vec![],
        ),
        (
            "reasoning with tool use",
            json!({"model": "m", "max_tokens": 8000, "reasoning_effort": "medium",
            "chat_template_args": {"enable_thinking": true}, "tools": [weather_tool()], "messages": [
                {"role": "user", "content": "Weather?"},
                {"role": "assistant", "reasoning_content": "Call the tool.", "content": null, "tool_calls": [
                    {"id": "call_9", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]},
                {"role": "tool", "tool_call_id": "call_9", "content": "cold"}]}),
            vec![],
        ),
        (
            "tool results then parts merge into one turn",
            json!({"model": "m", "max_tokens": 64,
            "tools": [weather_tool()], "messages": [
                {"role": "user", "content": "Weather?"},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Nice\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "warm"},
                {"role": "user", "content": [{"type": "text", "text": "And this photo?"},
                    {"type": "image_url", "image_url": {"url": "https://example.com/nice.jpg"}}]}]}),
            vec![],
        ),
        (
            "named tool, no parallel calls",
            json!({"model": "m", "max_tokens": 64, "tools": [weather_tool()],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
            "parallel_tool_calls": false, "messages": [{"role": "user", "content": "Go"}]}),
            vec![],
        ),
        (
            "required tool",
            json!({"model": "m", "max_tokens": 64, "tools": [weather_tool()],
            "tool_choice": "required", "messages": [{"role": "user", "content": "Go"}]}),
            vec![],
        ),
        (
            "no tools",
            json!({"model": "m", "max_tokens": 64, "tools": [weather_tool()],
            "tool_choice": "none", "messages": [{"role": "user", "content": "Go"}]}),
            vec![],
        ),
        (
            "system as parts",
            json!({"model": "m", "max_tokens": 64, "messages": [
            {"role": "system", "content": [{"type": "text", "text": "One."}, {"type": "text", "text": "Two."}]},
            {"role": "user", "content": "Hi"}]}),
            vec![],
        ),
        (
            "assistant parts",
            json!({"model": "m", "max_tokens": 64, "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello"}, {"type": "text", "text": " there"}]},
            {"role": "user", "content": [{"type": "text", "text": "Bye"}]}]}),
            vec![],
        ),
        (
            "thinking off, other template args carried",
            json!({"model": "m", "max_tokens": 64,
            "chat_template_args": {"enable_thinking": false, "custom_flag": 1},
            "messages": [{"role": "user", "content": "Hi"}]}),
            vec![],
        ),
        (
            "fields neither protocol defines",
            json!({"model": "m", "max_tokens": 64, "min_p": 0.05,
            "repetition_penalty": 1.1, "chat_template_kwargs": {"thinking": true},
            "messages": [{"role": "user", "content": "Hi"}]}),
            vec![],
        ),
        // Lossy: each report names what changes on the way back.
        (
            "developer, detail, effort alone, string stop, n, hot temperature",
            json!({"model": "m",
            "messages": [
                {"role": "developer", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "What is it?"},
                    {"type": "image_url", "image_url": {"url": "https://example.com/x.png", "detail": "high"}}]}],
            "reasoning_effort": "low", "stop": "END", "n": 1, "temperature": 1.5}),
            vec![
                "messages[0].role",
                "messages[1].content[1].image_url.detail",
                "chat_template_args.enable_thinking",
                "max_tokens",
                "temperature",
                "stop",
                "n",
            ],
        ),
        (
            "max_completion_tokens and OpenAI-only fields",
            json!({"model": "m", "max_completion_tokens": 500,
            "messages": [{"role": "user", "content": "Hi"}], "logprobs": true, "top_logprobs": 2, "seed": 7,
            "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}},
            "stream_options": {"include_usage": true}, "frequency_penalty": 0.5}),
            vec![
                "max_completion_tokens",
                "logprobs",
                "top_logprobs",
                "response_format",
                "frequency_penalty",
                "seed",
                "stream_options",
            ],
        ),
        (
            "enable_thinking alone, top_k off",
            json!({"model": "m", "max_tokens": 10000, "top_k": -1,
            "chat_template_args": {"enable_thinking": true}, "messages": [{"role": "user", "content": "Hi"}]}),
            vec!["reasoning_effort", "top_k"],
        ),
        (
            "effort none",
            json!({"model": "m", "max_tokens": 64, "reasoning_effort": "none",
            "messages": [{"role": "user", "content": "Hi"}]}),
            vec!["reasoning_effort"],
        ),
        (
            "assistant refusal, reasoning under its other name",
            json!({"model": "m", "max_tokens": 64, "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": null, "refusal": "I can't help with that.", "reasoning": "Policy."},
            {"role": "user", "content": "Why?"}]}),
            vec!["messages[1].reasoning", "messages[1].refusal"],
        ),
        (
            "tool call quirks",
            json!({"model": "m", "max_tokens": 64, "tools": [weather_tool()], "messages": [
            {"role": "user", "content": "Go"},
            {"role": "assistant", "content": "", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}},
                {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
                {"id": "call_3", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "a", "name": "get_weather"},
            {"role": "tool", "tool_call_id": "call_2", "content": "b"},
            {"role": "tool", "tool_call_id": "call_3", "content": "c"}]}),
            vec![
                "messages[1].tool_calls[0].function.arguments",
                "messages[1].tool_calls[1].function.arguments",
                "messages[1].tool_calls[2].function.arguments",
                "messages[1].content",
                "messages[2].name",
            ],
        ),
        (
            "one text part beside tool calls",
            json!({"model": "m", "max_tokens": 64, "tools": [weather_tool()], "messages": [
            {"role": "user", "content": "Go"},
            {"role": "assistant", "content": [{"type": "text", "text": "On it."}], "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "ok"}]}),
            vec!["messages[1].content"],
        ),
        (
            "parallel off without tool_choice, strict tool",
            json!({"model": "m", "max_tokens": 64,
            "parallel_tool_calls": false, "tools": [{"type": "function", "function": {"name": "f",
                "parameters": {"type": "object", "properties": {}}, "strict": true}}],
            "messages": [{"role": "user", "content": "Go"}]}),
            vec!["tools[0].function.strict", "tool_choice"],
        ),
    ]
}

#[test]
fn chat_requests_round_trip_through_messages() {
    run_all(chat_requests(), |name, body, expected| {
        assert!(
            valid_chat(body),
            "{name}: the corpus body itself is invalid"
        );
        round_trip(
            name,
            body,
            expected,
            chat_to_messages_request,
            messages_to_chat_request,
            Some(valid_messages),
        )
    });
}

/// Messages requests, and the paths each one's conversion must report.
fn messages_requests() -> Vec<(&'static str, Value, Vec<&'static str>)> {
    vec![
        (
            "plain",
            json!({"model": "m", "max_tokens": 1024, "messages": [{"role": "user", "content": "Hello!"}]}),
            vec![],
        ),
        (
            "every sampling field",
            json!({"model": "m", "max_tokens": 2048, "system": "You are terse.",
            "messages": [{"role": "user", "content": "Hi"}], "temperature": 0.5, "top_p": 0.9, "top_k": 5,
            "stop_sequences": ["END"], "stream": true, "metadata": {"user_id": "user-1"},
            "tools": [weather_tool_messages()], "tool_choice": {"type": "auto", "disable_parallel_tool_use": true},
            "thinking": {"type": "enabled", "budget_tokens": 1024}}),
            vec![],
        ),
        (
            "tool use conversation",
            json!({"model": "m", "max_tokens": 1024, "tools": [weather_tool_messages()],
            "messages": [
                {"role": "user", "content": "Paris and Rome?"},
                {"role": "assistant", "content": [{"type": "text", "text": "Checking both."},
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
                    {"type": "tool_use", "id": "toolu_2", "name": "get_weather", "input": {"city": "Rome", "units": "c"}}]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "18C"},
                    {"type": "tool_result", "tool_use_id": "toolu_2", "content": [{"type": "text", "text": "21C"}]},
                    {"type": "text", "text": "Which is warmer?"}]},
                {"role": "assistant", "content": "Rome."}]}),
            vec![],
        ),
        (
            "images and a system of blocks",
            json!({"model": "m", "max_tokens": 256,
            "system": [{"type": "text", "text": "One."}, {"type": "text", "text": "Two."}],
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": "What are these?"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"}},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}]}]}),
            vec![],
        ),
        (
            "thinking blocks kept whole",
            json!({"model": "m", "max_tokens": 8192,
            "thinking": {"type": "enabled", "budget_tokens": 4096}, "tools": [weather_tool_messages()],
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "Greet.", "signature": "c2lnMQ=="},
                    {"type": "text", "text": "Hello."}]},
                {"role": "user", "content": "Weather?"},
                {"role": "assistant", "content": [
                    {"type": "redacted_thinking", "data": "ZW5jcnlwdGVk"},
                    {"type": "thinking", "thinking": "Call it.", "signature": "c2lnMg=="},
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}]}]}),
            vec![],
        ),
        (
            "unsigned thinking",
            json!({"model": "m", "max_tokens": 20000,
            "thinking": {"type": "enabled", "budget_tokens": 16384}, "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": [{"type": "thinking", "thinking": "Greet."}, {"type": "text", "text": "Hello."}]},
                {"role": "user", "content": "Bye"}]}),
            vec![],
        ),
        (
            "assistant text blocks",
            json!({"model": "m", "max_tokens": 64, "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello"}]},
            {"role": "user", "content": "More"},
            {"role": "assistant", "content": [{"type": "text", "text": "A"}, {"type": "text", "text": "B"}]},
            {"role": "user", "content": "Ok"}]}),
            vec![],
        ),
        (
            "any, named, none, disabled",
            json!({"model": "m", "max_tokens": 64, "tools": [weather_tool_messages()],
            "tool_choice": {"type": "tool", "name": "get_weather", "disable_parallel_tool_use": false},
            "thinking": {"type": "disabled"}, "messages": [{"role": "user", "content": "Go"}]}),
            vec![],
        ),
        (
            "required",
            json!({"model": "m", "max_tokens": 64, "tools": [weather_tool_messages()],
            "tool_choice": {"type": "any"}, "messages": [{"role": "user", "content": "Go"}]}),
            vec![],
        ),
        (
            "template args carried beside thinking",
            json!({"model": "m", "max_tokens": 8192,
            "thinking": {"type": "enabled", "budget_tokens": 4096}, "chat_template_args": {"custom_flag": 1},
            "min_p": 0.1, "messages": [{"role": "user", "content": "Hi"}]}),
            vec![],
        ),
        // Lossy.
        (
            "cache control, citations, error flag",
            json!({"model": "m", "max_tokens": 64,
            "system": [{"type": "text", "text": "Long prompt.", "cache_control": {"type": "ephemeral"}}],
            "tools": [weather_tool_messages()],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "Hi", "cache_control": {"type": "ephemeral"}}]},
                {"role": "assistant", "content": [
                    {"type": "text", "text": "See", "citations": [{"type": "char_location", "cited_text": "x"}]},
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Bern"}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "failed", "is_error": true}]}]}),
            vec![
                "system[0].cache_control",
                "messages[0].content[0].cache_control",
                "messages[1].content[0].citations",
                "messages[2].content[0].is_error",
            ],
        ),
        (
            "budget between efforts, service tier",
            json!({"model": "m", "max_tokens": 9000,
            "thinking": {"type": "enabled", "budget_tokens": 5000}, "service_tier": "auto",
            "messages": [{"role": "user", "content": "Hi"}]}),
            vec!["thinking.budget_tokens", "service_tier"],
        ),
        (
            "blocks out of Chat's order",
            json!({"model": "m", "max_tokens": 64, "tools": [weather_tool_messages()],
            "messages": [
                {"role": "user", "content": "Go"},
                {"role": "assistant", "content": [{"type": "text", "text": "First"},
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Lyon"}},
                    {"type": "text", "text": "Then"}]},
                {"role": "user", "content": [{"type": "text", "text": "Result:"},
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "mild"}]}]}),
            vec!["messages[1].content", "messages[2].content"],
        ),
        (
            "a server tool, custom type",
            json!({"model": "m", "max_tokens": 64, "messages": [{"role": "user", "content": "Go"}],
            "tools": [{"type": "custom", "name": "f", "input_schema": {"type": "object"}},
                      {"type": "web_search_20250305", "name": "web_search"}]}),
            vec!["tools[0].type", "tools[1]"],
        ),
    ]
}

#[test]
fn messages_requests_round_trip_through_chat() {
    run_all(messages_requests(), |name, body, expected| {
        assert!(
            valid_messages(body),
            "{name}: the corpus body itself is invalid"
        );
        round_trip(
            name,
            body,
            expected,
            messages_to_chat_request,
            chat_to_messages_request,
            Some(valid_chat),
        )
    });
}

// ------------------------------------------------ response round trips

fn chat_completion(message: Value, finish: &str, usage: Value) -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": null}],
        "usage": usage})
}

fn chat_responses() -> Vec<(&'static str, Value, Vec<&'static str>)> {
    let usage = json!({"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25});
    let cached = json!({"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25,
        "prompt_tokens_details": {"cached_tokens": 12}});
    vec![
        (
            "text",
            chat_completion(
                json!({"role": "assistant", "content": "Hello!", "refusal": null}),
                "stop",
                usage.clone(),
            ),
            vec!["created"],
        ),
        (
            "reasoning and parallel tool calls",
            chat_completion(
                json!({"role": "assistant", "content": null,
            "reasoning_content": "Two cities.", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}},
                {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}]}),
                "tool_calls",
                cached.clone(),
            ),
            vec!["created"],
        ),
        (
            "cut by length",
            chat_completion(
                json!({"role": "assistant", "content": "Once upon"}),
                "length",
                usage.clone(),
            ),
            vec!["created"],
        ),
        (
            "stop string (vLLM's stop_reason)",
            json!({"id": "chatcmpl-2", "object": "chat.completion", "created": 1,
            "model": "m", "choices": [{"index": 0, "message": {"role": "assistant", "content": "A, B"},
            "finish_reason": "stop", "stop_reason": "END"}], "usage": usage.clone()}),
            vec!["created"],
        ),
        (
            "content filter",
            chat_completion(
                json!({"role": "assistant", "content": ""}),
                "content_filter",
                usage.clone(),
            ),
            vec!["created"],
        ),
        (
            "signed thinking",
            chat_completion(
                json!({"role": "assistant", "content": "4", "reasoning_content": "2+2",
            "thinking_blocks": [{"type": "thinking", "thinking": "2+2", "signature": "c2ln"}]}),
                "stop",
                usage.clone(),
            ),
            vec!["created"],
        ),
        // Lossy.
        (
            "what Messages has no place for",
            json!({"id": "chatcmpl-3", "object": "chat.completion", "created": 1,
            "model": "m", "system_fingerprint": "fp_1", "timings": {"predicted_ms": 12},
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": "x"}, "finish_reason": "stop", "stop_reason": 151645,
                 "logprobs": {"content": []}},
                {"index": 1, "message": {"role": "assistant", "content": "y"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4,
                "completion_tokens_details": {"reasoning_tokens": 0}}}),
            vec![
                "created",
                "choices[0].stop_reason",
                "choices[0].logprobs",
                "choices[1]",
                "usage.completion_tokens_details",
                "system_fingerprint",
            ],
        ),
        (
            "refusal and invalid arguments",
            chat_completion(
                json!({"role": "assistant", "content": null,
            "refusal": "No.", "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": "f", "arguments": "{\"a\": [1, 2"}}]}),
                "length",
                usage,
            ),
            vec![
                "created",
                "choices[0].message.tool_calls[0].function.arguments",
                "choices[0].message.refusal",
            ],
        ),
    ]
}

#[test]
fn chat_responses_round_trip_through_messages() {
    run_all(chat_responses(), |name, body, expected| {
        round_trip(
            name,
            body,
            expected,
            chat_to_messages_response,
            messages_to_chat_response,
            None,
        )
    });
}

fn message(content: Value, stop: &str, usage: Value) -> Value {
    json!({"id": "msg_1", "type": "message", "role": "assistant", "model": "m", "content": content,
        "stop_reason": stop, "stop_sequence": null, "usage": usage})
}

fn messages_responses() -> Vec<(&'static str, Value, Vec<&'static str>)> {
    let usage = json!({"input_tokens": 8, "output_tokens": 5});
    vec![
        (
            "text",
            message(
                json!([{"type": "text", "text": "Hello!"}]),
                "end_turn",
                usage.clone(),
            ),
            vec![],
        ),
        (
            "thinking, text and tool use",
            message(
                json!([
            {"type": "thinking", "thinking": "Need weather.", "signature": "c2ln"},
            {"type": "text", "text": "Checking."},
            {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris", "units": "c"}},
            {"type": "tool_use", "id": "toolu_2", "name": "get_weather", "input": {}}]),
                "tool_use",
                json!({"input_tokens": 8, "output_tokens": 40, "cache_read_input_tokens": 100}),
            ),
            vec![],
        ),
        (
            "stop sequence",
            json!({"id": "msg_2", "type": "message", "role": "assistant", "model": "m",
            "content": [{"type": "text", "text": "A, B"}], "stop_reason": "stop_sequence", "stop_sequence": "END",
            "usage": usage.clone()}),
            vec![],
        ),
        (
            "max tokens",
            message(
                json!([{"type": "text", "text": "Once upon"}]),
                "max_tokens",
                usage.clone(),
            ),
            vec![],
        ),
        (
            "refusal",
            message(
                json!([{"type": "text", "text": ""}]),
                "refusal",
                usage.clone(),
            ),
            vec![],
        ),
        (
            "unsigned thinking only",
            message(
                json!([{"type": "thinking", "thinking": "Hmm."}]),
                "max_tokens",
                usage.clone(),
            ),
            vec![],
        ),
        // Lossy.
        (
            "several text blocks, cache writes, server tools",
            json!({"id": "msg_3", "type": "message", "role": "assistant",
            "model": "m", "content": [{"type": "text", "text": "A"}, {"type": "text", "text": "B"}],
            "stop_reason": "end_turn", "stop_sequence": null, "container": null,
            "usage": {"input_tokens": 8, "output_tokens": 2, "cache_creation_input_tokens": 50,
                "service_tier": "standard"}}),
            vec![
                "content",
                "usage.cache_creation_input_tokens",
                "usage.service_tier",
            ],
        ),
    ]
}

#[test]
fn messages_responses_round_trip_through_chat() {
    run_all(messages_responses(), |name, body, expected| {
        round_trip(
            name,
            body,
            expected,
            messages_to_chat_response,
            chat_to_messages_response,
            None,
        )
    });
}

// ------------------------------------------- streams: conformance corpus

/// The SSE events of a stream body.
fn sse_events(text: &str) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    let mut decoder = SseDecoder::new();
    decoder.feed(text.as_bytes(), &mut events).unwrap();
    decoder.finish().unwrap();
    events
}

/// A Chat stream through [`ChatToMessagesStream`] into a
/// [`MessagesAccumulator`]: the accumulated message, or the first error.
fn chat_stream_to_message(
    events: &[Event],
) -> (MessagesAccumulator, ChatToMessagesStream, Option<String>) {
    let mut convert = ChatToMessagesStream::new();
    let mut messages = MessagesAccumulator::new();
    let mut error = None;
    let feed = |out: Vec<Event>, messages: &mut MessagesAccumulator, error: &mut Option<String>| {
        for event in out {
            if error.is_none()
                && let Err(e) = messages.push(event.event.as_deref(), &event.data, &mut ())
            {
                *error = Some(e.to_string());
            }
        }
    };
    for event in events {
        let out = convert.push(&event.data).unwrap_or_else(|e| panic!("{e}"));
        feed(out, &mut messages, &mut error);
    }
    let out = convert.finish();
    feed(out, &mut messages, &mut error);
    (messages, convert, error)
}

/// A Messages stream through [`MessagesToChatStream`] into a
/// [`ChatAccumulator`].
fn message_stream_to_chat(
    events: &[Event],
) -> (ChatAccumulator, MessagesToChatStream, Option<String>) {
    let mut convert = MessagesToChatStream::new();
    let mut chat = ChatAccumulator::new();
    let mut error = None;
    let mut outs = Vec::new();
    for event in events {
        outs.extend(
            convert
                .push(event.event.as_deref(), &event.data)
                .unwrap_or_else(|e| panic!("{e}")),
        );
    }
    outs.extend(convert.finish());
    for out in outs {
        assert!(
            out.event.is_none(),
            "a chat chunk with an event name: {out:?}"
        );
        if error.is_none()
            && let Err(e) = chat.push(None, &out.data, &mut ())
        {
            error = Some(e.to_string());
        }
    }
    (chat, convert, error)
}

/// What a Messages message says, for comparing two of them: each block's
/// type and text (tool inputs parsed), the stop reason and sequence, usage.
fn message_summary(message: &Value) -> Value {
    let blocks: Vec<Value> = message["content"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| match b["type"].as_str() {
            Some("tool_use") => {
                json!({"type": "tool_use", "id": b["id"], "name": b["name"], "input": b["input"]})
            }
            Some("thinking") => {
                json!({"type": "thinking", "thinking": b["thinking"], "signature": b["signature"]})
            }
            _ => json!({"type": b["type"], "text": b["text"]}),
        })
        .collect();
    json!({"id": message["id"], "model": message["model"], "content": blocks,
        "stop_reason": message["stop_reason"], "stop_sequence": message["stop_sequence"],
        "usage": message["usage"]})
}

/// What a `chat.completion`'s first choice says: content, reasoning, tool
/// calls (arguments parsed when they parse), finish reason, usage.
fn chat_summary(completion: &Value) -> Value {
    let choice = &completion["choices"][0];
    let message = &choice["message"];
    let calls: Vec<Value> = message["tool_calls"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let text = c["function"]["arguments"].as_str().unwrap_or_default();
            let arguments = serde_json::from_str::<Value>(text).unwrap_or_else(|_| json!(text));
            json!({"id": c["id"], "name": c["function"]["name"], "arguments": arguments})
        })
        .collect();
    json!({"id": completion["id"], "model": completion["model"], "content": message["content"],
        "reasoning_content": message["reasoning_content"], "thinking_blocks": message["thinking_blocks"],
        "tool_calls": calls, "finish_reason": choice["finish_reason"], "stop_reason": choice["stop_reason"],
        "usage": completion["usage"]})
}

fn openai_vector(vector: &Value) -> Result<(), String> {
    let vector = StreamVector::parse(vector)?;
    let events = sse_events(&vector.sse_text);
    let (messages, stream, error) = chat_stream_to_message(&events);
    if let Some(error) = error {
        return Err(format!("the converted stream failed: {error}"));
    }
    if !messages.saw_message_stop() || messages.is_cut() {
        return Err("the converted stream is not complete".into());
    }
    let got: Value = serde_json::from_str(&messages.message_json()).unwrap();
    let (expected, expected_losses) = convert(chat_to_messages_response, &vector.expected_final);
    let (got, expected) = (message_summary(&got), message_summary(&expected));
    if got != expected {
        return Err(format!(
            "stream gave {got:#}\nresponse converter gave {expected:#}"
        ));
    }
    // What the response converter drops, the stream converter reports too
    // (by its own paths): a choice, a custom tool call, a refusal.
    let reported = |needle: &str| stream.dropped().iter().any(|l| l.path.contains(needle));
    for loss in &expected_losses {
        let whole_call = loss.path.contains(".tool_calls[") && loss.path.ends_with(']');
        let needle = if loss.path.starts_with("choices[") && !loss.path.starts_with("choices[0]") {
            &loss.path[..10]
        } else if loss.path.ends_with(".refusal") {
            "refusal"
        } else if whole_call {
            "tool_calls["
        } else {
            continue;
        };
        if !reported(needle) {
            return Err(format!(
                "{} was not reported by the stream: {:?}",
                loss.path,
                stream.dropped()
            ));
        }
    }
    Ok(())
}

#[test]
fn openai_chat_streams_convert_to_the_converted_response() {
    let Some(corpus) = Corpus::locate("streams") else {
        return;
    };
    let mut outcome = Outcome::default();
    for (name, vector) in corpus.vectors("openai-chat") {
        outcome.record(&name, openai_vector(&vector));
    }
    outcome.finish("chat → messages stream conversion", 18);
}

fn anthropic_vector(vector: &Value) -> Result<(), String> {
    let vector = StreamVector::parse(vector)?;
    let events = sse_events(&vector.sse_text);
    let (chat, _, error) = message_stream_to_chat(&events);
    if vector.expected_final.is_null() {
        // An invalid stream (malformed tool JSON): the chunks still carry
        // what arrived; nothing to compare.
        return Ok(());
    }
    let stream_errors = vector.expected_flags["stream_errors"]
        .as_array()
        .map_or(0, Vec::len);
    if error.is_some() != (stream_errors > 0) {
        return Err(format!(
            "error {error:?}, expected {stream_errors} stream errors"
        ));
    }
    let got: Value = serde_json::from_str(&chat.completion_json()).unwrap();
    let (expected, _) = convert(messages_to_chat_response, &vector.expected_final);
    let (mut got, mut expected) = (chat_summary(&got), chat_summary(&expected));
    // A tool input cut short is null in the message and "null" in the
    // converted response; the stream carried the text that did arrive.
    let unterminated = vector.expected_flags["unterminated_tool_json"].as_object();
    if let Some(unterminated) = unterminated {
        let calls = expected["tool_calls"].as_array_mut().unwrap();
        for (call, text) in calls
            .iter_mut()
            .filter(|c| c["arguments"].is_null())
            .zip(unterminated.values())
        {
            call["arguments"] = text.clone();
        }
    }
    if error.is_some() {
        // Cut by the error: no usage chunk came.
        got["usage"] = Value::Null;
        expected["usage"] = Value::Null;
    }
    if got != expected {
        return Err(format!(
            "stream gave {got:#}\nresponse converter gave {expected:#}"
        ));
    }
    if !chat.is_done() && error.is_none() {
        return Err("no [DONE]".into());
    }
    Ok(())
}

#[test]
fn anthropic_streams_convert_to_the_converted_response() {
    let Some(corpus) = Corpus::locate("streams") else {
        return;
    };
    let mut outcome = Outcome::default();
    for (name, vector) in corpus.vectors("anthropic-messages") {
        outcome.record(&name, anthropic_vector(&vector));
    }
    outcome.finish("messages → chat stream conversion", 17);
}

/// Messages events (as the converter makes them) through
/// [`MessagesToChatStream`] into a [`ChatAccumulator`].
fn events_to_chat(events: Vec<Event>) -> Value {
    let (chat, _, error) = message_stream_to_chat(&events);
    assert!(error.is_none(), "{error:?}");
    serde_json::from_str(&chat.completion_json()).unwrap()
}

#[test]
fn chat_streams_survive_both_stream_converters() {
    let Some(corpus) = Corpus::locate("streams") else {
        return;
    };
    let mut outcome = Outcome::default();
    for (name, vector) in corpus.vectors("openai-chat") {
        let result = (|| {
            let vector = StreamVector::parse(&vector)?;
            let mut forward = ChatToMessagesStream::new();
            let mut events = Vec::new();
            for event in sse_events(&vector.sse_text) {
                events.extend(forward.push(&event.data).map_err(|e| e.to_string())?);
            }
            events.extend(forward.finish());
            let got = chat_summary(&events_to_chat(events));
            // The same trip for the final completion, through the response converters.
            let (message, _, text) = convert_text(
                chat_to_messages_response,
                &vector.expected_final.to_string(),
            );
            let (expected, _, _) = convert_text(messages_to_chat_response, &text);
            let expected = chat_summary(&expected);
            if got != expected {
                return Err(format!(
                    "streams gave {got:#}\nresponses gave {expected:#}\nvia {message}"
                ));
            }
            Ok(())
        })();
        outcome.record(&name, result);
    }
    outcome.finish("chat → messages → chat streams", 18);
}

#[test]
fn messages_streams_survive_both_stream_converters() {
    let Some(corpus) = Corpus::locate("streams") else {
        return;
    };
    let mut outcome = Outcome::default();
    for (name, vector) in corpus.vectors("anthropic-messages") {
        let result = (|| {
            let vector = StreamVector::parse(&vector)?;
            let stream_errors = vector.expected_flags["stream_errors"]
                .as_array()
                .map_or(0, Vec::len);
            if vector.expected_final.is_null() || stream_errors > 0 {
                return Ok(());
            }
            let mut there = MessagesToChatStream::new();
            let mut back = ChatToMessagesStream::new();
            let mut messages = MessagesAccumulator::new();
            let mut chunks = Vec::new();
            for event in sse_events(&vector.sse_text) {
                chunks.extend(
                    there
                        .push(event.event.as_deref(), &event.data)
                        .map_err(|e| e.to_string())?,
                );
            }
            chunks.extend(there.finish());
            for chunk in chunks {
                for event in back.push(&chunk.data).map_err(|e| e.to_string())? {
                    messages
                        .push(event.event.as_deref(), &event.data, &mut ())
                        .map_err(|e| e.to_string())?;
                }
            }
            for event in back.finish() {
                messages
                    .push(event.event.as_deref(), &event.data, &mut ())
                    .map_err(|e| e.to_string())?;
            }
            let got = message_summary(&serde_json::from_str(&messages.message_json()).unwrap());
            let (chat, _, text) = convert_text(
                messages_to_chat_response,
                &vector.expected_final.to_string(),
            );
            let (expected, _, _) = convert_text(chat_to_messages_response, &text);
            let mut expected = message_summary(&expected);
            // A tool input cut short: the stream carried the text that did
            // arrive, which does not parse, so that block stays open.
            if vector.expected_flags["unterminated_tool_json"].is_object() {
                for block in expected["content"].as_array_mut().unwrap() {
                    if block["type"] == "tool_use" {
                        block["input"] = Value::Null;
                    }
                }
            }
            if got != expected {
                return Err(format!(
                    "streams gave {got:#}\nresponses gave {expected:#}\nvia {chat}"
                ));
            }
            Ok(())
        })();
        outcome.record(&name, result);
    }
    outcome.finish("messages → chat → messages streams", 15);
}

// ------------------------------------------------- streams: unit cases

/// Feeds Chat chunk data through the converter; the events and the
/// message a [`MessagesAccumulator`] makes of them.
fn chat_chunks(
    chunks: &[&str],
    finish: bool,
) -> (Vec<Event>, Value, ChatToMessagesStream, MessagesAccumulator) {
    let mut stream = ChatToMessagesStream::new();
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(stream.push(chunk).unwrap());
    }
    if finish {
        events.extend(stream.finish());
    }
    let mut messages = MessagesAccumulator::new();
    for event in &events {
        messages
            .push(event.event.as_deref(), &event.data, &mut ())
            .unwrap();
    }
    let message = serde_json::from_str(&messages.message_json()).unwrap();
    (events, message, stream, messages)
}

fn names(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let data: Value = serde_json::from_str(&e.data).unwrap();
            let name = e.event.clone().unwrap();
            assert_eq!(
                data["type"],
                name.as_str(),
                "event name and data type differ"
            );
            match data["index"].as_u64() {
                Some(i) => format!("{name}:{i}"),
                None => name,
            }
        })
        .collect()
}

#[test]
fn baseten_quirks_become_a_well_formed_messages_stream() {
    // Usage on every chunk as a running total, reasoning first, a
    // finish_reason before the last content, tool-call ids repeated with
    // name null, arguments as an object, and the include_usage chunk.
    let (events, message, stream, _) = chat_chunks(
        &[
            r#"{"id":"c1","model":"zai-org/GLM-5","created":1,"choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Look"}}],"usage":{"prompt_tokens":30,"completion_tokens":1,"total_tokens":31}}"#,
            r#"{"id":"c1","model":"zai-org/GLM-5","created":1,"choices":[{"index":0,"delta":{"reasoning_content":" it up."}}],"usage":null}"#,
            r#"{"id":"c1","model":"zai-org/GLM-5","created":1,"choices":[{"index":0,"delta":{"content":"Checking"},"finish_reason":"tool_calls"}]}"#,
            r#"{"id":"c1","model":"zai-org/GLM-5","created":1,"choices":[{"index":0,"delta":{"content":"."}}]}"#,
            r#"{"id":"c1","model":"zai-org/GLM-5","created":1,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}]}}]}"#,
            r#"{"id":"c1","model":"zai-org/GLM-5","created":1,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","function":{"name":null,"arguments":"\"Paris\"}"}}]}}]}"#,
            r#"{"id":"c1","model":"zai-org/GLM-5","created":1,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":{"zone":"CET"}}}]}}]}"#,
            r#"{"id":"c1","model":"zai-org/GLM-5","created":1,"choices":[],"usage":{"prompt_tokens":30,"completion_tokens":42,"total_tokens":72,"prompt_tokens_details":{"cached_tokens":20}}}"#,
            "[DONE]",
        ],
        false,
    );
    assert_eq!(
        names(&events),
        [
            "message_start",
            "content_block_start:0",
            "content_block_delta:0",
            "content_block_delta:0",
            "content_block_stop:0",
            "content_block_start:1",
            "content_block_delta:1",
            "content_block_delta:1",
            "content_block_stop:1",
            "content_block_start:2",
            "content_block_delta:2",
            "content_block_delta:2",
            "content_block_stop:2",
            "content_block_start:3",
            "content_block_delta:3",
            "content_block_stop:3",
            "message_delta",
            "message_stop",
        ]
    );
    assert_eq!(
        message,
        json!({"type": "message", "role": "assistant", "id": "c1", "model": "zai-org/GLM-5",
            "stop_reason": "tool_use", "stop_sequence": null,
            "content": [
                {"type": "thinking", "thinking": "Look it up."},
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "call_a", "name": "get_weather", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "call_b", "name": "get_time", "input": {"zone": "CET"}}],
            "usage": {"input_tokens": 10, "output_tokens": 42, "cache_read_input_tokens": 20}})
    );
    assert_eq!(paths(stream.dropped()), ["created"]);
    assert!(stream.is_done());
}

#[test]
fn interleaved_and_unfinished_tool_arguments() {
    // Two calls whose fragments alternate: each block stops once its
    // arguments parse, whatever the order.
    let chunk = |index: u32, extra: &str, arguments: &str| {
        format!(
            r#"{{"id":"c","model":"m","choices":[{{"index":0,"delta":{{"tool_calls":[{{"index":{index}{extra},"function":{{"arguments":{}}}}}]}}}}]}}"#,
            serde_json::to_string(arguments).unwrap()
        )
    };
    let chunks = [
        chunk(
            0,
            r#","id":"a","type":"function","function_name":"x""#,
            "{\"n\":",
        ),
        chunk(1, r#","id":"b","type":"function""#, "{\"m\":"),
        chunk(0, "", "1}"),
        chunk(1, "", "2}"),
        r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#
            .to_owned(),
    ];
    let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
    let (events, message, _, _) = chat_chunks(&refs, true);
    let mut stops: Vec<String> = names(&events)
        .into_iter()
        .filter(|n| n.starts_with("content_block_stop"))
        .collect();
    stops.sort();
    assert_eq!(stops, ["content_block_stop:0", "content_block_stop:1"]);
    assert_eq!(message["content"][0]["input"], json!({"n": 1}));
    assert_eq!(message["content"][1]["input"], json!({"m": 2}));

    // Arguments that never parse: the block stays open, as in a cut stream,
    // and the report says so.
    let (events, message, stream, messages) = chat_chunks(
        &[
            r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{\"text\": \"cut he"}}]}}]}"#,
            r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"#,
            "[DONE]",
        ],
        false,
    );
    assert!(!names(&events).contains(&"content_block_stop:0".to_owned()));
    assert_eq!(message["content"][0]["input"], Value::Null);
    assert_eq!(message["stop_reason"], "max_tokens");
    assert_eq!(
        messages.unterminated_tool_json().collect::<Vec<_>>(),
        [(0, "{\"text\": \"cut he")]
    );
    assert_eq!(
        kind_of(stream.dropped(), "choices[0].delta.tool_calls[0]"),
        LossKind::Unsupported
    );
}

#[test]
fn the_end_of_a_chat_stream() {
    let text = r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#;
    let stop = r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_reason":"END"}]}"#;
    // No [DONE] (a Chat stream may end without it): finish closes the message.
    let (events, message, _, messages) = chat_chunks(&[text, stop], true);
    assert_eq!(names(&events).last().unwrap(), "message_stop");
    assert!(messages.saw_message_stop());
    assert_eq!(message["stop_reason"], "stop_sequence");
    assert_eq!(message["stop_sequence"], "END");
    // No finish_reason: the stream was cut; the block stops, the message does not.
    let (events, _, stream, messages) = chat_chunks(&[text], true);
    assert_eq!(
        names(&events),
        [
            "message_start",
            "content_block_start:0",
            "content_block_delta:0",
            "content_block_stop:0"
        ]
    );
    assert!(!messages.saw_message_stop());
    assert_eq!(
        kind_of(stream.dropped(), "finish_reason"),
        LossKind::Dropped
    );
    // Nothing at all: nothing out.
    let mut empty = ChatToMessagesStream::new();
    assert!(empty.push("[DONE]").unwrap().is_empty());
    // Only "" content: one empty text block, as the response converter gives.
    let (_, message, _, _) = chat_chunks(
        &[
            r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}"#,
            "[DONE]",
        ],
        false,
    );
    assert_eq!(message["content"], json!([{"type": "text", "text": ""}]));
    let (response, _) = convert(
        chat_to_messages_response,
        &chat_completion(
            json!({"role": "assistant", "content": ""}),
            "stop",
            json!(null),
        ),
    );
    assert_eq!(response["content"], message["content"]);
}

#[test]
fn chat_stream_errors_and_what_has_no_messages_equivalent() {
    let mut stream = ChatToMessagesStream::new();
    stream.push(r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Par"}},{"index":1,"delta":{"content":"Other"}}]}"#).unwrap();
    stream.push(r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"x","type":"custom","custom":{"name":"sh","input":"ls"}}]},"logprobs":{"content":[]}}]}"#).unwrap();
    let events = stream
        .push(
            r#"{"error":{"message":"Too many requests","type":"rate_limit_exceeded","code":429}}"#,
        )
        .unwrap();
    assert_eq!(names(&events), ["error"]);
    assert_eq!(
        events[0].data,
        r#"{"type":"error","error":{"type":"rate_limit_error","message":"Too many requests"}}"#
    );
    let error = modelwire::api_error::ApiError::from_stream_data(&[], events[0].data.as_bytes());
    assert_eq!(error.kind, modelwire::api_error::ErrorKind::RateLimit);
    assert!(stream.is_done());
    assert!(stream.push(r#"{"choices":[]}"#).unwrap().is_empty());
    assert!(stream.finish().is_empty());
    assert_eq!(
        paths(stream.dropped()),
        [
            "choices[1]",
            "choices[0].delta.tool_calls[0]",
            "choices[0].logprobs"
        ]
    );
    // A numeric code alone still names the class.
    let mut stream = ChatToMessagesStream::new();
    let events = stream
        .push(r#"{"error":{"message":"busy","code":503}}"#)
        .unwrap();
    assert_eq!(
        events[0].data,
        r#"{"type":"error","error":{"type":"api_error","message":"busy"}}"#
    );
    // Data that is not a chunk.
    let err = ChatToMessagesStream::new()
        .push(r#"{"choices":[{"del"#)
        .unwrap_err();
    assert!(
        matches!(err, modelwire::convert::ConvertError::InvalidJson { .. }),
        "{err}"
    );
}

/// Feeds Messages events through the converter into a [`ChatAccumulator`].
fn message_events(events: &[(&str, &str)]) -> (Vec<Event>, Value, MessagesToChatStream) {
    let mut stream = MessagesToChatStream::new();
    let mut chunks = Vec::new();
    for (name, data) in events {
        chunks.extend(stream.push(Some(name), data).unwrap());
    }
    chunks.extend(stream.finish());
    let mut chat = ChatAccumulator::new();
    for chunk in &chunks {
        chat.push(None, &chunk.data, &mut ()).unwrap();
    }
    (
        chunks,
        serde_json::from_str(&chat.completion_json()).unwrap(),
        stream,
    )
}

#[test]
fn a_messages_stream_with_thinking_tools_and_a_stop_sequence() {
    let (chunks, completion, stream) = message_events(&[
        (
            "message_start",
            r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1,"cache_read_input_tokens":30}}}"#,
        ),
        ("ping", r#"{"type":"ping"}"#),
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Plan."}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"c2ln"}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":0}"#,
        ),
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":1}"#,
        ),
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"a\": "}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"1}"}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":2}"#,
        ),
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_2","name":"g","input":{"b":2}}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":3}"#,
        ),
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":4,"content_block":{"type":"server_tool_use","id":"srv_1","name":"web_search","input":{}}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":4}"#,
        ),
        (
            "message_delta",
            r#"{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":20}}"#,
        ),
        ("message_stop", r#"{"type":"message_stop"}"#),
    ]);
    assert_eq!(chunks.last().unwrap().data, "[DONE]");
    assert_eq!(
        completion,
        json!({"id": "msg_1", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop", "stop_reason": "END", "logprobs": null,
                "message": {"role": "assistant", "content": "", "refusal": null, "reasoning_content": "Plan.",
                    "thinking_blocks": [{"type": "thinking", "thinking": "Plan.", "signature": "c2ln"}],
                    "tool_calls": [
                        {"index": 0, "id": "toolu_1", "type": "function", "function": {"name": "f", "arguments": "{\"a\": 1}"}},
                        {"index": 1, "id": "toolu_2", "type": "function", "function": {"name": "g", "arguments": "{\"b\":2}"}}]}}],
            "usage": {"prompt_tokens": 42, "completion_tokens": 20, "total_tokens": 62,
                "prompt_tokens_details": {"cached_tokens": 30}}})
    );
    assert_eq!(paths(stream.dropped()), ["content[4]"]);
    // And back: the signature returns as a signature_delta, the stop string
    // as stop_sequence.
    let mut back = ChatToMessagesStream::new();
    let mut messages = MessagesAccumulator::new();
    for chunk in &chunks {
        for event in back.push(&chunk.data).unwrap() {
            messages
                .push(event.event.as_deref(), &event.data, &mut ())
                .unwrap();
        }
    }
    let message: Value = serde_json::from_str(&messages.message_json()).unwrap();
    assert_eq!(
        message["content"][0],
        json!({"type": "thinking", "thinking": "Plan.", "signature": "c2ln"})
    );
    assert_eq!(message["stop_reason"], "stop_sequence");
    assert_eq!(message["stop_sequence"], "END");
    assert_eq!(
        message["usage"],
        json!({"input_tokens": 12, "output_tokens": 20, "cache_read_input_tokens": 30})
    );
}

#[test]
fn messages_stream_errors_cuts_and_unknown_events() {
    let start = r#"{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":1,"output_tokens":0}}}"#;
    let mut stream = MessagesToChatStream::new();
    stream.push(Some("message_start"), start).unwrap();
    assert!(
        stream
            .push(Some("compaction_status"), r#"{"type":"compaction_status"}"#)
            .unwrap()
            .is_empty()
    );
    let chunks = stream
        .push(
            Some("error"),
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        )
        .unwrap();
    assert_eq!(
        chunks[0].data,
        r#"{"error":{"message":"Overloaded","type":"overloaded_error"}}"#
    );
    let error = modelwire::api_error::ApiError::from_stream_data(&[], chunks[0].data.as_bytes());
    assert_eq!(error.kind, modelwire::api_error::ErrorKind::InternalServer);
    assert_eq!(error.message, "Overloaded");
    assert!(stream.is_done());
    assert_eq!(paths(stream.dropped()), ["compaction_status"]);
    // Cut before message_delta: no finish, no [DONE].
    let mut stream = MessagesToChatStream::new();
    stream.push(None, start).unwrap();
    assert!(stream.finish().is_empty());
    assert_eq!(
        kind_of(stream.dropped(), "message_delta"),
        LossKind::Dropped
    );
    // A delta before message_start still gets a role chunk first.
    let mut stream = MessagesToChatStream::new();
    let chunks = stream
        .push(None, r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"Hi"}}"#)
        .unwrap();
    assert_eq!(chunks.len(), 2);
    assert!(chunks[0].data.contains(r#""delta":{"role":"assistant"}"#));
    assert!(MessagesToChatStream::new().push(None, "{").is_err());
}

// ---------------------------------------------------- mappings, exactly

#[test]
fn chat_request_field_by_field() {
    let body = r#"{"model":"moonshotai/Kimi-K2.5","messages":[
        {"role":"system","content":"Be brief."},
        {"role":"user","content":[{"type":"text","text":"What is it?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
        {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"look","arguments":"{\"z\": 1, \"a\": 2}"}}]},
        {"role":"tool","tool_call_id":"call_1","content":"a cat"}],
        "tools":[{"type":"function","function":{"name":"look","description":"Look closer","parameters":{"type":"object","properties":{"z":{},"a":{}}}}}],
        "tool_choice":"required","parallel_tool_calls":false,"max_tokens":300,"temperature":0.2,"stop":["\n\n"],"user":"u1","stream":true,"stream_options":{"include_usage":true},"min_p":0.05}"#;
    let converted = chat_to_messages_request(body).unwrap();
    // Schemas and arguments pass as written: key order and spacing kept.
    assert_eq!(
        converted.json,
        concat!(
            r#"{"model":"moonshotai/Kimi-K2.5","max_tokens":300,"system":"Be brief.","messages":["#,
            r#"{"role":"user","content":[{"type":"text","text":"What is it?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},"#,
            r#"{"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"look","input":{"z": 1, "a": 2}}]},"#,
            r#"{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"a cat"}]}],"#,
            r#""temperature":0.2,"stop_sequences":["\n\n"],"stream":true,"#,
            r#""tools":[{"name":"look","description":"Look closer","input_schema":{"type":"object","properties":{"z":{},"a":{}}}}],"#,
            r#""tool_choice":{"type":"any","disable_parallel_tool_use":true},"metadata":{"user_id":"u1"},"min_p":0.05}"#
        )
    );
    assert!(converted.dropped.is_empty());
    let back = messages_to_chat_request(&converted.json).unwrap();
    assert!(
        back.json.contains(r#""arguments":"{\"z\": 1, \"a\": 2}""#),
        "{}",
        back.json
    );
}

#[test]
fn system_messages_merge_into_one_prompt() {
    let (converted, losses) = convert(
        chat_to_messages_request,
        &json!({"model": "m", "max_tokens": 9, "messages": [
        {"role": "system", "content": "One."},
        {"role": "developer", "content": [{"type": "text", "text": "Two."}]},
        {"role": "user", "content": "Hi"},
        {"role": "system", "content": "Three."},
        {"role": "assistant", "content": "Hello"}]}),
    );
    assert_eq!(
        converted["system"],
        json!([{"type": "text", "text": "One."}, {"type": "text", "text": "Two."}, {"type": "text", "text": "Three."}])
    );
    assert_eq!(
        converted["messages"],
        json!([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}])
    );
    assert_eq!(
        paths(&losses),
        [
            "messages[1].role",
            "messages[3]",
            "messages[0]",
            "messages[1]",
            "messages[3]"
        ]
    );
    assert_eq!(kind_of(&losses, "messages[1].role"), LossKind::Approximated);
    assert_eq!(losses[1].kind, LossKind::Approximated, "{:?}", losses[1]);
    let (back, _) = convert(messages_to_chat_request, &converted);
    assert_eq!(
        back["messages"][0],
        json!({"role": "system", "content": [
        {"type": "text", "text": "One."}, {"type": "text", "text": "Two."}, {"type": "text", "text": "Three."}]})
    );
}

#[test]
fn tool_results_split_and_merge() {
    // Messages → Chat: each tool_result becomes a tool message, the rest a
    // user message after them; a following turn of blocks would merge back.
    let (chat, losses) = convert(
        messages_to_chat_request,
        &json!({"model": "m", "max_tokens": 9, "messages": [
        {"role": "user", "content": "Go"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "f", "input": {}},
            {"type": "tool_use", "id": "t2", "name": "f", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1"},
            {"type": "tool_result", "tool_use_id": "t2", "content": [{"type": "text", "text": "ok"},
                {"type": "image", "source": {"type": "url", "url": "https://x/y.png"}}]}]},
        {"role": "user", "content": [{"type": "text", "text": "Next"}]}]}),
    );
    assert_eq!(
        chat["messages"][2],
        json!({"role": "tool", "tool_call_id": "t1", "content": ""})
    );
    assert_eq!(
        chat["messages"][3],
        json!({"role": "tool", "tool_call_id": "t2", "content": [
        {"type": "text", "text": "ok"}, {"type": "image_url", "image_url": {"url": "https://x/y.png"}}]})
    );
    assert_eq!(
        chat["messages"][4],
        json!({"role": "user", "content": [{"type": "text", "text": "Next"}]})
    );
    assert_eq!(
        paths(&losses),
        ["messages[2].content[0].content", "messages[3]"]
    );
    // Chat → Messages: consecutive tool messages make one user turn, and
    // content parts right after join it; a string stays its own turn.
    let (messages, _) = convert(chat_to_messages_request, &chat);
    assert_eq!(
        messages["messages"][2]["content"].as_array().unwrap().len(),
        3
    );
    let (messages, _) = convert(
        chat_to_messages_request,
        &json!({"model": "m", "max_tokens": 9, "messages": [
        {"role": "user", "content": "Go"},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "t1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "t1", "content": "done"},
        {"role": "user", "content": "Thanks"}]}),
    );
    assert_eq!(
        messages["messages"][2],
        json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "done"}]})
    );
    assert_eq!(
        messages["messages"][3],
        json!({"role": "user", "content": "Thanks"})
    );
}

#[test]
fn reasoning_effort_and_thinking_budget() {
    let thinking = |body: Value| {
        let (converted, losses) = convert(chat_to_messages_request, &body);
        (
            converted["thinking"].clone(),
            converted["max_tokens"].clone(),
            losses,
        )
    };
    let user = json!([{"role": "user", "content": "Hi"}]);
    for (effort, budget) in [("low", 1024), ("medium", 4096), ("high", 16384)] {
        let (t, max, losses) = thinking(
            json!({"model": "m", "messages": user, "reasoning_effort": effort,
            "chat_template_args": {"enable_thinking": true}}),
        );
        assert_eq!(t, json!({"type": "enabled", "budget_tokens": budget}));
        // The default leaves 8192 tokens for the answer after the budget.
        assert_eq!(max, json!(8192 + budget));
        assert_eq!(paths(&losses), ["max_tokens"]);
        assert_eq!(losses[0].kind, LossKind::Approximated);
        let (back, losses) = convert(
            messages_to_chat_request,
            &json!({"model": "m", "max_tokens": 20000,
            "messages": user, "thinking": {"type": "enabled", "budget_tokens": budget}}),
        );
        assert_eq!(back["reasoning_effort"], effort);
        assert_eq!(back["chat_template_args"], json!({"enable_thinking": true}));
        assert!(losses.is_empty());
    }
    // Budgets between rows go to the nearer effort, reported.
    for (budget, effort) in [
        (1500, "low"),
        (2048, "low"),
        (2049, "medium"),
        (8192, "medium"),
        (9000, "high"),
        (64000, "high"),
    ] {
        let (back, losses) = convert(
            messages_to_chat_request,
            &json!({"model": "m", "max_tokens": 70000,
            "messages": user, "thinking": {"type": "enabled", "budget_tokens": budget}}),
        );
        assert_eq!(back["reasoning_effort"], effort, "{budget}");
        assert_eq!(
            kind_of(&losses, "thinking.budget_tokens"),
            LossKind::Approximated
        );
    }
    // Efforts without a row.
    let (t, _, losses) = thinking(
        json!({"model": "m", "messages": user, "max_tokens": 9000, "reasoning_effort": "minimal"}),
    );
    assert_eq!(t["budget_tokens"], 1024);
    assert_eq!(kind_of(&losses, "reasoning_effort"), LossKind::Approximated);
    // Off, two ways; and a max_tokens at or below the budget is reported.
    let (t, _, _) = thinking(
        json!({"model": "m", "messages": user, "max_tokens": 9, "reasoning_effort": "none"}),
    );
    assert_eq!(t, json!({"type": "disabled"}));
    let (t, _, losses) = thinking(json!({"model": "m", "messages": user, "max_tokens": 1000,
        "reasoning_effort": "high", "chat_template_args": {"enable_thinking": false}}));
    assert_eq!(t, json!({"type": "disabled"}));
    assert_eq!(kind_of(&losses, "reasoning_effort"), LossKind::Dropped);
    let (_, _, losses) = thinking(
        json!({"model": "m", "messages": user, "max_tokens": 1024, "reasoning_effort": "low"}),
    );
    assert_eq!(kind_of(&losses, "max_tokens"), LossKind::Unsupported);
    // Adaptive thinking has no budget to carry.
    let (back, losses) = convert(
        messages_to_chat_request,
        &json!({"model": "m", "max_tokens": 9,
        "messages": user, "thinking": {"type": "adaptive"}}),
    );
    assert_eq!(back["chat_template_args"], json!({"enable_thinking": true}));
    assert_eq!(kind_of(&losses, "thinking.type"), LossKind::Approximated);
}

#[test]
fn images_both_ways() {
    let part = |url: &str| {
        json!({"model": "m", "max_tokens": 9, "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": url}}]}]})
    };
    let (m, losses) = convert(
        chat_to_messages_request,
        &part("data:image/webp;base64,UklGR"),
    );
    assert_eq!(
        m["messages"][0]["content"][0],
        json!({"type": "image", "source": {"type": "base64", "media_type": "image/webp", "data": "UklGR"}})
    );
    assert!(losses.is_empty());
    let (m, losses) = convert(chat_to_messages_request, &part("https://example.com/a.png"));
    assert_eq!(
        m["messages"][0]["content"][0]["source"],
        json!({"type": "url", "url": "https://example.com/a.png"})
    );
    assert!(losses.is_empty());
    // A data: URL that is not base64 has no base64 source.
    let (m, losses) = convert(
        chat_to_messages_request,
        &part("data:image/svg+xml,%3Csvg%3E"),
    );
    assert_eq!(m["messages"][0]["content"][0]["source"]["type"], "url");
    assert_eq!(
        kind_of(&losses, "messages[0].content[0].image_url.url"),
        LossKind::Unsupported
    );
    // A file source, audio, a document: nothing to carry them.
    let (c, losses) = convert(
        messages_to_chat_request,
        &json!({"model": "m", "max_tokens": 9, "messages": [{"role": "user", "content": [
        {"type": "image", "source": {"type": "file", "file_id": "f1"}},
        {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "x"}},
        {"type": "text", "text": "Hi"}]}]}),
    );
    assert_eq!(
        c["messages"][0]["content"],
        json!([{"type": "text", "text": "Hi"}])
    );
    assert_eq!(
        paths(&losses),
        ["messages[0].content[0].source", "messages[0].content[1]"]
    );
    let (_, losses) = convert(
        chat_to_messages_request,
        &json!({"model": "m", "max_tokens": 9, "messages": [{"role": "user", "content": [
        {"type": "input_audio", "input_audio": {"data": "AAA", "format": "wav"}}]}]}),
    );
    assert_eq!(
        kind_of(&losses, "messages[0].content[0]"),
        LossKind::Dropped
    );
}

#[test]
fn stop_reasons_both_ways() {
    for (finish, vllm_stop, stop_reason, stop_sequence) in [
        ("stop", None, "end_turn", None),
        ("stop", Some("END"), "stop_sequence", Some("END")),
        ("length", None, "max_tokens", None),
        ("tool_calls", None, "tool_use", None),
        ("content_filter", None, "refusal", None),
    ] {
        let mut body = chat_completion(
            json!({"role": "assistant", "content": "x"}),
            finish,
            json!(null),
        );
        if let Some(stop) = vllm_stop {
            body["choices"][0]["stop_reason"] = json!(stop);
        }
        let (m, _) = convert(chat_to_messages_response, &body);
        assert_eq!(m["stop_reason"], stop_reason);
        assert_eq!(m["stop_sequence"], json!(stop_sequence));
        let (c, losses) = convert(messages_to_chat_response, &m);
        assert_eq!(c["choices"][0]["finish_reason"], finish);
        assert_eq!(c["choices"][0]["stop_reason"], json!(vllm_stop));
        assert!(losses.is_empty(), "{losses:?}");
    }
    for (stop_reason, finish, kind) in [
        ("pause_turn", json!("stop"), LossKind::Approximated),
        (
            "model_context_window_exceeded",
            json!("length"),
            LossKind::Approximated,
        ),
        (
            "something_new",
            json!("something_new"),
            LossKind::Unsupported,
        ),
    ] {
        let (c, losses) = convert(
            messages_to_chat_response,
            &message(
                json!([]),
                stop_reason,
                json!({"input_tokens": 1, "output_tokens": 1}),
            ),
        );
        assert_eq!(c["choices"][0]["finish_reason"], finish);
        assert_eq!(kind_of(&losses, "stop_reason"), kind);
    }
}

#[test]
fn usage_counts_cached_tokens_once() {
    let (m, _) = convert(
        chat_to_messages_response,
        &chat_completion(
            json!({"role": "assistant", "content": "x"}),
            "stop",
            json!({"prompt_tokens": 100, "completion_tokens": 7, "total_tokens": 107, "prompt_tokens_details": {"cached_tokens": 64}}),
        ),
    );
    assert_eq!(
        m["usage"],
        json!({"input_tokens": 36, "output_tokens": 7, "cache_read_input_tokens": 64})
    );
    let (c, losses) = convert(
        messages_to_chat_response,
        &message(
            json!([]),
            "end_turn",
            json!({"input_tokens": 36, "output_tokens": 7, "cache_read_input_tokens": 64, "cache_creation_input_tokens": 10}),
        ),
    );
    assert_eq!(
        c["usage"],
        json!({"prompt_tokens": 110, "completion_tokens": 7, "total_tokens": 117,
        "prompt_tokens_details": {"cached_tokens": 64}})
    );
    assert_eq!(paths(&losses), ["usage.cache_creation_input_tokens"]);
    // Messages requires usage: a completion without one gets zeros, reported.
    let (m, losses) = convert(
        chat_to_messages_response,
        &chat_completion(
            json!({"role": "assistant", "content": "x"}),
            "stop",
            json!(null),
        ),
    );
    assert_eq!(m["usage"], json!({"input_tokens": 0, "output_tokens": 0}));
    assert_eq!(kind_of(&losses, "usage"), LossKind::Approximated);
}

#[test]
fn what_cannot_be_converted_at_all() {
    use modelwire::convert::ConvertError;
    for f in [
        chat_to_messages_request,
        messages_to_chat_request,
        chat_to_messages_response,
        messages_to_chat_response,
    ] {
        assert!(matches!(
            f("not json"),
            Err(ConvertError::InvalidJson { .. })
        ));
        assert_eq!(f("[1, 2]"), Err(ConvertError::NotAnObject));
        assert_eq!(f("null"), Err(ConvertError::NotAnObject));
        // Any object converts; what is missing is the server's to refuse.
        assert!(f("{}").is_ok());
    }
    let err = chat_to_messages_request("{\"model\":").unwrap_err();
    assert!(
        err.to_string().starts_with("cannot convert: not JSON ("),
        "{err}"
    );
}

#[test]
fn legacy_and_custom_tools_are_reported_not_lost_silently() {
    let (m, losses) = convert(
        chat_to_messages_request,
        &json!({"model": "m", "max_tokens": 9,
        "tools": [{"type": "custom", "custom": {"name": "sh"}}, weather_tool()],
        "functions": [{"name": "old"}], "function_call": "auto",
        "messages": [
            {"role": "user", "content": "Go", "name": "alice"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "c1", "type": "custom", "custom": {"name": "sh", "input": "ls"}},
                {"id": "c2", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
            {"role": "function", "name": "old", "content": "x"},
            {"role": "narrator", "content": "x"}]}),
    );
    assert_eq!(m["tools"].as_array().unwrap().len(), 1);
    assert_eq!(
        m["messages"][1]["content"],
        json!([{"type": "tool_use", "id": "c2", "name": "get_weather", "input": {}}])
    );
    assert_eq!(
        paths(&losses),
        [
            "messages[0].name",
            "messages[1].tool_calls[0]",
            "messages[2]",
            "messages[3].role",
            "tools[0]",
            "functions",
            "function_call"
        ]
    );
    assert!(losses.iter().all(|l| l.kind == LossKind::Dropped));
}

// ---------------------------------------------------------- properties

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just(String::new()),
            Just("user".to_owned()),
            Just("assistant".to_owned()),
            Just("tool".to_owned()),
            Just("system".to_owned()),
            Just("text".to_owned()),
            Just("image_url".to_owned()),
            Just("image".to_owned()),
            Just("tool_use".to_owned()),
            Just("tool_result".to_owned()),
            Just("thinking".to_owned()),
            Just("redacted_thinking".to_owned()),
            Just("function".to_owned()),
            Just("base64".to_owned()),
            Just("url".to_owned()),
            Just("enabled".to_owned()),
            Just("data:image/png;base64,AA".to_owned()),
            Just("{\"a\":".to_owned()),
            Just("{}".to_owned()),
            Just("stop".to_owned()),
            Just("end_turn".to_owned()),
            Just("[DONE]".to_owned()),
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        let keys = prop_oneof![
            Just("model"),
            Just("messages"),
            Just("role"),
            Just("content"),
            Just("type"),
            Just("text"),
            Just("tools"),
            Just("function"),
            Just("name"),
            Just("arguments"),
            Just("tool_calls"),
            Just("tool_choice"),
            Just("max_tokens"),
            Just("thinking"),
            Just("budget_tokens"),
            Just("source"),
            Just("image_url"),
            Just("url"),
            Just("input"),
            Just("system"),
            Just("choices"),
            Just("message"),
            Just("delta"),
            Just("usage"),
            Just("index"),
            Just("finish_reason"),
            Just("stop_reason"),
            Just("reasoning_effort"),
            Just("chat_template_args"),
            Just("enable_thinking"),
            Just("thinking_blocks"),
            Just("refusal"),
            Just("content_block"),
            Just("partial_json"),
            Just("prompt_tokens"),
            Just("input_tokens"),
            Just("cached_tokens"),
            Just("error"),
        ]
        .prop_map(str::to_owned);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every loss path starts at a key of the input (or one the way back adds).
fn rooted(loss: &Loss, body: &Value) -> bool {
    let head = loss.path.split(['.', '[']).next().unwrap_or("");
    body.get(head).is_some()
        || [
            "max_tokens",
            "reasoning_effort",
            "chat_template_args",
            "tool_choice",
            "usage",
            "content",
        ]
        .contains(&head)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn arbitrary_json_converts_to_json(body in arbitrary_json()) {
        let text = body.to_string();
        for f in [chat_to_messages_request, messages_to_chat_request, chat_to_messages_response, messages_to_chat_response] {
            if let Ok(converted) = f(&text) {
                prop_assert!(serde_json::from_str::<Value>(&converted.json).is_ok(), "{}", converted.json);
                for loss in &converted.dropped {
                    prop_assert!(rooted(loss, &body), "{:?} for {}", loss, body);
                    prop_assert!(!loss.reason.is_empty());
                }
            }
        }
    }

    #[test]
    fn arbitrary_streams_give_json_events(chunks in prop::collection::vec(arbitrary_json(), 0..8)) {
        let mut to_messages = ChatToMessagesStream::new();
        let mut to_chat = MessagesToChatStream::new();
        let mut out = Vec::new();
        for chunk in &chunks {
            let data = chunk.to_string();
            out.extend(to_messages.push(&data).unwrap_or_default());
            out.extend(to_chat.push(None, &data).unwrap_or_default());
        }
        out.extend(to_messages.finish());
        out.extend(to_chat.finish());
        for event in out {
            prop_assert!(event.data == "[DONE]" || serde_json::from_str::<Value>(&event.data).is_ok(), "{}", event.data);
        }
    }
}

#[test]
fn stream_usage_is_asked_for_on_chat_and_not_a_loss_on_messages() {
    // Messages streams always carry usage: a Messages stream request asks
    // Chat servers for it, and a Chat one asking for it loses nothing.
    let messages = json!({"model": "m", "max_tokens": 9, "stream": true,
        "messages": [{"role": "user", "content": "Hi"}]});
    let (chat, losses) = convert(messages_to_chat_request, &messages);
    assert!(losses.is_empty());
    assert_eq!(chat["stream_options"], json!({"include_usage": true}));
    let (back, losses) = convert(chat_to_messages_request, &chat);
    assert!(losses.is_empty(), "{losses:?}");
    assert_eq!(back, messages);
    // Not streaming: nothing to ask for.
    let (chat, _) = convert(
        messages_to_chat_request,
        &json!({"model": "m", "max_tokens": 9, "messages": []}),
    );
    assert!(chat.get("stream_options").is_none());

    let chat = |extra: Value| {
        let mut body = json!({"model": "m", "max_tokens": 9, "stream": true,
            "messages": [{"role": "user", "content": "Hi"}]});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    // A Chat stream without include_usage gets usage: reshaped, reported at `stream`.
    let (_, losses) = convert(chat_to_messages_request, &chat(json!({})));
    assert_eq!(paths(&losses), ["stream"]);
    assert_eq!(kind_of(&losses, "stream"), LossKind::Reshaped);
    // Other stream options have no Messages equivalent.
    let (out, losses) = convert(
        chat_to_messages_request,
        &chat(json!({"stream_options": {"include_usage": true, "continuous_usage_stats": true}})),
    );
    assert!(out.get("stream_options").is_none());
    assert_eq!(kind_of(&losses, "stream_options"), LossKind::Dropped);
}
