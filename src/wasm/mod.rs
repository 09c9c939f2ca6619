//! The JavaScript binding: adapts the core to JS and holds no protocol logic.
//!
//! - [`sse`]: `SseDecoder`, the byte-level SSE decoder as a JS class.
//! - [`chat`]: `ChatStream`, Chat Completions decoding and accumulation.
//! - [`catalog`]: `CatalogCore` (the `/v1/models` catalog, capability checks, cost, meter), `modelCost`.
//! - [`client`]: `ClientCore` (requests, errors), `RetryLoop`, `PartialJson` for `js/client.js`.
//! - [`messages`]: `MessagesStream`, Anthropic Messages decoding and accumulation.
//! - [`deploy`]: `DeploymentCore` (dedicated deployments, async predict), `verifyWebhookSignature`.
//! - [`convert`]: `convertBody`, `EventConverter`, and the client's streams read through the other protocol.
//! - [`error`]: the one conversion from core errors to JS `Error` objects.

mod catalog;
mod chat;
mod client;
mod convert;
mod deploy;
mod error;
mod messages;
mod sse;
mod step;

pub use catalog::{CatalogCore, model_cost};
pub use chat::{ChatStream, ChatStreamOptions};
pub use client::{ClientCore, PartialJson, RetryLoop};
pub use convert::{EventConverter, convert_body};
pub use deploy::{
    DeploymentCore, is_terminal_async_status, sign_webhook, verify_webhook_signature,
};
pub use messages::MessagesStream;
pub use sse::{SseDecoder, SseDecoderOptions};
