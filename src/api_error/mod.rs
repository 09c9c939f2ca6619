//! Typed API errors, built from whatever an HTTP error response or an error
//! event inside a stream carries.
//!
//! [`ApiError::from_response`] takes the status, the **response** headers and
//! the raw body bytes; it never sees the request, so it cannot pick up the
//! API key. A server may still echo the key back in the body:
//! [`ApiError::redact_secret`] scrubs it from everything the error holds.
//!
//! The message always reads well, whatever the body: it starts with the
//! status (`"429 Rate limit exceeded"`, as openai-node does), takes the text
//! out of every known JSON shape (see `body.rs`), shows the `<title>` or
//! visible text of an HTML page, and is capped at [`MAX_MESSAGE_BYTES`].
//!
//! ```
//! use modelwire::api_error::{ApiError, ErrorKind};
//! let err = ApiError::from_response(
//!     529,
//!     &[("X-Baseten-Request-Id", "req-1")],
//!     br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
//! );
//! assert_eq!(err.kind, ErrorKind::InternalServer);
//! assert_eq!(err.message, "529 Overloaded");
//! assert_eq!(err.error_type.as_deref(), Some("overloaded_error"));
//! assert_eq!(err.request_id.as_deref(), Some("req-1"));
//! ```

mod body;
mod kind;
mod redact;
mod text;

pub use kind::ErrorKind;
pub use redact::REDACTED;
pub use text::MAX_MESSAGE_BYTES;

use crate::retry::{RetryHints, header};
use serde_json::Value;
use std::fmt;

/// An error reported by the server: an HTTP error response, or an error
/// object that arrived inside a stream that had already begun.
///
/// The two are told apart by [`status`](Self::status): `Some` for a response,
/// `None` for a stream error (whose response was a 200 whose body is, at that
/// point, partly delivered).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status; `None` for an error inside a stream.
    pub status: Option<u16>,
    /// The class: from the status for a response; for a stream error, from
    /// the error's numeric code or its type (`overloaded_error` →
    /// [`ErrorKind::InternalServer`]), else [`ErrorKind::Unknown`].
    pub kind: ErrorKind,
    /// Human-readable, never empty, at most [`MAX_MESSAGE_BYTES`] plus an
    /// ellipsis (and the status prefix). For a response it starts with the
    /// status: `"400 Unknown parameter: 'response_format'."`, or
    /// `"502 status code (no body)"` for an empty body.
    pub message: String,
    /// `error.code`, else `code`, else `error_code`, as text (OpenAI sends
    /// strings, vLLM and Baseten numbers).
    pub code: Option<String>,
    /// `error.type`, else the top-level `type` (but not Anthropic's
    /// envelope `"type":"error"`).
    pub error_type: Option<String>,
    /// `error.param`, else `param`.
    pub param: Option<String>,
    /// From the `x-baseten-request-id`, `x-request-id` or `request-id`
    /// header, in that order, else the body's `request_id`.
    pub request_id: Option<String>,
    /// The body, when it was JSON.
    pub body: Option<Value>,
    /// The response's raw retry hints.
    pub retry_hints: RetryHints,
}

/// How much of a non-JSON body is scanned for its excerpt.
const TEXT_SCAN_BYTES: usize = 64 * 1024;

const REQUEST_ID_HEADERS: [&str; 3] = ["x-baseten-request-id", "x-request-id", "request-id"];

/// A body read as JSON when it is JSON, else as (lossy UTF-8) text.
enum Parsed {
    Empty,
    Json(Value),
    Text(String),
}

fn parse(bytes: &[u8]) -> Parsed {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.trim_ascii().is_empty() {
        return Parsed::Empty;
    }
    // serde_json bounds its recursion (128 levels), so a hostile body
    // cannot exhaust the stack.
    match serde_json::from_slice(bytes) {
        Ok(value) => Parsed::Json(value),
        Err(_) => {
            // Only the head of a non-JSON body can reach the message; don't
            // copy all of a 20 MB page to find it.
            let head = &bytes[..bytes.len().min(TEXT_SCAN_BYTES)];
            Parsed::Text(text::excerpt(&String::from_utf8_lossy(head)))
        }
    }
}

impl ApiError {
    /// Builds the error for an HTTP response that failed.
    ///
    /// `headers` are the response headers (names in any case). Never pass
    /// request headers: they hold the key.
    pub fn from_response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> ApiError {
        let (body, fields, detail) = match parse(body) {
            Parsed::Empty => (None, body::Fields::default(), None),
            Parsed::Text(text) => (None, body::Fields::default(), Some(text)),
            Parsed::Json(value) => {
                let mut fields = body::fields(&value);
                let detail = fields.message.take();
                (Some(value), fields, detail)
            }
        };
        let mut message = status.to_string();
        match detail.filter(|d| !d.is_empty()) {
            Some(detail) => {
                message.push(' ');
                message.push_str(&detail);
            }
            None => message.push_str(" status code (no body)"),
        }
        ApiError::assemble(
            Some(status),
            ErrorKind::from_status(status),
            message,
            fields,
            headers,
            body,
        )
    }

    /// Builds the error for the `data` of an error event inside a stream:
    /// an `event: error` (Anthropic: `{"type":"error","error":{...}}`) or a
    /// data object with an `error` key (OpenAI-compatible servers). Data
    /// that is not JSON still gives a message. `headers` are the stream
    /// response's headers, for the request id.
    pub fn from_stream_data(headers: &[(&str, &str)], data: &[u8]) -> ApiError {
        match parse(data) {
            Parsed::Json(value) => ApiError::from_stream_value(headers, value),
            Parsed::Text(text) => {
                let message = Some(text).filter(|t| !t.is_empty());
                ApiError::from_stream_fields(
                    headers,
                    None,
                    body::Fields {
                        message,
                        ..Default::default()
                    },
                )
            }
            Parsed::Empty => ApiError::from_stream_fields(headers, None, body::Fields::default()),
        }
    }

    /// [`from_stream_data`](Self::from_stream_data) for data the caller has
    /// already parsed.
    pub fn from_stream_value(headers: &[(&str, &str)], value: Value) -> ApiError {
        let fields = body::fields(&value);
        ApiError::from_stream_fields(headers, Some(value), fields)
    }

    /// Whether a stream event is an error: `event: error`, or data that is an
    /// object with a non-null, non-false, non-empty `error` (openai-node's
    /// truthiness test) or Anthropic's `"type":"error"`.
    pub fn is_stream_error(event: Option<&str>, data: &Value) -> bool {
        if event == Some("error") {
            return true;
        }
        let Some(map) = data.as_object() else {
            return false;
        };
        let flagged = match map.get("error") {
            None | Some(Value::Null | Value::Bool(false)) => false,
            Some(Value::String(s)) => !s.is_empty(),
            Some(_) => true,
        };
        flagged || map.get("type").and_then(Value::as_str) == Some("error")
    }

    fn from_stream_fields(
        headers: &[(&str, &str)],
        body: Option<Value>,
        mut fields: body::Fields,
    ) -> ApiError {
        let kind = stream_kind(&fields, body.as_ref());
        let message = fields
            .message
            .take()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "stream error event without details".to_owned());
        ApiError::assemble(None, kind, message, fields, headers, body)
    }

    fn assemble(
        status: Option<u16>,
        kind: ErrorKind,
        message: String,
        fields: body::Fields,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> ApiError {
        let request_id = REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| header(headers, name))
            .map(text::capped)
            .or(fields.request_id);
        ApiError {
            status,
            kind,
            message,
            code: fields.code,
            error_type: fields.error_type,
            param: fields.param,
            request_id,
            body,
            retry_hints: RetryHints::from_headers(headers),
        }
    }

    /// Whether this error arrived inside a stream (no HTTP status).
    pub fn is_stream_error_event(&self) -> bool {
        self.status.is_none()
    }
}

/// A stream error's class: a numeric HTTP-like code (vLLM sends
/// `"code":400`, Baseten `"code":503`) or a `status` field, then the type,
/// then a string code (`rate_limit_exceeded`).
fn stream_kind(fields: &body::Fields, body: Option<&Value>) -> ErrorKind {
    let status_like = |s: &str| s.parse::<u16>().ok().filter(|s| (400..=599).contains(s));
    let status_field = body
        .and_then(|b| {
            b.get("error")
                .filter(|e| e.is_object())
                .unwrap_or(b)
                .get("status")
        })
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| (400..=599).contains(s));
    if let Some(status) = fields
        .code
        .as_deref()
        .and_then(status_like)
        .or(status_field)
    {
        return ErrorKind::from_status(status);
    }
    [fields.error_type.as_deref(), fields.code.as_deref()]
        .into_iter()
        .flatten()
        .find_map(ErrorKind::from_error_type)
        .unwrap_or(ErrorKind::Unknown)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}
