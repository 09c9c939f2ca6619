//! The model catalog: parsing the emulator's `/v1/models` payload (and odd
//! ones), exact decimal prices, capability checks against validated
//! requests, and cost on a corpus of usage objects with hand-computed
//! values, summed exactly over 10 000 requests.
#![cfg(not(target_arch = "wasm32"))]

use modelwire::catalog::{
    CapabilityError, Catalog, Meter, Missing, Model, PriceKind, Pricing, TokenCounts, Usd,
};
use modelwire::validate::{RequestSummary, validate_chat_request, validate_messages_request};
use proptest::prelude::*;

/// `GET /v1/models` of the emulator's default catalog, as it serves it
/// (`{object:"list", data: defaultCatalog().map(publicModel)}`).
const EMULATOR_CATALOG: &str = r#"{"object":"list","data":[{"object":"model","owned_by":"baseten","id":"deepseek-ai/DeepSeek-V4-Pro","name":"DeepSeek V4 Pro","context_length":131072,"max_completion_tokens":131072,"supported_features":["tools","json_mode","structured_outputs","reasoning"],"input_modalities":["text"],"pricing":{"prompt":"0.00000174","completion":"0.00000348","input_cache_read":"0.000000145"}},{"object":"model","owned_by":"baseten","id":"deepseek-ai/DeepSeek-V3.1","name":"DeepSeek V3.1","context_length":163840,"max_completion_tokens":131072,"supported_features":["tools","reasoning"],"input_modalities":["text"],"pricing":{"prompt":"0.0000005","completion":"0.0000015","input_cache_read":"0.0000001"}},{"object":"model","owned_by":"baseten","id":"zai-org/GLM-4.7","name":"GLM 4.7","context_length":200000,"max_completion_tokens":200000,"supported_features":["tools","json_mode","structured_outputs","reasoning"],"input_modalities":["text"],"pricing":{"prompt":"0.0000006","completion":"0.0000022","input_cache_read":"0.00000011"}},{"object":"model","owned_by":"baseten","id":"zai-org/GLM-5","name":"GLM 5","context_length":202752,"max_completion_tokens":202752,"supported_features":["tools","json_mode","structured_outputs"],"input_modalities":["text"],"pricing":{"prompt":"0.00000095","completion":"0.00000315","input_cache_read":"0.0000002"}},{"object":"model","owned_by":"baseten","id":"moonshotai/Kimi-K2.5","name":"Kimi K2.5","context_length":262144,"max_completion_tokens":262144,"supported_features":["tools","json_mode","structured_outputs","reasoning","vision"],"input_modalities":["text","image"],"pricing":{"prompt":"0.0000006","completion":"0.000003","input_cache_read":"0.0000001"}},{"object":"model","owned_by":"baseten","id":"MiniMaxAI/MiniMax-M2.5","name":"Minimax M2.5","context_length":204800,"max_completion_tokens":204800,"supported_features":["tools","json_mode","structured_outputs","reasoning"],"input_modalities":["text"],"pricing":{"prompt":"0.0000003","completion":"0.0000012","input_cache_read":"0.00000003"}},{"object":"model","owned_by":"baseten","id":"openai/gpt-oss-120b","name":"OpenAI GPT OSS 120B","context_length":128000,"max_completion_tokens":128000,"supported_features":["tools","json_mode","structured_outputs","reasoning","reasoning_effort"],"input_modalities":["text"],"pricing":{"prompt":"0.0000001","completion":"0.0000005","input_cache_read":"0.00000005"}},{"object":"model","owned_by":"baseten","id":"nvidia/Nemotron-120B-A12B","name":"Nemotron Super","context_length":202752,"max_completion_tokens":202752,"supported_features":["tools","json_mode","structured_outputs","reasoning"],"input_modalities":["text"],"pricing":{"prompt":"","completion":"","input_cache_read":""}}]}"#;

fn catalog() -> Catalog {
    Catalog::parse(EMULATOR_CATALOG).unwrap()
}

fn model(id: &str) -> Model {
    catalog().get(id).unwrap().clone()
}

fn usd(text: &str) -> Usd {
    Usd::parse(text).unwrap()
}

// ------------------------------------------------------------------ parsing

#[test]
fn parses_the_emulator_catalog() {
    let catalog = catalog();
    assert_eq!(catalog.models.len(), 8);
    let v4 = catalog.get("deepseek-ai/DeepSeek-V4-Pro").unwrap();
    assert_eq!(v4.name.as_deref(), Some("DeepSeek V4 Pro"));
    assert_eq!(v4.context_length, Some(131_072));
    assert_eq!(v4.max_completion_tokens, Some(131_072));
    assert!(v4.supports("structured_outputs") && v4.supports("reasoning"));
    assert!(!v4.supports("vision") && v4.accepts("text") && !v4.accepts("image"));
    assert_eq!(v4.pricing.prompt, Some(Usd::from_atto(1_740_000_000_000)));
    assert_eq!(
        v4.pricing.completion,
        Some(Usd::from_atto(3_480_000_000_000))
    );
    assert_eq!(
        v4.pricing.input_cache_read,
        Some(Usd::from_atto(145_000_000_000))
    );
    // Unknown fields are kept, raw, in order; the entry is kept verbatim.
    let extra: Vec<(&str, &str)> = v4
        .extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.get()))
        .collect();
    assert_eq!(
        extra,
        [("object", "\"model\""), ("owned_by", "\"baseten\"")]
    );
    assert_eq!(v4.extra_field("owned_by").unwrap().get(), "\"baseten\"");
    assert!(v4.raw.get().starts_with(
        r#"{"object":"model","owned_by":"baseten","id":"deepseek-ai/DeepSeek-V4-Pro""#
    ));
    let kimi = catalog.get("moonshotai/Kimi-K2.5").unwrap();
    assert!(kimi.supports("vision") && kimi.accepts("image"));
    assert!(
        catalog.get("deepseek-ai/deepseek-v4-pro").is_none(),
        "ids match exactly"
    );
}

#[test]
fn empty_prices_are_unknown_never_zero() {
    let nemotron = model("nvidia/Nemotron-120B-A12B");
    assert_eq!(nemotron.pricing.prompt, None);
    assert_eq!(nemotron.pricing.completion, None);
    assert_eq!(nemotron.pricing.input_cache_read, None);
    for kind in [
        PriceKind::Prompt,
        PriceKind::Completion,
        PriceKind::InputCacheRead,
    ] {
        assert_eq!(nemotron.pricing.get(kind), None);
    }
}

#[test]
fn parses_a_single_model_with_the_notes_fields() {
    // The example entry of baseten-api.md plus optional fields it lists.
    let m = Model::parse(
        r#"{"id":"deepseek-ai/DeepSeek-V4-Pro","object":"model","name":"DeepSeek V4 Pro",
        "context_length":262144,"max_completion_tokens":262144,
        "supported_features":["tools","json_mode","structured_outputs","reasoning"],
        "input_modalities":["text"],"owned_by":"baseten","description":"A model.",
        "quantization":"fp8","created":1767225600,"supported_sampling_parameters":["temperature","top_p"],
        "output_modalities":["text"],
        "pricing":{"prompt":"0.00000174","completion":"0.00000348","input_cache_read":"0.000000145","request":"0"}}"#,
    )
    .unwrap();
    assert_eq!(m.context_length, Some(262_144));
    let keys: Vec<&str> = m.extra.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "object",
            "owned_by",
            "description",
            "quantization",
            "created",
            "supported_sampling_parameters",
            "output_modalities"
        ]
    );
    assert_eq!(m.extra_field("created").unwrap().get(), "1767225600");
    assert_eq!(m.pricing.extra.len(), 1);
    assert_eq!(m.pricing.extra[0].0, "request");
    assert_eq!(m.pricing.extra[0].1.get(), "\"0\"");
}

#[test]
fn minimal_and_odd_entries() {
    let m = Model::parse(r#"{"id":"x/y"}"#).unwrap();
    assert_eq!(m.id, "x/y");
    assert_eq!(
        (m.name.as_deref(), m.context_length, m.max_completion_tokens),
        (None, None, None)
    );
    assert_eq!(m.supported_features, None);
    assert_eq!(m.input_modalities, None);
    assert_eq!(m.pricing.prompt, None);

    // Known keys with unexpected types land in `extra`, nothing is lost.
    let m = Model::parse(
        r#"{"id":"a","context_length":"131k","max_completion_tokens":8192.0,
            "supported_features":"tools","input_modalities":["text",7,"image"],"pricing":null,"name":null}"#,
    )
    .unwrap();
    assert_eq!(m.context_length, None);
    assert_eq!(m.max_completion_tokens, Some(8192));
    assert_eq!(m.supported_features, None);
    assert_eq!(
        m.input_modalities,
        Some(vec!["text".to_owned(), "image".to_owned()])
    );
    let keys: Vec<&str> = m.extra.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["context_length", "supported_features", "pricing", "name"]
    );

    // Prices: numbers read from their text, never through a float;
    // anything else is unknown.
    let m = Model::parse(
        r#"{"id":"a","pricing":{"prompt":0.0000006,"completion":"-1","input_cache_read":"n/a"}}"#,
    )
    .unwrap();
    assert_eq!(m.pricing.prompt, Some(usd("0.0000006")));
    assert_eq!(m.pricing.completion, None);
    assert_eq!(m.pricing.input_cache_read, None);
}

#[test]
fn catalog_errors_name_the_entry() {
    let err = |json: &str| Catalog::parse(json).unwrap_err().to_string();
    assert_eq!(
        err(r#"{"object":"list","data":[{"id":"a"},{"name":"b"}]}"#),
        "invalid model catalog: data[1].id: is missing"
    );
    assert_eq!(
        err(r#"{"data":[{"id":""}]}"#),
        "invalid model catalog: data[0].id: must be a non-empty string"
    );
    assert_eq!(
        err(r#"{"data":[7]}"#),
        "invalid model catalog: data[0]: must be a JSON object"
    );
    assert_eq!(
        err(r#"{"object":"list"}"#),
        "invalid model catalog: data: is missing"
    );
    assert!(err("[]").starts_with("invalid model catalog: the model list is not a JSON object"));
    assert!(err(r#"{"data":{}}"#).starts_with("invalid model catalog: the model list"));
    assert!(Model::parse("nope").is_err());
    assert_eq!(
        Model::parse("[1]").unwrap_err().message,
        "a model must be a JSON object"
    );
    assert_eq!(Catalog::parse(r#"{"data":[]}"#).unwrap().models.len(), 0);
}

// --------------------------------------------------------------------- Usd

#[test]
fn usd_parses_decimal_and_exponent_forms_exactly() {
    let cases: [(&str, u128); 14] = [
        ("0.00000174", 1_740_000_000_000),
        ("0.000000145", 145_000_000_000),
        ("1.74e-6", 1_740_000_000_000),
        ("6e-7", 600_000_000_000),
        ("6E-07", 600_000_000_000),
        ("0.6e-6", 600_000_000_000),
        ("600e-9", 600_000_000_000),
        ("0", 0),
        ("0.0", 0),
        ("0e999999999", 0),
        ("3", 3_000_000_000_000_000_000),
        ("2.", 2_000_000_000_000_000_000),
        (".5", 500_000_000_000_000_000),
        ("0.000000000000000001", 1),
    ];
    for (text, atto) in cases {
        assert_eq!(Usd::parse(text), Some(Usd::from_atto(atto)), "{text}");
    }
    // Trailing zeros past 18 places are still exact.
    assert_eq!(Usd::parse("0.1000000000000000000000000"), Some(usd("0.1")));
    assert_eq!(Usd::parse("1e+2"), Some(usd("100")));
    assert_eq!(Usd::parse("100000000000000000000"), Some(usd("1e20")));
}

#[test]
fn usd_rejects_what_is_not_an_exact_non_negative_decimal() {
    for text in [
        "",
        " ",
        "-1",
        "-0.5",
        "+1",
        " 1",
        "1 ",
        "1,5",
        "1.2.3",
        "e5",
        ".",
        "1e",
        "1e-",
        "0x10",
        "NaN",
        "inf",
        "\"1\"",
        "1_000",
        "0.0000000000000000001",
        "1e-19",
        "1e39",
        "١",
    ] {
        assert_eq!(Usd::parse(text), None, "{text:?}");
    }
}

#[test]
fn usd_writes_trimmed_plain_decimals() {
    for (text, shown) in [
        ("0.000123", "0.000123"),
        ("0.0001230", "0.000123"),
        ("12.50", "12.5"),
        ("1e-18", "0.000000000000000001"),
        ("1.5", "1.5"),
        ("0", "0"),
        ("100", "100"),
        ("88.5776", "88.5776"),
    ] {
        let value = usd(text);
        assert_eq!(value.to_string(), shown);
        let mut out = String::from("$");
        value.write(&mut out);
        assert_eq!(out, format!("${shown}"));
    }
}

#[test]
fn usd_rounds_half_up_for_display() {
    assert_eq!(usd("0.0001235").round(6).to_string(), "0.000124");
    assert_eq!(usd("0.0001234").round(6).to_string(), "0.000123");
    assert_eq!(usd("0.9999995").round(6).to_string(), "1");
    assert_eq!(usd("0.5").round(0).to_string(), "1");
    assert_eq!(usd("1e-18").round(18), usd("1e-18"));
    assert_eq!(usd("1e-18").round(30), usd("1e-18"));
}

#[test]
fn usd_arithmetic_is_checked() {
    assert_eq!(usd("0.1").checked_add(usd("0.2")), Some(usd("0.3")));
    assert_eq!(
        Usd::from_atto(u128::MAX).checked_add(Usd::from_atto(1)),
        None
    );
    assert_eq!(Usd::from_atto(u128::MAX).checked_mul(2), None);
    assert_eq!(usd("0.00000174").checked_mul(1_000_000), Some(usd("1.74")));
}

proptest! {
    #[test]
    fn usd_text_round_trips(atto in any::<u128>()) {
        let value = Usd::from_atto(atto);
        prop_assert_eq!(Usd::parse(&value.to_string()), Some(value));
    }

    #[test]
    fn usd_parse_never_panics(text in "[0-9eE.+-]{0,40}") {
        let _ = Usd::parse(&text);
    }
}

// ------------------------------------------------------------ capabilities

fn chat(body: &str) -> RequestSummary {
    validate_chat_request(body).unwrap()
}

fn features(errors: &[CapabilityError]) -> Vec<&'static str> {
    errors.iter().map(|e| e.missing.feature()).collect()
}

#[test]
fn image_on_a_model_without_vision() {
    let summary = chat(
        r#"{"model":"zai-org/GLM-5","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},
            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"auto"}}]}]}"#,
    );
    let errors = model("zai-org/GLM-5").check(&summary);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].missing, Missing::Vision);
    assert_eq!(errors[0].model, "zai-org/GLM-5");
    assert_eq!(
        errors[0].to_string(),
        "model zai-org/GLM-5 does not support vision (image input)"
    );
    assert!(model("moonshotai/Kimi-K2.5").check(&summary).is_empty());
}

#[test]
fn json_mode_and_structured_outputs() {
    let object = chat(
        r#"{"model":"deepseek-ai/DeepSeek-V3.1","messages":[{"role":"user","content":"hi"}],
            "response_format":{"type":"json_object"}}"#,
    );
    let schema = chat(
        r#"{"model":"deepseek-ai/DeepSeek-V3.1","messages":[{"role":"user","content":"hi"}],
            "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"},"strict":true}}}"#,
    );
    let v31 = model("deepseek-ai/DeepSeek-V3.1");
    let errors = v31.check(&object);
    assert_eq!(features(&errors), ["json_mode"]);
    assert_eq!(
        errors[0].to_string(),
        "model deepseek-ai/DeepSeek-V3.1 does not support json_mode (response_format json_object)"
    );
    let errors = v31.check(&schema);
    assert_eq!(features(&errors), ["structured_outputs"]);
    assert_eq!(
        errors[0].to_string(),
        "model deepseek-ai/DeepSeek-V3.1 does not support structured_outputs (a JSON schema response format)"
    );
    assert!(model("zai-org/GLM-5").check(&object).is_empty());
    assert!(model("zai-org/GLM-5").check(&schema).is_empty());
}

#[test]
fn reasoning_options_on_a_model_without_reasoning() {
    let glm5 = model("zai-org/GLM-5");
    for body in [
        r#"{"model":"zai-org/GLM-5","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"high"}"#,
        r#"{"model":"zai-org/GLM-5","messages":[{"role":"user","content":"hi"}],"chat_template_args":{"enable_thinking":true}}"#,
    ] {
        let errors = glm5.check(&chat(body));
        assert_eq!(features(&errors), ["reasoning"], "{body}");
        assert_eq!(
            errors[0].to_string(),
            "model zai-org/GLM-5 does not support reasoning (reasoning_effort / thinking options)"
        );
    }
    let messages = validate_messages_request(
        r#"{"model":"zai-org/GLM-5","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":2048},
            "messages":[{"role":"user","content":"hi"}]}"#,
    )
    .unwrap();
    assert_eq!(features(&glm5.check(&messages)), ["reasoning"]);
    assert!(model("zai-org/GLM-4.7").check(&messages).is_empty());
    // reasoning_effort alone is enough (a model listing only it).
    let only_effort =
        Model::parse(r#"{"id":"m","supported_features":["reasoning_effort"]}"#).unwrap();
    assert!(only_effort.check(&messages).is_empty());
    // `reasoning_effort: "none"` asks for nothing.
    let none = chat(
        r#"{"model":"zai-org/GLM-5","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"none"}"#,
    );
    assert!(glm5.check(&none).is_empty());
}

#[test]
fn max_tokens_over_the_models_output_limit() {
    let gpt = model("openai/gpt-oss-120b");
    let over = chat(
        r#"{"model":"openai/gpt-oss-120b","messages":[{"role":"user","content":"hi"}],"max_tokens":200000}"#,
    );
    let errors = gpt.check(&over);
    assert_eq!(
        errors[0].missing,
        Missing::MaxOutputTokens {
            requested: 200_000,
            limit: 128_000
        }
    );
    assert_eq!(
        errors[0].to_string(),
        "model openai/gpt-oss-120b allows at most 128000 output tokens; the request asks for 200000 (max_tokens)"
    );
    let at = chat(
        r#"{"model":"openai/gpt-oss-120b","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":128000}"#,
    );
    assert!(gpt.check(&at).is_empty());
    // DeepSeek V3.1: max output 131072 below its 163840 context.
    let v31 = chat(
        r#"{"model":"deepseek-ai/DeepSeek-V3.1","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":150000}"#,
    );
    assert_eq!(
        model("deepseek-ai/DeepSeek-V3.1").check(&v31)[0].missing,
        Missing::MaxOutputTokens {
            requested: 150_000,
            limit: 131_072
        }
    );
    // Messages' max_tokens; only context_length known.
    let messages = validate_messages_request(
        r#"{"model":"m","max_tokens":9000,"messages":[{"role":"user","content":"hi"}]}"#,
    )
    .unwrap();
    let ctx_only = Model::parse(r#"{"id":"m","context_length":8192}"#).unwrap();
    assert_eq!(
        ctx_only.check(&messages)[0].missing,
        Missing::MaxOutputTokens {
            requested: 9000,
            limit: 8192
        }
    );
}

#[test]
fn tools_and_audio() {
    let no_tools = Model::parse(
        r#"{"id":"acme/tiny","supported_features":["json_mode"],"input_modalities":["text"]}"#,
    )
    .unwrap();
    let summary = chat(
        r#"{"model":"acme/tiny","messages":[{"role":"user","content":[
            {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]}],
            "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}"#,
    );
    let errors = no_tools.check(&summary);
    assert_eq!(features(&errors), ["tools", "audio"]);
    assert_eq!(
        errors[0].to_string(),
        "model acme/tiny does not support tools (tool calling)"
    );
    assert_eq!(
        errors[1].to_string(),
        "model acme/tiny does not support audio input"
    );
    let audio = Model::parse(
        r#"{"id":"a","supported_features":["tools"],"input_modalities":["text","audio"]}"#,
    )
    .unwrap();
    assert!(audio.check(&summary).is_empty());
}

#[test]
fn every_missing_feature_at_once_in_order() {
    let bare = Model::parse(
        r#"{"id":"acme/bare","supported_features":[],"input_modalities":["text"],"max_completion_tokens":10}"#,
    )
    .unwrap();
    let mut summary = RequestSummary::default();
    summary.uses_tools = true;
    summary.uses_json_object = true;
    summary.uses_json_schema = true;
    summary.has_images = true;
    summary.has_audio = true;
    summary.reasoning_requested = true;
    summary.max_output_tokens = Some(11);
    assert_eq!(
        features(&bare.check(&summary)),
        [
            "tools",
            "json_mode",
            "structured_outputs",
            "vision",
            "audio",
            "reasoning",
            "max_completion_tokens"
        ]
    );
}

#[test]
fn absent_fields_prove_nothing() {
    let unknown = Model::parse(r#"{"id":"acme/unknown"}"#).unwrap();
    let mut summary = RequestSummary::default();
    summary.uses_tools = true;
    summary.uses_json_schema = true;
    summary.has_images = true;
    summary.has_audio = true;
    summary.reasoning_requested = true;
    summary.max_output_tokens = Some(1_000_000);
    assert!(unknown.check(&summary).is_empty());
    // Features known, modalities not: vision comes from the features.
    let vision = Model::parse(r#"{"id":"v","supported_features":["vision"]}"#).unwrap();
    summary.uses_tools = false;
    summary.uses_json_schema = false;
    summary.reasoning_requested = false;
    summary.has_audio = false;
    assert!(vision.check(&summary).is_empty());
    // Modalities say image, features say nothing of vision: accepted.
    let image =
        Model::parse(r#"{"id":"i","supported_features":[],"input_modalities":["image"]}"#).unwrap();
    assert!(image.check(&summary).is_empty());
}

#[test]
fn plain_requests_pass_on_every_model() {
    let summary = chat(
        r#"{"model":"x","messages":[{"role":"user","content":"hi"}],"max_tokens":1024,
        "tools":[{"type":"function","function":{"name":"f"}}]}"#,
    );
    for m in &catalog().models {
        assert!(m.check(&summary).is_empty(), "{}", m.id);
    }
}

// -------------------------------------------------------------------- cost

/// A usage object, the model it ran on, and its cost computed by hand.
struct Case {
    model: &'static str,
    usage: &'static str,
    tokens: TokenCounts,
    total: &'static str,
}

const fn tokens(input: u64, cached_input: u64, output: u64) -> TokenCounts {
    TokenCounts {
        input,
        cached_input,
        output,
    }
}

/// Hand computation in each comment; prices per token from the catalog.
const CORPUS: [Case; 8] = [
    // 1000 × 0.00000174 + 500 × 0.00000348 = 0.00174 + 0.00174.
    // Reasoning (200) is inside completion_tokens: not added again.
    Case {
        model: "deepseek-ai/DeepSeek-V4-Pro",
        usage: r#"{"prompt_tokens":1000,"completion_tokens":500,"total_tokens":1500,
                  "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":200}}"#,
        tokens: tokens(1000, 0, 500),
        total: "0.00348",
    },
    // (12000 − 8192) × 0.00000174 = 0.00662592; 8192 × 0.000000145 = 0.00118784;
    // 300 × 0.00000348 = 0.001044; sum 0.00885776.
    Case {
        model: "deepseek-ai/DeepSeek-V4-Pro",
        usage: r#"{"prompt_tokens":12000,"completion_tokens":300,"prompt_tokens_details":{"cached_tokens":8192}}"#,
        tokens: tokens(3808, 8192, 300),
        total: "0.00885776",
    },
    // 37 × 0.0000006 = 0.0000222; no completion.
    Case {
        model: "zai-org/GLM-4.7",
        usage: r#"{"prompt_tokens":37,"completion_tokens":0,"total_tokens":37}"#,
        tokens: tokens(37, 0, 0),
        total: "0.0000222",
    },
    // All of the prompt cached: 2 × 0.0000001 + 1 × 0.000003 = 0.0000032.
    Case {
        model: "moonshotai/Kimi-K2.5",
        usage: r#"{"prompt_tokens":2,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":null}"#,
        tokens: tokens(0, 2, 1),
        total: "0.0000032",
    },
    // A million each way: 0.3 + 1.2 (the per-million prices of the seeds).
    Case {
        model: "MiniMaxAI/MiniMax-M2.5",
        usage: r#"{"prompt_tokens":1000000,"completion_tokens":1000000}"#,
        tokens: tokens(1_000_000, 0, 1_000_000),
        total: "1.5",
    },
    // A full context of prompt: 128000 × 0.0000001 = 0.0128.
    Case {
        model: "openai/gpt-oss-120b",
        usage: r#"{"prompt_tokens":128000,"completion_tokens":0,"prompt_tokens_details":null}"#,
        tokens: tokens(128_000, 0, 0),
        total: "0.0128",
    },
    // reasoning_tokens (20) > completion_tokens (5): the completion count
    // cannot include them, so output is 25. 10 × 0.0000001 + 25 × 0.0000005.
    Case {
        model: "openai/gpt-oss-120b",
        usage: r#"{"prompt_tokens":10,"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":20}}"#,
        tokens: tokens(10, 0, 25),
        total: "0.0000135",
    },
    // Messages: input (900 + 50 cache writes) × 0.00000095 = 0.0009025;
    // 100 cache reads × 0.0000002 = 0.00002; 400 × 0.00000315 = 0.00126.
    Case {
        model: "zai-org/GLM-5",
        usage: r#"{"input_tokens":900,"cache_creation_input_tokens":50,"cache_read_input_tokens":100,"output_tokens":400}"#,
        tokens: tokens(950, 100, 400),
        total: "0.0021825",
    },
];

#[test]
fn corpus_costs_match_hand_computed_values() {
    let catalog = catalog();
    for case in &CORPUS {
        let tokens = TokenCounts::from_usage(case.usage).unwrap();
        assert_eq!(tokens, case.tokens, "{}", case.usage);
        let cost = catalog.get(case.model).unwrap().cost(&tokens);
        assert_eq!(cost.total, Some(usd(case.total)), "{}", case.usage);
        assert_eq!(cost.total.unwrap().to_string(), case.total);
        assert!(cost.unknown.is_empty());
        assert_eq!(cost.unknown_message(case.model), None);
        // The parts add up to the total.
        let parts = cost
            .input
            .unwrap()
            .checked_add(cost.cached_input.unwrap())
            .unwrap();
        assert_eq!(parts.checked_add(cost.output.unwrap()), cost.total);
    }
}

#[test]
fn cost_parts_of_a_cached_request() {
    let cost = model("deepseek-ai/DeepSeek-V4-Pro").cost(&CORPUS[1].tokens);
    assert_eq!(cost.input, Some(usd("0.00662592")));
    assert_eq!(cost.cached_input, Some(usd("0.00118784")));
    assert_eq!(cost.output, Some(usd("0.001044")));
}

#[test]
fn protocol_specific_readers() {
    let chat = TokenCounts::from_chat_usage(
        r#"{"prompt_tokens":100,"completion_tokens":50,"total_tokens":150,
            "prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},
            "completion_tokens_details":{"reasoning_tokens":30,"accepted_prediction_tokens":0}}"#,
    )
    .unwrap();
    assert_eq!(chat, tokens(36, 64, 50));
    assert_eq!(TokenCounts::chat(100, 50, 64, 30), chat);
    // Cached tokens beyond the prompt (inconsistent data) are capped.
    assert_eq!(TokenCounts::chat(5, 0, 9, 0), tokens(0, 5, 0));

    let messages = TokenCounts::from_messages_usage(
        r#"{"input_tokens":12,"output_tokens":34,"cache_read_input_tokens":56,"cache_creation_input_tokens":0,
            "service_tier":"standard"}"#,
    )
    .unwrap();
    assert_eq!(messages, tokens(12, 56, 34));
    assert_eq!(TokenCounts::messages(12, 34, 56, 0), messages);
    // message_start's usage before any output; nulls are zero.
    assert_eq!(
        TokenCounts::from_usage(
            r#"{"input_tokens":7,"output_tokens":1,"cache_read_input_tokens":null}"#
        )
        .unwrap(),
        tokens(7, 0, 1)
    );
    assert_eq!(TokenCounts::from_usage("{}").unwrap(), tokens(0, 0, 0));
    // JavaScript writes integral floats.
    assert_eq!(
        TokenCounts::from_chat_usage(r#"{"prompt_tokens":3.0}"#).unwrap(),
        tokens(3, 0, 0)
    );
}

#[test]
fn unreadable_usage_names_the_field() {
    let err = |json: &str| TokenCounts::from_usage(json).unwrap_err().to_string();
    assert_eq!(
        err(r#"{"prompt_tokens":-1}"#),
        "invalid usage: prompt_tokens: must be a non-negative integer"
    );
    assert_eq!(
        err(r#"{"prompt_tokens":1.5}"#),
        "invalid usage: prompt_tokens: must be a non-negative integer"
    );
    assert_eq!(
        err(r#"{"completion_tokens":"7"}"#),
        "invalid usage: completion_tokens: must be a non-negative integer"
    );
    assert_eq!(
        err(r#"{"prompt_tokens_details":{"cached_tokens":true}}"#),
        "invalid usage: prompt_tokens_details.cached_tokens: must be a non-negative integer"
    );
    assert_eq!(
        err(r#"{"prompt_tokens_details":[]}"#),
        "invalid usage: prompt_tokens_details: must be an object"
    );
    assert_eq!(
        err(r#"{"output_tokens":{}}"#),
        "invalid usage: output_tokens: must be a non-negative integer"
    );
    assert_eq!(err("null"), "invalid usage: must be a JSON object");
    assert_eq!(err("not json"), "invalid usage: must be a JSON object");
}

#[test]
fn unknown_prices_give_an_unknown_cost_naming_them() {
    let nemotron = model("nvidia/Nemotron-120B-A12B");
    let cost = nemotron.cost(&tokens(100, 0, 20));
    assert_eq!(
        (cost.input, cost.cached_input, cost.output, cost.total),
        (None, Some(Usd::ZERO), None, None)
    );
    assert_eq!(cost.unknown, [PriceKind::Prompt, PriceKind::Completion]);
    assert_eq!(
        cost.unknown_message("nvidia/Nemotron-120B-A12B").unwrap(),
        "cost unknown for nvidia/Nemotron-120B-A12B: no price for prompt, completion"
    );
    // No tokens of an unpriced kind: the cost is known, and zero here.
    assert_eq!(nemotron.cost(&tokens(0, 0, 0)).total, Some(Usd::ZERO));

    // Only the cache price missing: known until cached tokens appear.
    let partial = Pricing {
        prompt: Usd::parse("0.000001"),
        completion: Usd::parse("0.000002"),
        input_cache_read: Usd::parse(""),
        extra: Vec::new(),
    };
    assert_eq!(partial.cost(&tokens(10, 0, 1)).total, Some(usd("0.000012")));
    let cost = partial.cost(&tokens(10, 5, 1));
    assert_eq!(cost.total, None);
    assert_eq!(cost.input, Some(usd("0.00001")));
    assert_eq!(cost.unknown, [PriceKind::InputCacheRead]);
    assert_eq!(cost.unknown[0].key(), "input_cache_read");
}

#[test]
fn an_amount_past_the_range_is_unknown_without_a_missing_price() {
    let absurd = Pricing {
        prompt: Some(Usd::from_atto(u128::MAX / 2)),
        completion: Some(Usd::ZERO),
        input_cache_read: Some(Usd::ZERO),
        extra: Vec::new(),
    };
    let cost = absurd.cost(&tokens(3, 0, 0));
    assert_eq!((cost.input, cost.total), (None, None));
    assert!(cost.unknown.is_empty());
    assert_eq!(
        cost.unknown_message("m").unwrap(),
        "cost unknown for m: the amount is out of range"
    );
}

// ------------------------------------------------------------------- meter

#[test]
fn ten_thousand_requests_sum_exactly() {
    let v4 = model("deepseek-ai/DeepSeek-V4-Pro");
    let cost = v4.cost(&TokenCounts::from_usage(CORPUS[1].usage).unwrap());
    let mut meter = Meter::new();
    let mut float = 0.0f64;
    for _ in 0..10_000 {
        meter.add(&cost);
        float += 0.00885776;
    }
    assert_eq!(meter.total().to_string(), "88.5776");
    assert_eq!(meter.requests(), 10_000);
    assert!(meter.is_complete());
    assert_eq!(meter.tokens(), tokens(38_080_000, 81_920_000, 3_000_000));
    // What binary floats would have reported instead.
    assert_ne!(float, 88.5776);
}

#[test]
fn mixed_corpus_of_ten_thousand_sums_exactly() {
    // 1250 rounds of the 8 corpus cases: 1250 × 1.52735916 = 1909.19895.
    let catalog = catalog();
    let costs: Vec<_> = CORPUS
        .iter()
        .map(|c| {
            catalog
                .get(c.model)
                .unwrap()
                .cost(&TokenCounts::from_usage(c.usage).unwrap())
        })
        .collect();
    let mut meter = Meter::new();
    for i in 0..10_000 {
        meter.add(&costs[i % costs.len()]);
    }
    assert_eq!(meter.total(), usd("1909.19895"));
    assert_eq!(meter.total().to_string(), "1909.19895");
    assert_eq!(meter.requests(), 10_000);
}

#[test]
fn unpriced_requests_are_counted_apart() {
    let catalog = catalog();
    let priced = catalog.get("zai-org/GLM-5").unwrap().cost(&tokens(1, 0, 1));
    let unpriced = catalog
        .get("nvidia/Nemotron-120B-A12B")
        .unwrap()
        .cost(&tokens(1, 0, 1));
    let mut meter = Meter::new();
    meter.add(&priced);
    meter.add(&unpriced);
    meter.add(&priced);
    assert_eq!(meter.total(), usd("0.0000082"));
    assert_eq!((meter.requests(), meter.unpriced_requests()), (3, 1));
    assert!(!meter.is_complete());
    assert_eq!(meter.tokens(), tokens(3, 0, 3));
}

proptest! {
    #[test]
    fn meter_total_is_the_exact_sum(counts in proptest::collection::vec((0u64..1_000_000, 0u64..1_000_000, 0u64..100_000), 1..50)) {
        let pricing = model("deepseek-ai/DeepSeek-V4-Pro").pricing;
        let mut meter = Meter::new();
        let mut atto: u128 = 0;
        for (input, cached, output) in counts {
            meter.add(&pricing.cost(&tokens(input, cached, output)));
            atto += u128::from(input) * 1_740_000_000_000
                + u128::from(cached) * 145_000_000_000
                + u128::from(output) * 3_480_000_000_000;
        }
        prop_assert_eq!(meter.total(), Usd::from_atto(atto));
    }
}
