//! Core errors become real JS `Error` objects here, and only here: each gets a
//! `name` JS code can switch on, plus the machine-readable fields of the error.

use crate::chat::ChatStreamError;
use crate::sse::{BufferKind, SseError};
use js_sys::{Error, Reflect};
use wasm_bindgen::JsValue;

fn set(target: &Error, key: &str, value: impl Into<JsValue>) {
    // Setting a plain data property on a fresh Error cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

impl From<SseError> for JsValue {
    fn from(err: SseError) -> JsValue {
        let js = Error::new(&err.to_string());
        js.set_name("SseError");
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
        let js = Error::new(&err.to_string());
        js.set_name("StreamError");
        match err {
            ChatStreamError::Server(error) => {
                set(&js, "code", "server_error");
                // The server's error object, parsed, as openai-node exposes it.
                let body = js_sys::JSON::parse(&error).unwrap_or(JsValue::from_str(&error));
                set(&js, "error", body);
            }
            ChatStreamError::InvalidChunk { .. } => set(&js, "code", "invalid_chunk"),
        }
        js.into()
    }
}
