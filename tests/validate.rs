//! Request validation: for each rule a failing body with the exact field
//! path and a passing one; the seeds' example requests; unknown fields; the
//! summary; and arbitrary JSON never panics.
#![cfg(not(target_arch = "wasm32"))]

use modelwire::validate::{
    RequestSummary, ValidationError, validate_chat_request, validate_chat_value,
    validate_messages_request, validate_messages_value,
};
use proptest::prelude::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------- helpers

/// A valid Chat Completions body.
fn chat() -> Value {
    json!({"model": "deepseek-ai/DeepSeek-V3-0324", "messages": [{"role": "user", "content": "hi"}]})
}

/// A valid Messages body.
fn anthropic() -> Value {
    json!({"model": "deepseek-ai/DeepSeek-V4-Pro", "max_tokens": 1024,
           "messages": [{"role": "user", "content": "Hello!"}]})
}

/// `base` with top-level `key` set to `value`.
fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

/// `base` without top-level `key`.
fn without(mut base: Value, key: &str) -> Value {
    base.as_object_mut().unwrap().remove(key);
    base
}

/// `chat()` with these messages.
fn chat_msgs(messages: Value) -> Value {
    with(chat(), "messages", messages)
}

/// `anthropic()` with these messages.
fn anthropic_msgs(messages: Value) -> Value {
    with(anthropic(), "messages", messages)
}

/// Validates through the text entry point (and checks the value one agrees).
fn check_chat(body: &Value) -> Result<RequestSummary, ValidationError> {
    let from_text = validate_chat_request(&body.to_string());
    // The same verdict and field (a float's last digit may differ: serde_json
    // does not round-trip floats exactly by default).
    let from_value = validate_chat_value(body);
    assert_eq!(field(&from_text), field(&from_value));
    from_text
}

fn check_anthropic(body: &Value) -> Result<RequestSummary, ValidationError> {
    let from_text = validate_messages_request(&body.to_string());
    let from_value = validate_messages_value(body);
    assert_eq!(field(&from_text), field(&from_value));
    from_text
}

/// The field an error names, `None` for success.
fn field(result: &Result<RequestSummary, ValidationError>) -> Option<&str> {
    result.as_ref().err().map(|err| err.field.as_str())
}

#[track_caller]
fn chat_fails(body: Value, field: &str) -> ValidationError {
    match check_chat(&body) {
        Ok(_) => panic!("expected an error at {field:?} for {body}"),
        Err(err) => {
            assert_eq!(err.field, field, "{err} for {body}");
            assert!(!err.message.is_empty());
            err
        }
    }
}

#[track_caller]
fn chat_passes(body: Value) -> RequestSummary {
    match check_chat(&body) {
        Ok(summary) => summary,
        Err(err) => panic!("{err} for {body}"),
    }
}

#[track_caller]
fn anthropic_fails(body: Value, field: &str) -> ValidationError {
    match check_anthropic(&body) {
        Ok(_) => panic!("expected an error at {field:?} for {body}"),
        Err(err) => {
            assert_eq!(err.field, field, "{err} for {body}");
            assert!(!err.message.is_empty());
            err
        }
    }
}

#[track_caller]
fn anthropic_passes(body: Value) -> RequestSummary {
    match check_anthropic(&body) {
        Ok(summary) => summary,
        Err(err) => panic!("{err} for {body}"),
    }
}

const WEATHER_TOOL: &str = r#"{"type":"function","function":{"name":"get_weather",
  "description":"Get the current weather","parameters":{"type":"object",
  "properties":{"location":{"type":"string","description":"City name"}},"required":["location"]}}}"#;

fn weather_tool() -> Value {
    serde_json::from_str(WEATHER_TOOL).unwrap()
}

// ---------------------------------------------------------- the error type

#[test]
fn error_display_names_the_field() {
    let err = chat_fails(with(chat(), "temperature", json!(3)), "temperature");
    assert_eq!(err.message, "must be between 0 and 2, got 3");
    assert_eq!(
        err.to_string(),
        "invalid request: temperature: must be between 0 and 2, got 3"
    );

    let err = chat_fails(with(chat(), "model", json!(7)), "model");
    assert_eq!(err.message, "expected a string, got a number");

    let err = validate_chat_request("[1]").unwrap_err();
    assert_eq!(err.field, "");
    assert_eq!(
        err.to_string(),
        "invalid request: body must be a JSON object, got an array"
    );
    let _: &dyn std::error::Error = &err;
}

#[test]
fn the_body_must_be_a_json_object() {
    for body in [
        "",
        "not json",
        "{",
        "[]",
        "null",
        "1",
        "\"x\"",
        "{\"model\":}",
    ] {
        let err = validate_chat_request(body).unwrap_err();
        assert_eq!(err.field, "", "{body}");
        let err = validate_messages_request(body).unwrap_err();
        assert_eq!(err.field, "", "{body}");
    }
    let err = validate_chat_request("{\"model\": ").unwrap_err();
    assert!(err.message.starts_with("body is not valid JSON"), "{err}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(validate_chat_request(&deep).unwrap_err().field, "");
    let body = format!(
        r#"{{"model":"m","messages":[{{"role":"user","content":"hi"}}],"x":{}1{}}}"#,
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    assert_eq!(validate_chat_request(&body).unwrap_err().field, "");
}

#[test]
fn long_values_are_cut_short_in_messages() {
    let role = "r".repeat(10_000);
    let err = chat_fails(
        chat_msgs(json!([{"role": role, "content": "x"}])),
        "messages[0].role",
    );
    assert!(err.message.len() < 400, "{}", err.message.len());
    assert!(err.message.ends_with('…'));
}

// ------------------------------------------------------- chat: the seeds

#[test]
fn chat_seed_first_call() {
    let summary = chat_passes(json!({
        "model": "deepseek-ai/DeepSeek-V3-0324",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Your question here"}
        ]
    }));
    assert_eq!(summary.model, "deepseek-ai/DeepSeek-V3-0324");
    assert_eq!(summary, {
        let mut s = RequestSummary::default();
        s.model = "deepseek-ai/DeepSeek-V3-0324".into();
        s
    });
}

#[test]
fn chat_seed_streaming() {
    let summary = chat_passes(json!({
        "model": "deepseek-ai/DeepSeek-V3-0324",
        "messages": [{ "role": "user", "content": "Your content here" }],
        "stream": true,
        "max_tokens": 10
    }));
    assert!(summary.stream);
    assert_eq!(summary.max_output_tokens, Some(10));
}

#[test]
fn chat_seed_structured_output_legacy_form() {
    let summary = chat_passes(json!({
        "model": "deepseek-ai/DeepSeek-V3-0324",
        "messages": [
            {"role": "system", "content": "You are an expert at extracting information."},
            {"role": "user", "content": "My name is Jane Doe and my email is jane.doe@example.com. I'd like to know more about your services."}
        ],
        "response_format": {
            "type": "json_object",
            "json_schema": {
                "name": "user_details",
                "description": "User contact information",
                "schema": {
                    "type": "object",
                    "properties": {
                        "name": { "type": "string", "description": "The user's full name" },
                        "email": { "type": "string", "description": "The user's email address" }
                    },
                    "required": ["name", "email"]
                },
                "strict": true
            }
        }
    }));
    assert!(summary.uses_json_object);
    assert!(!summary.uses_json_schema);
}

#[test]
fn chat_seed_tool_calling_round_trip() {
    let first = chat_passes(json!({
        "model": "deepseek-ai/DeepSeek-V3-0324",
        "messages": [{"role": "user", "content": "What's the weather like in Boston?"}],
        "tools": [weather_tool()],
        "tool_choice": "auto"
    }));
    assert!(first.uses_tools);

    let second = chat_passes(json!({
        "model": "deepseek-ai/DeepSeek-V3-0324",
        "messages": [
            {"role": "user", "content": "What's the weather like in Boston?"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"location\":\"Boston\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "name": "get_weather",
             "content": "{\"location\":\"Boston\",\"temperature\":\"72\",\"forecast\":\"sunny\"}"}
        ]
    }));
    assert!(!second.uses_tools);
}

#[test]
fn chat_every_baseten_parameter_passes() {
    let summary = chat_passes(json!({
        "model": "moonshotai/Kimi-K2.5",
        "messages": [
            {"role": "developer", "content": [{"type": "text", "text": "Be brief."}]},
            {"role": "user", "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "auto"}},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
                {"type": "input_audio", "input_audio": {"data": "UklGR", "format": "wav"}},
                {"type": "video_url", "video_url": {"url": "https://example.com/v.mp4"}}
            ]},
            {"role": "assistant", "content": [{"type": "text", "text": "A cat."}], "refusal": null}
        ],
        "temperature": 0.7, "top_p": 0.9, "n": 1, "max_tokens": 100, "max_completion_tokens": 200,
        "stop": ["\n\n", "END"], "seed": -42, "top_k": -1, "min_p": 0.05, "repetition_penalty": 1.1,
        "frequency_penalty": 0.5, "presence_penalty": -0.5, "logit_bias": {"50256": -100},
        "logprobs": true, "top_logprobs": 5, "user": "u-1",
        "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}, "strict": true}},
        "tools": [weather_tool()], "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "parallel_tool_calls": false, "stream": true,
        "stream_options": {"include_usage": true, "continuous_usage_stats": true},
        "reasoning_effort": "high", "chat_template_args": {"enable_thinking": true}
    }));
    assert_eq!(summary, {
        let mut s = RequestSummary::default();
        s.model = "moonshotai/Kimi-K2.5".into();
        s.uses_tools = true;
        s.uses_json_schema = true;
        s.uses_json_object = false;
        s.has_images = true;
        s.has_audio = true;
        s.reasoning_requested = true;
        s.max_output_tokens = Some(200);
        s.stream = true;
        s
    });
}

#[test]
fn chat_unknown_fields_pass() {
    let summary = chat_passes(json!({
        "model": "m",
        "messages": [{"role": "user", "content": "hi", "x-note": {"a": [1, 2]}}],
        "guided_json": {"type": "object"}, "some_future_flag": [null, true],
        "stream_options": {"include_usage": true, "extra": 1},
        "tools": [{"type": "function", "function": {"name": "f", "x": 1}, "cache_control": {}}],
        "response_format": {"type": "text", "extra": "kept"}
    }));
    assert!(summary.uses_tools);
}

#[test]
fn chat_nulls_read_as_absent() {
    chat_passes(json!({
        "model": "m", "messages": [{"role": "user", "content": "hi", "name": null}],
        "temperature": null, "top_p": null, "n": null, "max_tokens": null, "stop": null,
        "response_format": null, "tools": null, "tool_choice": null, "stream": null,
        "stream_options": null, "reasoning_effort": null, "seed": null, "logit_bias": null
    }));
}

// ------------------------------------------------------- chat: top level

#[test]
fn chat_model() {
    chat_fails(without(chat(), "model"), "model");
    chat_fails(with(chat(), "model", json!("")), "model");
    chat_fails(with(chat(), "model", json!(null)), "model");
    chat_fails(with(chat(), "model", json!(["m"])), "model");
}

#[test]
fn chat_messages() {
    let err = chat_fails(without(chat(), "messages"), "messages");
    assert_eq!(err.message, "is required");
    let err = chat_fails(chat_msgs(json!([])), "messages");
    assert_eq!(err.message, "must not be empty");
    chat_fails(chat_msgs(json!("hi")), "messages");
    chat_fails(chat_msgs(json!({"role": "user"})), "messages");
    chat_fails(chat_msgs(json!(["hi"])), "messages[0]");
}

#[test]
fn chat_roles() {
    chat_fails(chat_msgs(json!([{"content": "x"}])), "messages[0].role");
    let err = chat_fails(
        chat_msgs(json!([{"role": "user", "content": "a"}, {"role": "bot", "content": "x"}])),
        "messages[1].role",
    );
    assert!(err.message.contains("\"developer\""), "{err}");
    assert!(err.message.ends_with("got \"bot\""), "{err}");
    chat_fails(
        chat_msgs(json!([{"role": 1, "content": "x"}])),
        "messages[0].role",
    );
    chat_fails(
        chat_msgs(json!([{"role": "User", "content": "x"}])),
        "messages[0].role",
    );
    for role in ["system", "developer", "user", "assistant"] {
        chat_passes(chat_msgs(json!([{"role": role, "content": "x"}])));
    }
    chat_passes(chat_msgs(
        json!([{"role": "function", "name": "f", "content": "x"}]),
    ));
    chat_fails(
        chat_msgs(json!([{"role": "function", "content": "x"}])),
        "messages[0].name",
    );
    chat_fails(
        chat_msgs(json!([{"role": "user", "content": "x", "name": 3}])),
        "messages[0].name",
    );
}

#[test]
fn chat_content() {
    chat_fails(chat_msgs(json!([{"role": "user"}])), "messages[0].content");
    chat_fails(
        chat_msgs(json!([{"role": "user", "content": null}])),
        "messages[0].content",
    );
    chat_fails(
        chat_msgs(json!([{"role": "system", "content": 5}])),
        "messages[0].content",
    );
    let err = chat_fails(
        chat_msgs(json!([{"role": "user", "content": {"text": "x"}}])),
        "messages[0].content",
    );
    assert_eq!(
        err.message,
        "expected a string or an array of content parts, got an object"
    );
    // Assistant content may be null or absent (tool calls, length-cut replies).
    chat_passes(chat_msgs(json!([{"role": "assistant", "content": null}])));
    chat_passes(chat_msgs(json!([{"role": "assistant"}])));
    chat_fails(
        chat_msgs(json!([{"role": "assistant", "content": 1}])),
        "messages[0].content",
    );
    chat_fails(
        chat_msgs(json!([{"role": "assistant", "content": "x", "refusal": 1}])),
        "messages[0].refusal",
    );
    chat_passes(chat_msgs(json!([{"role": "user", "content": ""}])));
}

#[test]
fn chat_content_parts() {
    let part = |p: Value| {
        chat_msgs(json!([{"role": "user", "content": [{"type": "text", "text": "a"}, p]}]))
    };
    chat_fails(part(json!("text")), "messages[0].content[1]");
    chat_fails(part(json!({"text": "x"})), "messages[0].content[1].type");
    chat_fails(part(json!({"type": "text"})), "messages[0].content[1].text");
    chat_fails(
        part(json!({"type": "text", "text": ["x"]})),
        "messages[0].content[1].text",
    );
    chat_fails(
        part(json!({"type": "image_url"})),
        "messages[0].content[1].image_url",
    );
    chat_fails(
        part(json!({"type": "image_url", "image_url": "https://example.com/a.png"})),
        "messages[0].content[1].image_url",
    );
    chat_fails(
        part(json!({"type": "image_url", "image_url": {}})),
        "messages[0].content[1].image_url.url",
    );
    for url in [
        "ftp://x/a.png",
        "example.com/a.png",
        "https://",
        "data:image/png",
        "",
    ] {
        let err = chat_fails(
            part(json!({"type": "image_url", "image_url": {"url": url}})),
            "messages[0].content[1].image_url.url",
        );
        assert!(
            err.message
                .starts_with("must be an https, http or data: URL")
        );
    }
    for url in ["https://x/a.png", "HTTP://x", "data:image/jpeg;base64,/9j/"] {
        let summary = chat_passes(part(
            json!({"type": "image_url", "image_url": {"url": url}}),
        ));
        assert!(summary.has_images);
    }
    chat_fails(
        part(json!({"type": "image_url", "image_url": {"url": "https://x", "detail": 1}})),
        "messages[0].content[1].image_url.detail",
    );
    chat_fails(
        part(json!({"type": "input_audio", "input_audio": {"format": "wav"}})),
        "messages[0].content[1].input_audio.data",
    );
    chat_fails(
        part(json!({"type": "input_audio", "input_audio": {"data": "AAA"}})),
        "messages[0].content[1].input_audio.format",
    );
    chat_fails(
        part(json!({"type": "refusal"})),
        "messages[0].content[1].refusal",
    );
    let summary = chat_passes(part(json!({"type": "file", "file": {"file_id": "f"}})));
    assert!(!summary.has_images);
}

#[test]
fn chat_tool_message() {
    let tool = |m: Value| chat_msgs(json!([{"role": "user", "content": "q"}, m]));
    let err = chat_fails(
        tool(json!({"role": "tool", "content": "72F"})),
        "messages[1].tool_call_id",
    );
    assert_eq!(err.message, "is required");
    chat_fails(
        tool(json!({"role": "tool", "tool_call_id": "", "content": "72F"})),
        "messages[1].tool_call_id",
    );
    chat_fails(
        tool(json!({"role": "tool", "tool_call_id": 5, "content": "72F"})),
        "messages[1].tool_call_id",
    );
    chat_fails(
        tool(json!({"role": "tool", "tool_call_id": "c1"})),
        "messages[1].content",
    );
    chat_passes(tool(
        json!({"role": "tool", "tool_call_id": "c1", "content": "72F"}),
    ));
    chat_passes(tool(
        json!({"role": "tool", "tool_call_id": "c1", "content": [{"type": "text", "text": "72F"}]}),
    ));
}

#[test]
fn chat_assistant_tool_calls() {
    let call = |c: Value| {
        chat_msgs(
            json!([{"role": "user", "content": "q"}, {"role": "assistant", "content": null, "tool_calls": [c]}]),
        )
    };
    let good =
        || json!({"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}});
    chat_passes(call(good()));
    // Baseten accepts (and returns) arguments as an object.
    chat_passes(call(
        json!({"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}),
    ));
    chat_passes(call(
        json!({"id": "c1", "type": "custom", "custom": {"name": "f", "input": "raw"}}),
    ));

    chat_fails(call(json!("c1")), "messages[1].tool_calls[0]");
    let mut c = good();
    c.as_object_mut().unwrap().remove("id");
    chat_fails(call(c), "messages[1].tool_calls[0].id");
    let mut c = good();
    c["id"] = json!("");
    chat_fails(call(c), "messages[1].tool_calls[0].id");
    let mut c = good();
    c.as_object_mut().unwrap().remove("type");
    chat_fails(call(c), "messages[1].tool_calls[0].type");
    let mut c = good();
    c["type"] = json!("tool");
    chat_fails(call(c), "messages[1].tool_calls[0].type");
    let mut c = good();
    c.as_object_mut().unwrap().remove("function");
    chat_fails(call(c), "messages[1].tool_calls[0].function");
    let mut c = good();
    c["function"]["name"] = json!("");
    chat_fails(call(c), "messages[1].tool_calls[0].function.name");
    let mut c = good();
    c["function"].as_object_mut().unwrap().remove("arguments");
    chat_fails(call(c), "messages[1].tool_calls[0].function.arguments");
    let mut c = good();
    c["function"]["arguments"] = json!(5);
    let err = chat_fails(call(c), "messages[1].tool_calls[0].function.arguments");
    assert_eq!(
        err.message,
        "expected a string of JSON or an object, got a number"
    );
    chat_fails(
        chat_msgs(json!([{"role": "assistant", "content": null, "tool_calls": {}}])),
        "messages[0].tool_calls",
    );
    // The second call is the bad one.
    let bad = chat_msgs(
        json!([{"role": "assistant", "tool_calls": [good(), {"id": "c2", "type": "function", "function": {}}]}]),
    );
    chat_fails(bad, "messages[0].tool_calls[1].function.name");
}

#[test]
fn chat_temperature() {
    for t in [json!(-0.1), json!(2.01), json!(100)] {
        chat_fails(with(chat(), "temperature", t), "temperature");
    }
    let err = chat_fails(with(chat(), "temperature", json!("1")), "temperature");
    assert_eq!(err.message, "expected a number, got a string");
    for t in [0, 1, 2] {
        chat_passes(with(chat(), "temperature", json!(t)));
    }
    chat_passes(with(chat(), "temperature", json!(0.7)));
}

#[test]
fn chat_top_p() {
    for p in [json!(0), json!(-1), json!(1.01), json!(true)] {
        chat_fails(with(chat(), "top_p", p), "top_p");
    }
    for p in [json!(0.01), json!(1), json!(1.0)] {
        chat_passes(with(chat(), "top_p", p));
    }
}

#[test]
fn chat_n() {
    let err = chat_fails(with(chat(), "n", json!(2)), "n");
    assert!(err.message.starts_with("must be 1"), "{err}");
    chat_fails(with(chat(), "n", json!(0)), "n");
    chat_fails(with(chat(), "n", json!("1")), "n");
    chat_passes(with(chat(), "n", json!(1)));
}

#[test]
fn chat_token_limits() {
    for key in ["max_tokens", "max_completion_tokens"] {
        for bad in [json!(0), json!(-5), json!(1.5), json!("10"), json!(1e30)] {
            chat_fails(with(chat(), key, bad), key);
        }
        let err = chat_fails(with(chat(), key, json!(-2.5e300)), key);
        assert_eq!(err.message, "must be an integer, got -2.5e300");
        let summary = chat_passes(with(chat(), key, json!(1)));
        assert_eq!(summary.max_output_tokens, Some(1));
        // An integral float is an integer (as pydantic reads it).
        chat_passes(with(chat(), key, json!(64.0)));
    }
    let summary = chat_passes(with(
        with(chat(), "max_tokens", json!(10)),
        "max_completion_tokens",
        json!(20),
    ));
    assert_eq!(summary.max_output_tokens, Some(20));
    let summary = chat_passes(with(chat(), "max_tokens", json!(u64::MAX)));
    assert_eq!(summary.max_output_tokens, Some(u64::MAX));
}

#[test]
fn chat_stop() {
    chat_passes(with(chat(), "stop", json!("END")));
    chat_passes(with(chat(), "stop", json!(["a", "b", "c", "d"])));
    chat_passes(with(chat(), "stop", json!([])));
    let err = chat_fails(
        with(chat(), "stop", json!(["a", "b", "c", "d", "e"])),
        "stop",
    );
    assert_eq!(err.message, "must hold at most 4 strings, got 5");
    chat_fails(with(chat(), "stop", json!(5)), "stop");
    chat_fails(with(chat(), "stop", json!(["a", 1])), "stop[1]");
}

#[test]
fn chat_response_format() {
    let rf = |v: Value| with(chat(), "response_format", v);
    chat_fails(rf(json!("json_object")), "response_format");
    chat_fails(rf(json!({})), "response_format.type");
    let err = chat_fails(rf(json!({"type": "xml"})), "response_format.type");
    assert_eq!(
        err.message,
        "must be \"text\", \"json_object\" or \"json_schema\", got \"xml\""
    );
    chat_fails(
        rf(json!({"type": "json_schema"})),
        "response_format.json_schema",
    );
    chat_fails(
        rf(json!({"type": "json_schema", "json_schema": {"schema": {}}})),
        "response_format.json_schema.name",
    );
    let err = chat_fails(
        rf(json!({"type": "json_schema", "json_schema": {"name": "", "schema": {}}})),
        "response_format.json_schema.name",
    );
    assert_eq!(err.message, "must not be empty");
    chat_fails(
        rf(json!({"type": "json_schema", "json_schema": {"name": "x", "schema": "{}"}})),
        "response_format.json_schema.schema",
    );
    chat_fails(
        rf(json!({"type": "json_schema", "json_schema": {"name": "x", "strict": "yes"}})),
        "response_format.json_schema.strict",
    );
    // The legacy form's nested schema is checked too.
    chat_fails(
        rf(json!({"type": "json_object", "json_schema": {"name": ""}})),
        "response_format.json_schema.name",
    );
    let s = chat_passes(rf(
        json!({"type": "json_schema", "json_schema": {"name": "x"}}),
    ));
    assert!(s.uses_json_schema && !s.uses_json_object);
    let s = chat_passes(rf(json!({"type": "json_object"})));
    assert!(s.uses_json_object && !s.uses_json_schema);
    let s = chat_passes(rf(json!({"type": "text"})));
    assert!(!s.uses_json_object && !s.uses_json_schema);
}

#[test]
fn chat_tools() {
    let tools = |v: Value| with(chat(), "tools", v);
    chat_fails(tools(json!({})), "tools");
    chat_fails(tools(json!(["get_weather"])), "tools[0]");
    chat_fails(
        tools(json!([weather_tool(), {"function": {"name": "f"}}])),
        "tools[1].type",
    );
    chat_fails(
        tools(json!([{"type": "retrieval", "function": {"name": "f"}}])),
        "tools[0].type",
    );
    chat_fails(tools(json!([{"type": "function"}])), "tools[0].function");
    chat_fails(
        tools(json!([{"type": "function", "function": {}}])),
        "tools[0].function.name",
    );
    for name in ["", "get weather", "get.weather", "naïve", &"a".repeat(65)] {
        let err = chat_fails(
            tools(json!([{"type": "function", "function": {"name": name}}])),
            "tools[0].function.name",
        );
        assert!(err.message.starts_with("must be 1 to 64 letters"), "{err}");
    }
    chat_passes(tools(
        json!([{"type": "function", "function": {"name": "a".repeat(64)}}]),
    ));
    chat_passes(tools(
        json!([{"type": "function", "function": {"name": "A-b_9"}}]),
    ));
    let err = chat_fails(
        tools(json!([{"type": "function", "function": {"name": "f", "parameters": ["location"]}}])),
        "tools[0].function.parameters",
    );
    assert_eq!(err.message, "expected a JSON Schema object, got an array");
    let err = chat_fails(
        tools(
            json!([{"type": "function", "function": {"name": "f", "parameters": {"type": "array"}}}]),
        ),
        "tools[0].function.parameters.type",
    );
    assert!(err.message.starts_with("must be \"object\""), "{err}");
    chat_fails(
        tools(json!([{"type": "function", "function": {"name": "f", "description": 1}}])),
        "tools[0].function.description",
    );
    chat_fails(
        tools(json!([{"type": "function", "function": {"name": "f", "strict": 1}}])),
        "tools[0].function.strict",
    );
    // A schema without "type" is taken as given.
    chat_passes(tools(
        json!([{"type": "function", "function": {"name": "f", "parameters": {"properties": {}}}}]),
    ));
    chat_passes(tools(
        json!([{"type": "custom", "custom": {"name": "grammar"}}]),
    ));
    let s = chat_passes(tools(json!([])));
    assert!(!s.uses_tools);
    let s = chat_passes(with(chat(), "functions", json!([{"name": "f"}])));
    assert!(s.uses_tools);
}

#[test]
fn chat_tool_choice() {
    let choose = |v: Value| {
        with(
            with(chat(), "tools", json!([weather_tool()])),
            "tool_choice",
            v,
        )
    };
    for mode in ["none", "auto", "required"] {
        chat_passes(choose(json!(mode)));
    }
    chat_passes(choose(
        json!({"type": "function", "function": {"name": "get_weather"}}),
    ));
    chat_fails(choose(json!("any")), "tool_choice");
    chat_fails(choose(json!(true)), "tool_choice");
    chat_fails(
        choose(json!({"function": {"name": "get_weather"}})),
        "tool_choice.type",
    );
    chat_fails(
        choose(json!({"type": "tool", "name": "get_weather"})),
        "tool_choice.type",
    );
    chat_fails(choose(json!({"type": "function"})), "tool_choice.function");
    chat_fails(
        choose(json!({"type": "function", "function": {}})),
        "tool_choice.function.name",
    );
    let err = chat_fails(
        choose(json!({"type": "function", "function": {"name": "get_time"}})),
        "tool_choice.function.name",
    );
    assert_eq!(
        err.message,
        "names \"get_time\", which is not declared in tools"
    );
    // Without tools: none and auto are harmless, required and a name are not.
    chat_passes(with(chat(), "tool_choice", json!("none")));
    chat_passes(with(chat(), "tool_choice", json!("auto")));
    chat_fails(
        with(chat(), "tool_choice", json!("required")),
        "tool_choice",
    );
    chat_fails(
        with(
            chat(),
            "tool_choice",
            json!({"type": "function", "function": {"name": "f"}}),
        ),
        "tool_choice.function.name",
    );
}

#[test]
fn chat_booleans_and_objects() {
    for key in ["parallel_tool_calls", "stream", "logprobs"] {
        let err = chat_fails(with(chat(), key, json!("true")), key);
        assert_eq!(err.message, "expected a boolean, got a string");
        chat_passes(with(chat(), key, json!(false)));
    }
    for key in ["stream_options", "chat_template_args", "logit_bias"] {
        let err = chat_fails(with(chat(), key, json!([])), key);
        assert_eq!(err.message, "expected an object, got an array");
        chat_passes(with(chat(), key, json!({})));
    }
    chat_fails(
        with(chat(), "stream_options", json!({"include_usage": 1})),
        "stream_options.include_usage",
    );
    chat_fails(
        with(chat(), "logit_bias", json!({"50256": 101})),
        "logit_bias.50256",
    );
    chat_fails(
        with(chat(), "logit_bias", json!({"50256": "x"})),
        "logit_bias.50256",
    );
    chat_fails(
        with(chat(), "reasoning_effort", json!(1)),
        "reasoning_effort",
    );
    chat_fails(
        with(chat(), "reasoning_effort", json!("")),
        "reasoning_effort",
    );
    chat_fails(with(chat(), "user", json!(1)), "user");
}

#[test]
fn chat_vllm_sampling_extras() {
    chat_fails(with(chat(), "top_k", json!(-2)), "top_k");
    chat_fails(with(chat(), "top_k", json!(1.5)), "top_k");
    chat_passes(with(chat(), "top_k", json!(-1)));
    chat_passes(with(chat(), "top_k", json!(40)));
    chat_fails(with(chat(), "min_p", json!(1.1)), "min_p");
    chat_fails(with(chat(), "min_p", json!(-0.1)), "min_p");
    chat_passes(with(chat(), "min_p", json!(0)));
    chat_fails(
        with(chat(), "repetition_penalty", json!(0)),
        "repetition_penalty",
    );
    chat_fails(
        with(chat(), "repetition_penalty", json!(-1)),
        "repetition_penalty",
    );
    chat_passes(with(chat(), "repetition_penalty", json!(0.5)));
    chat_fails(with(chat(), "seed", json!(1.5)), "seed");
    chat_fails(with(chat(), "seed", json!("1")), "seed");
    chat_passes(with(chat(), "seed", json!(-1)));
    chat_passes(with(chat(), "seed", json!(u64::MAX)));
    chat_fails(
        with(chat(), "frequency_penalty", json!(2.5)),
        "frequency_penalty",
    );
    chat_fails(
        with(chat(), "presence_penalty", json!(-2.5)),
        "presence_penalty",
    );
    chat_fails(with(chat(), "top_logprobs", json!(21)), "top_logprobs");
    chat_passes(with(chat(), "top_logprobs", json!(0)));
}

#[test]
fn chat_reasoning_summary() {
    let reasoning = |key: &str, v: Value| chat_passes(with(chat(), key, v)).reasoning_requested;
    assert!(reasoning("reasoning_effort", json!("low")));
    assert!(!reasoning("reasoning_effort", json!("none")));
    assert!(reasoning(
        "chat_template_args",
        json!({"enable_thinking": true})
    ));
    assert!(reasoning("chat_template_args", json!({"thinking": true})));
    assert!(!reasoning(
        "chat_template_args",
        json!({"enable_thinking": false})
    ));
    assert!(reasoning(
        "chat_template_kwargs",
        json!({"enable_thinking": true})
    ));
    assert!(!reasoning("chat_template_kwargs", json!("ignored")));
    assert!(!chat_passes(chat()).reasoning_requested);
}

#[test]
fn chat_first_error_wins_in_document_order() {
    // messages are checked before parameters.
    let body = with(
        chat_msgs(json!([{"role": "tool", "content": "x"}])),
        "temperature",
        json!(9),
    );
    chat_fails(body, "messages[0].tool_call_id");
}

// ------------------------------------------------- messages: the seeds

#[test]
fn anthropic_seed_hello() {
    let summary = anthropic_passes(json!({
        "model": "deepseek-ai/DeepSeek-V4-Pro",
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Hello!"}]
    }));
    assert_eq!(summary, {
        let mut s = RequestSummary::default();
        s.model = "deepseek-ai/DeepSeek-V4-Pro".into();
        s.max_output_tokens = Some(1024);
        s
    });
}

#[test]
fn anthropic_every_documented_parameter_passes() {
    let summary = anthropic_passes(json!({
        "model": "deepseek-ai/DeepSeek-V4-Pro",
        "max_tokens": 4096,
        "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "Weather in Paris? And what is this?"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/a.jpg"}}
            ]},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "…", "signature": "sig"},
                {"type": "redacted_thinking", "data": "xx"},
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "18C", "is_error": false},
                {"type": "tool_result", "tool_use_id": "toolu_2", "content": [
                    {"type": "text", "text": "ok"},
                    {"type": "image", "source": {"type": "url", "url": "http://example.com/b.png"}}
                ]},
                {"type": "tool_result", "tool_use_id": "toolu_3"},
                {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "d"}}
            ]}
        ],
        "temperature": 0.5, "top_p": 0.9, "top_k": 0, "stop_sequences": ["END", "\n\nHuman:"],
        "tools": [
            {"name": "get_weather", "description": "Weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}},
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}
        ],
        "tool_choice": {"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true},
        "metadata": {"user_id": "u-1"},
        "stream": true,
        "thinking": {"type": "enabled", "budget_tokens": 2048},
        "service_tier": "auto"
    }));
    assert_eq!(summary, {
        let mut s = RequestSummary::default();
        s.model = "deepseek-ai/DeepSeek-V4-Pro".into();
        s.uses_tools = true;
        s.uses_json_schema = false;
        s.uses_json_object = false;
        s.has_images = true;
        s.has_audio = false;
        s.reasoning_requested = true;
        s.max_output_tokens = Some(4096);
        s.stream = true;
        s
    });
}

#[test]
fn anthropic_unknown_fields_and_blocks_pass() {
    anthropic_passes(json!({
        "model": "m", "max_tokens": 1, "future": {"x": 1},
        "messages": [{"role": "user", "content": [{"type": "search_result", "anything": 1}], "extra": true}],
        "system": "s", "metadata": {"user_id": null, "other": 1},
        "tools": [{"name": "f", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}}]
    }));
}

// --------------------------------------------------- messages: the rules

#[test]
fn anthropic_model_and_max_tokens() {
    anthropic_fails(without(anthropic(), "model"), "model");
    anthropic_fails(with(anthropic(), "model", json!("")), "model");
    let err = anthropic_fails(without(anthropic(), "max_tokens"), "max_tokens");
    assert!(err.message.starts_with("is required"), "{err}");
    anthropic_fails(with(anthropic(), "max_tokens", json!(null)), "max_tokens");
    let err = anthropic_fails(with(anthropic(), "max_tokens", json!(0)), "max_tokens");
    assert_eq!(err.message, "must be at least 1, got 0");
    anthropic_fails(with(anthropic(), "max_tokens", json!("1024")), "max_tokens");
    let err = anthropic_fails(with(anthropic(), "max_tokens", json!(10.5)), "max_tokens");
    assert_eq!(err.message, "must be an integer, got 10.5");
    let err = anthropic_fails(with(anthropic(), "max_tokens", json!([1])), "max_tokens");
    assert_eq!(err.message, "expected an integer, got an array");
    let s = anthropic_passes(with(anthropic(), "max_tokens", json!(1)));
    assert_eq!(s.max_output_tokens, Some(1));
}

#[test]
fn anthropic_messages_and_roles() {
    anthropic_fails(without(anthropic(), "messages"), "messages");
    anthropic_fails(anthropic_msgs(json!([])), "messages");
    anthropic_fails(anthropic_msgs(json!([1])), "messages[0]");
    let err = anthropic_fails(
        anthropic_msgs(json!([{"role": "system", "content": "s"}])),
        "messages[0].role",
    );
    assert!(err.message.contains("top-level system"), "{err}");
    for role in ["tool", "developer", "Human"] {
        anthropic_fails(
            anthropic_msgs(
                json!([{"role": "user", "content": "a"}, {"role": role, "content": "x"}]),
            ),
            "messages[1].role",
        );
    }
    anthropic_fails(
        anthropic_msgs(json!([{"content": "x"}])),
        "messages[0].role",
    );
    anthropic_fails(
        anthropic_msgs(json!([{"role": "user"}])),
        "messages[0].content",
    );
    anthropic_fails(
        anthropic_msgs(json!([{"role": "user", "content": null}])),
        "messages[0].content",
    );
    anthropic_fails(
        anthropic_msgs(json!([{"role": "user", "content": {"type": "text"}}])),
        "messages[0].content",
    );
    // An assistant prefill as the last turn is allowed.
    anthropic_passes(anthropic_msgs(
        json!([{"role": "user", "content": "a"}, {"role": "assistant", "content": "{"}]),
    ));
}

#[test]
fn anthropic_system() {
    anthropic_passes(with(anthropic(), "system", json!("You are terse.")));
    anthropic_passes(with(
        anthropic(),
        "system",
        json!([{"type": "text", "text": "a"}]),
    ));
    anthropic_fails(with(anthropic(), "system", json!(5)), "system");
    anthropic_fails(with(anthropic(), "system", json!(["a"])), "system[0]");
    anthropic_fails(
        with(
            anthropic(),
            "system",
            json!([{"type": "image", "source": {}}]),
        ),
        "system[0].type",
    );
    anthropic_fails(
        with(anthropic(), "system", json!([{"type": "text"}])),
        "system[0].text",
    );
}

#[test]
fn anthropic_text_and_image_blocks() {
    let block = |b: Value| anthropic_msgs(json!([{"role": "user", "content": [b]}]));
    anthropic_fails(block(json!("hi")), "messages[0].content[0]");
    anthropic_fails(block(json!({"text": "hi"})), "messages[0].content[0].type");
    anthropic_fails(
        block(json!({"type": "text"})),
        "messages[0].content[0].text",
    );
    anthropic_fails(
        block(json!({"type": "image"})),
        "messages[0].content[0].source",
    );
    anthropic_fails(
        block(json!({"type": "image", "source": {"data": "x"}})),
        "messages[0].content[0].source.type",
    );
    anthropic_fails(
        block(json!({"type": "image", "source": {"type": "base64", "data": "x"}})),
        "messages[0].content[0].source.media_type",
    );
    anthropic_fails(
        block(json!({"type": "image", "source": {"type": "base64", "media_type": "image/png"}})),
        "messages[0].content[0].source.data",
    );
    anthropic_fails(
        block(json!({"type": "image", "source": {"type": "url"}})),
        "messages[0].content[0].source.url",
    );
    anthropic_fails(
        block(
            json!({"type": "image", "source": {"type": "url", "url": "data:image/png;base64,AA"}}),
        ),
        "messages[0].content[0].source.url",
    );
    let s = anthropic_passes(block(
        json!({"type": "image", "source": {"type": "file", "file_id": "f_1"}}),
    ));
    assert!(s.has_images);
    let s = anthropic_passes(block(json!({"type": "text", "text": "plain"})));
    assert!(!s.has_images);
}

#[test]
fn anthropic_tool_use_blocks() {
    let assistant = |b: Value| {
        anthropic_msgs(
            json!([{"role": "user", "content": "q"}, {"role": "assistant", "content": [b]}]),
        )
    };
    anthropic_passes(assistant(
        json!({"type": "tool_use", "id": "t1", "name": "f", "input": {}}),
    ));
    anthropic_fails(
        assistant(json!({"type": "tool_use", "name": "f", "input": {}})),
        "messages[1].content[0].id",
    );
    anthropic_fails(
        assistant(json!({"type": "tool_use", "id": "t1", "name": "", "input": {}})),
        "messages[1].content[0].name",
    );
    anthropic_fails(
        assistant(json!({"type": "tool_use", "id": "t1", "name": "f"})),
        "messages[1].content[0].input",
    );
    let err = anthropic_fails(
        assistant(json!({"type": "tool_use", "id": "t1", "name": "f", "input": "{}"})),
        "messages[1].content[0].input",
    );
    assert_eq!(err.message, "expected an object, got a string");
    let err = anthropic_fails(
        anthropic_msgs(
            json!([{"role": "user", "content": [{"type": "tool_use", "id": "t1", "name": "f", "input": {}}]}]),
        ),
        "messages[0].content[0].type",
    );
    assert!(err.message.contains("assistant"), "{err}");
}

#[test]
fn anthropic_tool_result_blocks() {
    let user = |b: Value| anthropic_msgs(json!([{"role": "user", "content": [b]}]));
    anthropic_passes(user(
        json!({"type": "tool_result", "tool_use_id": "t1", "content": "ok"}),
    ));
    anthropic_fails(
        user(json!({"type": "tool_result", "content": "ok"})),
        "messages[0].content[0].tool_use_id",
    );
    anthropic_fails(
        user(json!({"type": "tool_result", "tool_use_id": "", "content": "ok"})),
        "messages[0].content[0].tool_use_id",
    );
    anthropic_fails(
        user(json!({"type": "tool_result", "tool_use_id": "t1", "content": 18})),
        "messages[0].content[0].content",
    );
    anthropic_fails(
        user(json!({"type": "tool_result", "tool_use_id": "t1", "is_error": "no"})),
        "messages[0].content[0].is_error",
    );
    anthropic_fails(
        user(json!({"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text"}]})),
        "messages[0].content[0].content[0].text",
    );
    anthropic_fails(
        user(json!({"type": "tool_result", "tool_use_id": "t1",
                    "content": [{"type": "text", "text": "a"}, {"type": "image", "source": {"type": "base64", "media_type": "image/png"}}]})),
        "messages[0].content[0].content[1].source.data",
    );
    let s = anthropic_passes(user(json!({"type": "tool_result", "tool_use_id": "t1",
        "content": [{"type": "image", "source": {"type": "url", "url": "https://x/y.png"}}]})));
    assert!(s.has_images);
    anthropic_fails(
        anthropic_msgs(json!([{"role": "user", "content": "q"},
            {"role": "assistant", "content": [{"type": "tool_result", "tool_use_id": "t1"}]}])),
        "messages[1].content[0].type",
    );
}

#[test]
fn anthropic_sampling() {
    for t in [json!(-0.1), json!(1.1), json!(2)] {
        anthropic_fails(with(anthropic(), "temperature", t), "temperature");
    }
    anthropic_passes(with(anthropic(), "temperature", json!(0)));
    anthropic_passes(with(anthropic(), "temperature", json!(1)));
    anthropic_fails(with(anthropic(), "top_p", json!(0)), "top_p");
    anthropic_fails(with(anthropic(), "top_p", json!(1.5)), "top_p");
    anthropic_passes(with(anthropic(), "top_p", json!(1)));
    anthropic_fails(with(anthropic(), "top_k", json!(-1)), "top_k");
    anthropic_fails(with(anthropic(), "top_k", json!(2.5)), "top_k");
    anthropic_passes(with(anthropic(), "top_k", json!(0)));
    anthropic_fails(
        with(anthropic(), "stop_sequences", json!("END")),
        "stop_sequences",
    );
    anthropic_fails(
        with(anthropic(), "stop_sequences", json!(["a", null])),
        "stop_sequences[1]",
    );
    anthropic_passes(with(
        anthropic(),
        "stop_sequences",
        json!(["a", "b", "c", "d", "e"]),
    ));
    anthropic_fails(with(anthropic(), "stream", json!(1)), "stream");
    assert!(anthropic_passes(with(anthropic(), "stream", json!(true))).stream);
}

#[test]
fn anthropic_tools() {
    let tools = |v: Value| with(anthropic(), "tools", v);
    anthropic_fails(tools(json!({"name": "f"})), "tools");
    anthropic_fails(
        tools(json!([{"input_schema": {"type": "object"}}])),
        "tools[0].name",
    );
    anthropic_fails(
        tools(json!([{"name": "get weather", "input_schema": {"type": "object"}}])),
        "tools[0].name",
    );
    let err = anthropic_fails(tools(json!([{"name": "f"}])), "tools[0].input_schema");
    assert_eq!(err.message, "is required");
    anthropic_fails(
        tools(json!([{"name": "f", "input_schema": "object"}])),
        "tools[0].input_schema",
    );
    anthropic_fails(
        tools(json!([{"name": "f", "input_schema": {"type": "string"}}])),
        "tools[0].input_schema.type",
    );
    anthropic_fails(
        tools(json!([{"name": "f", "input_schema": {"type": ["object"]}}])),
        "tools[0].input_schema.type",
    );
    anthropic_fails(
        tools(json!([{"name": "f", "description": 1, "input_schema": {}}])),
        "tools[0].description",
    );
    anthropic_fails(
        tools(json!([{"type": "custom", "name": "f"}])),
        "tools[0].input_schema",
    );
    anthropic_passes(tools(
        json!([{"type": "custom", "name": "f", "input_schema": {}}]),
    ));
    anthropic_passes(tools(json!([{"type": "bash_20250124", "name": "bash"}])));
}

#[test]
fn anthropic_tool_choice() {
    let declared = || {
        with(
            anthropic(),
            "tools",
            json!([{"name": "get_weather", "input_schema": {"type": "object"}}]),
        )
    };
    let choose = |v: Value| with(declared(), "tool_choice", v);
    for kind in ["auto", "any", "none"] {
        anthropic_passes(choose(json!({"type": kind})));
        anthropic_passes(choose(
            json!({"type": kind, "disable_parallel_tool_use": true}),
        ));
    }
    anthropic_passes(choose(json!({"type": "tool", "name": "get_weather"})));
    anthropic_fails(choose(json!("auto")), "tool_choice");
    anthropic_fails(choose(json!({})), "tool_choice.type");
    anthropic_fails(choose(json!({"type": "required"})), "tool_choice.type");
    anthropic_fails(choose(json!({"type": "tool"})), "tool_choice.name");
    let err = anthropic_fails(
        choose(json!({"type": "tool", "name": "get_time"})),
        "tool_choice.name",
    );
    assert_eq!(
        err.message,
        "names \"get_time\", which is not declared in tools"
    );
    anthropic_fails(
        choose(json!({"type": "auto", "disable_parallel_tool_use": "yes"})),
        "tool_choice.disable_parallel_tool_use",
    );
    anthropic_fails(
        with(anthropic(), "tool_choice", json!({"type": "any"})),
        "tool_choice.type",
    );
    anthropic_passes(with(anthropic(), "tool_choice", json!({"type": "auto"})));
}

#[test]
fn anthropic_metadata() {
    anthropic_fails(with(anthropic(), "metadata", json!("u")), "metadata");
    anthropic_fails(
        with(anthropic(), "metadata", json!({"user_id": 42})),
        "metadata.user_id",
    );
    anthropic_passes(with(anthropic(), "metadata", json!({"user_id": "u-42"})));
}

#[test]
fn anthropic_thinking() {
    let think = |v: Value| with(anthropic(), "thinking", v);
    let s = anthropic_passes(
        think(json!({"type": "enabled", "budget_tokens": 1024}))
            .as_object()
            .map(|o| {
                let mut o = o.clone();
                o.insert("max_tokens".into(), json!(1025));
                Value::Object(o)
            })
            .unwrap(),
    );
    assert!(s.reasoning_requested);
    assert!(!anthropic_passes(think(json!({"type": "disabled"}))).reasoning_requested);
    assert!(anthropic_passes(think(json!({"type": "adaptive"}))).reasoning_requested);
    // Baseten documents no budget: `enabled` alone is fine, and small budgets too.
    assert!(anthropic_passes(think(json!({"type": "enabled"}))).reasoning_requested);
    anthropic_passes(think(json!({"type": "enabled", "budget_tokens": 512})));
    let err = anthropic_fails(
        think(json!({"type": "enabled", "budget_tokens": 0})),
        "thinking.budget_tokens",
    );
    assert_eq!(err.message, "must be at least 1, got 0");
    let err = anthropic_fails(
        think(json!({"type": "enabled", "budget_tokens": 1024})),
        "thinking.budget_tokens",
    );
    assert_eq!(err.message, "must be less than max_tokens (1024), got 1024");
    anthropic_fails(
        think(json!({"type": "enabled", "budget_tokens": "2000"})),
        "thinking.budget_tokens",
    );
    anthropic_fails(think(json!({"type": "on"})), "thinking.type");
    anthropic_fails(think(json!({})), "thinking.type");
    anthropic_fails(think(json!(true)), "thinking");
}

#[test]
fn anthropic_structured_output_summary() {
    let s = anthropic_passes(with(
        anthropic(),
        "output_format",
        json!({"type": "json_schema", "schema": {"type": "object"}}),
    ));
    assert!(s.uses_json_schema);
    let s = anthropic_passes(with(
        anthropic(),
        "output_config",
        json!({"format": {"type": "json_schema", "schema": {}}}),
    ));
    assert!(s.uses_json_schema);
}

// ---------------------------------------------------------- properties

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just(String::new()),
            Just("user".to_owned()),
            Just("assistant".to_owned()),
            Just("function".to_owned()),
            Just("text".to_owned()),
            Just("image_url".to_owned()),
            Just("tool_use".to_owned()),
            Just("https://x".to_owned()),
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        let keys = prop_oneof![
            Just("model".to_owned()),
            Just("messages".to_owned()),
            Just("role".to_owned()),
            Just("content".to_owned()),
            Just("type".to_owned()),
            Just("text".to_owned()),
            Just("tools".to_owned()),
            Just("function".to_owned()),
            Just("name".to_owned()),
            Just("tool_choice".to_owned()),
            Just("max_tokens".to_owned()),
            Just("thinking".to_owned()),
            Just("budget_tokens".to_owned()),
            Just("source".to_owned()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every field path an error can name starts at a key of the body.
fn field_is_rooted(err: &ValidationError, body: &Value) -> bool {
    let head = err.field.split(['.', '[']).next().unwrap_or("");
    err.field.is_empty()
        || body.get(head).is_some()
        || ["model", "messages", "max_tokens"].contains(&head)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_json_never_panics(body in arbitrary_json()) {
        for result in [check_chat(&body), check_anthropic(&body)] {
            if let Err(err) = result {
                prop_assert!(!err.message.is_empty());
                prop_assert!(field_is_rooted(&err, &body), "{} for {}", err, body);
            }
        }
    }

    #[test]
    fn mutated_valid_requests_never_panic(
        key in prop_oneof![
            Just("messages"), Just("tools"), Just("tool_choice"), Just("response_format"),
            Just("temperature"), Just("stop"), Just("thinking"), Just("system"), Just("max_tokens"),
        ],
        value in arbitrary_json(),
    ) {
        let chat_body = with(with(chat(), "tools", json!([weather_tool()])), key, value.clone());
        let _ = check_chat(&chat_body);
        let anthropic_body = with(anthropic(), key, value);
        let _ = check_anthropic(&anthropic_body);
    }

    #[test]
    fn arbitrary_text_never_panics(body in ".{0,64}") {
        let _ = validate_chat_request(&body);
        let _ = validate_messages_request(&body);
    }
}
