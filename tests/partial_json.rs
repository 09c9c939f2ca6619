//! The incremental partial-JSON parser: snapshots after every fragment are
//! valid JSON consistent with the final value, any fragmentation gives the
//! same final value as `serde_json`, errors point at the offending byte, and
//! the work per fragment is proportional to the fragment.
#![cfg(not(target_arch = "wasm32"))]

use modelwire::partial_json::{DEFAULT_MAX_DEPTH, PartialJson, PartialJsonError};
use proptest::prelude::*;
use serde_json::Value;

/// Realistic tool arguments and JSON-mode contents: escapes, surrogate
/// pairs, every number form, literals, nesting, empty containers and the
/// padding Anthropic puts before `}`.
const DOCS: &[&str] = &[
    r#"{"city":"Paris","unit":"celsius"}"#,
    r#"{"location": "San Francisco, CA", "unit": "fahrenheit" }"#,
    r#"{"a":[1,2,3],"b":{"c":true,"d":false,"e":null}}"#,
    "{\n  \"path\": \"src/main.rs\",\n  \"content\": \"fn main() {\\n\\tprintln!(\\\"h\\u00e9llo \\ud83d\\ude00\\\");\\n}\\n\",\n  \"overwrite\": true\n}",
    r#"{"n":[0,-0,12,-12,1.5,-0.25,1e10,1E-7,2.5e+3,-0e0,123456789012345678901234567890]}"#,
    r#"{"query":"caf\u00e9 \"quoted\" back\\slash \/ \b\f\n\r\t","limit":10}"#,
    r#"{"emoji":"😀 é ü € \u2028","keys":{"é":"\ud83d\ude00","":""}}"#,
    r#"[{"id":"call_1","args":{}},{"id":"call_2","args":{"x":[]}},[],[[[]]],{}]"#,
    r#"  {"todos":[{"title":"buy milk","done":false,"priority":3},{"title":"write \"tests\"","done":true,"priority":-1.5e2}]}  "#,
    r#""just a string with \u00e9""#,
    "42",
    "-1.5e-3 ",
    "true",
    " null ",
];

fn feed(parts: &[&str]) -> PartialJson {
    let mut parser = PartialJson::new();
    for part in parts {
        parser.push(part).unwrap();
    }
    parser
}

fn snapshot_of(input: &str) -> Option<String> {
    feed(&[input]).snapshot_json()
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("snapshot {text:?} is not JSON: {e}"))
}

/// Whether `partial` could be a snapshot on the way to `full`: a shown
/// string is a prefix of its final value, a shown number may still grow,
/// and everything except the one unfinished entry of each container (the
/// last of an array; at most one key of an object) is already final.
fn consistent(partial: &Value, full: &Value) -> bool {
    match (partial, full) {
        (Value::String(p), Value::String(f)) => f.starts_with(p.as_str()),
        (Value::Number(_), Value::Number(_)) => true,
        (Value::Array(p), Value::Array(f)) => {
            p.len() <= f.len()
                && match p.split_last() {
                    None => true,
                    Some((last, init)) => {
                        init == &f[..init.len()] && consistent(last, &f[init.len()])
                    }
                }
        }
        (Value::Object(p), Value::Object(f)) => {
            let mut unfinished = 0;
            for (key, value) in p {
                match f.get(key) {
                    None => return false,
                    Some(final_value) if final_value == value => {}
                    Some(final_value) => {
                        if !consistent(value, final_value) {
                            return false;
                        }
                        unfinished += 1;
                    }
                }
            }
            unfinished <= 1
        }
        (p, f) => p == f,
    }
}

/// Byte offsets of the `,` `]` `}` outside strings.
fn delimiters(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    for (i, byte) in text.bytes().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match byte {
                b'"' => in_string = true,
                b',' | b']' | b'}' => out.push(i),
                _ => {}
            }
        }
    }
    out
}

/// Char boundaries of `text`, 0 and `len` included.
fn boundaries(text: &str) -> Vec<usize> {
    (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect()
}

/// Feeds `text` cut at `cuts` (sorted char boundaries), checking every
/// snapshot on the way, and returns the final value.
fn feed_checked(text: &str, cuts: &[usize]) -> Value {
    let full: Value = serde_json::from_str(text).unwrap();
    let mut parser = PartialJson::new();
    let mut previous: Option<Value> = None;
    let mut from = 0;
    for &to in cuts.iter().chain(std::iter::once(&text.len())) {
        parser.push(&text[from..to]).unwrap();
        from = to;
        if let Some(snapshot) = parser.snapshot_json() {
            let value = parse(&snapshot);
            assert!(
                consistent(&value, &full),
                "{snapshot} after {:?} does not lead to {full}",
                &text[..to]
            );
            if let Some(previous) = &previous {
                assert!(
                    consistent(previous, &value),
                    "{previous} then {snapshot} after {:?} lost something",
                    &text[..to]
                );
            }
            previous = Some(value);
        }
    }
    parser.finish().unwrap();
    assert!(parser.is_complete());
    parse(&parser.snapshot_json().unwrap())
}

/// A deterministic xorshift generator for random split points.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn the_examples_from_the_issue() {
    for (input, expected) in [
        (r#"{"city":"Par"#, r#"{"city":"Par"}"#),
        (r#"{"a":[1,2"#, r#"{"a":[1,2]}"#),
        (r#"{"a":tr"#, "{}"),
        (r#"{"a":1,"b":tr"#, r#"{"a":1}"#),
        (r#"{"a":1,"ci"#, r#"{"a":1}"#),
        (r#"{"a":1,"city""#, r#"{"a":1}"#),
        (r#"{"a":1,"city":"#, r#"{"a":1}"#),
        (r#"{"a":1,"#, r#"{"a":1}"#),
        (r#"{"a":{"#, r#"{"a":{}}"#),
        (r#"{"a":["#, r#"{"a":[]}"#),
        ("[1,", "[1]"),
        ("[1,t", "[1]"),
        ("[1,nul", "[1]"),
        ("[1,null", "[1,null]"),
        ("[true,fals", "[true]"),
        ("[12", "[12]"),
        ("[-", "[]"),
        ("[-1", "[-1]"),
        ("[1.", "[1]"),
        ("[1.5", "[1.5]"),
        ("[1.5e", "[1.5]"),
        ("[1.5e-", "[1.5]"),
        ("[1.5e-3", "[1.5e-3]"),
        (r#"["caf\u00"#, r#"["caf"]"#),
        (r#"["caf\u00e9"#, r#"["caf\u00e9"]"#),
        (r#"["a\"#, r#"["a"]"#),
        (r#"["a\n"#, r#"["a\n"]"#),
        (r#"["\ud83d"#, r#"[""]"#),
        (r#"["\ud83d\ude0"#, r#"[""]"#),
        (r#"["\ud83d\ude00"#, r#"["\ud83d\ude00"]"#),
        (r#"{"location": "Paris" "#, r#"{"location":"Paris"}"#),
        ("\"ab", "\"ab\""),
        ("12", "12"),
        ("[[[[", "[[[[]]]]"),
    ] {
        assert_eq!(snapshot_of(input).as_deref(), Some(expected), "{input}");
    }
    for nothing in ["", "  \n", "t", "nul", "-", " f"] {
        assert_eq!(snapshot_of(nothing), None, "{nothing:?}");
    }
}

#[test]
fn completeness_and_finish() {
    let mut parser = PartialJson::new();
    parser.push(r#"{"a":1"#).unwrap();
    assert!(!parser.is_complete());
    assert_eq!(
        parser.clone().finish(),
        Err(PartialJsonError::Incomplete { offset: 6 })
    );
    // Anthropic pads with spaces before `}`; trailing whitespace is fine.
    parser.push(" }  \n").unwrap();
    assert!(parser.is_complete());
    parser.finish().unwrap();

    // A top-level number may continue until something says it ended.
    let mut parser = feed(&["1", "2"]);
    assert!(!parser.is_complete());
    parser.finish().unwrap();
    assert_eq!(parser.snapshot_json().as_deref(), Some("12"));
    let parser = feed(&["12", " "]);
    assert!(parser.is_complete());

    for incomplete in ["", " ", "1.", "-", "tru", "\"a", "[1"] {
        assert!(
            matches!(
                feed(&[incomplete]).finish(),
                Err(PartialJsonError::Incomplete { offset }) if offset == incomplete.len()
            ),
            "{incomplete:?}"
        );
    }
}

#[test]
fn trailing_garbage_is_an_error() {
    for (input, offset) in [("{} x", 3), ("{}}", 2), ("1 2", 2), ("\"a\"\"", 3)] {
        let mut parser = PartialJson::new();
        let error = parser.push(input).unwrap_err();
        assert!(
            matches!(error, PartialJsonError::Invalid { offset: o, .. } if o == offset),
            "{input}: {error}"
        );
        assert_eq!(parser.finish(), Err(error));
    }
}

#[test]
fn escapes_and_surrogate_pairs_split_at_every_byte() {
    let doc = r#"{"s":"a\u00e9b\ud83d\ude00c\"\\\/\b\f\n\r\t\u0000\uFFFF\u2028 é😀","\ud83d\ude00":"\uDBFF\uDFFF"}"#;
    let expected: Value = serde_json::from_str(doc).unwrap();
    let cuts = boundaries(doc);
    for &cut in &cuts {
        assert_eq!(feed_checked(doc, &[cut]), expected, "cut at {cut}");
    }
    // And everything at once, one character per fragment.
    assert_eq!(feed_checked(doc, &cuts), expected);
}

#[test]
fn every_prefix_gives_a_valid_consistent_snapshot() {
    for doc in DOCS {
        // One character per fragment: a snapshot after every prefix.
        let expected: Value = serde_json::from_str(doc).unwrap();
        assert_eq!(feed_checked(doc, &boundaries(doc)), expected, "{doc}");
    }
}

#[test]
fn a_delimiter_after_a_value_never_changes_the_snapshot() {
    // So every finished scalar is shown as soon as it is read.
    for doc in DOCS {
        for at in delimiters(doc) {
            let before = snapshot_of(&doc[..at]);
            let after = snapshot_of(&doc[..=at]);
            assert_eq!(before, after, "{doc} at {at}");
        }
    }
}

#[test]
fn any_split_gives_the_serde_json_value() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for doc in DOCS {
        let expected: Value = serde_json::from_str(doc).unwrap();
        let all = boundaries(doc);
        for &cut in &all {
            assert_eq!(feed_checked(doc, &[cut]), expected);
        }
        for _ in 0..50 {
            let mut cuts: Vec<usize> = (0..rng.below(8) + 1)
                .map(|_| all[rng.below(all.len())])
                .collect();
            cuts.sort_unstable();
            assert_eq!(feed_checked(doc, &cuts), expected, "{doc} cut at {cuts:?}");
        }
    }
}

#[test]
fn invalid_input_errors_at_the_offending_byte() {
    for (input, offset) in [
        (r#"{"a" 1}"#, 5),
        ("[1,]", 3),
        (r#"{"a":1,}"#, 7),
        ("tru e", 3),
        ("nulx", 3),
        ("[01]", 2),
        ("[1.]", 3),
        ("[1e+]", 4),
        ("-a", 1),
        ("[1 2]", 3),
        ("{1:2}", 1),
        ("[}", 1),
        (r#"{"a":1]"#, 6),
        (r#"{"a":1,2"#, 7),
        (r#""\x""#, 2),
        (r#""\u12g4""#, 5),
        (r#""\udc00""#, 6),
        (r#""\ud83d\n""#, 8),
        (r#""\ud83dx""#, 7),
        (r#""\ud83d\u0041""#, 12),
        ("\"a\nb\"", 2),
        ("\"é\u{1}\"", 3),
        ("[1,2,", 99), // valid prefix: no error
        ("x", 0),
        ("\u{feff}{}", 0),
    ] {
        let mut whole = PartialJson::new();
        match whole.push(input) {
            Ok(()) => {
                assert_eq!(offset, 99, "{input} was accepted");
                continue;
            }
            Err(PartialJsonError::Invalid {
                offset: o, excerpt, ..
            }) => {
                assert_eq!(o, offset, "{input}");
                assert!(input[o..].starts_with(&excerpt), "{input}: {excerpt}");
            }
            Err(other) => panic!("{input}: {other}"),
        }
        // The offset does not depend on how the input was cut, and the
        // input before it is a valid prefix.
        let mut by_char = PartialJson::new();
        let error = input
            .char_indices()
            .map(|(i, c)| by_char.push(&input[i..i + c.len_utf8()]))
            .find_map(Result::err)
            .unwrap();
        assert!(
            matches!(error, PartialJsonError::Invalid { offset: o, .. } if o == offset),
            "{input}: {error}"
        );
        PartialJson::new().push(&input[..offset]).unwrap();
    }
}

#[test]
fn an_error_sticks_and_the_snapshot_stays_at_the_last_valid_state() {
    let mut parser = PartialJson::new();
    parser.push(r#"{"a":[1,"b"#).unwrap();
    let error = parser.push(r#"c"x"#).unwrap_err();
    assert_eq!(
        error,
        PartialJsonError::Invalid {
            offset: 12,
            reason: "expected `,` or `]`",
            excerpt: "x".into(),
        }
    );
    assert_eq!(parser.error(), Some(&error));
    assert_eq!(parser.push("]}"), Err(error.clone()));
    assert_eq!(parser.finish(), Err(error.clone()));
    assert_eq!(parser.snapshot_json().as_deref(), Some(r#"{"a":[1,"bc"]}"#));
    assert!(error.to_string().contains("byte 12"), "{error}");
}

#[test]
fn nesting_is_capped() {
    let ok = "[".repeat(DEFAULT_MAX_DEPTH) + &"]".repeat(DEFAULT_MAX_DEPTH);
    let mut parser = PartialJson::new();
    parser.push(&ok).unwrap();
    parser.finish().unwrap();
    // Found by `npm run fuzz` (partial_json): the cap was one level deeper
    // than serde_json parses, so the deepest accepted snapshot could not be
    // read back. What is accepted must parse.
    serde_json::from_str::<serde_json::Value>(&parser.snapshot_json().unwrap()).unwrap();

    let mut parser = PartialJson::new();
    let deep = "[{\"a\":".repeat(1_000);
    let error = parser.push(&deep).unwrap_err();
    assert_eq!(
        error,
        PartialJsonError::TooDeep {
            // Each repetition opens two containers in 6 bytes ("[{\"a\":"); the
            // one past the cap is a '[' (even cap) or the '{' after it (odd).
            offset: 6 * (DEFAULT_MAX_DEPTH / 2) + DEFAULT_MAX_DEPTH % 2,
            limit: DEFAULT_MAX_DEPTH
        }
    );
    assert_eq!(parser.depth(), DEFAULT_MAX_DEPTH);
    // The snapshot still renders (iteratively: no recursion to overflow).
    assert!(parser.snapshot_json().unwrap().ends_with("}]"));

    let mut parser = PartialJson::new().with_max_depth(2);
    parser.push("[[1],{").unwrap();
    assert!(matches!(
        parser.push("\"k\":[").unwrap_err(),
        PartialJsonError::TooDeep {
            offset: 10,
            limit: 2
        }
    ));
}

#[test]
fn total_size_is_capped() {
    let mut parser = PartialJson::new().with_max_len(10);
    parser.push(r#"{"a":"#).unwrap();
    parser.push(r#""bcd"#).unwrap();
    assert_eq!(
        parser.push("e\"}"),
        Err(PartialJsonError::TooLong { limit: 10 })
    );
    assert_eq!(parser.len(), 9);
    assert_eq!(parser.snapshot_json().as_deref(), Some(r#"{"a":"bcd"}"#));
}

/// A ~100 KB document of tool-call-like objects.
fn big_document() -> String {
    let mut items = Vec::new();
    let mut i = 0u64;
    let mut len = 0;
    while len < 100_000 {
        let item = serde_json::json!({
            "id": format!("call_{i}"),
            "text": format!("line {i}: caf\u{e9} \"quoted\" \\ \n\t 😀 {}", "x".repeat((i % 40) as usize)),
            "n": [i, -(i as i64), i as f64 / 7.0, 1e-7 * i as f64],
            "flags": {"ok": i.is_multiple_of(2), "none": null, "nested": [[[]], {}]},
        });
        len += item.to_string().len() + 1;
        items.push(item);
        i += 1;
    }
    Value::Array(items).to_string()
}

#[test]
fn work_is_linear_in_the_input() {
    let doc = big_document();
    assert!(doc.len() >= 100_000);
    let mut parser = PartialJson::new();
    let mut from = 0;
    while from < doc.len() {
        let mut to = (from + 8).min(doc.len());
        while !doc.is_char_boundary(to) {
            to += 1;
        }
        let before = parser.work_units();
        parser.push(&doc[from..to]).unwrap();
        // Each byte is examined once, and once more only when it ends a number.
        assert!(parser.work_units() - before <= 2 * (to - from) as u64);
        from = to;
    }
    parser.finish().unwrap();
    let total = parser.work_units();
    assert!(
        total <= 2 * doc.len() as u64,
        "{total} units for {} bytes",
        doc.len()
    );
    assert_eq!(
        parse(&parser.snapshot_json().unwrap()),
        serde_json::from_str::<Value>(&doc).unwrap()
    );

    // A single long string fed a byte at a time costs the same per byte.
    let long = format!("\"{}\"", "abc\\n".repeat(20_000));
    let mut parser = PartialJson::new();
    for i in 0..long.len() {
        parser.push(&long[i..=i]).unwrap();
    }
    parser.finish().unwrap();
    assert!(parser.work_units() <= 2 * long.len() as u64);
}

/// Escapes every non-ASCII character as `\uXXXX` (a surrogate pair above
/// U+FFFF); in serde_json's output they only occur inside strings.
fn ascii_only(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z \"\\\\/\\n\\t\\x00\\x1fé😀\u{2028}]{0,12}",
        proptest::collection::vec(any::<char>(), 0..6).prop_map(String::from_iter),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        (-1e-3f64..1e-3).prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((text(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn random_values_randomly_fragmented(
        value in json_value(),
        form in 0..3u8,
        sizes in proptest::collection::vec(1usize..12, 1..32),
    ) {
        let text = match form {
            0 => value.to_string(),
            1 => serde_json::to_string_pretty(&value).unwrap(),
            _ => ascii_only(&value.to_string()),
        };
        let mut cuts = Vec::new();
        let mut at = 0;
        for size in sizes.iter().cycle() {
            at += size;
            while at < text.len() && !text.is_char_boundary(at) {
                at += 1;
            }
            if at >= text.len() {
                break;
            }
            cuts.push(at);
        }
        let expected: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(feed_checked(&text, &cuts), expected);
    }
}
