//! Incremental parsing of JSON that arrives in fragments: tool-call
//! `arguments`, Anthropic `input_json_delta`, JSON-mode `content`.
//!
//! Streams cut these texts anywhere (inside a string, an escape such as
//! `\u00e9`, a surrogate pair, a number, a `true`), yet a UI wants the best
//! current value after every fragment. [`PartialJson`] is a streaming
//! tokenizer and parser in one state machine:
//!
//! - [`PartialJson::push`] examines only the new bytes, each once (a byte
//!   that ends a number twice), so a fragment costs work proportional to its
//!   length, never to everything received so far; runs of plain string text
//!   are copied in bulk;
//! - the value so far is kept compactly as its *normalised text* (the input
//!   without insignificant whitespace) plus a stack of the open containers,
//!   each remembering where its unfinished entry began;
//! - [`PartialJson::snapshot_json`] turns that into complete JSON text. Its
//!   cost is proportional to the size of the value: call it when rendering,
//!   not for every fragment if the value is large.
//!
//! What a snapshot shows of an unfinished value. Unfinished keys are dropped
//! and open strings and containers closed, as openai-node's and
//! `partial-json`'s partial parsers do. Two choices differ from openai-node:
//! an unfinished `true`/`false`/`null` is dropped rather than completed (so
//! every shown scalar was really read; it shows up at most four bytes later),
//! and an unfinished number is shown as its longest valid prefix, as
//! `partial-json` does when partial numbers are allowed, rather than hidden
//! until it ends:
//!
//! | input so far        | snapshot          | why |
//! |---------------------|-------------------|-----|
//! | `{"city":"Par`      | `{"city":"Par"}`  | open strings are closed |
//! | `{"a":[1,2`         | `{"a":[1,2]}`     | open containers are closed |
//! | `{"a":tr`           | `{}`              | an incomplete literal is dropped, and its key with it |
//! | `{"a":1,"ci`        | `{"a":1}`         | an incomplete key (or a key without a value) is dropped |
//! | `[1,`               | `[1]`             | a dangling comma is dropped |
//! | `[12`               | `[12]`            | a number is shown as its longest valid prefix… |
//! | `[1.` / `[1e` / `[1e+` | `[1]`          | …so a dangling `.` or exponent is cut… |
//! | `[-`                | `[]`              | …and a lone `-` (no valid prefix) is dropped |
//! | `"caf\u00`          | `"caf"`           | an incomplete escape is cut whole |
//! | `"\ud83d`           | `""`              | a high surrogate waits for its low half |
//!
//! A number's shown value may still change (`12` may become `123`); every
//! other shown scalar is final, and a shown string only ever grows. Escapes
//! are kept as written, so snapshots quote strings exactly as the input did.
//!
//! Errors follow `serde_json` (which the accumulators use on the final
//! text): besides the JSON grammar, an unpaired surrogate escape is an error.
//! An error's offset is the length of the longest prefix of the input that
//! could still begin a valid JSON document, i.e. the offending byte. After an
//! error, [`PartialJson::push`] keeps returning it and the snapshot stays at
//! the last valid state.

use std::fmt;

/// The nesting limit used by [`PartialJson::new`]: the deepest nesting
/// `serde_json` parses (its recursion limit of 128 fails on the 128th
/// level), so that every snapshot can be read back by the rest of the crate.
/// Nothing a model sends legitimately comes close.
pub const DEFAULT_MAX_DEPTH: usize = 127;

/// The input size limit used by [`PartialJson::new`], in bytes.
pub const DEFAULT_MAX_LEN: usize = 64 * 1024 * 1024;

/// Why the fragments are not (the beginning of) one JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PartialJsonError {
    /// A byte that cannot continue any valid JSON document.
    Invalid {
        /// Byte offset of the offending byte in the whole input.
        offset: usize,
        /// What went wrong, e.g. "expected `,` or `}`".
        reason: &'static str,
        /// The input from the offending byte on (at most 16 characters of
        /// the fragment that held it).
        excerpt: String,
    },
    /// Containers nested deeper than the limit.
    TooDeep {
        /// Byte offset of the bracket that went over the limit.
        offset: usize,
        /// The nesting limit.
        limit: usize,
    },
    /// The input grew past the size limit; the fragment that would have
    /// crossed it was not read.
    TooLong {
        /// The size limit in bytes.
        limit: usize,
    },
    /// [`PartialJson::finish`] was called before a whole value was read.
    Incomplete {
        /// How many bytes were read.
        offset: usize,
    },
}

impl fmt::Display for PartialJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialJsonError::Invalid {
                offset,
                reason,
                excerpt,
            } => write!(f, "invalid JSON at byte {offset} ({reason}): {excerpt:?}"),
            PartialJsonError::TooDeep { offset, limit } => {
                write!(f, "JSON nested deeper than {limit} levels at byte {offset}")
            }
            PartialJsonError::TooLong { limit } => {
                write!(f, "JSON text longer than the limit of {limit} bytes")
            }
            PartialJsonError::Incomplete { offset } => {
                write!(
                    f,
                    "JSON text ends at byte {offset} before the value is complete"
                )
            }
        }
    }
}

impl std::error::Error for PartialJsonError {}

/// An incremental parser for one JSON value; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct PartialJson {
    /// Everything accepted so far without insignificant whitespace. Strings,
    /// escapes and numbers are copied as written, including unfinished ones:
    /// the state says how much of the tail a snapshot may show.
    out: String,
    /// The open containers, outermost first.
    stack: Vec<Frame>,
    state: State,
    /// A whole top-level value was read.
    done: bool,
    /// Bytes read by earlier `push` calls.
    consumed: usize,
    max_depth: usize,
    max_len: usize,
    /// Once set, every `push` returns it.
    error: Option<PartialJsonError>,
    /// Bytes examined by `push`, for the linear-cost test.
    work: u64,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    object: bool,
    /// Length of `out` before the current entry: just after the opening
    /// bracket, or before the `,` that began the entry. A snapshot cuts here
    /// while the entry has nothing to show.
    cut: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A value must start: the top level, after `:`, or after `,` in an array.
    Value,
    /// Just after `[`: a value or `]`.
    ArrayStart,
    /// Just after `{`: a key or `}`.
    ObjectStart,
    /// After `,` in an object: a key.
    Key,
    /// After a key: `:`.
    Colon,
    /// After a value in a container: `,` or the closing bracket.
    AfterValue,
    /// After the top-level value: whitespace only.
    End,
    /// Inside a string (an object key when `key`).
    Str { key: bool, esc: Esc },
    /// Inside a number; `safe` is the length of `out` at its longest valid
    /// prefix so far, if any.
    Num { part: NumPart, safe: Option<usize> },
    /// Inside `true`, `false` or `null`, of which `matched` bytes were read.
    /// Nothing is written to `out` until the word is complete.
    Lit { word: &'static [u8], matched: u8 },
}

/// Where a string is in an escape. `start` is the length of `out` before
/// the escape's `\` (before the high surrogate's, for a pair): a snapshot
/// cuts the string there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Esc {
    None,
    /// After `\`; `high` is set when this must be the low half of a pair.
    Backslash {
        start: usize,
        high: Option<u16>,
    },
    /// After `\u` and `digits` hex digits worth `code`.
    Hex {
        start: usize,
        high: Option<u16>,
        digits: u8,
        code: u16,
    },
    /// After a high surrogate escape: its low half must follow.
    NeedLow {
        start: usize,
        high: u16,
    },
}

impl Esc {
    fn start(self) -> Option<usize> {
        match self {
            Esc::None => None,
            Esc::Backslash { start, .. } | Esc::Hex { start, .. } | Esc::NeedLow { start, .. } => {
                Some(start)
            }
        }
    }
}

/// The parts of `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumPart {
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    E,
    ESign,
    Exp,
}

impl NumPart {
    /// Whether the number may end here.
    fn accepting(self) -> bool {
        matches!(
            self,
            NumPart::Zero | NumPart::Int | NumPart::Frac | NumPart::Exp
        )
    }
}

/// A byte rejected by the state machine; `push` adds offset and excerpt.
enum Reject {
    Invalid(&'static str),
    TooDeep,
}

impl Default for PartialJson {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialJson {
    /// A parser with the default depth and size limits.
    pub fn new() -> Self {
        PartialJson {
            out: String::new(),
            stack: Vec::new(),
            state: State::Value,
            done: false,
            consumed: 0,
            max_depth: DEFAULT_MAX_DEPTH,
            max_len: DEFAULT_MAX_LEN,
            error: None,
            work: 0,
        }
    }

    /// Sets how deeply arrays and objects may nest (the stack is a `Vec`,
    /// so this bounds memory, not recursion).
    pub fn with_max_depth(mut self, limit: usize) -> Self {
        self.max_depth = limit;
        self
    }

    /// Sets how many bytes the whole input may hold.
    pub fn with_max_len(mut self, limit: usize) -> Self {
        self.max_len = limit;
        self
    }

    /// Reads the next fragment. Costs work proportional to `fragment` only.
    pub fn push(&mut self, fragment: &str) -> Result<(), PartialJsonError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        if fragment.len() > self.max_len.saturating_sub(self.consumed) {
            return Err(self.fail(PartialJsonError::TooLong {
                limit: self.max_len,
            }));
        }
        let bytes = fragment.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match self.step(fragment, i) {
                Ok(next) => i = next,
                Err(reject) => {
                    let offset = self.consumed + i;
                    let error = match reject {
                        Reject::Invalid(reason) => PartialJsonError::Invalid {
                            offset,
                            reason,
                            excerpt: fragment[i..].chars().take(16).collect(),
                        },
                        Reject::TooDeep => PartialJsonError::TooDeep {
                            offset,
                            limit: self.max_depth,
                        },
                    };
                    self.consumed = offset;
                    return Err(self.fail(error));
                }
            }
        }
        self.consumed += bytes.len();
        Ok(())
    }

    fn fail(&mut self, error: PartialJsonError) -> PartialJsonError {
        self.error = Some(error.clone());
        error
    }

    /// Checks that the input is exactly one JSON value (plus whitespace).
    /// A top-level number ends here, as nothing after it could say so.
    pub fn finish(&mut self) -> Result<(), PartialJsonError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        if let State::Num { part, .. } = self.state
            && part.accepting()
        {
            // Only a top-level number can be open with no container open.
            self.value_done();
        }
        if self.done {
            Ok(())
        } else {
            Err(PartialJsonError::Incomplete {
                offset: self.consumed,
            })
        }
    }

    /// Whether a whole top-level value was read. A top-level number counts
    /// only once whitespace follows it (or after [`finish`](Self::finish)).
    pub fn is_complete(&self) -> bool {
        self.done
    }

    /// Bytes read so far.
    pub fn len(&self) -> usize {
        self.consumed
    }

    /// Whether nothing was read yet.
    pub fn is_empty(&self) -> bool {
        self.consumed == 0
    }

    /// How many containers are open.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The error that stopped the parser, if any.
    pub fn error(&self) -> Option<&PartialJsonError> {
        self.error.as_ref()
    }

    /// The best complete JSON text for the value so far, or `None` while
    /// there is nothing to show (no input, or only the start of a top-level
    /// literal or `-`). Costs time proportional to the value's size.
    pub fn snapshot_json(&self) -> Option<String> {
        let mut out = String::new();
        self.write_snapshot(&mut out).then_some(out)
    }

    /// Appends the snapshot to `out`; returns `false` (appending nothing)
    /// when [`snapshot_json`](Self::snapshot_json) would return `None`.
    pub fn write_snapshot(&self, out: &mut String) -> bool {
        let entry_cut = self.stack.last().map(|frame| frame.cut);
        let (end, quote) = match self.state {
            State::Str { key: false, esc } => (esc.start().unwrap_or(self.out.len()), true),
            State::Num {
                safe: Some(safe), ..
            } => (safe, false),
            State::Str { key: true, .. }
            | State::Num { safe: None, .. }
            | State::Lit { .. }
            | State::Value
            | State::Key
            | State::Colon => match entry_cut {
                Some(cut) => (cut, false),
                None => return false,
            },
            State::ArrayStart | State::ObjectStart | State::AfterValue | State::End => {
                (self.out.len(), false)
            }
        };
        out.reserve(end + 1 + self.stack.len());
        out.push_str(&self.out[..end]);
        if quote {
            out.push('"');
        }
        for frame in self.stack.iter().rev() {
            out.push(if frame.object { '}' } else { ']' });
        }
        true
    }

    /// Bytes examined by `push` so far (a string run copied in bulk counts
    /// its length). Exposed so a test can show the cost is linear.
    #[doc(hidden)]
    pub fn work_units(&self) -> u64 {
        self.work
    }

    /// A value (scalar or container) just ended.
    fn value_done(&mut self) {
        if self.stack.is_empty() {
            self.state = State::End;
            self.done = true;
        } else {
            self.state = State::AfterValue;
        }
    }

    fn open(&mut self, object: bool) -> Result<(), Reject> {
        if self.stack.len() >= self.max_depth {
            return Err(Reject::TooDeep);
        }
        self.out.push(if object { '{' } else { '[' });
        self.stack.push(Frame {
            object,
            cut: self.out.len(),
        });
        self.state = if object {
            State::ObjectStart
        } else {
            State::ArrayStart
        };
        Ok(())
    }

    fn close(&mut self) {
        if let Some(frame) = self.stack.pop() {
            self.out.push(if frame.object { '}' } else { ']' });
        }
        self.value_done();
    }

    /// Starts the value whose first byte is `byte`.
    fn start_value(&mut self, byte: u8) -> Result<(), Reject> {
        match byte {
            b'{' => return self.open(true),
            b'[' => return self.open(false),
            b'"' => {
                self.out.push('"');
                self.state = State::Str {
                    key: false,
                    esc: Esc::None,
                };
            }
            b'-' => {
                self.out.push('-');
                self.state = State::Num {
                    part: NumPart::Minus,
                    safe: None,
                };
            }
            b'0'..=b'9' => {
                self.out.push(char::from(byte));
                self.state = State::Num {
                    part: if byte == b'0' {
                        NumPart::Zero
                    } else {
                        NumPart::Int
                    },
                    safe: Some(self.out.len()),
                };
            }
            b't' => self.state = lit(b"true"),
            b'f' => self.state = lit(b"false"),
            b'n' => self.state = lit(b"null"),
            _ => return Err(Reject::Invalid("expected a value")),
        }
        Ok(())
    }

    /// Handles the byte at `i` (and, inside a string, the plain text after
    /// it); returns where to go on. A byte that ends a number is handled
    /// again in the next state, so the same index may come back once.
    fn step(&mut self, text: &str, i: usize) -> Result<usize, Reject> {
        let bytes = text.as_bytes();
        let byte = bytes[i];
        self.work += 1;
        let is_space = matches!(byte, b' ' | b'\t' | b'\n' | b'\r');
        match self.state {
            State::Value | State::ArrayStart | State::ObjectStart | State::Key if is_space => {}
            State::Colon | State::AfterValue | State::End if is_space => {}
            State::Value => self.start_value(byte)?,
            State::ArrayStart => {
                if byte == b']' {
                    self.close();
                } else {
                    self.start_value(byte)?;
                }
            }
            State::ObjectStart | State::Key => match byte {
                b'"' => {
                    self.out.push('"');
                    self.state = State::Str {
                        key: true,
                        esc: Esc::None,
                    };
                }
                b'}' if self.state == State::ObjectStart => self.close(),
                _ if self.state == State::ObjectStart => {
                    return Err(Reject::Invalid("expected a string key or `}`"));
                }
                _ => return Err(Reject::Invalid("expected a string key")),
            },
            State::Colon => {
                if byte != b':' {
                    return Err(Reject::Invalid("expected `:`"));
                }
                self.out.push(':');
                self.state = State::Value;
            }
            State::AfterValue => {
                // AfterValue only exists with a container open.
                let object = self.stack.last().is_some_and(|frame| frame.object);
                match (byte, object) {
                    (b',', _) => {
                        let cut = self.out.len();
                        if let Some(frame) = self.stack.last_mut() {
                            frame.cut = cut;
                        }
                        self.out.push(',');
                        self.state = if object { State::Key } else { State::Value };
                    }
                    (b']', false) | (b'}', true) => self.close(),
                    (_, false) => return Err(Reject::Invalid("expected `,` or `]`")),
                    (_, true) => return Err(Reject::Invalid("expected `,` or `}`")),
                }
            }
            State::End => {
                return Err(Reject::Invalid("expected nothing after the value"));
            }
            State::Str { key, esc } => return self.string_byte(text, i, key, esc),
            State::Num { part, safe } => return self.number_byte(byte, i, part, safe),
            State::Lit { word, matched } => {
                let matched = usize::from(matched);
                if byte != word[matched] {
                    return Err(Reject::Invalid("invalid literal"));
                }
                if matched + 1 == word.len() {
                    // Words are ASCII.
                    self.out.extend(word.iter().map(|&b| char::from(b)));
                    self.value_done();
                } else {
                    self.state = State::Lit {
                        word,
                        matched: (matched + 1) as u8,
                    };
                }
            }
        }
        Ok(i + 1)
    }

    fn string_byte(&mut self, text: &str, i: usize, key: bool, esc: Esc) -> Result<usize, Reject> {
        let bytes = text.as_bytes();
        let byte = bytes[i];
        let next = match esc {
            Esc::None => match byte {
                b'"' => {
                    self.out.push('"');
                    if key {
                        self.state = State::Colon;
                    } else {
                        self.value_done();
                    }
                    return Ok(i + 1);
                }
                b'\\' => Esc::Backslash {
                    start: self.out.len(),
                    high: None,
                },
                0..=0x1f => {
                    return Err(Reject::Invalid(
                        "control character in a string must be escaped",
                    ));
                }
                _ => {
                    // Plain text: copy the whole run up to the next byte that
                    // needs a look. `i` and the run's end are both at ASCII
                    // bytes or the fragment's ends, so both are char boundaries.
                    let run = bytes[i..]
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                        .unwrap_or(bytes.len() - i);
                    self.out.push_str(&text[i..i + run]);
                    self.work += run as u64 - 1;
                    return Ok(i + run);
                }
            },
            Esc::Backslash { start, high: None } => match byte {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Esc::None,
                b'u' => Esc::Hex {
                    start,
                    high: None,
                    digits: 0,
                    code: 0,
                },
                _ => return Err(Reject::Invalid("invalid escape")),
            },
            Esc::Backslash {
                start,
                high: Some(high),
            } => match byte {
                b'u' => Esc::Hex {
                    start,
                    high: Some(high),
                    digits: 0,
                    code: 0,
                },
                _ => return Err(Reject::Invalid("unpaired surrogate escape")),
            },
            Esc::Hex {
                start,
                high,
                digits,
                code,
            } => {
                let Some(digit) = char::from(byte).to_digit(16) else {
                    return Err(Reject::Invalid("expected a hex digit"));
                };
                // Four hex digits fit in a u16.
                let code = (code << 4) | digit as u16;
                if digits < 3 {
                    Esc::Hex {
                        start,
                        high,
                        digits: digits + 1,
                        code,
                    }
                } else {
                    let is_low = (0xDC00..=0xDFFF).contains(&code);
                    match high {
                        Some(_) if is_low => Esc::None,
                        None if (0xD800..=0xDBFF).contains(&code) => {
                            Esc::NeedLow { start, high: code }
                        }
                        None if !is_low => Esc::None,
                        _ => return Err(Reject::Invalid("unpaired surrogate escape")),
                    }
                }
            }
            Esc::NeedLow { start, high } => match byte {
                b'\\' => Esc::Backslash {
                    start,
                    high: Some(high),
                },
                _ => return Err(Reject::Invalid("unpaired surrogate escape")),
            },
        };
        // Every byte of an escape is ASCII.
        self.out.push(char::from(byte));
        self.state = State::Str { key, esc: next };
        Ok(i + 1)
    }

    fn number_byte(
        &mut self,
        byte: u8,
        i: usize,
        part: NumPart,
        safe: Option<usize>,
    ) -> Result<usize, Reject> {
        use NumPart::*;
        let next = match (part, byte) {
            (Minus, b'0') => Zero,
            (Minus, b'1'..=b'9') => Int,
            (Int | Frac | Exp, b'0'..=b'9') => part,
            (Zero, b'0'..=b'9') => {
                return Err(Reject::Invalid("leading zero in a number"));
            }
            (Zero | Int, b'.') => Dot,
            (Zero | Int | Frac, b'e' | b'E') => E,
            (Dot, b'0'..=b'9') => Frac,
            (E, b'+' | b'-') => ESign,
            (E | ESign, b'0'..=b'9') => Exp,
            _ if part.accepting() => {
                // The number ended; this byte belongs to what follows.
                self.value_done();
                return Ok(i);
            }
            _ => return Err(Reject::Invalid("expected a digit")),
        };
        self.out.push(char::from(byte));
        let safe = if next.accepting() {
            Some(self.out.len())
        } else {
            safe
        };
        self.state = State::Num { part: next, safe };
        Ok(i + 1)
    }
}

fn lit(word: &'static [u8]) -> State {
    State::Lit { word, matched: 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(input: &str) -> Option<String> {
        let mut parser = PartialJson::new();
        parser.push(input).unwrap();
        parser.snapshot_json()
    }

    #[test]
    fn the_documented_table_holds() {
        for (input, expected) in [
            (r#"{"city":"Par"#, Some(r#"{"city":"Par"}"#)),
            (r#"{"a":[1,2"#, Some(r#"{"a":[1,2]}"#)),
            (r#"{"a":tr"#, Some("{}")),
            (r#"{"a":1,"ci"#, Some(r#"{"a":1}"#)),
            ("[1,", Some("[1]")),
            ("[12", Some("[12]")),
            ("[1.", Some("[1]")),
            ("[1e", Some("[1]")),
            ("[1e+", Some("[1]")),
            ("[-", Some("[]")),
            (r#""caf\u00"#, Some(r#""caf""#)),
            (r#""\ud83d"#, Some(r#""""#)),
            ("", None),
            ("  tr", None),
            ("-", None),
        ] {
            assert_eq!(snapshot(input).as_deref(), expected, "{input}");
        }
    }

    #[test]
    fn a_number_ending_the_input_completes_at_finish() {
        let mut parser = PartialJson::new();
        parser.push("12").unwrap();
        assert!(!parser.is_complete());
        parser.finish().unwrap();
        assert!(parser.is_complete());
        assert_eq!(parser.snapshot_json().as_deref(), Some("12"));
    }
}
