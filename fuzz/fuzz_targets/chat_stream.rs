//! Any SSE body into the Chat Completions accumulator (see stream_harness).
#![no_main]

mod stream_harness;

use libfuzzer_sys::fuzz_target;
use modelwire::chat::ChatAccumulator;

fuzz_target!(|input: &[u8]| stream_harness::check::<ChatAccumulator>(input));
