//! Shared helpers for the conformance runners: finding the corpus in
//! `../shared/conformance`, reading its vectors, and counting results.

// Each integration test compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use base64::Engine;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One folder of the conformance corpus.
pub struct Corpus {
    root: PathBuf,
}

impl Corpus {
    /// `../shared/conformance/<part>` (or `$MODELWIRE_CONFORMANCE/<part>`).
    /// When it is missing: panics under `CI=true`, where a skipped corpus
    /// would pass silently, and otherwise prints why and returns `None`.
    pub fn locate(part: &str) -> Option<Corpus> {
        let base = std::env::var_os("MODELWIRE_CONFORMANCE")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance"));
        let root = base.join(part);
        if root.is_dir() {
            return Some(Corpus { root });
        }
        let message = format!(
            "conformance corpus not found at {} (set MODELWIRE_CONFORMANCE)",
            root.display()
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{message}");
        }
        eprintln!("SKIPPED: {message}");
        None
    }

    /// Every `*.json` vector in `folder`, sorted by name.
    pub fn vectors(&self, folder: &str) -> Vec<(String, Value)> {
        let dir = self.root.join(folder);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path).unwrap();
                let value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                (
                    format!("{folder}/{}", path.file_stem().unwrap().to_string_lossy()),
                    value,
                )
            })
            .collect()
    }
}

/// The exact bytes of each chunk of an SSE vector (its base64 chunks are
/// authoritative; the UTF-8 copies can't hold invalid sequences).
pub fn chunks(vector: &Value) -> Result<Vec<Vec<u8>>, String> {
    #[derive(serde::Deserialize)]
    struct Chunked {
        chunks_b64: Vec<String>,
    }
    let chunked: Chunked = serde_json::from_value(vector.clone()).map_err(|e| e.to_string())?;
    chunked
        .chunks_b64
        .iter()
        .map(|c| {
            base64::engine::general_purpose::STANDARD
                .decode(c)
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// A `kind: "protocol-stream"` vector: what the stream runners read of it.
#[derive(serde::Deserialize)]
pub struct StreamVector {
    /// The raw SSE body.
    pub sse_text: String,
    /// The accumulated result; `null` when the stream is invalid.
    pub expected_final: Value,
    /// Protocol-specific flags (`saw_done`, `saw_message_stop`, …).
    #[serde(default)]
    pub expected_flags: Value,
    /// How the stream must fail, if it must.
    #[serde(default)]
    pub expected_error: Option<Value>,
}

impl StreamVector {
    /// Reads the fields out of a corpus vector.
    pub fn parse(vector: &Value) -> Result<StreamVector, String> {
        serde_json::from_value(vector.clone()).map_err(|e| format!("not a stream vector: {e}"))
    }
}

/// Counts passes and failures and prints the `N passed, N failed` line.
#[derive(Default)]
pub struct Outcome {
    passed: usize,
    failed: Vec<(String, String)>,
}

impl Outcome {
    pub fn record(&mut self, name: &str, result: Result<(), String>) {
        match result {
            Ok(()) => self.passed += 1,
            Err(why) => self.failed.push((name.to_owned(), why)),
        }
    }

    /// Prints the summary and fails the test on any failure, or when fewer
    /// than `at_least` vectors ran (a moved corpus must not pass quietly).
    pub fn finish(self, what: &str, at_least: usize) {
        // Straight to stderr: the harness captures println! of passing tests,
        // and this summary belongs in every log.
        let mut err = std::io::stderr();
        for (name, why) in &self.failed {
            let _ = writeln!(err, "FAIL {name}: {why}");
        }
        let failed = self.failed.len();
        let _ = writeln!(err, "{what}: {} passed, {failed} failed", self.passed);
        assert!(
            self.failed.is_empty(),
            "{} {what} vectors failed",
            self.failed.len()
        );
        assert!(
            self.passed >= at_least,
            "only {} {what} vectors ran; expected at least {at_least}",
            self.passed
        );
    }
}

/// `expected` must be found in `actual`: every expected key with an equal
/// value; arrays element by element. `actual` may carry more keys (unknown
/// fields kept from the stream, and chat's `logprobs: null`, which the corpus omits).
pub fn contains(actual: &Value, expected: &Value, path: &str) -> Result<(), String> {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e.iter().try_for_each(|(key, ev)| {
            let av = a.get(key).ok_or_else(|| format!("{path}.{key} missing"))?;
            contains(av, ev, &format!("{path}.{key}"))
        }),
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => a
            .iter()
            .zip(e)
            .enumerate()
            .try_for_each(|(i, (av, ev))| contains(av, ev, &format!("{path}[{i}]"))),
        (a, e) if a == e => Ok(()),
        (a, e) => Err(format!("{path}: got {a}, expected {e}")),
    }
}

/// Deterministic split points, so a failure reproduces.
pub fn random_cuts(len: usize, seed: u64) -> Vec<usize> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut cuts: Vec<usize> = (0..1 + seed % 40)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % (len as u64 + 1)) as usize
        })
        .collect();
    cuts.sort_unstable();
    cuts
}
