//! Capability checks: what a request asks of a model against what the
//! catalog says the model supports.

use super::{Model, push_u64};
use crate::validate::RequestSummary;
use std::fmt;

/// What a model lacks for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// Tools are declared and `supported_features` lacks `tools`.
    Tools,
    /// `response_format` `json_object` and no `json_mode`.
    JsonMode,
    /// A JSON schema (`response_format` `json_schema`, Messages
    /// `output_format`) and no `structured_outputs`.
    StructuredOutputs,
    /// An image part and neither `vision` in `supported_features` nor
    /// `image` in `input_modalities`.
    Vision,
    /// An `input_audio` part and no `audio` input modality.
    Audio,
    /// Reasoning options (`reasoning_effort`, `enable_thinking`, `thinking`)
    /// and neither `reasoning` nor `reasoning_effort` in the features.
    Reasoning,
    /// The output cap asked for is over the model's `max_completion_tokens`
    /// (or its `context_length`, when that is smaller or the only one known).
    MaxOutputTokens {
        /// `max_tokens` / `max_completion_tokens` of the request.
        requested: u64,
        /// The model's limit.
        limit: u64,
    },
}

impl Missing {
    /// The catalog's name for what is missing: `"tools"`, `"json_mode"`,
    /// `"structured_outputs"`, `"vision"`, `"audio"`, `"reasoning"`,
    /// `"max_completion_tokens"`.
    pub fn feature(&self) -> &'static str {
        match self {
            Missing::Tools => "tools",
            Missing::JsonMode => "json_mode",
            Missing::StructuredOutputs => "structured_outputs",
            Missing::Vision => "vision",
            Missing::Audio => "audio",
            Missing::Reasoning => "reasoning",
            Missing::MaxOutputTokens { .. } => "max_completion_tokens",
        }
    }
}

/// A request a model cannot serve, found before sending it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityError {
    /// The model's id.
    pub model: String,
    /// What it lacks.
    pub missing: Missing,
}

impl fmt::Display for CapabilityError {
    /// `model {id} does not support vision (image input)`, or for the
    /// output cap `model {id} allows at most {limit} output tokens; the
    /// request asks for {requested} (max_tokens)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("model ")?;
        f.write_str(&self.model)?;
        let what = match &self.missing {
            Missing::MaxOutputTokens { requested, limit } => {
                let mut text = String::from(" allows at most ");
                push_u64(&mut text, *limit);
                text.push_str(" output tokens; the request asks for ");
                push_u64(&mut text, *requested);
                text.push_str(" (max_tokens)");
                return f.write_str(&text);
            }
            Missing::Tools => "tools (tool calling)",
            Missing::JsonMode => "json_mode (response_format json_object)",
            Missing::StructuredOutputs => "structured_outputs (a JSON schema response format)",
            Missing::Vision => "vision (image input)",
            Missing::Audio => "audio input",
            Missing::Reasoning => "reasoning (reasoning_effort / thinking options)",
        };
        f.write_str(" does not support ")?;
        f.write_str(what)
    }
}

impl std::error::Error for CapabilityError {}

impl Model {
    /// Everything this model lacks for a request, in the order tools, JSON
    /// mode, structured outputs, vision, audio, reasoning, output cap; empty
    /// when it can serve it.
    ///
    /// A field the catalog leaves out proves nothing, so it never fails a
    /// check: without `supported_features` only the modalities and limits
    /// are checked.
    pub fn check(&self, summary: &RequestSummary) -> Vec<CapabilityError> {
        let mut missing = Vec::new();
        let features = self.supported_features.is_some();
        if features && summary.uses_tools && !self.supports("tools") {
            missing.push(Missing::Tools);
        }
        if features && summary.uses_json_object && !self.supports("json_mode") {
            missing.push(Missing::JsonMode);
        }
        if features && summary.uses_json_schema && !self.supports("structured_outputs") {
            missing.push(Missing::StructuredOutputs);
        }
        if summary.has_images
            && (features || self.input_modalities.is_some())
            && !self.supports("vision")
            && !self.accepts("image")
        {
            missing.push(Missing::Vision);
        }
        if summary.has_audio
            && self.input_modalities.is_some()
            && !self.accepts("audio")
            && !self.supports("audio")
        {
            missing.push(Missing::Audio);
        }
        if features
            && summary.reasoning_requested
            && !self.supports("reasoning")
            && !self.supports("reasoning_effort")
        {
            missing.push(Missing::Reasoning);
        }
        let limit = match (self.max_completion_tokens, self.context_length) {
            (Some(max), Some(context)) => Some(max.min(context)),
            (max, context) => max.or(context),
        };
        if let (Some(requested), Some(limit)) = (summary.max_output_tokens, limit)
            && requested > limit
        {
            missing.push(Missing::MaxOutputTokens { requested, limit });
        }
        missing
            .into_iter()
            .map(|missing| CapabilityError {
                model: self.id.clone(),
                missing,
            })
            .collect()
    }
}
