//! Typed access to the fields of a JSON body, each failure a
//! [`ValidationError`] naming the field by its path.

use super::ValidationError;
use crate::json::excerpt;
use serde_json::{Map, Value};

pub(super) type Result<T> = std::result::Result<T, ValidationError>;

/// The path of `key` inside the value at `path`.
pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// How a value reads in "expected …, got …".
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `expected {expected}, got {what value is}`.
pub(super) fn type_error(field: String, expected: &str, got: &Value) -> ValidationError {
    ValidationError::new(field, format!("expected {expected}, got {}", describe(got)))
}

/// Parses a request body.
pub(super) fn parse(body: &str) -> Result<Value> {
    // serde_json bounds its recursion (128 levels): no input overflows the stack.
    serde_json::from_str(body).map_err(|err| {
        ValidationError::new(String::new(), format!("body is not valid JSON: {err}"))
    })
}

/// A number as an integer: JSON integers, and floats with no fractional part
/// within ±2^53 (what pydantic-based servers accept as an int).
fn integer(value: &Value) -> Option<i128> {
    if let Some(n) = value.as_i64() {
        return Some(i128::from(n));
    }
    if let Some(n) = value.as_u64() {
        return Some(i128::from(n));
    }
    const SAFE: f64 = 9_007_199_254_740_992.0;
    match value.as_f64() {
        // The range check makes the cast exact.
        Some(f) if f.fract() == 0.0 && f.abs() <= SAFE => Some(f as i128),
        _ => None,
    }
}

/// A JSON object with its path, for typed field access.
pub(super) struct Obj<'v> {
    path: String,
    map: &'v Map<String, Value>,
}

impl<'v> Obj<'v> {
    /// The value at `path`, which must be an object.
    pub fn new(path: String, value: &'v Value) -> Result<Obj<'v>> {
        match value {
            Value::Object(map) => Ok(Obj { path, map }),
            other => Err(type_error(path, "an object", other)),
        }
    }

    /// The request body, which must be an object.
    pub fn root(value: &'v Value) -> Result<Obj<'v>> {
        match value {
            Value::Object(map) => Ok(Obj {
                path: String::new(),
                map,
            }),
            other => Err(ValidationError::new(
                String::new(),
                format!("body must be a JSON object, got {}", describe(other)),
            )),
        }
    }

    /// The path of `key` in this object.
    pub fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// An error for `key`.
    pub fn error(&self, key: &str, message: impl Into<String>) -> ValidationError {
        ValidationError::new(self.path(key), message)
    }

    fn type_error(&self, key: &str, expected: &str, got: &Value) -> ValidationError {
        type_error(self.path(key), expected, got)
    }

    /// The keys (in sorted order: serde_json maps are ordered by key).
    pub fn keys(&self) -> impl Iterator<Item = &'v str> + use<'v> {
        self.map.keys().map(String::as_str)
    }

    /// The value of `key` as sent, `null` included.
    pub fn raw(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key)
    }

    /// The value of `key`, `None` when absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key).filter(|value| !value.is_null())
    }

    /// The value of `key`, which must be present and not `null`.
    pub fn required(&self, key: &str) -> Result<&'v Value> {
        self.get(key).ok_or_else(|| self.error(key, "is required"))
    }

    /// An optional string.
    pub fn str(&self, key: &str) -> Result<Option<&'v str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(self.type_error(key, "a string", other)),
        }
    }

    /// A required string, possibly empty.
    pub fn required_str(&self, key: &str) -> Result<&'v str> {
        match self.required(key)? {
            Value::String(text) => Ok(text),
            other => Err(self.type_error(key, "a string", other)),
        }
    }

    /// A required, non-empty string.
    pub fn non_empty_str(&self, key: &str) -> Result<&'v str> {
        let text = self.required_str(key)?;
        if text.is_empty() {
            return Err(self.error(key, "must not be empty"));
        }
        Ok(text)
    }

    /// An optional boolean.
    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(other) => Err(self.type_error(key, "a boolean", other)),
        }
    }

    /// An optional number.
    pub fn number(&self, key: &str) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(value @ Value::Number(_)) => Ok(value.as_f64()),
            Some(other) => Err(self.type_error(key, "a number", other)),
        }
    }

    /// An optional number within `min..=max`.
    pub fn number_between(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>> {
        let number = self.number(key)?;
        if let Some(n) = number
            && !(min..=max).contains(&n)
        {
            return Err(self.error(
                key,
                format!("must be between {min} and {max}, got {}", show_number(n)),
            ));
        }
        Ok(number)
    }

    /// An optional number in `(0, 1]`.
    pub fn probability(&self, key: &str) -> Result<Option<f64>> {
        let number = self.number(key)?;
        if let Some(n) = number
            && !(n > 0.0 && n <= 1.0)
        {
            return Err(self.error(
                key,
                format!(
                    "must be greater than 0 and at most 1, got {}",
                    show_number(n)
                ),
            ));
        }
        Ok(number)
    }

    /// An optional integer.
    pub fn integer(&self, key: &str) -> Result<Option<i128>> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => match (integer(value), value.as_f64()) {
                (Some(n), _) => Ok(Some(n)),
                (None, Some(f)) => {
                    Err(self.error(key, format!("must be an integer, got {}", show_number(f))))
                }
                (None, None) => Err(self.type_error(key, "an integer", value)),
            },
        }
    }

    /// An optional integer of at least `min`.
    pub fn integer_at_least(&self, key: &str, min: i128) -> Result<Option<i128>> {
        let number = self.integer(key)?;
        if let Some(n) = number
            && n < min
        {
            return Err(self.error(key, format!("must be at least {min}, got {n}")));
        }
        Ok(number)
    }

    /// An optional positive token count.
    pub fn token_count(&self, key: &str) -> Result<Option<u64>> {
        Ok(self
            .integer_at_least(key, 1)?
            .map(|n| u64::try_from(n).unwrap_or(u64::MAX)))
    }

    /// An optional object.
    pub fn object(&self, key: &str) -> Result<Option<Obj<'v>>> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => Obj::new(self.path(key), value).map(Some),
        }
    }

    /// A required object.
    pub fn required_object(&self, key: &str) -> Result<Obj<'v>> {
        Obj::new(self.path(key), self.required(key)?)
    }

    /// An optional array.
    pub fn array(&self, key: &str) -> Result<Option<Arr<'v>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(Arr {
                path: self.path(key),
                items,
            })),
            Some(other) => Err(self.type_error(key, "an array", other)),
        }
    }

    /// A required, non-empty array.
    pub fn non_empty_array(&self, key: &str) -> Result<Arr<'v>> {
        match self.array(key)? {
            None => Err(self.error(key, "is required")),
            Some(array) if array.items.is_empty() => Err(self.error(key, "must not be empty")),
            Some(array) => Ok(array),
        }
    }

    /// An optional array of strings, at most `max` of them.
    pub fn strings(&self, key: &str, max: usize) -> Result<()> {
        let Some(array) = self.array(key)? else {
            return Ok(());
        };
        if array.items.len() > max {
            return Err(self.error(
                key,
                format!("must hold at most {max} strings, got {}", array.items.len()),
            ));
        }
        for (path, item) in array.iter() {
            if !item.is_string() {
                return Err(type_error(path, "a string", item));
            }
        }
        Ok(())
    }
}

/// A JSON array with its path.
pub(super) struct Arr<'v> {
    path: String,
    pub items: &'v [Value],
}

impl<'v> Arr<'v> {
    /// Each item with its path.
    pub fn iter(&self) -> impl Iterator<Item = (String, &'v Value)> + '_ {
        self.items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{}[{i}]", self.path), item))
    }
}

/// A tool name both APIs accept: `^[a-zA-Z0-9_-]{1,64}$`.
pub(super) fn check_tool_name(obj: &Obj<'_>, key: &str) -> Result<String> {
    let name = obj.required_str(key)?;
    let valid = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !valid {
        return Err(obj.error(
            key,
            format!(
                "must be 1 to 64 letters, digits, underscores or hyphens, got {}",
                quote(name)
            ),
        ));
    }
    Ok(name.to_owned())
}

/// A tool's parameter schema: an object whose `type`, when given, is `"object"`.
pub(super) fn check_object_schema(obj: &Obj<'_>, key: &str, required: bool) -> Result<()> {
    let schema = match obj.get(key) {
        None if required => return Err(obj.error(key, "is required")),
        None => return Ok(()),
        Some(value @ Value::Object(_)) => Obj::new(obj.path(key), value)?,
        Some(other) => return Err(type_error(obj.path(key), "a JSON Schema object", other)),
    };
    match schema.raw("type") {
        None => Ok(()),
        Some(Value::String(kind)) if kind == "object" => Ok(()),
        Some(Value::String(kind)) => Err(schema.error(
            "type",
            format!(
                "must be \"object\" (tool parameters are an object), got {}",
                quote(kind)
            ),
        )),
        Some(other) => Err(type_error(schema.path("type"), "\"object\"", other)),
    }
}

/// Whether `url` starts with `scheme` (ASCII, any case) and has more after it.
fn has_scheme(url: &str, scheme: &str) -> bool {
    url.len() > scheme.len()
        && url.as_bytes()[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
}

/// An `http(s)://…` URL.
pub(super) fn is_http_url(url: &str) -> bool {
    has_scheme(url, "https://") || has_scheme(url, "http://")
}

/// An `http(s)://…` URL or a `data:` URL (which has a comma before its data).
pub(super) fn is_image_url(url: &str) -> bool {
    is_http_url(url) || (has_scheme(url, "data:") && url.contains(','))
}

/// `"a", "b" or "c"` for an error message.
pub(super) fn one_of(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// A string from the request, quoted and cut short, for an error message.
pub(super) fn quote(text: &str) -> String {
    let head = excerpt(text);
    if head.len() < text.len() {
        format!("{head:?}…")
    } else {
        format!("{head:?}")
    }
}

/// A number from the request, short: `0.5`, `3`, `1e300`.
pub(super) fn show_number(n: f64) -> String {
    let magnitude = n.abs();
    if magnitude != 0.0 && !(1e-6..1e16).contains(&magnitude) {
        format!("{n:e}")
    } else {
        format!("{n}")
    }
}
