//! The JSON the converters read and write: objects read with their keys in
//! order and their values as raw text, so that what passes through (a tool's
//! schema, a tool call's input, a field neither protocol knows) comes out
//! byte for byte, key order included; and a writer that builds the output
//! text directly.

use super::{ConvertError, Loss, LossKind};
use crate::json::{Extra, Str, excerpt, json_object, write_str};
use serde_json::value::RawValue;
use std::borrow::Cow;

json_object! {
    /// Any object: every key lands in `extra`.
    pub struct Fields<'a> {}
}

/// An object's keys in order, values raw. Reading a key takes it out, so
/// what is left at the end is what the converter did not read.
pub(super) struct Obj<'a>(Extra<'a>);

impl<'a> Obj<'a> {
    /// The object in `raw`, or `None` when it is not an object.
    pub fn parse(raw: &'a RawValue) -> Option<Obj<'a>> {
        if !raw.get().starts_with('{') {
            return None;
        }
        serde_json::from_str::<Fields<'a>>(raw.get())
            .ok()
            .map(|fields| Obj(fields.extra))
    }

    /// The object in `raw` when its `type` is `kind` (the `type` taken).
    pub fn typed(raw: &'a RawValue, kind: &str) -> Option<Obj<'a>> {
        let mut obj = Obj::parse(raw)?;
        (obj.take_str("type").as_deref() == Some(kind)).then_some(obj)
    }

    /// A whole input document, which must be an object.
    pub fn root(text: &'a str) -> Result<Obj<'a>, ConvertError> {
        let raw: &RawValue = serde_json::from_str(text).map_err(|err| invalid(text, &err))?;
        Obj::parse(raw).ok_or(ConvertError::NotAnObject)
    }

    /// Takes `key` out; `null` reads as absent (both protocols accept `null`
    /// for every optional field).
    pub fn take(&mut self, key: &str) -> Option<&'a RawValue> {
        self.take_raw(key).filter(|raw| !is_null(raw))
    }

    /// Takes `key` out, `null` included.
    pub fn take_raw(&mut self, key: &str) -> Option<&'a RawValue> {
        let at = self.0.iter().position(|(k, _)| k.as_str() == key)?;
        Some(self.0.remove(at).1)
    }

    /// Takes `key` out as a string; another type reads as absent.
    pub fn take_str(&mut self, key: &str) -> Option<Cow<'a, str>> {
        self.take(key).and_then(as_str)
    }

    /// Takes `key` out as an object.
    pub fn take_obj(&mut self, key: &str) -> Option<Obj<'a>> {
        self.take(key).and_then(Obj::parse)
    }

    /// Takes `key` out as an array.
    pub fn take_array(&mut self, key: &str) -> Option<Vec<&'a RawValue>> {
        self.take(key).and_then(as_array)
    }

    /// Whether `key` is present and not `null`, without taking it.
    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, v)| k.as_str() == key && !is_null(v))
    }

    /// The keys not read, with their values.
    pub fn rest(self) -> Extra<'a> {
        self.0
    }

    /// Reports every key not read (other than `null` ones) as `kind`.
    pub fn report_rest(self, path: &str, kind: LossKind, reason: &str, report: &mut Report) {
        for (key, value) in self.0 {
            if !is_null(value) {
                report.add(&join(path, key.as_str()), kind, reason);
            }
        }
    }
}

/// A string's text.
pub(super) fn as_str(raw: &RawValue) -> Option<Cow<'_, str>> {
    serde_json::from_str::<Str<'_>>(raw.get()).ok().map(|s| s.0)
}

/// An array's elements.
pub(super) fn as_array(raw: &RawValue) -> Option<Vec<&RawValue>> {
    if !raw.get().starts_with('[') {
        return None;
    }
    serde_json::from_str(raw.get()).ok()
}

/// A non-negative integer.
pub(super) fn as_u64(raw: &RawValue) -> Option<u64> {
    serde_json::from_str(raw.get()).ok()
}

/// A number.
pub(super) fn as_f64(raw: &RawValue) -> Option<f64> {
    serde_json::from_str(raw.get()).ok()
}

/// A boolean.
pub(super) fn as_bool(raw: &RawValue) -> Option<bool> {
    serde_json::from_str(raw.get()).ok()
}

pub(super) fn is_null(raw: &RawValue) -> bool {
    raw.get() == "null"
}

/// Whether `text` is one JSON value (whitespace around it allowed, as
/// `JSON.parse` allows it).
pub(super) fn is_json(text: &str) -> bool {
    serde_json::from_str::<&RawValue>(text).is_ok()
}

/// Whether `text` is a JSON object.
pub(super) fn is_json_object(text: &str) -> bool {
    text.trim_ascii_start().starts_with('{') && is_json(text)
}

pub(super) fn invalid(text: &str, err: &serde_json::Error) -> ConvertError {
    ConvertError::InvalidJson {
        reason: err.to_string(),
        excerpt: excerpt(text).to_owned(),
    }
}

/// Builds one JSON object, key by key.
pub(super) struct Out(String);

impl Out {
    pub fn new() -> Out {
        Out(String::from("{"))
    }

    /// Writes `"key":` and gives the buffer for the value.
    pub fn key(&mut self, key: &str) -> &mut String {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        write_str(&mut self.0, key);
        self.0.push(':');
        &mut self.0
    }

    /// A value already in JSON.
    pub fn raw(&mut self, key: &str, json: &str) {
        self.key(key).push_str(json);
    }

    pub fn str(&mut self, key: &str, text: &str) {
        write_str(self.key(key), text);
    }

    /// A string, or `null`.
    pub fn opt_str(&mut self, key: &str, text: Option<&str>) {
        match text {
            Some(text) => self.str(key, text),
            None => self.raw(key, "null"),
        }
    }

    pub fn num(&mut self, key: &str, n: u64) {
        self.key(key).push_str(&n.to_string());
    }

    /// An array of values already in JSON.
    pub fn list(&mut self, key: &str, items: &[String]) {
        write_list(self.key(key), items);
    }

    /// Copies keys as they came.
    pub fn extra(&mut self, extra: &Extra<'_>) {
        for (key, value) in extra {
            self.raw(key.as_str(), value.get());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.len() == 1
    }

    pub fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// `[a,b,…]` of values already in JSON.
pub(super) fn write_list(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
}

/// `text` as a JSON string literal.
pub(super) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    write_str(&mut out, text);
    out
}

/// `{"type":"text","text":…}`: a Messages text block and a Chat text part alike.
pub(super) fn text_item(text: &str) -> String {
    let mut out = Out::new();
    out.str("type", "text");
    out.str("text", text);
    out.finish()
}

/// `base.key`, or `key` at the top.
pub(super) fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        return key.to_owned();
    }
    [base, ".", key].concat()
}

/// `base[i]`.
pub(super) fn index(base: &str, i: usize) -> String {
    [base, "[", &i.to_string(), "]"].concat()
}

/// What a conversion could not carry over faithfully, in source order.
#[derive(Debug, Default)]
pub(super) struct Report(pub Vec<Loss>);

impl Report {
    pub fn add(&mut self, path: &str, kind: LossKind, reason: &str) {
        self.0.push(Loss {
            path: path.to_owned(),
            kind,
            reason: reason.to_owned(),
        });
    }

    /// Adds a loss unless the same path already has one: a stream repeats
    /// the same fields on every chunk, and one entry says it.
    pub fn once(&mut self, path: &str, kind: LossKind, reason: &str) {
        if !self.0.iter().any(|loss| loss.path == path) {
            self.add(path, kind, reason);
        }
    }
}
