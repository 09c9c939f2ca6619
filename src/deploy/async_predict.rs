//! The body of `POST …/async_predict` and the status of an async request.
//!
//! Bounds from Baseten's async predict reference: `priority` 0–2 (lower
//! runs first, default 0); `max_time_in_queue_seconds` 10–259 200 (72 h,
//! default 600); `inference_retry_config.max_attempts` 1–10,
//! `initial_delay_ms` 0–10 000, `max_delay_ms` 0–60 000; a webhook endpoint
//! must be HTTPS; the whole request body at most 256 KiB.

use super::DeployError;
use crate::catalog::push_u64;
use crate::json::write_str;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The largest async predict request body: 256 KiB.
pub const ASYNC_PAYLOAD_LIMIT: usize = 256 * 1024;

/// `inference_retry_config`: exponential backoff for retrying the model's
/// predict. Absent fields take the server's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InferenceRetryConfig {
    /// Attempts in all, 1–10.
    pub max_attempts: Option<i64>,
    /// The first delay, 0–10 000 ms.
    pub initial_delay_ms: Option<i64>,
    /// The largest delay, 0–60 000 ms.
    pub max_delay_ms: Option<i64>,
}

/// The options of an async predict; absent ones take the server's default.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncPredictOptions<'a> {
    /// Where Baseten POSTs the result: an `https://` URL.
    pub webhook_endpoint: Option<&'a str>,
    /// 0 (first) to 2.
    pub priority: Option<i64>,
    /// 10 to 259 200 seconds before a queued request expires.
    pub max_time_in_queue_seconds: Option<i64>,
    /// Retries of the model's predict.
    pub inference_retry_config: Option<InferenceRetryConfig>,
    /// Also accept `http://` webhooks on `127.0.0.1`, `localhost` or
    /// `[::1]` (the emulator calls only those). Baseten itself requires
    /// HTTPS.
    pub allow_http_loopback_webhook: bool,
}

/// Builds the request body `{"model_input":…, "webhook_endpoint":…, …}`
/// from the model input (JSON text of an object, sent unchanged) and the
/// options, checking every bound and the 256 KiB limit.
///
/// ```
/// use modelwire::deploy::{async_predict_body, AsyncPredictOptions};
/// let body = async_predict_body(r#"{"prompt":"hi"}"#, &AsyncPredictOptions {
///     webhook_endpoint: Some("https://example.com/hook"), priority: Some(1), ..Default::default()
/// }).unwrap();
/// assert_eq!(body, r#"{"model_input":{"prompt":"hi"},"webhook_endpoint":"https://example.com/hook","priority":1}"#);
/// let err = async_predict_body("{}", &AsyncPredictOptions { priority: Some(3), ..Default::default() });
/// assert_eq!(err.unwrap_err().to_string(), "invalid priority: must be an integer from 0 to 2, got 3");
/// ```
pub fn async_predict_body(
    model_input: &str,
    options: &AsyncPredictOptions<'_>,
) -> Result<String, DeployError> {
    let input: &RawValue = serde_json::from_str(model_input)
        .map_err(|_| DeployError::new("model_input", "is not valid JSON"))?;
    if !input.get().starts_with('{') {
        return Err(DeployError::new("model_input", "must be a JSON object"));
    }
    let mut body = String::with_capacity(input.get().len() + 160);
    body.push_str("{\"model_input\":");
    body.push_str(input.get());
    if let Some(url) = options.webhook_endpoint {
        check_webhook(url, options.allow_http_loopback_webhook)?;
        body.push_str(",\"webhook_endpoint\":");
        write_str(&mut body, url);
    }
    if let Some(priority) = options.priority {
        push_field(&mut body, "priority", in_range("priority", priority, 0, 2)?);
    }
    if let Some(seconds) = options.max_time_in_queue_seconds {
        let seconds = in_range("max_time_in_queue_seconds", seconds, 10, 259_200)?;
        push_field(&mut body, "max_time_in_queue_seconds", seconds);
    }
    if let Some(retry) = options.inference_retry_config {
        body.push_str(",\"inference_retry_config\":{");
        let start = body.len();
        for (key, field, value, min, max) in [
            (
                "max_attempts",
                "inference_retry_config.max_attempts",
                retry.max_attempts,
                1,
                10,
            ),
            (
                "initial_delay_ms",
                "inference_retry_config.initial_delay_ms",
                retry.initial_delay_ms,
                0,
                10_000,
            ),
            (
                "max_delay_ms",
                "inference_retry_config.max_delay_ms",
                retry.max_delay_ms,
                0,
                60_000,
            ),
        ] {
            if let Some(value) = value {
                let value = in_range(field, value, min, max)?;
                push_field(&mut body, key, value);
            }
        }
        // The first field must not start with a comma.
        if body.len() > start {
            body.remove(start);
        }
        body.push('}');
    }
    body.push('}');
    check_size(body.len())?;
    Ok(body)
}

/// Checks an async predict body built elsewhere, with the same rules as
/// [`async_predict_body`]: a JSON object with an object `model_input`;
/// `null` reads as absent for the optional fields; unknown fields pass.
pub fn validate_async_predict_body(
    body: &str,
    allow_http_loopback_webhook: bool,
) -> Result<(), DeployError> {
    check_size(body.len())?;
    let value: Value =
        serde_json::from_str(body).map_err(|_| DeployError::new("body", "is not valid JSON"))?;
    let Value::Object(body) = value else {
        return Err(DeployError::new("body", "must be a JSON object"));
    };
    match body.get("model_input") {
        Some(Value::Object(_)) => {}
        None | Some(Value::Null) => return Err(DeployError::new("model_input", "is required")),
        Some(_) => return Err(DeployError::new("model_input", "must be a JSON object")),
    }
    match body.get("webhook_endpoint") {
        None | Some(Value::Null) => {}
        Some(Value::String(url)) => check_webhook(url, allow_http_loopback_webhook)?,
        Some(_) => return Err(DeployError::new("webhook_endpoint", "must be a string")),
    }
    bounded(&body, "priority", "priority", 0, 2)?;
    bounded(
        &body,
        "max_time_in_queue_seconds",
        "max_time_in_queue_seconds",
        10,
        259_200,
    )?;
    match body.get("inference_retry_config") {
        None | Some(Value::Null) => {}
        Some(Value::Object(retry)) => {
            bounded(
                retry,
                "max_attempts",
                "inference_retry_config.max_attempts",
                1,
                10,
            )?;
            bounded(
                retry,
                "initial_delay_ms",
                "inference_retry_config.initial_delay_ms",
                0,
                10_000,
            )?;
            bounded(
                retry,
                "max_delay_ms",
                "inference_retry_config.max_delay_ms",
                0,
                60_000,
            )?;
        }
        Some(_) => {
            return Err(DeployError::new(
                "inference_retry_config",
                "must be a JSON object",
            ));
        }
    }
    Ok(())
}

fn push_field(body: &mut String, key: &str, value: u64) {
    body.push_str(",\"");
    body.push_str(key);
    body.push_str("\":");
    push_u64(body, value);
}

fn range_error(field: &'static str, min: i64, max: i64, got: Option<i64>) -> DeployError {
    let mut message = String::from("must be an integer from ");
    push_u64(&mut message, min as u64);
    message.push_str(" to ");
    push_u64(&mut message, max as u64);
    if let Some(got) = got {
        message.push_str(", got ");
        if got < 0 {
            message.push('-');
        }
        push_u64(&mut message, got.unsigned_abs());
    }
    DeployError::new(field, message)
}

/// `value` within `min..=max` (both non-negative).
fn in_range(field: &'static str, value: i64, min: i64, max: i64) -> Result<u64, DeployError> {
    if value < min || value > max {
        return Err(range_error(field, min, max, Some(value)));
    }
    Ok(value as u64)
}

/// The optional integer at `key` within `min..=max`: a JSON integer or an
/// integral float (JavaScript's `1.0` is `1`).
fn bounded(
    object: &Map<String, Value>,
    key: &str,
    field: &'static str,
    min: i64,
    max: i64,
) -> Result<(), DeployError> {
    let value = match object.get(key) {
        None | Some(Value::Null) => return Ok(()),
        Some(value) => value,
    };
    let integer = value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0)
            .map(|f| f as i64)
    });
    match integer {
        Some(n) => in_range(field, n, min, max).map(|_| ()),
        None => Err(range_error(field, min, max, None)),
    }
}

fn check_size(len: usize) -> Result<(), DeployError> {
    if len <= ASYNC_PAYLOAD_LIMIT {
        return Ok(());
    }
    let mut message = String::from("the request body is ");
    push_u64(&mut message, len as u64);
    message.push_str(" bytes; async predict takes at most 262144 (256 KiB)");
    Err(DeployError::new("model_input", message))
}

/// A webhook URL: `https://host…` with no spaces, controls or non-ASCII;
/// `http://` only to a loopback host when allowed.
fn check_webhook(url: &str, allow_http_loopback: bool) -> Result<(), DeployError> {
    let fail = |message: &str| DeployError::new("webhook_endpoint", message.to_owned());
    if url.len() > 2048 {
        return Err(fail("must be at most 2048 characters"));
    }
    if url.bytes().any(|b| b <= b' ' || b >= 0x7f) {
        return Err(fail(
            "must not contain spaces, controls or non-ASCII characters (percent-encode them)",
        ));
    }
    let lower_scheme = |prefix: &str| {
        url.len() >= prefix.len() && url[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    let (https, rest) = if lower_scheme("https://") {
        (true, &url[8..])
    } else if lower_scheme("http://") {
        (false, &url[7..])
    } else {
        return Err(fail(
            "must be an https:// URL (Baseten requires HTTPS webhooks)",
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority
        .rfind('@')
        .map_or(authority, |at| &authority[at + 1..]);
    let host = if host_port.starts_with('[') {
        host_port
            .find(']')
            .map_or(host_port, |end| &host_port[..=end])
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return Err(fail("has no host"));
    }
    if !https {
        let loopback =
            matches!(host, "127.0.0.1" | "[::1]") || host.eq_ignore_ascii_case("localhost");
        if !(allow_http_loopback && loopback) {
            return Err(fail(
                "must be an https:// URL (Baseten requires HTTPS webhooks)",
            ));
        }
    }
    Ok(())
}

/// The status of an async request (`GET /async_request/{id}` → `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AsyncStatus {
    /// Waiting in the queue (the only status that can be canceled).
    Queued,
    /// Running.
    InProgress,
    /// Done; the result went (or goes) to the webhook.
    Succeeded,
    /// The model failed; see `errors`.
    Failed,
    /// Spent longer than `max_time_in_queue_seconds` in the queue.
    Expired,
    /// Canceled while queued.
    Canceled,
    /// Succeeded, but the webhook could not be delivered.
    WebhookFailed,
}

impl AsyncStatus {
    /// `"QUEUED"` … `"WEBHOOK_FAILED"` → the status; `None` for others.
    pub fn parse(text: &str) -> Option<AsyncStatus> {
        Some(match text {
            "QUEUED" => AsyncStatus::Queued,
            "IN_PROGRESS" => AsyncStatus::InProgress,
            "SUCCEEDED" => AsyncStatus::Succeeded,
            "FAILED" => AsyncStatus::Failed,
            "EXPIRED" => AsyncStatus::Expired,
            "CANCELED" => AsyncStatus::Canceled,
            "WEBHOOK_FAILED" => AsyncStatus::WebhookFailed,
            _ => return None,
        })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AsyncStatus::Queued => "QUEUED",
            AsyncStatus::InProgress => "IN_PROGRESS",
            AsyncStatus::Succeeded => "SUCCEEDED",
            AsyncStatus::Failed => "FAILED",
            AsyncStatus::Expired => "EXPIRED",
            AsyncStatus::Canceled => "CANCELED",
            AsyncStatus::WebhookFailed => "WEBHOOK_FAILED",
        }
    }

    /// Whether the request will not change any more (everything but
    /// `QUEUED` and `IN_PROGRESS`): where a poll loop stops.
    pub fn is_terminal(self) -> bool {
        !matches!(self, AsyncStatus::Queued | AsyncStatus::InProgress)
    }
}
