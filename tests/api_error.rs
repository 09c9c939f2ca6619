//! ApiError over every body shape in `shared/notes/baseten-api.md`, non-JSON
//! and hostile bodies, request-id headers, stream errors and key redaction.
#![cfg(not(target_arch = "wasm32"))]

use modelwire::api_error::{ApiError, ErrorKind, MAX_MESSAGE_BYTES, REDACTED};
use proptest::prelude::*;
use serde_json::json;

fn err(status: u16, body: &str) -> ApiError {
    ApiError::from_response(status, &[], body.as_bytes())
}

#[test]
fn baseten_bare_error_string() {
    let e = err(401, r#"{"error":"please check the api-key you provided"}"#);
    assert_eq!(e.kind, ErrorKind::Authentication);
    assert_eq!(e.message, "401 please check the api-key you provided");
    assert_eq!((e.code, e.error_type, e.param), (None, None, None));
    assert_eq!(
        e.body,
        Some(json!({"error":"please check the api-key you provided"}))
    );
}

#[test]
fn baseten_nested_numeric_code() {
    let e = err(
        400,
        r#"{"error":{"code":400,"message":"Validation: messages must not be empty","type":"Bad Request"}}"#,
    );
    assert_eq!(e.kind, ErrorKind::BadRequest);
    assert_eq!(e.message, "400 Validation: messages must not be empty");
    assert_eq!(e.code.as_deref(), Some("400"));
    assert_eq!(e.error_type.as_deref(), Some("Bad Request"));
}

#[test]
fn baseten_flat() {
    let e = err(
        400,
        r#"{"message":"This model does not support multimodal image inputs.","type":"Bad Request","code":400}"#,
    );
    assert_eq!(
        e.message,
        "400 This model does not support multimodal image inputs."
    );
    assert_eq!(e.code.as_deref(), Some("400"));
    assert_eq!(e.error_type.as_deref(), Some("Bad Request"));
}

#[test]
fn baseten_model_not_ready() {
    let e = err(
        503,
        r#"{"error":"Model is not ready","error_code":"model_not_ready","detail":"The model is still loading; retry shortly."}"#,
    );
    assert_eq!(e.kind, ErrorKind::InternalServer);
    assert_eq!(
        e.message,
        "503 Model is not ready: The model is still loading; retry shortly."
    );
    assert_eq!(e.code.as_deref(), Some("model_not_ready"));
}

#[test]
fn anthropic_overloaded() {
    let e = err(
        529,
        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#,
    );
    assert_eq!(e.kind, ErrorKind::InternalServer);
    assert_eq!(e.message, "529 Overloaded");
    assert_eq!(e.error_type.as_deref(), Some("overloaded_error"));
    assert_eq!(e.request_id.as_deref(), Some("req_1"));
}

#[test]
fn openai_full_and_string_code() {
    let e = err(
        429,
        r#"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#,
    );
    assert_eq!(e.kind, ErrorKind::RateLimit);
    assert_eq!(e.message, "429 Rate limit reached");
    assert_eq!(e.code.as_deref(), Some("rate_limit_exceeded"));
    assert_eq!(e.error_type.as_deref(), Some("requests"));
    assert_eq!(e.param, None);
    let e = err(
        400,
        r#"{"error":{"message":"bad","type":"invalid_request_error","param":"messages","code":null}}"#,
    );
    assert_eq!((e.param.as_deref(), e.code), (Some("messages"), None));
}

#[test]
fn fastapi_detail_shapes() {
    assert_eq!(
        err(404, r#"{"detail":"Not Found"}"#).message,
        "404 Not Found"
    );
    let e = err(
        422,
        r#"{"detail":[{"loc":["body","messages",0,"role"],"msg":"field required","type":"value_error.missing"},{"loc":["body","model"],"msg":"str type expected"}]}"#,
    );
    assert_eq!(e.kind, ErrorKind::UnprocessableEntity);
    assert_eq!(
        e.message,
        "422 body.messages.0.role: field required; body.model: str type expected"
    );
    assert_eq!(e.error_type, None);
}

#[test]
fn other_json_shapes() {
    // async request status errors
    let e = err(
        500,
        r#"{"errors":[{"code":"E1","message":"first"},{"code":"E2","message":"second"}]}"#,
    );
    assert_eq!(e.message, "500 first; second");
    // no text anywhere: the compact JSON
    assert_eq!(
        err(418, r#"{ "ok" : false }"#).message,
        r#"418 {"ok":false}"#
    );
    assert_eq!(err(418, r#"{ "ok" : false }"#).kind, ErrorKind::Other(418));
    // a JSON string body
    assert_eq!(
        err(500, r#""Internal Server Error""#).message,
        "500 Internal Server Error"
    );
    // "error": true is a flag, the message is elsewhere
    assert_eq!(
        err(400, r#"{"error":true,"message":"bad input"}"#).message,
        "400 bad input"
    );
    // an empty message falls back to something
    assert_eq!(
        err(400, r#"{"error":{"message":"","type":"x"}}"#).message,
        r#"400 {"message":"","type":"x"}"#
    );
    assert_eq!(err(500, "null").message, "500 status code (no body)");
    assert_eq!(err(500, r#""  ""#).message, "500 status code (no body)");
}

#[test]
fn non_json_bodies() {
    assert_eq!(err(502, "").message, "502 status code (no body)");
    assert_eq!(err(502, " \r\n ").message, "502 status code (no body)");
    assert_eq!(
        err(
            503,
            "upstream connect error or disconnect/reset before headers\n"
        )
        .message,
        "503 upstream connect error or disconnect/reset before headers"
    );
    let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let e = err(502, nginx);
    assert_eq!(e.message, "502 502 Bad Gateway");
    assert_eq!(e.body, None);
    assert_eq!(e.kind, ErrorKind::InternalServer);
    // BOM-prefixed JSON is still JSON
    let e = ApiError::from_response(400, &[], b"\xEF\xBB\xBF{\"message\":\"m\"}");
    assert_eq!(e.message, "400 m");
}

#[test]
fn invalid_utf8() {
    let e = ApiError::from_response(500, &[], b"bad \xFF\xFE bytes \xE2\x82");
    assert_eq!(e.message, "500 bad \u{FFFD}\u{FFFD} bytes \u{FFFD}");
    assert_eq!(e.body, None);
}

#[test]
fn huge_bodies_are_capped() {
    let cap = MAX_MESSAGE_BYTES + "500 ".len() + "…".len();
    let text = "é".repeat(3 * 1024 * 1024);
    let e = err(500, &text);
    assert!(e.message.len() <= cap, "{}", e.message.len());
    assert!(e.message.ends_with('…'));
    let json = serde_json::to_string(
        &json!({"error": {"message": "x".repeat(1 << 20), "code": "c".repeat(10_000)}}),
    )
    .unwrap();
    let e = err(400, &json);
    assert!(e.message.len() <= cap);
    assert!(e.code.unwrap().len() <= MAX_MESSAGE_BYTES + 3);
    let html = format!(
        "<html><body><p>{}</p></body></html>",
        "word ".repeat(1 << 20)
    );
    assert!(err(502, &html).message.len() <= cap);
    let items: Vec<_> = (0..100_000)
        .map(|i| json!({"loc": ["body", i], "msg": "bad"}))
        .collect();
    let e = err(422, &json!({ "detail": items }).to_string());
    assert!(e.message.len() <= cap);
    let blob = json!({ "data": vec![1; 1 << 20] }).to_string();
    assert!(err(400, &blob).message.len() <= cap);
    // deeply nested JSON hits serde_json's recursion limit and reads as text
    let deep = "[".repeat(100_000);
    assert!(err(400, &deep).message.len() <= cap);
}

#[test]
fn request_id_precedence_and_case() {
    let body = br#"{"error":"x","request_id":"from-body"}"#;
    let all = [
        ("Request-Id", "c"),
        ("X-Request-ID", "b"),
        ("X-BASETEN-REQUEST-ID", "a"),
    ];
    assert_eq!(
        ApiError::from_response(500, &all, body)
            .request_id
            .as_deref(),
        Some("a")
    );
    assert_eq!(
        ApiError::from_response(500, &all[..2], body)
            .request_id
            .as_deref(),
        Some("b")
    );
    assert_eq!(
        ApiError::from_response(500, &all[..1], body)
            .request_id
            .as_deref(),
        Some("c")
    );
    assert_eq!(
        ApiError::from_response(500, &[], body)
            .request_id
            .as_deref(),
        Some("from-body")
    );
    // a blank header does not hide the next source
    let blank = [("x-baseten-request-id", " "), ("x-request-id", "b")];
    assert_eq!(
        ApiError::from_response(500, &blank, body)
            .request_id
            .as_deref(),
        Some("b")
    );
    assert_eq!(ApiError::from_response(500, &[], b"oops").request_id, None);
}

#[test]
fn retry_hints_are_kept() {
    let headers = [
        ("Retry-After", "2"),
        ("retry-after-ms", "1500"),
        ("X-Should-Retry", "true"),
    ];
    let e = ApiError::from_response(429, &headers, b"");
    assert_eq!(e.retry_hints.retry_after.as_deref(), Some("2"));
    assert_eq!(e.retry_hints.retry_after_ms.as_deref(), Some("1500"));
    assert_eq!(e.retry_hints.should_retry(), Some(true));
}

#[test]
fn status_kinds() {
    let table = [
        (400, ErrorKind::BadRequest),
        (401, ErrorKind::Authentication),
        (402, ErrorKind::PaymentRequired),
        (403, ErrorKind::PermissionDenied),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::Conflict),
        (413, ErrorKind::PayloadTooLarge),
        (422, ErrorKind::UnprocessableEntity),
        (429, ErrorKind::RateLimit),
        (500, ErrorKind::InternalServer),
        (502, ErrorKind::InternalServer),
        (529, ErrorKind::InternalServer),
        (599, ErrorKind::InternalServer),
        (408, ErrorKind::Other(408)),
        (600, ErrorKind::Other(600)),
        (200, ErrorKind::Other(200)),
    ];
    for (status, kind) in table {
        assert_eq!(ErrorKind::from_status(status), kind, "{status}");
        assert_eq!(err(status, "").kind, kind);
    }
    assert_eq!(ErrorKind::RateLimit.to_string(), "RateLimitError");
    assert_eq!(ErrorKind::Other(408).class_name(), "APIError");
}

#[test]
fn stream_errors() {
    let headers = [("x-baseten-request-id", "rq")];
    let e = ApiError::from_stream_data(
        &headers,
        br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
    );
    assert_eq!((e.status, e.kind), (None, ErrorKind::InternalServer));
    assert_eq!(e.message, "Overloaded");
    assert_eq!(e.request_id.as_deref(), Some("rq"));
    assert!(e.is_stream_error_event());

    let by_type = |t: &str| {
        ApiError::from_stream_value(
            &[],
            json!({"type":"error","error":{"type":t,"message":"m"}}),
        )
        .kind
    };
    assert_eq!(by_type("rate_limit_error"), ErrorKind::RateLimit);
    assert_eq!(by_type("invalid_request_error"), ErrorKind::BadRequest);
    assert_eq!(by_type("authentication_error"), ErrorKind::Authentication);
    assert_eq!(by_type("billing_error"), ErrorKind::PaymentRequired);
    assert_eq!(by_type("permission_error"), ErrorKind::PermissionDenied);
    assert_eq!(by_type("not_found_error"), ErrorKind::NotFound);
    assert_eq!(by_type("request_too_large"), ErrorKind::PayloadTooLarge);
    assert_eq!(by_type("api_error"), ErrorKind::InternalServer);
    assert_eq!(by_type("timeout_error"), ErrorKind::InternalServer);
    assert_eq!(by_type("something_new"), ErrorKind::Unknown);

    // vLLM-style data object with a numeric code, OpenAI-style string code
    let e = ApiError::from_stream_data(&[], br#"{"error":{"object":"error","message":"too long","type":"BadRequestError","param":null,"code":400}}"#);
    assert_eq!(
        (e.kind, e.message.as_str(), e.code.as_deref()),
        (ErrorKind::BadRequest, "too long", Some("400"))
    );
    let e = ApiError::from_stream_value(
        &[],
        json!({"error":{"message":"slow down","code":"rate_limit_exceeded"}}),
    );
    assert_eq!(e.kind, ErrorKind::RateLimit);
    let e = ApiError::from_stream_value(&[], json!({"error":"boom"}));
    assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Unknown, "boom"));

    // non-JSON and empty data
    assert_eq!(
        ApiError::from_stream_data(&[], b"upstream died").message,
        "upstream died"
    );
    assert_eq!(
        ApiError::from_stream_data(&[], b"").message,
        "stream error event without details"
    );
    assert_eq!(
        ApiError::from_stream_data(&[], b"").kind,
        ErrorKind::Unknown
    );
}

#[test]
fn stream_error_detection() {
    assert!(ApiError::is_stream_error(
        Some("error"),
        &json!("not even an object")
    ));
    assert!(ApiError::is_stream_error(
        None,
        &json!({"error":{"message":"x"}})
    ));
    assert!(ApiError::is_stream_error(None, &json!({"error":"x"})));
    assert!(ApiError::is_stream_error(None, &json!({"type":"error"})));
    assert!(!ApiError::is_stream_error(
        None,
        &json!({"error":null,"choices":[]})
    ));
    assert!(!ApiError::is_stream_error(None, &json!({"error":false})));
    assert!(!ApiError::is_stream_error(None, &json!({"error":""})));
    assert!(!ApiError::is_stream_error(
        Some("message_delta"),
        &json!({"type":"message_delta"})
    ));
}

const KEY: &str = "sk-live-0123456789abcdefSECRET";

#[test]
fn redacts_an_echoed_key() {
    let body = json!({"error":{"message":format!("Invalid key {KEY} (Bearer {KEY})"),"code":KEY,"type":"auth","param":KEY},
        "echo":{KEY:[KEY, 1]},"request_id":KEY});
    let headers = [("retry-after", KEY)];
    let mut e = ApiError::from_response(401, &headers, body.to_string().as_bytes());
    assert!(format!("{e:?}").contains(KEY));
    e.redact_secret(KEY);
    let all = format!("{e:?} {}", serde_json::to_string(&e.body).unwrap());
    assert!(!all.contains(KEY), "{all}");
    assert!(!all.contains("0123456789"), "{all}");
    assert_eq!(
        e.message,
        format!("401 Invalid key {REDACTED} (Bearer {REDACTED})")
    );
    assert_eq!(
        e.body.as_ref().unwrap()["echo"][REDACTED],
        json!([REDACTED, 1])
    );
    // an empty secret changes nothing
    let before = e.clone();
    e.redact_secret("");
    assert_eq!(e, before);
}

#[test]
fn redacts_a_key_cut_by_the_cap() {
    let filler = "x".repeat(MAX_MESSAGE_BYTES - 10);
    let e0 = err(401, &format!("{filler} key={KEY} tail"));
    // the cap cut the key after its first few bytes
    assert!(e0.message.ends_with('…'));
    let mut e = e0.clone();
    e.redact_secret(KEY);
    assert!(
        e.message.ends_with(&format!("key={REDACTED}…")),
        "{}",
        e.message
    );
    // a head shorter than 4 bytes is left alone
    let e1 = err(401, &format!("{} sk-", "x".repeat(MAX_MESSAGE_BYTES - 4)));
    let mut e2 = e1.clone();
    e2.redact_secret(KEY);
    assert_eq!(e1.message, e2.message);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any bytes, any status: no panic, a non-empty bounded message that
    /// starts with the status.
    #[test]
    fn never_panics(status in any::<u16>(), body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let e = ApiError::from_response(status, &[("x-request-id", "r")], &body);
        let prefix = format!("{status} ");
        prop_assert!(e.message.starts_with(&prefix));
        prop_assert!(e.message.len() > prefix.len());
        prop_assert!(e.message.len() <= MAX_MESSAGE_BYTES + 16);
        let s = ApiError::from_stream_data(&[], &body);
        prop_assert!(!s.message.is_empty());
    }

    /// JSON-ish text, to reach the shape-specific paths.
    #[test]
    fn json_like_never_panics(body in r#"[{}\[\]",:a-z0-9 é\\]{0,80}"#, key in "[a-z]{1,8}") {
        let mut e = ApiError::from_response(400, &[], body.as_bytes());
        prop_assert!(!e.message.is_empty());
        e.redact_secret(&key);
        prop_assert!(!e.message.contains(&key) || REDACTED.contains(&key));
    }
}

/// Found by `npm run fuzz` (api_error): a secret of digits only survived
/// inside a JSON number, since only strings and keys were scrubbed.
#[test]
fn redacts_a_key_that_is_all_digits_inside_numbers() {
    for body in [
        &b"4444555555"[..],
        br#"{"error":{"code":14444555555,"message":"no"}}"#,
    ] {
        let mut err = ApiError::from_response(400, &[], body);
        err.redact_secret("4444555555");
        let text = format!(
            "{} {}",
            err.message,
            err.body.as_ref().map(|b| b.to_string()).unwrap_or_default()
        );
        assert!(!text.contains("4444555555"), "{text}");
        assert!(text.contains(modelwire::api_error::REDACTED), "{text}");
    }
}
