//! JSON helpers shared by the protocol modules: strings borrowed from the
//! input when they can be, objects that keep their unknown keys as raw JSON,
//! and a small writer for building output text directly.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// A JSON string borrowed from the input when it has no escapes, owned
/// otherwise. (serde's own `Cow<str>` always allocates outside derives.)
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Str<'a>(pub Cow<'a, str>);

impl<'a> Str<'a> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

/// Keys a protocol does not know, kept as their original JSON text so that a
/// field a server adds (`timings`, `stop_reason`, …) reaches the caller.
pub type Extra<'a> = Vec<(Str<'a>, &'a RawValue)>;

/// Owned unknown keys; a later value for the same key replaces the earlier.
#[derive(Debug, Clone, Default)]
pub struct ExtraFields(Vec<(String, Box<RawValue>)>);

impl ExtraFields {
    /// Sets each key of `extra`, keeping first-seen order. A value equal to
    /// the one held is left alone: streams repeat the same fields on every
    /// chunk, and copying them each time is most of the cost.
    pub fn merge(&mut self, extra: &Extra<'_>) {
        for (key, value) in extra {
            match self.0.iter_mut().find(|(k, _)| k == key.as_str()) {
                Some(slot) if slot.1.get() == value.get() => {}
                Some(slot) => slot.1 = (*value).to_owned(),
                None => self.0.push((key.as_str().to_owned(), (*value).to_owned())),
            }
        }
    }

    /// Sets one key to a JSON value.
    pub fn set(&mut self, key: &str, value: Box<RawValue>) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_owned(), value)),
        }
    }

    /// Sets one key to a string.
    pub fn set_str(&mut self, key: &str, text: &str) {
        let mut json = String::with_capacity(text.len() + 2);
        write_str(&mut json, text);
        // write_str always produces a valid JSON string literal.
        if let Ok(raw) = RawValue::from_string(json) {
            self.set(key, raw);
        }
    }

    /// The value of one key, if set.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }

    /// Whether no key is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Writes the fields as a JSON object, `{"key":value,…}`.
    pub fn write_object(&self, out: &mut String) {
        out.push('{');
        for (i, (key, value)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_str(out, key);
            out.push(':');
            out.push_str(value.get());
        }
        out.push('}');
    }

    /// Writes `,"key":value` for each field.
    pub fn write(&self, out: &mut String) {
        for (key, value) in &self.0 {
            out.push(',');
            write_str(out, key);
            out.push(':');
            out.push_str(value.get());
        }
    }
}

/// Declares a struct deserialized from a JSON object in one pass: the listed
/// keys into typed fields (borrowing strings), every other key into `extra`.
/// A `null` for a typed `Option` field reads as `None`.
macro_rules! json_object {
    ($(#[$meta:meta])* pub struct $name:ident<'a> { $($(#[$fmeta:meta])* $field:ident : $ty:ty = $key:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        pub struct $name<'a> {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Keys this type does not know, as raw JSON.
            pub extra: $crate::json::Extra<'a>,
        }

        impl<'de> serde::Deserialize<'de> for $name<'de> {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name<'de>;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                        let mut out = $name::default();
                        while let Some(key) = map.next_key::<$crate::json::Str<'de>>()? {
                            match key.as_str() {
                                $($key => out.$field = map.next_value()?,)*
                                _ => {
                                    let value = map.next_value()?;
                                    out.extra.push((key, value));
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
}
pub(crate) use json_object;

/// Appends `text` as a JSON string literal.
pub fn write_str(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    write_escaped(out, text);
    out.push('"');
}

/// Appends `text` escaped for a JSON string literal, without the quotes.
/// Runs of bytes that need no escape are skipped eight at a time.
pub fn write_escaped(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8)
            && let Ok(word) = <[u8; 8]>::try_from(word)
            && !needs_escape(u64::from_le_bytes(word))
        {
            i += 8;
            continue;
        }
        let byte = bytes[i];
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
        i += 1;
        start = i;
    }
    out.push_str(&text[start..]);
}

/// Whether any of the eight bytes of `word` is `"`, `\\` or below 0x20
/// (the bit tricks of "Bit Twiddling Hacks": a byte is zero, or less than n).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    (control | zero_in(word ^ (ONES * u64::from(b'"'))) | zero_in(word ^ (ONES * u64::from(b'\\'))))
        != 0
}

/// The first 120 characters of `data`, to quote it in an error message.
pub fn excerpt(data: &str) -> &str {
    let end = data.char_indices().nth(120).map_or(data.len(), |(i, _)| i);
    &data[..end]
}

/// Appends `text` as a JSON string, or `null`.
pub fn write_opt_str(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => write_str(out, text),
        None => out.push_str("null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ascii_byte_at_every_offset_of_a_word_round_trips() {
        for byte in 0u8..0x80 {
            for at in 0..20 {
                let mut chars: Vec<char> = "abcdéfghijklmnopqrstuvwxyz".chars().collect();
                chars.insert(at, char::from(byte));
                let text: String = chars.into_iter().collect();
                let mut out = String::new();
                write_str(&mut out, &text);
                assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
                // Nothing else is escaped.
                let plain = byte >= 0x20 && byte != b'"' && byte != b'\\';
                assert_eq!(out.len() == text.len() + 2, plain, "{byte} at {at}");
            }
        }
    }

    #[test]
    fn strings_round_trip_through_the_writer() {
        for text in [
            "",
            "plain",
            "quote \" back \\ slash",
            "ctl \u{0} \u{1f} \n\r\t",
            "né 😀 \u{2028}",
        ] {
            let mut out = String::new();
            write_str(&mut out, text);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
        }
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let plain: Str<'_> = serde_json::from_str(r#""abc""#).unwrap();
        assert!(matches!(plain.0, Cow::Borrowed("abc")));
        let escaped: Str<'_> = serde_json::from_str(r#""a\nb""#).unwrap();
        assert!(matches!(escaped.0, Cow::Owned(ref s) if s == "a\nb"));
    }
}
