//! Any status and body: an ApiError always has a readable message, and a
//! secret that appears in the body is gone from everything after
//! redact_secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modelwire::api_error::{ApiError, REDACTED};

fuzz_target!(|input: &[u8]| {
    if input.len() < 2 {
        return;
    }
    let status = u16::from_le_bytes([input[0], input[1]]);
    let body = &input[2..];
    let mut err = ApiError::from_response(status, &[("x-request-id", "req")], body);
    assert!(!err.message.is_empty());
    let _ = ApiError::from_stream_data(&[], body);

    // A key-like run of the body, if there is one, must not survive redaction.
    let text = String::from_utf8_lossy(body);
    let secret: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    // A secret inside the marker itself would "survive" as part of it.
    if secret.len() >= 8 && !REDACTED.contains(&secret) {
        err.redact_secret(&secret);
        assert!(
            !err.message.contains(&secret),
            "message keeps the secret: {}",
            err.message
        );
        let body = err.body.as_ref().map(|b| b.to_string()).unwrap_or_default();
        assert!(!body.contains(&secret), "body keeps the secret: {body}");
    }
});
