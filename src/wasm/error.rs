//! Core errors become real JS `Error` objects here, and only here: each gets a
//! `name` JS code can switch on, plus the machine-readable fields of the error.
//! The JS layer (`js/errors.js`) turns them into instances of the exported
//! classes by `name`.

use crate::api_error::{ApiError, REDACTED};
use crate::chat::ChatStreamError;
use crate::client::ConfigError;
use crate::messages::MessagesStreamError;
use crate::sse::{BufferKind, SseError};
use crate::validate::ValidationError;
use js_sys::{Error, Object, Reflect};
use wasm_bindgen::JsValue;

fn set(target: &JsValue, key: &str, value: impl Into<JsValue>) {
    // Setting a plain data property on a fresh object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

fn set_opt(target: &JsValue, key: &str, value: Option<&str>) {
    set(target, key, value.map_or(JsValue::NULL, JsValue::from_str));
}

fn named(name: &str, message: &str) -> Error {
    let js = Error::new(message);
    js.set_name(name);
    js
}

impl From<SseError> for JsValue {
    fn from(err: SseError) -> JsValue {
        let js = named("SseError", &err.to_string());
        match err {
            SseError::TooLarge { kind, limit } => {
                let code = match kind {
                    BufferKind::Line => "line_too_large",
                    BufferKind::Event => "event_too_large",
                };
                set(&js, "code", code);
                set(&js, "limit", limit as f64);
            }
        }
        js.into()
    }
}

impl From<ChatStreamError> for JsValue {
    fn from(err: ChatStreamError) -> JsValue {
        stream_error(err, None)
    }
}

impl From<ValidationError> for JsValue {
    fn from(err: ValidationError) -> JsValue {
        let js = named("ValidationError", &err.to_string());
        set(&js, "field", err.field.as_str());
        js.into()
    }
}

impl From<ConfigError> for JsValue {
    fn from(err: ConfigError) -> JsValue {
        let js = named("ModelwireError", &err.to_string());
        set(&js, "option", err.option);
        js.into()
    }
}

/// A `StreamError` for a failure after the stream began, with `secret`
/// scrubbed from everything the server sent.
pub(super) fn stream_error(err: ChatStreamError, secret: Option<&str>) -> JsValue {
    match err {
        ChatStreamError::Server(data) => {
            let mut api = ApiError::from_stream_data(&[], data.as_bytes());
            if let Some(secret) = secret {
                api.redact_secret(secret);
            }
            let js = api_error_fields(named("StreamError", &api.message).into(), &api);
            // `code` names the failure; the server's own code stays in `error`.
            set(&js, "code", "server_error");
            set(&js, "kind", api.kind.class_name());
            js
        }
        ChatStreamError::InvalidChunk { .. } => {
            let mut message = err.to_string();
            if let Some(secret) = secret.filter(|s| !s.is_empty()) {
                message = message.replace(secret, REDACTED);
            }
            let js = named("StreamError", &message);
            set(&js, "code", "invalid_chunk");
            js.into()
        }
    }
}

/// A `StreamError` for a Messages stream, with `secret` scrubbed.
pub(super) fn messages_stream_error(err: MessagesStreamError, secret: Option<&str>) -> JsValue {
    match err {
        MessagesStreamError::Server(data) => stream_error(ChatStreamError::Server(data), secret),
        other => {
            let mut message = other.to_string();
            if let Some(secret) = secret.filter(|s| !s.is_empty()) {
                message = message.replace(secret, REDACTED);
            }
            let js = named("StreamError", &message);
            let code = match other {
                MessagesStreamError::InvalidToolInput { index, .. } => {
                    set(&js, "index", index);
                    "invalid_tool_input"
                }
                _ => "invalid_chunk",
            };
            set(&js, "code", code);
            js.into()
        }
    }
}

/// A plain description of an HTTP error response for `js/errors.js`:
/// `{ name, message, status, code, type, param, requestId, error }`, where
/// `name` is the class (`RateLimitError`, …) and `error` the parsed body.
pub(super) fn api_error_object(err: &ApiError) -> JsValue {
    let js: JsValue = Object::new().into();
    set(&js, "name", err.kind.class_name());
    set(&js, "message", err.message.as_str());
    api_error_fields(js, err)
}

fn api_error_fields(js: JsValue, err: &ApiError) -> JsValue {
    if let Some(status) = err.status {
        set(&js, "status", status);
    }
    set_opt(&js, "code", err.code.as_deref());
    set_opt(&js, "type", err.error_type.as_deref());
    set_opt(&js, "param", err.param.as_deref());
    set_opt(&js, "requestId", err.request_id.as_deref());
    let body = err
        .body
        .as_ref()
        .and_then(|body| serde_json::to_string(body).ok())
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::UNDEFINED);
    set(&js, "error", body);
    js
}

impl From<crate::deploy::DeployError> for JsValue {
    /// A `ValidationError` whose `field` is the option's name in Baseten's
    /// docs (`model_id`, `environment`, `priority`, …).
    fn from(err: crate::deploy::DeployError) -> JsValue {
        let js = named("ValidationError", &err.to_string());
        set(&js, "field", err.field);
        js.into()
    }
}

impl From<crate::webhook::WebhookError> for JsValue {
    /// A `WebhookVerificationError` with a `code` to switch on; the secret
    /// is never part of it.
    fn from(err: crate::webhook::WebhookError) -> JsValue {
        use crate::webhook::WebhookError;
        let js = named("WebhookVerificationError", &err.to_string());
        let code = match err {
            WebhookError::EmptySecret => "empty_secret",
            WebhookError::MissingSignature => "missing_signature",
            WebhookError::Malformed(_) => "malformed_signature",
            WebhookError::Mismatch => "mismatch",
        };
        set(&js, "code", code);
        js.into()
    }
}

/// A `CapabilityError`: the model named, `feature` (the catalog's name for
/// the first thing it lacks), `features` (all of them), and for the output
/// cap `requested` and `limit`. The message lists every problem.
pub(super) fn capability_error(errors: &[crate::catalog::CapabilityError]) -> JsValue {
    use crate::catalog::Missing;
    let mut message = String::new();
    let features = js_sys::Array::new();
    for (i, err) in errors.iter().enumerate() {
        if i > 0 {
            message.push_str("; ");
        }
        message.push_str(&err.to_string());
        features.push(&JsValue::from_str(err.missing.feature()));
    }
    let js = named("CapabilityError", &message);
    if let Some(first) = errors.first() {
        set(&js, "model", first.model.as_str());
        set(&js, "feature", first.missing.feature());
    }
    set(&js, "features", features);
    for err in errors {
        if let Missing::MaxOutputTokens { requested, limit } = err.missing {
            set(&js, "requested", requested as f64);
            set(&js, "limit", limit as f64);
        }
    }
    js.into()
}

impl From<crate::catalog::CatalogError> for JsValue {
    /// A `ModelwireError`: the catalog payload cannot be read.
    fn from(err: crate::catalog::CatalogError) -> JsValue {
        named("ModelwireError", &err.to_string()).into()
    }
}

impl From<crate::catalog::UsageError> for JsValue {
    /// A `ValidationError` whose `field` is the usage key (`usage.prompt_tokens`).
    fn from(err: crate::catalog::UsageError) -> JsValue {
        let js = named("ValidationError", &err.to_string());
        let mut field = String::from("usage");
        if !err.field.is_empty() {
            field.push('.');
            field.push_str(&err.field);
        }
        set(&js, "field", field.as_str());
        js.into()
    }
}

impl From<crate::convert::ConvertError> for JsValue {
    /// A `ConversionError` with a `code`: `invalid_json` or `not_an_object`.
    fn from(err: crate::convert::ConvertError) -> JsValue {
        use crate::convert::ConvertError;
        let js = named("ConversionError", &err.to_string());
        let code = match err {
            ConvertError::InvalidJson { .. } => "invalid_json",
            _ => "not_an_object",
        };
        set(&js, "code", code);
        js.into()
    }
}
