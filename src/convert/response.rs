//! A `chat.completion` as a Messages `message` and back, and the pieces the
//! stream converters share with it: stop reasons and usage.

use super::LossKind::{Approximated, Dropped, Reshaped, Unsupported};
use super::assistant::{self, Mode};
use super::parts::{Content, NO_CHAT, NO_MESSAGES};
use super::raw::{Obj, Out, Report, as_str, as_u64, index, join};
use super::{ConvertError, Converted};
use serde_json::value::RawValue;

/// Converts a `chat.completion` to a Messages `message`.
///
/// The first choice becomes the message; see the [module docs](super) for
/// each mapping and each loss.
///
/// ```
/// use modelwire::convert::chat_to_messages_response;
/// let converted = chat_to_messages_response(
///     r#"{"id":"c1","object":"chat.completion","created":1,"model":"m",
///         "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
///         "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"#,
/// )
/// .unwrap();
/// assert_eq!(
///     converted.json,
///     r#"{"id":"c1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}"#
/// );
/// assert_eq!(converted.dropped[0].path, "created");
/// ```
pub fn chat_to_messages_response(body: &str) -> Result<Converted, ConvertError> {
    let mut completion = Obj::root(body)?;
    let mut report = Report::default();
    let mut out = Out::new();
    if let Some(id) = completion.take("id") {
        out.raw("id", id.get());
    }
    out.str("type", "message");
    out.str("role", "assistant");
    completion.take("object");
    if completion.take("created").is_some() {
        report.add(
            "created",
            Dropped,
            "a Messages message has no creation time",
        );
    }
    if let Some(model) = completion.take("model") {
        out.raw("model", model.get());
    }
    let mut blocks = Vec::new();
    let mut stop = (None, None);
    let choices = completion.take_array("choices").unwrap_or_default();
    for (i, raw) in choices.into_iter().enumerate() {
        let path = index("choices", i);
        if i > 0 {
            report.add(
                &path,
                Dropped,
                "Messages has one reply: only the first choice is kept",
            );
            continue;
        }
        let Some(mut choice) = Obj::parse(raw) else {
            report.add(&path, Dropped, "not an object");
            continue;
        };
        if choice.take("index").is_some_and(|n| n.get() != "0") {
            report.add(&join(&path, "index"), Reshaped, "comes back as 0");
        }
        let message_path = join(&path, "message");
        if let Some(mut message) = choice.take_obj("message") {
            message.take("role");
            match assistant::chat_to_blocks(
                &mut message,
                &message_path,
                Mode::Response,
                &mut report,
            ) {
                Content::Blocks(list) => blocks = list,
                Content::Text(_) => {}
            }
            message.report_rest(&message_path, Dropped, NO_MESSAGES, &mut report);
        }
        let finish = choice.take_str("finish_reason");
        let stop_reason = choice.take("stop_reason");
        stop = finish_to_stop(finish.as_deref(), stop_reason, &path, &mut report);
        if choice.take("logprobs").is_some() {
            report.add(
                &join(&path, "logprobs"),
                Dropped,
                "Messages has no log probabilities",
            );
        }
        choice.report_rest(&path, Dropped, NO_MESSAGES, &mut report);
    }
    out.list("content", &blocks);
    out.opt_str("stop_reason", stop.0.as_deref());
    out.opt_str("stop_sequence", stop.1.as_deref());
    let usage = chat_usage_to_messages(completion.take("usage"), "usage", &mut report);
    out.raw("usage", &usage);
    for key in ["system_fingerprint", "service_tier"] {
        if completion.take(key).is_some() {
            report.add(key, Dropped, NO_MESSAGES);
        }
    }
    // Fields neither protocol defines (`timings`, …) are the server's.
    out.extra(&completion.rest());
    Ok(Converted {
        json: out.finish(),
        dropped: report.0,
    })
}

/// Converts a Messages `message` to a `chat.completion` with one choice.
///
/// Messages has no creation time: `created` is 0. See the
/// [module docs](super) for each mapping and each loss.
///
/// ```
/// use modelwire::convert::messages_to_chat_response;
/// let converted = messages_to_chat_response(
///     r#"{"id":"msg_1","type":"message","role":"assistant","model":"m",
///         "content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,
///         "usage":{"input_tokens":5,"output_tokens":1}}"#,
/// )
/// .unwrap();
/// assert_eq!(
///     converted.json,
///     r#"{"id":"msg_1","object":"chat.completion","created":0,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"#
/// );
/// assert!(converted.dropped.is_empty());
/// ```
pub fn messages_to_chat_response(body: &str) -> Result<Converted, ConvertError> {
    let mut message = Obj::root(body)?;
    let mut report = Report::default();
    let mut out = Out::new();
    if let Some(id) = message.take("id") {
        out.raw("id", id.get());
    }
    out.str("object", "chat.completion");
    out.num("created", 0);
    if let Some(model) = message.take("model") {
        out.raw("model", model.get());
    }
    message.take("type");
    message.take("role");
    let chat = assistant::blocks_to_chat(
        message.take("content"),
        "content",
        Mode::Response,
        &mut report,
    );
    let stop_reason = message.take_str("stop_reason");
    let stop_sequence = message.take_str("stop_sequence");
    let (finish, matched) = stop_to_finish(
        stop_reason.as_deref(),
        stop_sequence.as_deref(),
        "",
        &mut report,
    );
    let mut reply = Out::new();
    reply.str("role", "assistant");
    chat.write(&mut reply, true);
    let mut choice = Out::new();
    choice.num("index", 0);
    choice.raw("message", &reply.finish());
    choice.raw("logprobs", "null");
    choice.opt_str("finish_reason", finish);
    if let Some(matched) = matched {
        choice.str("stop_reason", matched);
    }
    out.raw("choices", &["[", &choice.finish(), "]"].concat());
    let usage = messages_usage_to_chat(message.take("usage"), "usage", &mut report);
    out.raw("usage", &usage);
    for key in ["container", "stop_details", "context_management"] {
        if message.take(key).is_some() {
            report.add(key, Dropped, NO_CHAT);
        }
    }
    out.extra(&message.rest());
    Ok(Converted {
        json: out.finish(),
        dropped: report.0,
    })
}

/// A Chat `finish_reason` (and vLLM's `stop_reason` beside it: the stop
/// string matched, or a stop token id) as Messages `stop_reason` and
/// `stop_sequence`. `path` is the choice's.
pub(super) fn finish_to_stop(
    finish: Option<&str>,
    stop_reason: Option<&RawValue>,
    path: &str,
    report: &mut Report,
) -> (Option<String>, Option<String>) {
    let matched = stop_reason.and_then(as_str);
    let stop_path = join(path, "stop_reason");
    let reason = match finish {
        None => None,
        Some("stop") => {
            if let Some(matched) = matched {
                return (Some("stop_sequence".to_owned()), Some(matched.into_owned()));
            }
            Some("end_turn")
        }
        Some("length") => Some("max_tokens"),
        Some("tool_calls") => Some("tool_use"),
        Some("function_call") => {
            report.add(
                &join(path, "finish_reason"),
                Reshaped,
                "legacy function_call: comes back as tool_calls",
            );
            Some("tool_use")
        }
        Some("content_filter") => Some("refusal"),
        Some(other) => {
            report.add(
                &join(path, "finish_reason"),
                Unsupported,
                "not a finish reason Messages knows: carried as it is",
            );
            return (Some(other.to_owned()), None);
        }
    };
    if let Some(raw) = stop_reason {
        let why = if raw.get().starts_with('"') {
            "a matched stop string without finish_reason stop"
        } else {
            "a stop token id: Messages names stop strings only"
        };
        report.add(&stop_path, Dropped, why);
    }
    (reason.map(str::to_owned), None)
}

/// A Messages `stop_reason` (and `stop_sequence`) as a Chat `finish_reason`,
/// and the matched stop string to set as the choice's `stop_reason` (vLLM's
/// field). `path` is the message's.
pub(super) fn stop_to_finish<'s>(
    stop_reason: Option<&'s str>,
    stop_sequence: Option<&'s str>,
    path: &str,
    report: &mut Report,
) -> (Option<&'s str>, Option<&'s str>) {
    let finish = match stop_reason {
        None => None,
        Some("end_turn") => Some("stop"),
        Some("stop_sequence") => return (Some("stop"), stop_sequence),
        Some("max_tokens") => Some("length"),
        Some("tool_use") => Some("tool_calls"),
        Some("refusal") => Some("content_filter"),
        Some("pause_turn") => {
            report.add(
                &join(path, "stop_reason"),
                Approximated,
                "pause_turn (a server tool paused): sent as stop",
            );
            Some("stop")
        }
        Some("model_context_window_exceeded") => {
            report.add(
                &join(path, "stop_reason"),
                Approximated,
                "the context window is full: sent as length",
            );
            Some("length")
        }
        Some(other) => {
            report.add(
                &join(path, "stop_reason"),
                Unsupported,
                "not a stop reason Chat knows: carried as it is",
            );
            Some(other)
        }
    };
    if stop_sequence.is_some() {
        report.add(
            &join(path, "stop_sequence"),
            Dropped,
            "set although the stop reason is not stop_sequence",
        );
    }
    (finish, None)
}

/// Chat usage as Messages usage. Chat's `prompt_tokens` counts cached
/// tokens; Messages' `input_tokens` does not, so the cached ones move to
/// `cache_read_input_tokens`.
pub(super) fn chat_usage_to_messages(
    raw: Option<&RawValue>,
    path: &str,
    report: &mut Report,
) -> String {
    let mut out = Out::new();
    let Some(mut usage) = raw.and_then(Obj::parse) else {
        report.add(
            path,
            Approximated,
            "absent: Messages requires usage, zeros are sent",
        );
        out.num("input_tokens", 0);
        out.num("output_tokens", 0);
        return out.finish();
    };
    let prompt = usage.take("prompt_tokens").and_then(as_u64).unwrap_or(0);
    let completion = usage
        .take("completion_tokens")
        .and_then(as_u64)
        .unwrap_or(0);
    let total = usage.take("total_tokens").and_then(as_u64);
    let mut cached = None;
    let details_path = join(path, "prompt_tokens_details");
    if let Some(mut details) = usage.take_obj("prompt_tokens_details") {
        cached = details.take("cached_tokens").and_then(as_u64);
        details.report_rest(&details_path, Dropped, NO_MESSAGES, report);
    }
    out.num("input_tokens", prompt.saturating_sub(cached.unwrap_or(0)));
    out.num("output_tokens", completion);
    if let Some(cached) = cached {
        out.num("cache_read_input_tokens", cached);
    }
    if total.is_some_and(|total| total != prompt.saturating_add(completion)) {
        report.add(
            &join(path, "total_tokens"),
            Dropped,
            "not prompt_tokens + completion_tokens: comes back as their sum",
        );
    }
    usage.report_rest(path, Dropped, NO_MESSAGES, report);
    out.finish()
}

/// Messages usage as Chat usage: `prompt_tokens` is every input token,
/// cached or not.
pub(super) fn messages_usage_to_chat(
    raw: Option<&RawValue>,
    path: &str,
    report: &mut Report,
) -> String {
    let Some(mut usage) = raw.and_then(Obj::parse) else {
        return "null".to_owned();
    };
    let input = usage.take("input_tokens").and_then(as_u64).unwrap_or(0);
    let output = usage.take("output_tokens").and_then(as_u64).unwrap_or(0);
    let read = usage.take("cache_read_input_tokens").and_then(as_u64);
    let written = usage.take("cache_creation_input_tokens").and_then(as_u64);
    if written.is_some() {
        report.add(
            &join(path, "cache_creation_input_tokens"),
            Dropped,
            "Chat has no cache-write count: counted in prompt_tokens, it comes back in input_tokens",
        );
    }
    let prompt = input
        .saturating_add(read.unwrap_or(0))
        .saturating_add(written.unwrap_or(0));
    let mut out = Out::new();
    out.num("prompt_tokens", prompt);
    out.num("completion_tokens", output);
    out.num("total_tokens", prompt.saturating_add(output));
    if let Some(read) = read {
        let mut details = Out::new();
        details.num("cached_tokens", read);
        out.raw("prompt_tokens_details", &details.finish());
    }
    usage.report_rest(path, Dropped, NO_CHAT, report);
    out.finish()
}
