//! Any SSE body into the Anthropic Messages accumulator (see stream_harness).
#![no_main]

mod stream_harness;

use libfuzzer_sys::fuzz_target;
use modelwire::messages::MessagesAccumulator;

fuzz_target!(|input: &[u8]| stream_harness::check::<MessagesAccumulator>(input));
