//! Scrubbing a secret (the API key) that a server echoed back.
//!
//! The error is built from response data only, but some servers quote the
//! credential they rejected ("invalid api key sk-…"). The binding, which
//! knows the key, calls [`ApiError::redact_secret`] before the error reaches
//! user code, a log or `JSON.stringify`.

use super::ApiError;
use super::text::ELLIPSIS;
use serde_json::Value;

/// What a secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// A key cut by the message cap leaves its head just before the ellipsis;
/// a head this long is scrubbed too. Shorter heads (`sk-`) say nothing.
const MIN_CUT_HEAD: usize = 4;

impl ApiError {
    /// Replaces every occurrence of `secret` with `[REDACTED]` in the
    /// message, code, type, param, request id, retry hints and body (keys,
    /// string values, and numbers whose digits contain it, at any depth). In text the cap cut short, a
    /// trailing head of the secret (4 bytes or more) before the ellipsis is
    /// scrubbed as well. An empty secret changes nothing.
    pub fn redact_secret(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        redact_string(&mut self.message, secret);
        let hints = &mut self.retry_hints;
        for field in [
            &mut self.code,
            &mut self.error_type,
            &mut self.param,
            &mut self.request_id,
            &mut hints.retry_after,
            &mut hints.retry_after_ms,
            &mut hints.should_retry,
        ]
        .into_iter()
        .flatten()
        {
            redact_string(field, secret);
        }
        if let Some(body) = &mut self.body {
            redact_value(body, secret);
        }
    }
}

fn redact_string(text: &mut String, secret: &str) {
    if text.contains(secret) {
        *text = text.replace(secret, REDACTED);
    }
    let Some(head) = text.strip_suffix(ELLIPSIS) else {
        return;
    };
    let cut = (MIN_CUT_HEAD..secret.len())
        .rev()
        .filter(|&n| secret.is_char_boundary(n))
        .find(|&n| head.ends_with(&secret[..n]));
    if let Some(n) = cut {
        let keep = head.len() - n;
        text.replace_range(keep..head.len(), REDACTED);
    }
}

fn redact_value(value: &mut Value, secret: &str) {
    match value {
        Value::String(s) => redact_string(s, secret),
        Value::Array(items) => items.iter_mut().for_each(|v| redact_value(v, secret)),
        Value::Object(map) => {
            if map.keys().any(|k| k.contains(secret)) {
                let entries = std::mem::take(map);
                for (key, item) in entries {
                    map.insert(key.replace(secret, REDACTED), item);
                }
            }
            map.values_mut().for_each(|v| redact_value(v, secret));
        }
        // A key of digits only would survive as a number; scrub the text form.
        Value::Number(n) if n.to_string().contains(secret) => {
            *value = Value::String(REDACTED.to_owned());
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}
