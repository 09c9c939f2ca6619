//! `CatalogCore` and `modelCost` for `js/models.js`: the `/v1/models`
//! catalog parsed once per load, capability checks of a prepared request,
//! the cost of a `usage` object and the client's meter. JS does the I/O
//! (fetching, the TTL, single-flight); every decision is the core's
//! ([`crate::catalog`]).

use super::error::capability_error;
use crate::catalog::{Catalog, Cost, Fields, Meter, Model, Pricing, TokenCounts, Usd};
use crate::json::{json_object, write_str};
use crate::validate::RequestSummary;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** What a request asks of its model: `PreparedRequest.summary`, input of `CatalogCore.check`. */
export interface RequestSummary {
  model: string;
  usesTools: boolean;
  usesJsonSchema: boolean;
  usesJsonObject: boolean;
  hasImages: boolean;
  hasAudio: boolean;
  reasoningRequested: boolean;
  maxOutputTokens: number | null;
  stream: boolean;
}
"#;

json_object! {
    /// A response's `usage`, other keys skipped without copying.
    pub struct UsageOf<'a> {
        usage: Option<&'a serde_json::value::RawValue> = "usage",
    }
}

fn set(target: &JsValue, key: &str, value: JsValue) {
    // A data property on a fresh plain object: cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value);
}

fn get(source: &JsValue, key: &str) -> JsValue {
    Reflect::get(source, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `PreparedRequest.summary` for JS.
pub(super) fn summary_object(summary: &RequestSummary) -> JsValue {
    let js: JsValue = Object::new().into();
    set(&js, "model", summary.model.as_str().into());
    set(&js, "usesTools", summary.uses_tools.into());
    set(&js, "usesJsonSchema", summary.uses_json_schema.into());
    set(&js, "usesJsonObject", summary.uses_json_object.into());
    set(&js, "hasImages", summary.has_images.into());
    set(&js, "hasAudio", summary.has_audio.into());
    set(
        &js,
        "reasoningRequested",
        summary.reasoning_requested.into(),
    );
    let max = summary
        .max_output_tokens
        .map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64));
    set(&js, "maxOutputTokens", max);
    set(&js, "stream", summary.stream.into());
    js
}

/// The summary back from JS (what `summary_object` made).
fn summary_from(js: &JsValue) -> RequestSummary {
    let flag = |key| get(js, key).is_truthy();
    let max = get(js, "maxOutputTokens")
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n as u64);
    RequestSummary {
        model: get(js, "model").as_string().unwrap_or_default(),
        uses_tools: flag("usesTools"),
        uses_json_schema: flag("usesJsonSchema"),
        uses_json_object: flag("usesJsonObject"),
        has_images: flag("hasImages"),
        has_audio: flag("hasAudio"),
        reasoning_requested: flag("reasoningRequested"),
        max_output_tokens: max,
        stream: flag("stream"),
    }
}

/// The loaded catalog of one client and its meter.
///
/// ```js
/// const core = new CatalogCore();
/// const models = JSON.parse(core.loadList(await (await fetch(url)).text()));
/// core.check(prepared.summary); // throws a CapabilityError
/// const cost = JSON.parse(core.record("zai-org/GLM-5", JSON.stringify(completion.usage)));
/// ```
#[wasm_bindgen]
pub struct CatalogCore {
    catalog: Catalog,
    meter: Meter,
    /// The meter per model id, in first-use order.
    by_model: Vec<(String, Meter)>,
}

impl Default for CatalogCore {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl CatalogCore {
    /// An empty catalog and meter.
    #[wasm_bindgen(constructor)]
    pub fn new() -> CatalogCore {
        CatalogCore {
            catalog: Catalog::default(),
            meter: Meter::new(),
            by_model: Vec::new(),
        }
    }

    /// Replaces the catalog with a `/v1/models` list payload; returns its
    /// models as a JSON array (see `model_json`). Throws a `ModelwireError`
    /// for a payload that cannot be read (the catalog is then unchanged).
    #[wasm_bindgen(js_name = loadList)]
    pub fn load_list(&mut self, json: &str) -> Result<String, JsValue> {
        let catalog = Catalog::parse(json)?;
        let mut out = String::from("[");
        for (i, model) in catalog.models.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            model_json(model, &mut out);
        }
        out.push(']');
        self.catalog = catalog;
        Ok(out)
    }

    /// Adds (or replaces) one model from `GET /v1/models/{id}`; returns it as
    /// JSON.
    #[wasm_bindgen(js_name = loadModel)]
    pub fn load_model(&mut self, json: &str) -> Result<String, JsValue> {
        let model = Model::parse(json)?;
        let mut out = String::new();
        model_json(&model, &mut out);
        match self.catalog.models.iter_mut().find(|m| m.id == model.id) {
            Some(slot) => *slot = model,
            None => self.catalog.models.push(model),
        }
        Ok(out)
    }

    /// Whether the catalog has this model.
    pub fn has(&self, id: &str) -> bool {
        self.catalog.get(id).is_some()
    }

    /// Throws a `CapabilityError` when the summary's model is in the catalog
    /// and lacks something the request uses; a model not in the catalog is
    /// not checked (the server decides).
    pub fn check(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestSummary")] summary: JsValue,
    ) -> Result<(), JsValue> {
        let summary = summary_from(&summary);
        let Some(model) = self.catalog.get(&summary.model) else {
            return Ok(());
        };
        let errors = model.check(&summary);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(capability_error(&errors))
        }
    }

    /// The cost of a `usage` object (either protocol) at this model's
    /// prices, as JSON (see `cost_json`); `undefined` when the model is not
    /// in the catalog. Throws a `ValidationError` for an unreadable usage.
    pub fn cost(&self, model: &str, usage: &str) -> Result<Option<String>, JsValue> {
        let Some(entry) = self.catalog.get(model) else {
            return Ok(None);
        };
        let tokens = TokenCounts::from_usage(usage)?;
        let mut out = String::new();
        cost_json(model, &entry.cost(&tokens), None, &mut out);
        Ok(Some(out))
    }

    /// Prices one finished request and adds it to the meter; returns its
    /// cost as JSON. A model not in the catalog counts as unpriced (its
    /// tokens still count).
    pub fn record(&mut self, model: &str, usage: &str) -> Result<String, JsValue> {
        let tokens = TokenCounts::from_usage(usage)?;
        let (cost, note) = match self.catalog.get(model) {
            Some(entry) => (entry.cost(&tokens), None),
            None => (
                Pricing::default().cost(&tokens),
                Some("the model is not in the loaded catalog"),
            ),
        };
        self.meter.add(&cost);
        match self.by_model.iter_mut().find(|(id, _)| id == model) {
            Some((_, meter)) => meter.add(&cost),
            None => {
                let mut meter = Meter::new();
                meter.add(&cost);
                self.by_model.push((model.to_owned(), meter));
            }
        }
        let mut out = String::new();
        cost_json(model, &cost, note, &mut out);
        Ok(out)
    }

    /// [`CatalogCore::record`] for a whole response body or accumulated
    /// result (JSON text with a `usage` key); `undefined`, and nothing
    /// recorded, when it has no usage.
    #[wasm_bindgen(js_name = recordResponse)]
    pub fn record_response(
        &mut self,
        model: &str,
        response: &str,
    ) -> Result<Option<String>, JsValue> {
        let Ok(body) = serde_json::from_str::<UsageOf<'_>>(response) else {
            return Ok(None);
        };
        match body.usage {
            Some(usage) if usage.get() != "null" => self.record(model, usage.get()).map(Some),
            _ => Ok(None),
        }
    }

    /// The meter as JSON: `{usd, requests, unpricedRequests, complete,
    /// tokens, models: {id: {…}}}`.
    #[wasm_bindgen(js_name = meterJson)]
    pub fn meter_json(&self) -> String {
        let mut out = String::new();
        meter_json(&self.meter, &mut out);
        out.truncate(out.len() - 1);
        out.push_str(",\"models\":{");
        for (i, (id, meter)) in self.by_model.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_str(&mut out, id);
            out.push(':');
            meter_json(meter, &mut out);
        }
        out.push_str("}}");
        out
    }

    /// Empties the meter (the catalog stays).
    #[wasm_bindgen(js_name = resetMeter)]
    pub fn reset_meter(&mut self) {
        self.meter = Meter::new();
        self.by_model.clear();
    }
}

/// The cost of `usage` (either protocol) at the prices of `model` (one
/// catalog entry, as JSON: the server's or the client's normalised form).
///
/// ```js
/// const cost = JSON.parse(modelCost(JSON.stringify(model), JSON.stringify(completion.usage)));
/// cost.usd; // "0.00098"
/// ```
#[wasm_bindgen(js_name = modelCost)]
pub fn model_cost(model: &str, usage: &str) -> Result<String, JsValue> {
    let model = Model::parse(model)?;
    let tokens = TokenCounts::from_usage(usage)?;
    let mut out = String::new();
    cost_json(&model.id, &model.cost(&tokens), None, &mut out);
    Ok(out)
}

/// One model for JS: every key in the server's order, with `pricing`'s
/// three prices as exact plain decimals (`null` when unknown) and typed keys
/// of an unexpected type left out (the core keeps them in `extra`).
fn model_json(model: &Model, out: &mut String) {
    let Ok(fields) = serde_json::from_str::<Fields<'_>>(model.raw.get()) else {
        return;
    };
    out.push('{');
    let mut first = true;
    for (key, value) in &fields.extra {
        let key = key.as_str();
        let typed = matches!(
            key,
            "id" | "name"
                | "context_length"
                | "max_completion_tokens"
                | "supported_features"
                | "input_modalities"
                | "pricing"
        );
        // A typed key the core did not take had an unexpected type.
        if typed && key != "id" && model.extra_field(key).is_some() {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        write_str(out, key);
        out.push(':');
        if key == "pricing" {
            pricing_json(&model.pricing, out);
        } else {
            out.push_str(value.get());
        }
    }
    out.push('}');
}

fn pricing_json(pricing: &Pricing, out: &mut String) {
    out.push_str("{\"prompt\":");
    usd_json(pricing.prompt, out);
    out.push_str(",\"completion\":");
    usd_json(pricing.completion, out);
    out.push_str(",\"input_cache_read\":");
    usd_json(pricing.input_cache_read, out);
    for (key, value) in &pricing.extra {
        out.push(',');
        write_str(out, key);
        out.push(':');
        out.push_str(value.get());
    }
    out.push('}');
}

/// `"0.000123"` or `null`.
fn usd_json(amount: Option<Usd>, out: &mut String) {
    match amount {
        Some(usd) => {
            out.push('"');
            usd.write(out);
            out.push('"');
        }
        None => out.push_str("null"),
    }
}

fn push_count(out: &mut String, n: u64) {
    crate::catalog::push_u64(out, n);
}

/// `{model, usd, input: {tokens, usd}, cachedInput: {…}, output: {…},
/// unknownPrices, note}`.
fn cost_json(model: &str, cost: &Cost, note: Option<&str>, out: &mut String) {
    out.push_str("{\"model\":");
    write_str(out, model);
    out.push_str(",\"usd\":");
    usd_json(cost.total, out);
    for (key, tokens, usd) in [
        ("input", cost.tokens.input, cost.input),
        ("cachedInput", cost.tokens.cached_input, cost.cached_input),
        ("output", cost.tokens.output, cost.output),
    ] {
        out.push_str(",\"");
        out.push_str(key);
        out.push_str("\":{\"tokens\":");
        push_count(out, tokens);
        out.push_str(",\"usd\":");
        usd_json(usd, out);
        out.push('}');
    }
    out.push_str(",\"unknownPrices\":[");
    for (i, kind) in cost.unknown.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, kind.key());
    }
    out.push_str("],\"note\":");
    match (note, cost.unknown_message(model)) {
        (Some(note), Some(_)) => {
            let mut text = String::from("cost unknown for ");
            text.push_str(model);
            text.push_str(": ");
            text.push_str(note);
            write_str(out, &text);
        }
        (_, Some(message)) => write_str(out, &message),
        (_, None) => out.push_str("null"),
    }
    out.push('}');
}

fn meter_json(meter: &Meter, out: &mut String) {
    out.push_str("{\"usd\":");
    usd_json(Some(meter.total()), out);
    out.push_str(",\"requests\":");
    push_count(out, meter.requests());
    out.push_str(",\"unpricedRequests\":");
    push_count(out, meter.unpriced_requests());
    out.push_str(",\"complete\":");
    out.push_str(if meter.is_complete() { "true" } else { "false" });
    let tokens = meter.tokens();
    out.push_str(",\"tokens\":{\"input\":");
    push_count(out, tokens.input);
    out.push_str(",\"cachedInput\":");
    push_count(out, tokens.cached_input);
    out.push_str(",\"output\":");
    push_count(out, tokens.output);
    out.push_str("}}");
}
