//! Conversion between Chat Completions and Messages for JavaScript: the
//! body and response converters (`convertBody`), an event-level stream
//! converter (`EventConverter`), and the client's streams that read one
//! protocol's body as the other's (`ClientCore.chatStreamFromMessages`,
//! `ClientCore.messagesStreamFromChat`). All the logic is in
//! `crate::convert`; this file only adapts.

use super::chat::ChatStream;
use super::client::ClientCore;
use super::error::{messages_stream_error, stream_error};
use super::messages::MessagesStream;
use crate::chat::ChatStreamError;
use crate::convert::{
    self, ChatToMessagesStream, ConvertError, Converted, MessagesToChatStream, StreamConverter,
    Via, losses_json,
};
use crate::messages::MessagesStreamError;
use wasm_bindgen::prelude::*;

/// Converts a body (JSON text) and returns `{"value":…,"dropped":[…]}` as
/// JSON text. `what` names the conversion: `chatToMessagesRequest`,
/// `messagesToChatRequest`, `chatToMessagesResponse` or
/// `messagesToChatResponse`. Throws a `ConversionError` when the body is
/// not a JSON object.
///
/// ```js
/// const { value, dropped } = JSON.parse(convertBody("chatToMessagesRequest", JSON.stringify(params)));
/// ```
#[wasm_bindgen(js_name = convertBody)]
pub fn convert_body(what: &str, json: &str) -> Result<String, JsValue> {
    let convert: fn(&str) -> Result<Converted, ConvertError> = match what {
        "chatToMessagesRequest" => convert::chat_to_messages_request,
        "messagesToChatRequest" => convert::messages_to_chat_request,
        "chatToMessagesResponse" => convert::chat_to_messages_response,
        "messagesToChatResponse" => convert::messages_to_chat_response,
        _ => return Err(js_sys::TypeError::new("unknown conversion").into()),
    };
    Ok(convert(json)?.envelope_json())
}

/// One stream's events converted to the other protocol, one event at a
/// time.
///
/// ```js
/// const c = new EventConverter("messagesToChat");
/// const chunks = JSON.parse(c.push(event.type, JSON.stringify(event))); // `[DONE]` is left out: see `done`
/// const last = JSON.parse(c.finish());
/// const dropped = JSON.parse(c.droppedJson());
/// c.free();
/// ```
#[wasm_bindgen]
pub struct EventConverter {
    inner: Box<dyn StreamConverter>,
}

#[wasm_bindgen]
impl EventConverter {
    /// `"chatToMessages"` or `"messagesToChat"`.
    #[wasm_bindgen(constructor)]
    pub fn new(direction: &str) -> Result<EventConverter, JsValue> {
        let inner: Box<dyn StreamConverter> = match direction {
            "chatToMessages" => Box::new(ChatToMessagesStream::new()),
            "messagesToChat" => Box::new(MessagesToChatStream::new()),
            _ => return Err(js_sys::TypeError::new("unknown direction").into()),
        };
        Ok(EventConverter { inner })
    }

    /// Converts one event (`event`: its SSE name, if any; `data`: its data)
    /// and returns the events it completes as the text of a JSON array of
    /// their data, `[DONE]` left out. Throws a `ConversionError` when the
    /// data is not JSON.
    pub fn push(&mut self, event: Option<String>, data: &str) -> Result<String, JsValue> {
        Ok(array(self.inner.convert(event.as_deref(), data)?))
    }

    /// Ends the stream (EOF); returns the closing events, as `push`.
    pub fn finish(&mut self) -> String {
        array(self.inner.end())
    }

    /// Whether the stream is over.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.inner.is_over()
    }

    /// What could not be carried over so far, as JSON text.
    #[wasm_bindgen(js_name = droppedJson)]
    pub fn dropped_json(&self) -> String {
        losses_json(self.inner.losses())
    }
}

/// `[data,data,…]`; every converted event's data is one JSON value, except
/// Chat's `[DONE]`.
fn array(events: Vec<crate::sse::Event>) -> String {
    let mut out = String::from("[");
    for event in events.iter().filter(|e| e.data != "[DONE]") {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&event.data);
    }
    out.push(']');
    out
}

#[wasm_bindgen]
impl ClientCore {
    /// A `ChatStream` over the body of a `/messages` stream: each event is
    /// converted to Chat Completions chunks and accumulated as a
    /// `chat.completion`.
    #[wasm_bindgen(js_name = chatStreamFromMessages)]
    pub fn chat_stream_from_messages(&self) -> Result<ChatStream, JsValue> {
        let mut stream = self.chat_stream(None)?;
        stream.via = Some(Via::new(MessagesToChatStream::new()));
        Ok(stream)
    }

    /// A `MessagesStream` over the body of a `/chat/completions` stream:
    /// each chunk is converted to Messages events and accumulated as a
    /// `message`.
    #[wasm_bindgen(js_name = messagesStreamFromChat)]
    pub fn messages_stream_from_chat(&self) -> MessagesStream {
        let mut stream = self.messages_stream();
        stream.via = Some(Via::new(ChatToMessagesStream::new()));
        stream
    }
}

#[wasm_bindgen]
impl ChatStream {
    /// Conversion only: what the stream's conversion could not carry over
    /// so far, as JSON text (`undefined` for a native stream).
    #[wasm_bindgen(js_name = droppedJson)]
    pub fn dropped_json(&self) -> Option<String> {
        self.via.as_ref().map(|via| losses_json(via.losses()))
    }
}

#[wasm_bindgen]
impl MessagesStream {
    /// Conversion only: what the stream's conversion could not carry over
    /// so far, as JSON text (`undefined` for a native stream).
    #[wasm_bindgen(js_name = droppedJson)]
    pub fn dropped_json(&self) -> Option<String> {
        self.via.as_ref().map(|via| losses_json(via.losses()))
    }
}

impl ChatStream {
    /// A conversion error (an event that is not JSON) as the `StreamError`
    /// an invalid chunk gives.
    pub(super) fn via_error(&mut self) -> Result<(), JsValue> {
        match self.via.as_mut().and_then(Via::take_error) {
            Some(err) => {
                let (reason, excerpt) = parts(err);
                let err = ChatStreamError::InvalidChunk { reason, excerpt };
                Err(stream_error(err, self.secret.as_deref()))
            }
            None => Ok(()),
        }
    }
}

impl MessagesStream {
    /// A conversion error as the `StreamError` an invalid event gives.
    pub(super) fn via_error(&mut self) -> Result<(), JsValue> {
        match self.via.as_mut().and_then(Via::take_error) {
            Some(err) => {
                let (reason, excerpt) = parts(err);
                let err = MessagesStreamError::InvalidEvent { reason, excerpt };
                Err(messages_stream_error(err, self.secret.as_deref()))
            }
            None => Ok(()),
        }
    }
}

fn parts(err: ConvertError) -> (String, String) {
    match err {
        ConvertError::InvalidJson { reason, excerpt } => (reason, excerpt),
        other => (other.to_string(), String::new()),
    }
}
