//! The Model APIs catalog (`GET /v1/models`, `GET /v1/models/{slug}`):
//! typed models with exact per-token prices, capability checks of a request
//! against a model, and the cost of a response's `usage` in exact dollars.
//!
//! - [`Catalog::parse`] reads the list payload and [`Model::parse`] one
//!   model. Every field is kept: the typed ones, the unknown ones in
//!   [`Model::extra`], and the entry exactly as sent in [`Model::raw`].
//! - [`Model::check`] compares a [`RequestSummary`] (from
//!   [`crate::validate`]) with what the model supports, before any token is
//!   spent.
//! - [`Model::cost`] prices a [`TokenCounts`] read from a Chat Completions or
//!   Messages `usage` object; a [`Meter`] totals many requests exactly.
//!
//! Prices are USD per token as decimal strings (`"0.00000174"`); `""` (a
//! model whose prices are not published yet) is an unknown price, never
//! zero, and so is anything that is not a non-negative decimal.
//!
//! ```
//! use modelwire::catalog::{Catalog, TokenCounts};
//! use modelwire::validate::validate_chat_request;
//!
//! let catalog = Catalog::parse(r#"{"object":"list","data":[{"id":"zai-org/GLM-5","object":"model",
//!   "context_length":202752,"max_completion_tokens":202752,
//!   "supported_features":["tools","json_mode","structured_outputs"],"input_modalities":["text"],
//!   "pricing":{"prompt":"0.00000095","completion":"0.00000315","input_cache_read":"0.0000002"}}]}"#).unwrap();
//! let glm = catalog.get("zai-org/GLM-5").unwrap();
//!
//! let summary = validate_chat_request(r#"{"model":"zai-org/GLM-5","messages":[{"role":"user","content":[
//!   {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}"#).unwrap();
//! let errors = glm.check(&summary);
//! assert_eq!(errors[0].to_string(), "model zai-org/GLM-5 does not support vision (image input)");
//!
//! let tokens = TokenCounts::from_chat_usage(
//!     r#"{"prompt_tokens":1000,"completion_tokens":200,"prompt_tokens_details":{"cached_tokens":800}}"#,
//! ).unwrap();
//! // 200 × 0.00000095 + 800 × 0.0000002 + 200 × 0.00000315
//! assert_eq!(glm.cost(&tokens).total.unwrap().to_string(), "0.00098");
//! ```

mod capability;
mod cost;
mod usd;

pub use capability::{CapabilityError, Missing};
pub use cost::{Cost, Meter, PriceKind, TokenCounts, UsageError};
pub use usd::Usd;

pub(crate) use usd::push_u64;

use crate::json::json_object;
use serde_json::Value;
use serde_json::value::RawValue;
use std::fmt;

json_object! {
    /// A JSON object as its keys and raw values, in order.
    pub struct Fields<'a> {}
}

json_object! {
    /// The list payload: `{"object":"list","data":[…]}`.
    pub struct ListPayload<'a> {
        data: Option<Vec<&'a RawValue>> = "data",
    }
}

/// A catalog payload that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    /// What is wrong, with the entry's index when it is one entry:
    /// `"data[2].id: is missing"`.
    pub message: String,
}

impl CatalogError {
    fn new(message: String) -> CatalogError {
        CatalogError { message }
    }
}

impl fmt::Display for CatalogError {
    /// `invalid model catalog: {message}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid model catalog: ")?;
        f.write_str(&self.message)
    }
}

impl std::error::Error for CatalogError {}

/// The models of a `/v1/models` list.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// In the server's order.
    pub models: Vec<Model>,
}

impl Catalog {
    /// Parses `{"object":"list","data":[model, …]}`. Every entry needs a
    /// string `id`; everything else is optional.
    pub fn parse(json: &str) -> Result<Catalog, CatalogError> {
        let payload: ListPayload<'_> = serde_json::from_str(json)
            .map_err(|err| CatalogError::new(not_json("the model list", &err.to_string())))?;
        let data = payload
            .data
            .ok_or_else(|| CatalogError::new("data: is missing".to_owned()))?;
        let mut models = Vec::with_capacity(data.len());
        for (index, raw) in data.into_iter().enumerate() {
            let mut prefix = String::from("data[");
            push_u64(&mut prefix, index as u64);
            prefix.push_str("].");
            models.push(Model::parse_entry(raw, &prefix)?);
        }
        Ok(Catalog { models })
    }

    /// The model with exactly this id (slug).
    pub fn get(&self, id: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.id == id)
    }
}

/// Per-token prices in USD. `None` is an unknown price: `""`, absent, or
/// not a non-negative decimal.
#[derive(Debug, Clone, Default)]
pub struct Pricing {
    /// Input (prompt) tokens not served from the cache.
    pub prompt: Option<Usd>,
    /// Output tokens, reasoning included.
    pub completion: Option<Usd>,
    /// Input tokens served from the KV cache.
    pub input_cache_read: Option<Usd>,
    /// Other pricing keys, as raw JSON.
    pub extra: Vec<(String, Box<RawValue>)>,
}

impl Pricing {
    /// The price of one kind of token.
    pub fn get(&self, kind: PriceKind) -> Option<Usd> {
        match kind {
            PriceKind::Prompt => self.prompt,
            PriceKind::Completion => self.completion,
            PriceKind::InputCacheRead => self.input_cache_read,
        }
    }
}

/// One model of the catalog.
#[derive(Debug, Clone)]
pub struct Model {
    /// The slug passed as `model`: `"deepseek-ai/DeepSeek-V4-Pro"`.
    pub id: String,
    /// The display name: `"DeepSeek V4 Pro"`.
    pub name: Option<String>,
    /// Tokens of context (prompt and output together).
    pub context_length: Option<u64>,
    /// The largest output a request may ask for.
    pub max_completion_tokens: Option<u64>,
    /// `supported_features` as sent (`tools`, `json_mode`,
    /// `structured_outputs`, `reasoning`, `reasoning_effort`, `vision`, …);
    /// `None` when the field is absent, so nothing can be said.
    pub supported_features: Option<Vec<String>>,
    /// `input_modalities` as sent (`text`, `image`, …); `None` when absent.
    pub input_modalities: Option<Vec<String>>,
    /// Per-token prices.
    pub pricing: Pricing,
    /// Keys not listed above (`object`, `owned_by`, `description`,
    /// `quantization`, …) and listed keys whose value had an unexpected
    /// type, as raw JSON in the server's order.
    pub extra: Vec<(String, Box<RawValue>)>,
    /// The whole entry exactly as the server sent it.
    pub raw: Box<RawValue>,
}

impl Model {
    /// Parses one model object (the body of `GET /v1/models/{slug}`).
    pub fn parse(json: &str) -> Result<Model, CatalogError> {
        let raw: &RawValue = serde_json::from_str(json)
            .map_err(|err| CatalogError::new(not_json("the model", &err.to_string())))?;
        Model::parse_entry(raw, "")
    }

    fn parse_entry(raw: &RawValue, prefix: &str) -> Result<Model, CatalogError> {
        let fail = |message: &str| {
            let mut text = String::with_capacity(prefix.len() + message.len());
            text.push_str(prefix);
            text.push_str(message);
            CatalogError::new(text)
        };
        let fields: Fields<'_> = serde_json::from_str(raw.get()).map_err(|_| {
            let mut text = String::from(prefix.trim_end_matches('.'));
            text.push_str(if prefix.is_empty() {
                "a model must be a JSON object"
            } else {
                ": must be a JSON object"
            });
            CatalogError::new(text)
        })?;
        let mut model = Model {
            id: String::new(),
            name: None,
            context_length: None,
            max_completion_tokens: None,
            supported_features: None,
            input_modalities: None,
            pricing: Pricing::default(),
            extra: Vec::new(),
            raw: raw.to_owned(),
        };
        let mut has_id = false;
        for (key, value) in fields.extra {
            let parsed: Value = serde_json::from_str(value.get()).unwrap_or(Value::Null);
            let typed = match key.as_str() {
                "id" => match parsed {
                    Value::String(id) if !id.is_empty() => {
                        model.id = id;
                        has_id = true;
                        true
                    }
                    _ => return Err(fail("id: must be a non-empty string")),
                },
                "name" => set(&mut model.name, parsed.as_str().map(str::to_owned)),
                "context_length" => set(&mut model.context_length, count(&parsed)),
                "max_completion_tokens" => set(&mut model.max_completion_tokens, count(&parsed)),
                "supported_features" => set(&mut model.supported_features, strings(&parsed)),
                "input_modalities" => set(&mut model.input_modalities, strings(&parsed)),
                "pricing" => match parsed {
                    Value::Object(_) => {
                        model.pricing = parse_pricing(value);
                        true
                    }
                    _ => false,
                },
                _ => false,
            };
            if !typed {
                model
                    .extra
                    .push((key.as_str().to_owned(), value.to_owned()));
            }
        }
        if !has_id {
            return Err(fail("id: is missing"));
        }
        Ok(model)
    }

    /// Whether `supported_features` lists `feature`.
    pub fn supports(&self, feature: &str) -> bool {
        listed(&self.supported_features, feature)
    }

    /// Whether `input_modalities` lists `modality`.
    pub fn accepts(&self, modality: &str) -> bool {
        listed(&self.input_modalities, modality)
    }

    /// The raw JSON of an unknown key (`owned_by`, `description`, …).
    pub fn extra_field(&self, key: &str) -> Option<&RawValue> {
        self.extra.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }
}

/// Stores `value` when there is one; whether it was.
fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    match value {
        Some(v) => {
            *slot = Some(v);
            true
        }
        None => false,
    }
}

fn listed(list: &Option<Vec<String>>, name: &str) -> bool {
    list.as_ref().is_some_and(|l| l.iter().any(|x| x == name))
}

/// A token count: a non-negative JSON integer (or an integral float within
/// 2⁵³, as JavaScript writes large numbers).
fn count(value: &Value) -> Option<u64> {
    if let Some(n) = value.as_u64() {
        return Some(n);
    }
    match value.as_f64() {
        Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= 9_007_199_254_740_992.0 => Some(f as u64),
        _ => None,
    }
}

/// An array's strings (other items skipped).
fn strings(value: &Value) -> Option<Vec<String>> {
    let items = value.as_array()?;
    Some(
        items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
    )
}

fn parse_pricing(raw: &RawValue) -> Pricing {
    let mut pricing = Pricing::default();
    let Ok(fields) = serde_json::from_str::<Fields<'_>>(raw.get()) else {
        return pricing;
    };
    for (key, value) in fields.extra {
        let slot = match key.as_str() {
            "prompt" => &mut pricing.prompt,
            "completion" => &mut pricing.completion,
            "input_cache_read" => &mut pricing.input_cache_read,
            _ => {
                pricing
                    .extra
                    .push((key.as_str().to_owned(), value.to_owned()));
                continue;
            }
        };
        // A price is a decimal string; a bare JSON number is read the same
        // way from its text (never through a float).
        let text = value.get();
        let decimal = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text);
        *slot = Usd::parse(decimal);
    }
    pricing
}

fn not_json(what: &str, detail: &str) -> String {
    let mut text = String::with_capacity(what.len() + detail.len() + 32);
    text.push_str(what);
    text.push_str(" is not a JSON object of the expected shape: ");
    text.push_str(crate::json::excerpt(detail));
    text
}
