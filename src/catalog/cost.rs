//! The cost of a response's `usage`, in exact dollars.
//!
//! Both protocols reduce to three token counts ([`TokenCounts`]):
//!
//! | | Chat Completions | Messages |
//! |---|---|---|
//! | `input` (prompt price) | `prompt_tokens − cached_tokens` | `input_tokens + cache_creation_input_tokens` |
//! | `cached_input` (`input_cache_read` price) | `prompt_tokens_details.cached_tokens` | `cache_read_input_tokens` |
//! | `output` (completion price) | `completion_tokens` | `output_tokens` |
//!
//! - Chat Completions counts cached tokens inside `prompt_tokens` and
//!   reasoning tokens inside `completion_tokens` (OpenAI's convention, and
//!   the emulator's), so `reasoning_tokens` is not added again. Only a
//!   usage whose `reasoning_tokens` exceeds `completion_tokens`, which
//!   cannot include them then, adds the two.
//! - Messages counts `input_tokens` without the cache reads and writes
//!   (Anthropic's convention, and the emulator's). Baseten caches
//!   automatically and publishes no cache-write price, so
//!   `cache_creation_input_tokens` are charged at the prompt price.

use super::{Pricing, Usd};
use serde_json::{Map, Value};
use std::fmt;

/// Which per-token price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriceKind {
    /// `pricing.prompt`: input tokens not from the cache.
    Prompt,
    /// `pricing.completion`: output tokens.
    Completion,
    /// `pricing.input_cache_read`: input tokens from the cache.
    InputCacheRead,
}

impl PriceKind {
    /// The catalog's key: `"prompt"`, `"completion"`, `"input_cache_read"`.
    pub fn key(self) -> &'static str {
        match self {
            PriceKind::Prompt => "prompt",
            PriceKind::Completion => "completion",
            PriceKind::InputCacheRead => "input_cache_read",
        }
    }
}

/// A `usage` object that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    /// The key, as a path: `"prompt_tokens"`,
    /// `"prompt_tokens_details.cached_tokens"`; empty for the whole object.
    pub field: String,
    /// What is wrong.
    pub message: &'static str,
}

impl fmt::Display for UsageError {
    /// `invalid usage: {field}: {message}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid usage: ")?;
        if !self.field.is_empty() {
            f.write_str(&self.field)?;
            f.write_str(": ")?;
        }
        f.write_str(self.message)
    }
}

impl std::error::Error for UsageError {}

/// Tokens of one request, split by the price that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenCounts {
    /// Input tokens at the prompt price.
    pub input: u64,
    /// Input tokens served from the cache, at the `input_cache_read` price.
    pub cached_input: u64,
    /// Output tokens, reasoning included, at the completion price.
    pub output: u64,
}

impl TokenCounts {
    /// From Chat Completions counts: cached tokens are part of
    /// `prompt_tokens`, reasoning tokens part of `completion_tokens`.
    pub fn chat(
        prompt_tokens: u64,
        completion_tokens: u64,
        cached_tokens: u64,
        reasoning_tokens: u64,
    ) -> TokenCounts {
        let cached = cached_tokens.min(prompt_tokens);
        let output = if reasoning_tokens > completion_tokens {
            completion_tokens.saturating_add(reasoning_tokens)
        } else {
            completion_tokens
        };
        TokenCounts {
            input: prompt_tokens - cached,
            cached_input: cached,
            output,
        }
    }

    /// From Messages counts: `input_tokens` excludes the cache reads and
    /// writes; cache writes are charged as input.
    pub fn messages(
        input_tokens: u64,
        output_tokens: u64,
        cache_read_input_tokens: u64,
        cache_creation_input_tokens: u64,
    ) -> TokenCounts {
        TokenCounts {
            input: input_tokens.saturating_add(cache_creation_input_tokens),
            cached_input: cache_read_input_tokens,
            output: output_tokens,
        }
    }

    /// Reads a Chat Completions `usage` object (`prompt_tokens`,
    /// `completion_tokens`, `prompt_tokens_details.cached_tokens`,
    /// `completion_tokens_details.reasoning_tokens`; absent or `null` counts
    /// are 0, other keys are ignored).
    pub fn from_chat_usage(json: &str) -> Result<TokenCounts, UsageError> {
        let usage = parse(json)?;
        Ok(TokenCounts::chat(
            read(&usage, "", "prompt_tokens")?,
            read(&usage, "", "completion_tokens")?,
            read_nested(&usage, "prompt_tokens_details", "cached_tokens")?,
            read_nested(&usage, "completion_tokens_details", "reasoning_tokens")?,
        ))
    }

    /// Reads a Messages `usage` object (`input_tokens`, `output_tokens`,
    /// `cache_read_input_tokens`, `cache_creation_input_tokens`).
    pub fn from_messages_usage(json: &str) -> Result<TokenCounts, UsageError> {
        let usage = parse(json)?;
        Ok(TokenCounts::messages(
            read(&usage, "", "input_tokens")?,
            read(&usage, "", "output_tokens")?,
            read(&usage, "", "cache_read_input_tokens")?,
            read(&usage, "", "cache_creation_input_tokens")?,
        ))
    }

    /// Reads either shape: Messages when the object has `input_tokens` or
    /// `output_tokens`, Chat Completions otherwise.
    pub fn from_usage(json: &str) -> Result<TokenCounts, UsageError> {
        let usage = parse(json)?;
        if usage.contains_key("input_tokens") || usage.contains_key("output_tokens") {
            TokenCounts::from_messages_usage(json)
        } else {
            TokenCounts::from_chat_usage(json)
        }
    }

    /// The sum, `None` past `u64`.
    pub fn checked_add(self, other: TokenCounts) -> Option<TokenCounts> {
        Some(TokenCounts {
            input: self.input.checked_add(other.input)?,
            cached_input: self.cached_input.checked_add(other.cached_input)?,
            output: self.output.checked_add(other.output)?,
        })
    }
}

fn parse(json: &str) -> Result<Map<String, Value>, UsageError> {
    match serde_json::from_str(json) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(UsageError {
            field: String::new(),
            message: "must be a JSON object",
        }),
    }
}

/// The count at `key` of `object`; 0 when absent or `null`.
fn read(object: &Map<String, Value>, parent: &str, key: &str) -> Result<u64, UsageError> {
    let value = match object.get(key) {
        None | Some(Value::Null) => return Ok(0),
        Some(value) => value,
    };
    if let Some(n) = value.as_u64() {
        return Ok(n);
    }
    match value.as_f64() {
        // Integral floats within 2^53, as JavaScript writes numbers.
        Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= 9_007_199_254_740_992.0 => Ok(f as u64),
        _ => {
            let mut field = String::with_capacity(parent.len() + key.len() + 1);
            if !parent.is_empty() {
                field.push_str(parent);
                field.push('.');
            }
            field.push_str(key);
            Err(UsageError {
                field,
                message: "must be a non-negative integer",
            })
        }
    }
}

/// The count at `outer.key`; 0 when either is absent or `null`.
fn read_nested(object: &Map<String, Value>, outer: &str, key: &str) -> Result<u64, UsageError> {
    match object.get(outer) {
        None | Some(Value::Null) => Ok(0),
        Some(Value::Object(inner)) => read(inner, outer, key),
        Some(_) => Err(UsageError {
            field: outer.to_owned(),
            message: "must be an object",
        }),
    }
}

/// What a request cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    /// The tokens priced.
    pub tokens: TokenCounts,
    /// `tokens.input` × prompt price.
    pub input: Option<Usd>,
    /// `tokens.cached_input` × input_cache_read price.
    pub cached_input: Option<Usd>,
    /// `tokens.output` × completion price.
    pub output: Option<Usd>,
    /// The sum; `None` when any part is.
    pub total: Option<Usd>,
    /// The prices that were needed (a count above zero) and unknown. A part
    /// can also be `None` with its price known, when the amount passes the
    /// `Usd` range (a price over $18 per token): then this list is empty.
    pub unknown: Vec<PriceKind>,
}

impl Cost {
    /// Why `total` is `None`: `cost unknown for {model}: no price for
    /// prompt, completion` (`None` when the total is known).
    pub fn unknown_message(&self, model: &str) -> Option<String> {
        if self.total.is_some() {
            return None;
        }
        let mut text = String::from("cost unknown for ");
        text.push_str(model);
        if self.unknown.is_empty() {
            text.push_str(": the amount is out of range");
            return Some(text);
        }
        text.push_str(": no price for ");
        for (i, kind) in self.unknown.iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            text.push_str(kind.key());
        }
        Some(text)
    }
}

impl Pricing {
    /// Prices `tokens`. A count of zero costs zero whatever its price, so a
    /// request without cached tokens has a known cost even when
    /// `input_cache_read` is unknown.
    pub fn cost(&self, tokens: &TokenCounts) -> Cost {
        let mut unknown = Vec::new();
        let mut part = |count: u64, kind: PriceKind| -> Option<Usd> {
            if count == 0 {
                return Some(Usd::ZERO);
            }
            match self.get(kind) {
                Some(price) => price.checked_mul(count),
                None => {
                    unknown.push(kind);
                    None
                }
            }
        };
        let input = part(tokens.input, PriceKind::Prompt);
        let cached_input = part(tokens.cached_input, PriceKind::InputCacheRead);
        let output = part(tokens.output, PriceKind::Completion);
        let total = match (input, cached_input, output) {
            (Some(a), Some(b), Some(c)) => a.checked_add(b).and_then(|ab| ab.checked_add(c)),
            _ => None,
        };
        Cost {
            tokens: *tokens,
            input,
            cached_input,
            output,
            total,
            unknown,
        }
    }
}

impl super::Model {
    /// Prices `tokens` at this model's prices (see [`Pricing::cost`]).
    pub fn cost(&self, tokens: &TokenCounts) -> Cost {
        self.pricing.cost(tokens)
    }
}

/// Totals the cost of many requests exactly.
///
/// Add each request's final cost once (a stream's running usage is a
/// running total: add only its last value).
///
/// ```
/// use modelwire::catalog::{Meter, Pricing, TokenCounts, Usd};
/// let pricing = Pricing { prompt: Usd::parse("0.0000001"), completion: Usd::parse("0.0000005"),
///                         input_cache_read: Usd::parse("0.00000005"), extra: Vec::new() };
/// let mut meter = Meter::new();
/// for _ in 0..10_000 {
///     meter.add(&pricing.cost(&TokenCounts { input: 3, cached_input: 0, output: 1 }));
/// }
/// assert_eq!(meter.total().to_string(), "0.008");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meter {
    total: Usd,
    tokens: TokenCounts,
    requests: u64,
    unpriced: u64,
}

impl Meter {
    /// An empty meter.
    pub fn new() -> Meter {
        Meter::default()
    }

    /// Adds one request. One whose cost is unknown counts in
    /// [`Meter::unpriced_requests`] and its tokens, not in the total.
    pub fn add(&mut self, cost: &Cost) {
        self.requests = self.requests.saturating_add(1);
        if let Some(tokens) = self.tokens.checked_add(cost.tokens) {
            self.tokens = tokens;
        }
        match cost.total.and_then(|t| self.total.checked_add(t)) {
            Some(total) => self.total = total,
            None => self.unpriced = self.unpriced.saturating_add(1),
        }
    }

    /// The exact sum of the priced requests.
    pub fn total(&self) -> Usd {
        self.total
    }

    /// Requests added.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Requests whose cost was unknown, left out of [`Meter::total`].
    pub fn unpriced_requests(&self) -> u64 {
        self.unpriced
    }

    /// Whether every request added was priced, so the total is the whole.
    pub fn is_complete(&self) -> bool {
        self.unpriced == 0
    }

    /// Tokens of every request added, priced or not.
    pub fn tokens(&self) -> TokenCounts {
        self.tokens
    }
}
