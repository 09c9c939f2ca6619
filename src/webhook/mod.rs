//! Verifying the webhooks Baseten sends when an async request finishes.
//!
//! Each webhook POST carries `X-BASETEN-SIGNATURE: v1=<hex>`, the
//! lowercase hex HMAC-SHA256 of the raw request body under the webhook
//! secret; while a secret rotates, one `v1=` entry per active secret,
//! comma-separated (`v1=<hex>,v1=<hex>`). [`verify`] accepts the body when
//! any entry matches, comparing in constant time.
//!
//! Verify the body exactly as received (the bytes, before any JSON parse):
//! re-serialising changes them. The signature has no timestamp, so it
//! proves who sent a body, not when; deduplicate on `request_id` to drop
//! replays.
//!
//! ```
//! use modelwire::webhook::{sign, verify, WebhookError};
//! let body = br#"{"request_id":"r1","type":"async_request_completed","data":{}}"#;
//! let header = sign(b"whsec_new", body);
//! assert!(verify(b"whsec_new", body, &header).is_ok());
//! // During a rotation both signatures come; either secret verifies.
//! let rotating = [sign(b"whsec_old", body), header].join(",");
//! assert!(verify(b"whsec_old", body, &rotating).is_ok());
//! assert_eq!(verify(b"whsec_new", b"{}", &rotating), Err(WebhookError::Mismatch));
//! ```

mod sha256;

pub use sha256::{Sha256, hmac_sha256, sha256};

use std::fmt;

/// The signature header's name, lower case.
pub const SIGNATURE_HEADER: &str = "x-baseten-signature";

/// A header longer than this is rejected unread.
pub const MAX_HEADER_LEN: usize = 8192;

/// Why a webhook is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The secret is empty: a configuration error, never a valid key.
    EmptySecret,
    /// The signature header is absent or blank.
    MissingSignature,
    /// The header is not a list of `v1=<64 hex digits>` entries.
    Malformed(&'static str),
    /// Well-formed, but no signature matches this body and secret.
    Mismatch,
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::EmptySecret => f.write_str("webhook secret is empty"),
            WebhookError::MissingSignature => {
                f.write_str("webhook has no X-BASETEN-SIGNATURE signature")
            }
            WebhookError::Malformed(reason) => {
                f.write_str("malformed X-BASETEN-SIGNATURE header: ")?;
                f.write_str(reason)
            }
            WebhookError::Mismatch => f.write_str(
                "webhook signature does not match the body (wrong secret or altered body)",
            ),
        }
    }
}

impl std::error::Error for WebhookError {}

/// Checks a webhook: `raw_body` exactly as received, `signature_header` the
/// value of `X-BASETEN-SIGNATURE`. Entries are separated by commas (as
/// Baseten and the emulator send them) or whitespace; `v1=` values are 64
/// hex digits in either case. Entries of a later scheme (`v2=…`) are skipped, but at
/// least one `v1` entry must be there. Anything else is
/// [`WebhookError::Malformed`].
pub fn verify(secret: &[u8], raw_body: &[u8], signature_header: &str) -> Result<(), WebhookError> {
    verify_any(&[secret], raw_body, signature_header)
}

/// [`verify`] with several secrets held at once (the receiving side of a
/// rotation): accepts when any signature matches under any secret.
pub fn verify_any(
    secrets: &[&[u8]],
    raw_body: &[u8],
    signature_header: &str,
) -> Result<(), WebhookError> {
    if secrets.is_empty() || secrets.iter().any(|s| s.is_empty()) {
        return Err(WebhookError::EmptySecret);
    }
    let signatures = parse_header(signature_header)?;
    let mut matched = 0u8;
    for secret in secrets {
        let expected = hmac_sha256(secret, raw_body);
        for signature in &signatures {
            // Every byte of every entry is compared: the time taken does
            // not depend on where, or whether, a signature differs.
            let mut diff = 0u8;
            for (a, b) in expected.iter().zip(signature) {
                diff |= a ^ b;
            }
            matched |= u8::from(diff == 0);
        }
    }
    if matched == 1 {
        Ok(())
    } else {
        Err(WebhookError::Mismatch)
    }
}

/// The header value for `body` under `secret`: `v1=<lowercase hex>`. Join
/// several with `,` for a rotation, as Baseten does.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mac = hmac_sha256(secret, body);
    let mut out = String::with_capacity(67);
    out.push_str("v1=");
    for byte in mac {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}

/// The `v1` signatures of a header, decoded.
fn parse_header(header: &str) -> Result<Vec<[u8; 32]>, WebhookError> {
    if header.len() > MAX_HEADER_LEN {
        return Err(WebhookError::Malformed("longer than 8192 bytes"));
    }
    if header.trim_ascii().is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let mut signatures = Vec::new();
    let entries = header
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|entry| !entry.is_empty());
    for entry in entries {
        let Some((scheme, value)) = entry.split_once('=') else {
            return Err(WebhookError::Malformed(
                "an entry is not of the form v1=<hex>",
            ));
        };
        if scheme == "v1" {
            signatures.push(decode_hex(value).ok_or(WebhookError::Malformed(
                "a v1 signature is not 64 hex digits",
            ))?);
        } else if !is_later_scheme(scheme) || !is_token(value) {
            return Err(WebhookError::Malformed(
                "an entry is not of the form v1=<hex>",
            ));
        }
    }
    if signatures.is_empty() {
        return Err(WebhookError::Malformed("no v1 signature"));
    }
    Ok(signatures)
}

/// `v2`, `v3`, …: a signature scheme this version does not know.
fn is_later_scheme(scheme: &str) -> bool {
    scheme
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && n != "1")
}

/// A non-empty value without spaces or `=`.
fn is_token(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic() && b != b'=')
}

fn decode_hex(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}
