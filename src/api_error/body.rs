//! Finding the message, code, type, param and request id in an error body,
//! whatever its shape. The shapes seen (see `shared/notes/baseten-api.md`):
//!
//! ```text
//! {"error":{"message","type","param","code"}}          OpenAI (code: string or number)
//! {"type":"error","error":{"type","message"}}          Anthropic
//! {"message","type","code"}                            Baseten, flat
//! {"error":"..."}                                      Baseten, bare
//! {"error":"...","error_code":"...","detail":"..."}    Baseten, model not ready
//! {"detail":"..."} | {"detail":[{"loc","msg"},...]}    FastAPI / truss
//! {"errors":[{"code","message"}]}                      async request status
//! ```
//!
//! Unknown shapes still give a message: the compact JSON of the body.

use super::text::{Capped, MAX_MESSAGE_BYTES, capped, compact_json};
use serde_json::{Map, Value};

/// What an error body says, each field capped.
#[derive(Default)]
pub(crate) struct Fields {
    /// `None` when the body carries no text at all (`{}` still gives `{}`).
    pub message: Option<String>,
    pub code: Option<String>,
    pub error_type: Option<String>,
    pub param: Option<String>,
    pub request_id: Option<String>,
}

/// Keys that hold a human-readable message, best first.
const MESSAGE_KEYS: [&str; 6] = [
    "message",
    "msg",
    "detail",
    "error_description",
    "errors",
    "title",
];

pub(crate) fn fields(body: &Value) -> Fields {
    let top = body.as_object();
    let inner = top.and_then(|m| m.get("error")).and_then(Value::as_object);
    // First in the inner error object, then at the top level.
    let pick = |key: &str| {
        inner
            .and_then(|e| scalar(e.get(key)))
            .or_else(|| top.and_then(|m| scalar(m.get(key))))
    };
    Fields {
        message: message(body),
        code: pick("code").or_else(|| pick("error_code")),
        // A top-level "type":"error" is Anthropic's envelope, not the type.
        error_type: inner.and_then(|e| scalar(e.get("type"))).or_else(|| {
            top.and_then(|m| scalar(m.get("type")))
                .filter(|t| t != "error")
        }),
        param: pick("param"),
        request_id: pick("request_id"),
    }
}

/// A string or number as text (capped); `None` for anything else or `""`.
fn scalar(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(capped(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn message(body: &Value) -> Option<String> {
    let mut out = Capped::new(MAX_MESSAGE_BYTES);
    match body {
        Value::Object(map) => {
            // `"error": true` or a number is a flag, not a message.
            if let Some(error) = map
                .get("error")
                .filter(|e| e.is_string() || e.is_object() || e.is_array())
            {
                describe(error, &mut out);
                // {"error":"Model not ready","detail":"still loading"}
                if error.is_string()
                    && let Some(detail) = map.get("detail").filter(|d| *d != error)
                {
                    let mut more = Capped::new(MAX_MESSAGE_BYTES);
                    describe(detail, &mut more);
                    if !more.is_empty() {
                        out.push_str(": ");
                        out.push_str(&more.finish());
                    }
                }
            }
            if out.is_empty() {
                message_of_object(map, &mut out);
            }
        }
        Value::Null => {}
        other => describe(other, &mut out),
    }
    if out.is_empty() {
        // No text anywhere: the JSON itself is the most useful message,
        // unless it is empty (null, "", {"error":null}).
        if matches!(body, Value::Null) || body.as_str().is_some_and(|s| s.trim().is_empty()) {
            return None;
        }
        compact_json(body, &mut out);
    }
    Some(out.finish())
}

/// Writes the first message-like key of `map`; `false` if none had text.
fn message_of_object(map: &Map<String, Value>, out: &mut Capped) -> bool {
    for key in MESSAGE_KEYS {
        if let Some(value) = map.get(key) {
            describe(value, out);
            if !out.is_empty() {
                return true;
            }
        }
    }
    false
}

/// Writes a readable rendering of `value`.
fn describe(value: &Value, out: &mut Capped) {
    match value {
        Value::Null | Value::Bool(_) => {}
        Value::String(s) => out.push_str(s.trim()),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Array(items) => {
            let mut first = true;
            for item in items {
                if out.is_full() {
                    return;
                }
                let mut part = Capped::new(MAX_MESSAGE_BYTES);
                describe(item, &mut part);
                if !part.is_empty() {
                    if !first {
                        out.push_str("; ");
                    }
                    first = false;
                    out.push_str(&part.finish());
                }
            }
        }
        Value::Object(map) => {
            // FastAPI/pydantic: {"loc":["body","messages",0],"msg":"..."}
            let mut part = Capped::new(MAX_MESSAGE_BYTES);
            if !message_of_object(map, &mut part)
                && let Some(error) = map.get("error")
            {
                describe(error, &mut part);
            }
            if part.is_empty() {
                compact_json(value, out);
                return;
            }
            if let Some(loc) = map.get("loc").and_then(Value::as_array) {
                let path: Vec<String> = loc
                    .iter()
                    .map(|p| match p {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                if !path.is_empty() {
                    out.push_str(&path.join("."));
                    out.push_str(": ");
                }
            }
            out.push_str(&part.finish());
        }
    }
}
