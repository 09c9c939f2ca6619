//! modelwire: a client core for Baseten's Model APIs and any OpenAI- or
//! Anthropic-compatible inference endpoint, compiled to WebAssembly.
//!
//! The crate is split in two, and the compiler enforces the split:
//!
//! - the **core** (every module except `wasm`) is plain Rust with no I/O and no
//!   JavaScript types, tested on the host with `cargo test`;
//! - the **binding** ([`wasm`], only built for `wasm32`) adapts the core to
//!   JavaScript and owns everything that touches `JsValue`.
//!
//! Module map:
//! - [`api_error`]: typed API errors ([`api_error::ApiError`]) from any error body or stream error event.
//! - [`sse`]: an incremental, byte-level Server-Sent Events decoder
//!   ([`sse::SseDecoder`]) following the WHATWG parsing rules.
//! - [`retry`]: when to retry and how long to wait ([`retry::RetryPolicy`]), clock and randomness passed in.
//! - [`client`]: URLs, headers and errors of a request ([`client::ClientConfig`]), decided without I/O.
//! - [`chat`]: Chat Completions stream accumulation ([`chat::ChatAccumulator`]).
//! - [`messages`]: Anthropic Messages stream accumulation ([`messages::MessagesAccumulator`]).
//! - [`partial_json`]: incremental parsing of streamed JSON fragments ([`partial_json::PartialJson`]), with a valid snapshot after each.
//! - [`validate`]: request checks before any network call ([`validate::ValidationError`] names the field).
//! - [`convert`]: Chat Completions ⇄ Messages requests, responses and streams, with a report of what did not carry over.
//! - [`catalog`]: the `/v1/models` catalog, capability checks and exact cost ([`catalog::Usd`], [`catalog::Meter`]).
//! - [`deploy`]: URLs of dedicated deployments and the async predict body.
//! - [`webhook`]: verifying signed async-predict webhooks (HMAC-SHA256, constant time).

// The core has no `unsafe`, so the fuzzers need no AddressSanitizer (scripts/fuzz.sh).
// Only the host build is checked: wasm-bindgen's generated glue in `wasm` uses it.
#![cfg_attr(not(target_arch = "wasm32"), forbid(unsafe_code))]

pub mod api_error;
pub mod catalog;
pub mod chat;
pub mod client;
pub mod convert;
pub mod deploy;
mod json;
pub mod messages;
pub mod partial_json;
pub mod retry;
pub mod sse;
pub mod text;
pub mod validate;
pub mod webhook;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
