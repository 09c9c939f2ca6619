//! Conformance runner over `../shared/conformance/errors/` (OpenAI and
//! Anthropic error bodies, `{http_status, body}`), the error bodies among
//! `bodies/` (any with a status of 400 or more), and the mid-stream error
//! payloads in `streams/` (`expected_flags.stream_errors`).
//!
//! Each must give the status's kind, a message that starts with the status
//! and contains the body's own message text, and the code, type, param and
//! request id the body carries. Without the corpus the runner fails under
//! `CI=true` and skips with a message otherwise.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use modelwire::api_error::{ApiError, ErrorKind};
use serde_json::Value;
use support::{Corpus, Outcome};

/// The kind each status must map to, written out independently of the
/// library's table.
fn expected_kind(status: u16) -> ErrorKind {
    match status {
        400 => ErrorKind::BadRequest,
        401 => ErrorKind::Authentication,
        402 => ErrorKind::PaymentRequired,
        403 => ErrorKind::PermissionDenied,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        413 => ErrorKind::PayloadTooLarge,
        422 => ErrorKind::UnprocessableEntity,
        429 => ErrorKind::RateLimit,
        s if (500..600).contains(&s) => ErrorKind::InternalServer,
        s => ErrorKind::Other(s),
    }
}

/// The string at `pointer`, or a number rendered as text.
fn text_at(body: &Value, pointer: &str) -> Option<String> {
    match body.pointer(pointer)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn same(what: &str, got: Option<&str>, want: Option<String>) -> Result<(), String> {
    match got == want.as_deref() {
        true => Ok(()),
        false => Err(format!("{what} {got:?}, expected {want:?}")),
    }
}

/// Checks the fields both kinds of error share.
fn check_fields(err: &ApiError, body: &Value) -> Result<(), String> {
    let inner = |key: &str| {
        text_at(body, &format!("/error/{key}")).or_else(|| text_at(body, &format!("/{key}")))
    };
    let message = inner("message").ok_or("vector has no message")?;
    if !err.message.contains(&message) {
        return Err(format!("message {:?} lacks {message:?}", err.message));
    }
    same("code", err.code.as_deref(), inner("code"))?;
    let want_type =
        text_at(body, "/error/type").or_else(|| text_at(body, "/type").filter(|t| t != "error"));
    same("type", err.error_type.as_deref(), want_type)?;
    same("param", err.param.as_deref(), inner("param"))?;
    same(
        "request_id",
        err.request_id.as_deref(),
        text_at(body, "/request_id"),
    )?;
    if err.body.as_ref() != Some(body) {
        return Err("body not kept".into());
    }
    Ok(())
}

fn check_response(vector: &Value) -> Result<(), String> {
    let status = vector["http_status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .ok_or("no http_status")?;
    let body = &vector["body"];
    let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    let err = ApiError::from_response(status, &[], &bytes);
    if err.status != Some(status) {
        return Err(format!("status {:?}", err.status));
    }
    if err.kind != expected_kind(status) {
        return Err(format!(
            "kind {:?}, expected {:?}",
            err.kind,
            expected_kind(status)
        ));
    }
    if !err.message.starts_with(&format!("{status} ")) {
        return Err(format!(
            "message {:?} does not start with the status",
            err.message
        ));
    }
    check_fields(&err, body)?;
    // The same bytes pretty-printed, and with a request-id header that must
    // win over the body's.
    let pretty = serde_json::to_vec_pretty(body).map_err(|e| e.to_string())?;
    let again = ApiError::from_response(status, &[("X-Request-Id", "hdr-1")], &pretty);
    if again.message != err.message || again.request_id.as_deref() != Some("hdr-1") {
        return Err(format!("pretty body / header: {again:?}"));
    }
    Ok(())
}

/// A payload that ended a stream: no status, kind from the error type.
fn check_stream_error(payload: &Value) -> Result<(), String> {
    if !ApiError::is_stream_error(Some("error"), payload)
        || !ApiError::is_stream_error(None, payload)
    {
        return Err("not recognised as a stream error".into());
    }
    let bytes = serde_json::to_vec(payload).map_err(|e| e.to_string())?;
    let err = ApiError::from_stream_data(&[], &bytes);
    if err.status.is_some() {
        return Err(format!("status {:?} on a stream error", err.status));
    }
    let ty = text_at(payload, "/error/type").unwrap_or_default();
    let want = ErrorKind::from_error_type(&ty).unwrap_or(ErrorKind::Unknown);
    if err.kind != want || err.kind == ErrorKind::Unknown {
        return Err(format!("kind {:?} for type {ty:?}", err.kind));
    }
    check_fields(&err, payload)
}

#[test]
fn error_conformance_corpus() {
    let Some(corpus) = Corpus::locate("") else {
        return;
    };
    let mut outcome = Outcome::default();
    for folder in ["errors/openai-chat", "errors/anthropic-messages"] {
        for (name, vector) in corpus.vectors(folder) {
            outcome.record(&name, check_response(&vector));
        }
    }
    for folder in ["bodies/openai-chat", "bodies/anthropic-messages"] {
        for (name, vector) in corpus.vectors(folder) {
            if vector["http_status"].as_u64().is_some_and(|s| s >= 400) {
                outcome.record(&name, check_response(&vector));
            }
        }
    }
    for folder in ["streams/openai-chat", "streams/anthropic-messages"] {
        for (name, vector) in corpus.vectors(folder) {
            let errors = vector
                .pointer("/expected_flags/stream_errors")
                .and_then(Value::as_array);
            for (i, payload) in errors.into_iter().flatten().enumerate() {
                outcome.record(&format!("{name}#{i}"), check_stream_error(payload));
            }
        }
    }
    outcome.finish("error conformance", 18);
}
