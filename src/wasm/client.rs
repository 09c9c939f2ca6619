//! `ClientCore`, `RetryLoop` and `PartialJson` for the JS client
//! (`js/client.js`): the JS side does the I/O (fetch, timers, abort), and
//! asks these for every decision about a request.

use super::chat::ChatStream;
use super::error::{api_error_object, stream_error};
use super::messages::MessagesStream;
use crate::client::{AuthScheme, ClientConfig, ConfigError};
use crate::partial_json;
use crate::retry::{Backoff, Outcome, RetryPolicy};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A request `ClientCore.prepareChat` validated and prepared for `fetch`. */
export interface PreparedRequest {
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  stream: boolean;
  /** What the body asks of the model (for capability checks); absent for `prepareGet`. */
  summary?: RequestSummary;
}

/** What `ClientCore.responseError` found in a failed response. */
export interface ApiErrorFields {
  /** The class: `BadRequestError`, `RateLimitError`, …, or `APIError`. */
  name: string;
  message: string;
  status?: number;
  code: string | null;
  type: string | null;
  param: string | null;
  requestId: string | null;
  /** The parsed body, when it was JSON. */
  error: unknown;
}
"#;

/// Header pairs flattened to `[name, value, name, value, …]`.
fn pairs(flat: &[String]) -> Vec<(&str, &str)> {
    flat.chunks_exact(2)
        .map(|pair| (pair[0].as_str(), pair[1].as_str()))
        .collect()
}

/// The client's configuration in wasm: it holds the key, builds requests,
/// and turns failed responses into scrubbed error descriptions.
#[wasm_bindgen]
pub struct ClientCore {
    config: ClientConfig,
}

#[wasm_bindgen]
impl ClientCore {
    /// Checks the options; throws a `ModelwireError` naming the bad one
    /// (never quoting the key).
    #[wasm_bindgen(constructor)]
    pub fn new(
        base_url: &str,
        api_key: Option<String>,
        auth_scheme: &str,
    ) -> Result<ClientCore, JsValue> {
        let auth = AuthScheme::parse(auth_scheme).ok_or_else(|| ConfigError {
            option: "authScheme",
            message: "must be \"Bearer\" or \"Api-Key\"".to_owned(),
        })?;
        let config = ClientConfig::new(base_url, api_key, auth)?;
        Ok(ClientCore { config })
    }

    /// The base URL without a trailing `/`.
    #[wasm_bindgen(getter, js_name = baseURL)]
    pub fn base_url(&self) -> String {
        self.config.base_url().to_owned()
    }

    /// `baseURL` + `path`.
    pub fn url(&self, path: &str) -> String {
        self.config.url(path)
    }

    /// Validates a Chat Completions body (JSON text); throws a
    /// `ValidationError` naming the field.
    #[wasm_bindgen(js_name = prepareChat, unchecked_return_type = "PreparedRequest")]
    pub fn prepare_chat(&self, body: &str) -> Result<JsValue, JsValue> {
        prepared_object(self.config.prepare_chat(body)?)
    }

    /// Validates a Messages body (JSON text); throws a `ValidationError`
    /// naming the field.
    #[wasm_bindgen(js_name = prepareMessages, unchecked_return_type = "PreparedRequest")]
    pub fn prepare_messages(&self, body: &str) -> Result<JsValue, JsValue> {
        prepared_object(self.config.prepare_messages(body)?)
    }

    /// A `GET` of `path` under the base URL (`/models`): its URL and the
    /// `authorization` and `accept` headers.
    #[wasm_bindgen(js_name = prepareGet, unchecked_return_type = "PreparedRequest")]
    pub fn prepare_get(&self, path: &str) -> Result<JsValue, JsValue> {
        let mut headers = self.config.headers(false);
        headers.retain(|(name, _)| *name != "content-type");
        prepared_object(crate::client::PreparedRequest {
            url: self.config.url(path),
            headers,
            stream: false,
            summary: Default::default(),
        })
    }

    /// Describes a failed response (`headers` flattened name, value, …),
    /// with the key scrubbed.
    #[wasm_bindgen(js_name = responseError, unchecked_return_type = "ApiErrorFields")]
    pub fn response_error(&self, status: u16, headers: Vec<String>, body: &[u8]) -> JsValue {
        let err = self.config.response_error(status, &pairs(&headers), body);
        api_error_object(&err)
    }

    /// Replaces the key in `text` with `[REDACTED]` (for messages the JS
    /// side builds from runtime errors, which may quote a URL or header).
    pub fn scrub(&self, text: &str) -> String {
        match self.config.secret() {
            Some(key) => text.replace(key, crate::api_error::REDACTED),
            None => text.to_owned(),
        }
    }

    /// A `MessagesStream` whose errors have the key scrubbed.
    #[wasm_bindgen(js_name = messagesStream)]
    pub fn messages_stream(&self) -> MessagesStream {
        MessagesStream::with(
            crate::sse::SseDecoder::new(),
            self.config.secret().map(str::to_owned),
        )
    }

    /// A `ChatStream` whose errors have the key scrubbed.
    #[wasm_bindgen(js_name = chatStream)]
    pub fn chat_stream(
        &self,
        options: Option<super::chat::ChatStreamOptions>,
    ) -> Result<ChatStream, JsValue> {
        let mut stream = ChatStream::new(options)?;
        stream.set_secret(self.config.secret().map(str::to_owned));
        Ok(stream)
    }
}

/// `{ url, headers, stream }` for JS.
fn prepared_object(request: crate::client::PreparedRequest) -> Result<JsValue, JsValue> {
    let headers: JsValue = Object::new().into();
    for (name, value) in &request.headers {
        Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        )?;
    }
    let out: JsValue = Object::new().into();
    Reflect::set(&out, &"url".into(), &request.url.into())?;
    Reflect::set(&out, &"headers".into(), &headers)?;
    Reflect::set(&out, &"stream".into(), &request.stream.into())?;
    if !request.summary.model.is_empty() {
        Reflect::set(
            &out,
            &"summary".into(),
            &super::catalog::summary_object(&request.summary),
        )?;
    }
    Ok(out)
}

/// One request's retry state: report each failure, get the wait or `-1`.
#[wasm_bindgen]
pub struct RetryLoop {
    backoff: Backoff,
}

#[wasm_bindgen]
impl RetryLoop {
    /// A loop allowing `max_retries` retries (default policy otherwise).
    #[wasm_bindgen(constructor)]
    pub fn new(max_retries: u32) -> RetryLoop {
        let policy = RetryPolicy {
            max_retries,
            ..RetryPolicy::default()
        };
        RetryLoop {
            backoff: Backoff::new(policy),
        }
    }

    /// Retries granted so far.
    #[wasm_bindgen(getter)]
    pub fn retries(&self) -> u32 {
        self.backoff.retries()
    }

    /// After a failed attempt: `status` is the HTTP status, or 0 for a
    /// connection failure and 1 for a timeout; `headers` the response
    /// headers flattened. Returns milliseconds to wait, or -1 to give up.
    pub fn next(&mut self, status: u16, headers: Vec<String>, now_ms: f64, random: f64) -> f64 {
        let headers = pairs(&headers);
        let outcome = match status {
            0 => Outcome::Connection,
            1 => Outcome::Timeout,
            status => Outcome::Status {
                status,
                headers: &headers,
            },
        };
        let now = if now_ms.is_finite() && now_ms > 0.0 {
            now_ms as u64
        } else {
            0
        };
        match self.backoff.next_delay(&outcome, false, now, random) {
            Some(ms) => ms as f64,
            None => -1.0,
        }
    }
}

/// Incremental JSON parsing of streamed fragments (tool arguments, JSON
/// content): each `push` costs work proportional to the fragment.
#[wasm_bindgen]
pub struct PartialJson {
    inner: partial_json::PartialJson,
}

impl Default for PartialJson {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl PartialJson {
    /// An empty parser.
    #[wasm_bindgen(constructor)]
    pub fn new() -> PartialJson {
        PartialJson {
            inner: partial_json::PartialJson::new(),
        }
    }

    /// Appends a fragment; returns `false` once the text can no longer be
    /// JSON (the snapshot then stays at the last good value).
    pub fn push(&mut self, fragment: &str) -> bool {
        self.inner.push(fragment).is_ok()
    }

    /// Bytes pushed so far.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.len()
    }

    /// The value so far as JSON text (open strings, arrays and objects
    /// closed), or `undefined` before anything can be shown.
    #[wasm_bindgen(js_name = snapshotJson)]
    pub fn snapshot_json(&self) -> Option<String> {
        self.inner.snapshot_json()
    }
}

impl ChatStream {
    /// Scrub `secret` from this stream's errors.
    pub(crate) fn set_secret(&mut self, secret: Option<String>) {
        self.secret = secret;
    }

    /// Converts a core stream error, scrubbed.
    pub(crate) fn js_error(&self, err: crate::chat::ChatStreamError) -> JsValue {
        stream_error(err, self.secret.as_deref())
    }
}
