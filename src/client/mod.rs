//! What a client sends, decided without doing any I/O: the URL for an
//! endpoint, the request headers (auth included), whether the request
//! streams, and the errors a response turns into, with the key scrubbed.
//!
//! The binding owns the network (`fetch`, timers, abort); every decision it
//! takes about a request comes from here, [`crate::retry`] and
//! [`crate::validate`].
//!
//! ```
//! use modelwire::client::{AuthScheme, ClientConfig};
//! let config = ClientConfig::new("https://inference.baseten.co/v1/", Some("k".into()), AuthScheme::Bearer).unwrap();
//! let request = config.prepare_chat(r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}"#).unwrap();
//! assert_eq!(request.url, "https://inference.baseten.co/v1/chat/completions");
//! assert!(request.stream);
//! assert!(request.headers.contains(&("authorization", "Bearer k".to_owned())));
//! assert!(request.headers.contains(&("accept", "text/event-stream".to_owned())));
//! ```

use crate::api_error::ApiError;
use crate::validate::{self, RequestSummary, ValidationError};
use std::fmt;

/// The default base URL: Baseten's Model APIs.
pub const DEFAULT_BASE_URL: &str = "https://inference.baseten.co/v1";

/// Keys shorter than this are not scrubbed from errors (see
/// [`ClientConfig::secret`]).
pub const MIN_SCRUBBED_KEY_LEN: usize = 6;

/// How the key goes into `Authorization`. Baseten takes both; it rejects
/// `x-api-key`, so the key is never sent that way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthScheme {
    /// `Authorization: Bearer KEY` (what OpenAI-compatible servers expect).
    #[default]
    Bearer,
    /// `Authorization: Api-Key KEY` (Baseten's own form).
    ApiKey,
}

impl AuthScheme {
    /// `"Bearer"` or `"Api-Key"` (exact spelling) → the scheme.
    pub fn parse(name: &str) -> Option<AuthScheme> {
        match name {
            "Bearer" => Some(AuthScheme::Bearer),
            "Api-Key" => Some(AuthScheme::ApiKey),
            _ => None,
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            AuthScheme::Bearer => "Bearer ",
            AuthScheme::ApiKey => "Api-Key ",
        }
    }
}

/// A client option that cannot work. The message never quotes the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The option: `"baseURL"`, `"apiKey"`, `"authScheme"`.
    pub option: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid client option {}: {}", self.option, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Where requests go and how they authenticate.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientConfig {
    base_url: String,
    api_key: Option<String>,
    auth: AuthScheme,
}

impl fmt::Debug for ClientConfig {
    /// Shows the key as `[REDACTED]`, so a debug print cannot leak it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("auth", &self.auth)
            .finish()
    }
}

/// A request ready for `fetch`: the body is the caller's JSON text, sent
/// unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    /// The absolute URL.
    pub url: String,
    /// Header names (lower case) and values: `authorization` (when there is
    /// a key), `content-type`, `accept`.
    pub headers: Vec<(&'static str, String)>,
    /// `"stream": true` was set: the response is an SSE body.
    pub stream: bool,
    /// What the request asks of the model (for capability checks).
    pub summary: RequestSummary,
}

impl ClientConfig {
    /// Checks the options. The base URL must be absolute `http(s)` without
    /// credentials, query or fragment (a trailing `/` is dropped); the key
    /// must be a valid header value without surrounding spaces (an empty key
    /// counts as none).
    pub fn new(
        base_url: &str,
        api_key: Option<String>,
        auth: AuthScheme,
    ) -> Result<ClientConfig, ConfigError> {
        let base_url = check_base_url(base_url)?;
        let api_key = api_key.filter(|k| !k.is_empty());
        if let Some(key) = &api_key {
            check_key(key)?;
        }
        Ok(ClientConfig {
            base_url,
            api_key,
            auth,
        })
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The key, for scrubbing it from anything that leaves the client.
    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }

    /// `base_url` + `path` (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base_url.len() + path.len());
        url.push_str(&self.base_url);
        url.push_str(path);
        url
    }

    /// The headers every JSON request carries.
    pub fn headers(&self, stream: bool) -> Vec<(&'static str, String)> {
        let mut headers = Vec::with_capacity(3);
        if let Some(key) = &self.api_key {
            headers.push(("authorization", format!("{}{key}", self.auth.prefix())));
        }
        headers.push(("content-type", "application/json".to_owned()));
        let accept = if stream {
            "text/event-stream"
        } else {
            "application/json"
        };
        headers.push(("accept", accept.to_owned()));
        headers
    }

    /// Validates a Chat Completions body and prepares its request to
    /// `{base}/chat/completions`.
    pub fn prepare_chat(&self, body: &str) -> Result<PreparedRequest, ValidationError> {
        let summary =
            validate::validate_chat_request(body).map_err(|e| self.scrub_validation(e))?;
        Ok(self.prepared("/chat/completions", summary))
    }

    /// Validates a Messages body and prepares its request to
    /// `{base}/messages`.
    pub fn prepare_messages(&self, body: &str) -> Result<PreparedRequest, ValidationError> {
        let summary =
            validate::validate_messages_request(body).map_err(|e| self.scrub_validation(e))?;
        Ok(self.prepared("/messages", summary))
    }

    /// A validation message may quote a value; if that value holds the key,
    /// it is scrubbed like anything a server sends.
    fn scrub_validation(&self, mut err: ValidationError) -> ValidationError {
        if let Some(key) = self.secret() {
            err.message = err.message.replace(key, crate::api_error::REDACTED);
            err.field = err.field.replace(key, crate::api_error::REDACTED);
        }
        err
    }

    fn prepared(&self, path: &str, summary: RequestSummary) -> PreparedRequest {
        PreparedRequest {
            url: self.url(path),
            headers: self.headers(summary.stream),
            stream: summary.stream,
            summary,
        }
    }

    /// The error for a failed response, with the key scrubbed from it.
    pub fn response_error(&self, status: u16, headers: &[(&str, &str)], body: &[u8]) -> ApiError {
        self.scrubbed(ApiError::from_response(status, headers, body))
    }

    /// The error for an error event inside a stream, with the key scrubbed.
    pub fn stream_error(&self, headers: &[(&str, &str)], data: &[u8]) -> ApiError {
        self.scrubbed(ApiError::from_stream_data(headers, data))
    }

    /// Scrubs the key from an error built elsewhere.
    pub fn scrubbed(&self, mut error: ApiError) -> ApiError {
        if let Some(key) = self.secret() {
            error.redact_secret(key);
        }
        error
    }

    /// The key when it is long enough to scrub: a key shorter than
    /// [`MIN_SCRUBBED_KEY_LEN`] (a test key like `k`) would garble ordinary
    /// words and gives nothing away.
    pub fn secret(&self) -> Option<&str> {
        self.api_key
            .as_deref()
            .filter(|key| key.len() >= MIN_SCRUBBED_KEY_LEN)
    }
}

fn check_base_url(url: &str) -> Result<String, ConfigError> {
    let fail = |message: &str| ConfigError {
        option: "baseURL",
        message: message.to_owned(),
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| fail("must start with https:// or http://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err(fail("has no host"));
    }
    if host.contains('@') {
        return Err(fail("must not carry credentials; pass the key as apiKey"));
    }
    if url.contains(['?', '#']) {
        return Err(fail("must not have a query or fragment"));
    }
    if url.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(fail("must not contain spaces or control characters"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn check_key(key: &str) -> Result<(), ConfigError> {
    let fail = |message: &str| ConfigError {
        option: "apiKey",
        message: message.to_owned(),
    };
    if key.trim() != key {
        return Err(fail("has leading or trailing whitespace"));
    }
    // A header value is visible ASCII plus space and tab; anything else
    // (CR, LF, NUL, non-ASCII) would be refused by fetch or split the header.
    if !key
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        return Err(fail("contains characters not allowed in an HTTP header"));
    }
    Ok(())
}
