//! Any text in any fragments: PartialJson never panics, every snapshot is
//! valid JSON, and whatever serde_json accepts it accepts too, with the same
//! value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modelwire::partial_json::PartialJson;
use serde_json::Value;

fuzz_target!(|input: &[u8]| {
    let Some((&seed, bytes)) = input.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let step = usize::from(seed % 11) + 1;
    let mut parser = PartialJson::new();
    let mut failed = false;
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + step).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if parser.push(&text[start..end]).is_err() {
            failed = true;
            break;
        }
        if let Some(snapshot) = parser.snapshot_json()
            && let Err(err) = serde_json::from_str::<Value>(&snapshot)
            // Valid JSON that serde_json's f64 cannot hold (JSON.parse gives
            // Infinity); the check here is about the grammar.
            && !err.to_string().starts_with("number out of range")
        {
            panic!(
                "snapshot is not JSON ({err}): {snapshot:?} after {:?}",
                &text[..end]
            );
        }
        start = end;
    }
    let finished = !failed && parser.finish().is_ok();
    // serde_json's own recursion limit is 128; stay clear of that edge.
    if let Ok(expected) = serde_json::from_str::<Value>(text)
        && parser.depth() < 100
        && text.matches(['[', '{']).count() < 100
    {
        assert!(
            finished,
            "serde_json accepts {text:?} but PartialJson does not"
        );
        let got: Value = serde_json::from_str(&parser.snapshot_json().unwrap_or_default()).unwrap();
        assert_eq!(got, expected, "different value for {text:?}");
    }
});
