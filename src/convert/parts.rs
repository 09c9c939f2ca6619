//! Content both protocols have, in user turns, the system prompt and tool
//! results: text, and images as a `data:` URL or a link.

use super::LossKind::{Dropped, Reshaped, Unsupported};
use super::raw::{Obj, Out, Report, as_array, as_str, index, join, text_item, write_list};
use serde_json::value::RawValue;

pub(super) const NO_MESSAGES: &str = "no Messages equivalent";
pub(super) const NO_CHAT: &str = "no Chat Completions equivalent";
const NO_CACHE_CONTROL: &str =
    "no Chat Completions equivalent (Baseten caches prompts automatically)";
const NO_CITATIONS: &str = "Chat Completions has no citations";

/// Messages content being built.
pub(super) enum Content {
    /// A string, as JSON.
    Text(String),
    /// Blocks, each as JSON.
    Blocks(Vec<String>),
}

impl Content {
    /// The content as JSON.
    pub fn to_json(&self) -> String {
        match self {
            Content::Text(text) => text.clone(),
            Content::Blocks(blocks) => {
                let mut out = String::new();
                write_list(&mut out, blocks);
                out
            }
        }
    }
}

/// Chat `content` (a string, or an array of parts) as Messages content (a
/// string, or an array of blocks); `None` when it is neither.
pub(super) fn content_to_blocks(
    raw: &RawValue,
    path: &str,
    report: &mut Report,
) -> Option<Content> {
    if raw.get().starts_with('"') {
        return Some(Content::Text(raw.get().to_owned()));
    }
    let Some(parts) = as_array(raw) else {
        report.add(path, Dropped, "not a string or an array of parts");
        return None;
    };
    let mut blocks = Vec::with_capacity(parts.len());
    for (i, part) in parts.into_iter().enumerate() {
        blocks.extend(part_to_block(part, &index(path, i), report));
    }
    Some(Content::Blocks(blocks))
}

/// Messages `content` as Chat `content`, in JSON; `None` when it is neither
/// a string nor an array.
pub(super) fn content_to_parts(raw: &RawValue, path: &str, report: &mut Report) -> Option<String> {
    if raw.get().starts_with('"') {
        return Some(raw.get().to_owned());
    }
    let Some(blocks) = as_array(raw) else {
        report.add(path, Dropped, "not a string or an array of blocks");
        return None;
    };
    let mut parts = Vec::with_capacity(blocks.len());
    for (i, block) in blocks.into_iter().enumerate() {
        parts.extend(block_to_part(block, &index(path, i), report));
    }
    let mut out = String::new();
    write_list(&mut out, &parts);
    Some(out)
}

/// One Chat content part as a Messages block: text, or an image.
pub(super) fn part_to_block(raw: &RawValue, path: &str, report: &mut Report) -> Option<String> {
    let Some(mut part) = Obj::parse(raw) else {
        report.add(path, Dropped, "not an object");
        return None;
    };
    let kind = part.take_str("type");
    let block = match kind.as_deref() {
        Some("text") => text_item(&part.take_str("text").unwrap_or_default()),
        Some("image_url") => image_block(&mut part, path, report)?,
        Some(other) => {
            let reason = ["a ", other, " part has no Messages equivalent"].concat();
            report.add(path, Dropped, &reason);
            return None;
        }
        None => {
            report.add(path, Dropped, "a part without a type");
            return None;
        }
    };
    part.report_rest(path, Dropped, NO_MESSAGES, report);
    Some(block)
}

/// One Messages block as a Chat content part: text, or an image.
pub(super) fn block_to_part(raw: &RawValue, path: &str, report: &mut Report) -> Option<String> {
    let Some(mut block) = Obj::parse(raw) else {
        report.add(path, Dropped, "not an object");
        return None;
    };
    let kind = block.take_str("type");
    let part = match kind.as_deref() {
        Some("text") => text_item(&block.take_str("text").unwrap_or_default()),
        Some("image") => image_part(&mut block, path, report)?,
        Some(other) => {
            let reason = ["a ", other, " block has no Chat Completions equivalent"].concat();
            report.add(path, Dropped, &reason);
            return None;
        }
        None => {
            report.add(path, Dropped, "a block without a type");
            return None;
        }
    };
    report_block_rest(block, path, report);
    Some(part)
}

/// Reports the keys of a Messages block that Chat has no place for.
pub(super) fn report_block_rest(block: Obj<'_>, path: &str, report: &mut Report) {
    for (key, value) in block.rest() {
        if value.get() == "null" {
            continue;
        }
        let reason = match key.as_str() {
            "cache_control" => NO_CACHE_CONTROL,
            "citations" => NO_CITATIONS,
            _ => NO_CHAT,
        };
        report.add(&join(path, key.as_str()), Dropped, reason);
    }
}

/// `{type: image_url, image_url: {url}}` → `{type: image, source}`: a
/// base64 `data:` URL becomes a base64 source, anything else a url source.
fn image_block(part: &mut Obj<'_>, path: &str, report: &mut Report) -> Option<String> {
    let at = join(path, "image_url");
    let Some(raw) = part.take("image_url") else {
        report.add(&at, Dropped, "an image part without an image_url");
        return None;
    };
    let url = match Obj::parse(raw) {
        Some(mut image) => {
            let url = image.take_str("url").unwrap_or_default();
            if image.take("detail").is_some() {
                report.add(
                    &join(&at, "detail"),
                    Dropped,
                    "Messages images have no detail level",
                );
            }
            image.report_rest(&at, Dropped, NO_MESSAGES, report);
            url
        }
        // Some clients send the URL bare; it comes back as {url}.
        None => {
            report.add(&at, Reshaped, "a bare URL string: comes back as {url}");
            as_str(raw).unwrap_or_default()
        }
    };
    let mut source = Out::new();
    match split_data_url(&url) {
        Some((media_type, data)) => {
            source.str("type", "base64");
            source.str("media_type", media_type);
            source.str("data", data);
        }
        None => {
            if url.starts_with("data:") {
                report.add(
                    &join(&at, "url"),
                    Unsupported,
                    "not a base64 data: URL: sent as a url source, which Messages servers may refuse",
                );
            }
            source.str("type", "url");
            source.str("url", &url);
        }
    }
    let mut block = Out::new();
    block.str("type", "image");
    block.raw("source", &source.finish());
    Some(block.finish())
}

/// `{type: image, source}` → `{type: image_url, image_url: {url}}`.
fn image_part(block: &mut Obj<'_>, path: &str, report: &mut Report) -> Option<String> {
    let at = join(path, "source");
    let Some(mut source) = block.take_obj("source") else {
        report.add(&at, Dropped, "an image block without a source");
        return None;
    };
    let url = match source.take_str("type").as_deref() {
        Some("base64") => {
            let media_type = source.take_str("media_type").unwrap_or_default();
            let data = source.take_str("data").unwrap_or_default();
            ["data:", &media_type, ";base64,", &data].concat()
        }
        Some("url") => source.take_str("url").unwrap_or_default().into_owned(),
        other => {
            let reason = [
                "a ",
                other.unwrap_or("typeless"),
                " image source has no Chat Completions equivalent",
            ]
            .concat();
            report.add(&at, Dropped, &reason);
            return None;
        }
    };
    source.report_rest(&at, Dropped, NO_CHAT, report);
    let mut image = Out::new();
    image.str("url", &url);
    let mut part = Out::new();
    part.str("type", "image_url");
    part.raw("image_url", &image.finish());
    Some(part.finish())
}

/// `data:<media type>;base64,<data>` → (media type, data). Other `data:`
/// forms (no `;base64`, more parameters) have no base64 source equivalent.
fn split_data_url(url: &str) -> Option<(&str, &str)> {
    let (head, data) = url.strip_prefix("data:")?.split_once(',')?;
    let media_type = head.strip_suffix(";base64")?;
    if media_type.is_empty() || media_type.contains(';') {
        return None;
    }
    Some((media_type, data))
}
