//! `ClientConfig`: URLs, headers, validation before sending, and errors with
//! the key scrubbed.
#![cfg(not(target_arch = "wasm32"))]

use modelwire::api_error::ErrorKind;
use modelwire::client::{AuthScheme, ClientConfig, DEFAULT_BASE_URL};

const KEY: &str = "bt-SECRET-0123456789";

fn config(base: &str) -> ClientConfig {
    ClientConfig::new(base, Some(KEY.to_owned()), AuthScheme::Bearer).unwrap()
}

fn header<'a>(headers: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
}

const CHAT: &str = r#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#;

#[test]
fn joins_the_base_url_with_or_without_a_trailing_slash() {
    for base in [
        DEFAULT_BASE_URL,
        "https://inference.baseten.co/v1/",
        "https://inference.baseten.co/v1//",
    ] {
        let request = config(base).prepare_chat(CHAT).unwrap();
        assert_eq!(
            request.url,
            "https://inference.baseten.co/v1/chat/completions"
        );
    }
    let local = config("http://127.0.0.1:8080/v1");
    assert_eq!(local.url("/models"), "http://127.0.0.1:8080/v1/models");
    let messages = local.prepare_messages(
        r#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#,
    );
    assert_eq!(messages.unwrap().url, "http://127.0.0.1:8080/v1/messages");
}

#[test]
fn auth_goes_in_authorization_with_either_scheme_and_never_x_api_key() {
    let bearer = config(DEFAULT_BASE_URL).prepare_chat(CHAT).unwrap();
    assert_eq!(
        header(&bearer.headers, "authorization"),
        Some("Bearer bt-SECRET-0123456789")
    );
    let api_key =
        ClientConfig::new(DEFAULT_BASE_URL, Some(KEY.into()), AuthScheme::ApiKey).unwrap();
    let request = api_key.prepare_chat(CHAT).unwrap();
    assert_eq!(
        header(&request.headers, "authorization"),
        Some("Api-Key bt-SECRET-0123456789")
    );
    assert!(request.headers.iter().all(|(name, _)| *name != "x-api-key"));
    // No key (or an empty one): no Authorization at all.
    for key in [None, Some(String::new())] {
        let anonymous = ClientConfig::new(DEFAULT_BASE_URL, key, AuthScheme::Bearer).unwrap();
        let headers = anonymous.prepare_chat(CHAT).unwrap().headers;
        assert_eq!(header(&headers, "authorization"), None);
    }
    assert_eq!(AuthScheme::parse("Api-Key"), Some(AuthScheme::ApiKey));
    assert_eq!(AuthScheme::parse("bearer"), None);
}

#[test]
fn streaming_requests_accept_event_streams() {
    let c = config(DEFAULT_BASE_URL);
    let plain = c.prepare_chat(CHAT).unwrap();
    assert!(!plain.stream);
    assert_eq!(header(&plain.headers, "accept"), Some("application/json"));
    assert_eq!(
        header(&plain.headers, "content-type"),
        Some("application/json")
    );
    let streamed = c
        .prepare_chat(r#"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        .unwrap();
    assert!(streamed.stream);
    assert_eq!(
        header(&streamed.headers, "accept"),
        Some("text/event-stream")
    );
}

#[test]
fn invalid_requests_fail_before_sending_naming_the_field() {
    let c = config(DEFAULT_BASE_URL);
    let cases = [
        (r#"{"model":"m","messages":[]}"#, "messages"),
        (
            r#"{"model":"m","messages":[{"role":"wizard","content":"x"}]}"#,
            "messages[0].role",
        ),
        (
            r#"{"model":"m","messages":[{"role":"tool","content":"x"}]}"#,
            "messages[0].tool_call_id",
        ),
        (
            r#"{"model":"m","temperature":3,"messages":[{"role":"user","content":"x"}]}"#,
            "temperature",
        ),
        ("not json", ""),
    ];
    for (body, field) in cases {
        let err = c.prepare_chat(body).unwrap_err();
        assert_eq!(err.field, field, "{body}");
    }
}

#[test]
fn bad_options_are_refused_without_quoting_the_key() {
    for base in [
        "inference.baseten.co/v1",
        "ftp://x",
        "https://",
        "https://user:pw@host/v1",
        "https://h/v1?x=1",
        "https://h/v 1",
    ] {
        let err = ClientConfig::new(base, None, AuthScheme::Bearer).unwrap_err();
        assert_eq!(err.option, "baseURL", "{base}");
    }
    for key in ["bt-SECRET\r\nx-evil: 1", " bt-SECRET", "bt-SECRÉT"] {
        let err =
            ClientConfig::new(DEFAULT_BASE_URL, Some(key.into()), AuthScheme::Bearer).unwrap_err();
        assert_eq!(err.option, "apiKey");
        assert!(!err.to_string().contains("SECRET"), "{err}");
    }
    let debug = format!("{:?}", config(DEFAULT_BASE_URL));
    assert!(
        !debug.contains(KEY) && debug.contains("[REDACTED]"),
        "{debug}"
    );
}

#[test]
fn errors_are_typed_and_scrubbed_of_the_key() {
    let c = config(DEFAULT_BASE_URL);
    let body = format!(r#"{{"error":"invalid api key {KEY}"}}"#);
    let err = c.response_error(403, &[("x-baseten-request-id", "req-9")], body.as_bytes());
    assert_eq!(err.kind, ErrorKind::PermissionDenied);
    assert_eq!(err.request_id.as_deref(), Some("req-9"));
    assert!(!err.message.contains(KEY), "{}", err.message);
    assert!(!serde_json::to_string(&err.body).unwrap().contains(KEY));

    let data =
        format!(r#"{{"error":{{"message":"overloaded for {KEY}","type":"overloaded_error"}}}}"#);
    let err = c.stream_error(&[], data.as_bytes());
    assert_eq!(err.kind, ErrorKind::InternalServer);
    assert!(err.status.is_none());
    assert!(!err.message.contains(KEY), "{}", err.message);
}

#[test]
fn a_key_too_short_to_mean_anything_is_not_scrubbed_from_words() {
    let short = ClientConfig::new(DEFAULT_BASE_URL, Some("k".into()), AuthScheme::Bearer).unwrap();
    let err = short.response_error(
        400,
        &[],
        br#"{"error":"deepseek-ai does not support JSON mode"}"#,
    );
    assert_eq!(err.message, "400 deepseek-ai does not support JSON mode");
    assert_eq!(short.secret(), None);
    assert_eq!(config(DEFAULT_BASE_URL).secret(), Some(KEY));
}

#[test]
fn a_validation_message_quoting_the_key_is_scrubbed() {
    let body =
        format!(r#"{{"model":"m","max_tokens":5,"messages":[{{"role":"{KEY}","content":"x"}}]}}"#);
    let err = config(DEFAULT_BASE_URL)
        .prepare_messages(&body)
        .unwrap_err();
    assert!(!err.to_string().contains(KEY), "{err}");
    assert!(err.message.contains("[REDACTED]"), "{err}");
}
