//! The exported classes (`SseDecoder`, `ChatStream`, `ClientCore`, `RetryLoop`) as JavaScript sees them. Run in Node
//! (`wasm-pack test --node`) and in Chromium (`WASM_BINDGEN_USE_BROWSER=1
//! wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use modelwire::wasm::{SseDecoder, SseDecoderOptions};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

/// `[event, data, id]` of each event object, with `null` shown as "<null>".
fn fields(events: &Array) -> Vec<[String; 3]> {
    events
        .iter()
        .map(|e| ["event", "data", "id"].map(|k| get(&e, k).as_string().unwrap_or("<null>".into())))
        .collect()
}

fn row(event: &str, data: &str, id: &str) -> [String; 3] {
    [event.into(), data.into(), id.into()]
}

fn options(max: f64) -> SseDecoderOptions {
    let object = Object::new();
    Reflect::set(&object, &"maxBufferBytes".into(), &max.into()).unwrap();
    object.unchecked_into()
}

#[wasm_bindgen_test]
fn events_come_back_as_plain_objects() {
    let mut decoder = SseDecoder::new(None).unwrap();
    let events = decoder
        .push(b"id: 1\nevent: delta\ndata: {\"a\":1}\n\ndata: x\n\n")
        .unwrap();
    assert_eq!(
        fields(&events),
        [row("delta", "{\"a\":1}", "1"), row("<null>", "x", "1")]
    );
    assert_eq!(decoder.last_event_id(), "1");
}

#[wasm_bindgen_test]
fn a_multibyte_character_split_across_chunks_is_kept_whole() {
    let bytes = "data: né 😀\n\n".as_bytes();
    let emoji = bytes.iter().position(|&b| b == 0xF0).unwrap();
    let mut decoder = SseDecoder::new(None).unwrap();
    let mut all = Vec::new();
    // Cut inside the é and twice inside the emoji.
    for chunk in [
        &bytes[..8],
        &bytes[8..emoji + 1],
        &bytes[emoji + 1..emoji + 3],
        &bytes[emoji + 3..],
    ] {
        all.extend(fields(&decoder.push(chunk).unwrap()));
    }
    assert_eq!(all, [row("<null>", "né 😀", "")]);
}

#[wasm_bindgen_test]
fn finish_reports_a_cut_stream_and_its_salvage() {
    let mut decoder = SseDecoder::new(None).unwrap();
    assert_eq!(decoder.push(b"retry: 250\ndata: par").unwrap().length(), 0);
    let finish = decoder.finish().unwrap();
    assert_eq!(get(&finish, "cut"), JsValue::TRUE);
    assert_eq!(get(&get(&finish, "unterminated"), "data"), "par");
    assert_eq!(decoder.retry(), Some(250.0));
}

#[wasm_bindgen_test]
fn the_cap_throws_a_named_error_that_keeps_earlier_events() {
    let mut decoder = SseDecoder::new(Some(options(8.0))).unwrap();
    let err = decoder
        .push(b"data: ok\n\ndata: far too long\n")
        .unwrap_err();
    let error: &js_sys::Error = err.dyn_ref().expect("a real Error");
    assert_eq!(error.name(), "SseError");
    assert_eq!(get(&err, "code"), "line_too_large");
    assert_eq!(get(&err, "limit"), 8.0);
    let kept: Array = get(&err, "events").dyn_into().unwrap();
    assert_eq!(fields(&kept), [row("<null>", "ok", "")]);
}

#[wasm_bindgen_test]
fn bad_options_are_a_range_error() {
    for bad in [0.0, -1.0, 1.5, f64::NAN] {
        let err = SseDecoder::new(Some(options(bad))).err().expect("rejected");
        assert!(err.is_instance_of::<js_sys::RangeError>(), "{bad}");
    }
}

#[wasm_bindgen_test]
fn chat_stream_accumulates_across_chunk_boundaries() {
    let body = concat!(
        "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"né\"}}]}\n\n",
        "data: {\"id\":\"c\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" 😀\"},\"finish_reason\":\"stop\"}]}\n\n",
        "data: [DONE]\n\n",
    )
    .as_bytes();
    let mut stream = modelwire::wasm::ChatStream::new(None).unwrap();
    let mut done = false;
    for piece in body.chunks(7) {
        done = stream.push(piece).unwrap();
    }
    assert!(done);
    assert_eq!(stream.finish().unwrap(), "done");
    let completion = js_sys::JSON::parse(&stream.completion_json()).unwrap();
    let choice = Reflect::get(&get(&completion, "choices"), &0.into()).unwrap();
    assert_eq!(get(&get(&choice, "message"), "content"), "né 😀");
    assert_eq!(get(&choice, "finish_reason"), "stop");
}

#[wasm_bindgen_test]
fn chat_stream_errors_are_named_and_keep_the_partial() {
    let mut stream = modelwire::wasm::ChatStream::new(None).unwrap();
    stream
        .push(
            b"data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n",
        )
        .unwrap();
    let err = stream
        .push(b"data: {\"error\":{\"message\":\"overloaded\",\"code\":503}}\n\n")
        .unwrap_err();
    assert_eq!(
        err.dyn_ref::<js_sys::Error>().unwrap().name(),
        "StreamError"
    );
    assert_eq!(get(&err, "code"), "server_error");
    assert_eq!(get(&get(&err, "error"), "message"), "overloaded");
    let partial = js_sys::JSON::parse(&stream.completion_json()).unwrap();
    let choice = Reflect::get(&get(&partial, "choices"), &0.into()).unwrap();
    assert_eq!(get(&get(&choice, "message"), "content"), "Hel");
}

#[wasm_bindgen_test]
fn chat_stream_finish_tells_a_clean_end_from_a_cut() {
    let event = b"data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}";
    let mut whole = modelwire::wasm::ChatStream::new(None).unwrap();
    whole.push(event).unwrap();
    whole.push(b"\n\n").unwrap();
    assert_eq!(whole.finish().unwrap(), "eof");
    // `data: [DONE]` with no blank line after it still ends the stream.
    let mut unterminated_done = modelwire::wasm::ChatStream::new(None).unwrap();
    unterminated_done.push(b"data: [DONE]\n").unwrap();
    assert_eq!(unterminated_done.finish().unwrap(), "done");
    let mut cut = modelwire::wasm::ChatStream::new(None).unwrap();
    cut.push(&event[..event.len() - 9]).unwrap();
    assert_eq!(cut.finish().unwrap(), "cut");
}

fn client_core() -> modelwire::wasm::ClientCore {
    modelwire::wasm::ClientCore::new(
        "http://127.0.0.1:1/v1/",
        Some("sk-GLUE-1234".into()),
        "Api-Key",
    )
    .unwrap()
}

#[wasm_bindgen_test]
fn chat_stream_hands_out_chunks_and_deltas_in_batches() {
    let mut stream = client_core().chat_stream(None).unwrap();
    stream.collect(true, true);
    let body = concat!(
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hé\"}}]}\n\n",
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\"}}]}}]}\n\n",
    );
    assert!(!stream.push(body.as_bytes()).unwrap());
    assert!(stream.started());
    let chunks = js_sys::JSON::parse(&stream.take_chunks().unwrap()).unwrap();
    assert_eq!(Array::from(&chunks).length(), 2);
    assert_eq!(stream.take_chunks(), None, "taken once");
    let events = stream.take_events().unwrap();
    assert_eq!(events, r#"[[0,0,0,"Hé"],[3,0,1,"t","f"],[4,0,1,"{\"a"]]"#);
    stream.collect(false, false);
    stream.push(b"data: [DONE]\n\n").unwrap();
    assert_eq!(stream.take_events(), None);
}

#[wasm_bindgen_test]
fn client_core_prepares_requests_and_scrubs_errors() {
    let core = client_core();
    assert_eq!(core.base_url(), "http://127.0.0.1:1/v1");
    let prepared = core
        .prepare_chat(r#"{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}"#)
        .unwrap();
    assert_eq!(
        get(&prepared, "url").as_string().unwrap(),
        "http://127.0.0.1:1/v1/chat/completions"
    );
    let headers = get(&prepared, "headers");
    assert_eq!(
        get(&headers, "authorization").as_string().unwrap(),
        "Api-Key sk-GLUE-1234"
    );
    assert_eq!(get(&prepared, "stream"), JsValue::TRUE);

    let invalid = core
        .prepare_chat(r#"{"model":"m","messages":[]}"#)
        .unwrap_err();
    assert_eq!(
        get(&invalid, "name").as_string().unwrap(),
        "ValidationError"
    );
    assert_eq!(get(&invalid, "field").as_string().unwrap(), "messages");

    let described = core.response_error(
        429,
        vec!["x-baseten-request-id".into(), "r-1".into()],
        br#"{"error":"slow down, sk-GLUE-1234"}"#,
    );
    assert_eq!(
        get(&described, "name").as_string().unwrap(),
        "RateLimitError"
    );
    assert_eq!(get(&described, "requestId").as_string().unwrap(), "r-1");
    let message = get(&described, "message").as_string().unwrap();
    assert!(
        message.starts_with("429 ") && !message.contains("GLUE"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn retry_loop_honours_retry_after_and_the_budget() {
    let mut retry = modelwire::wasm::RetryLoop::new(1);
    let wait = retry.next(429, vec!["retry-after-ms".into(), "250".into()], 0.0, 0.5);
    assert_eq!(wait, 250.0);
    assert_eq!(retry.next(503, vec![], 0.0, 0.5), -1.0);
    assert_eq!(
        modelwire::wasm::RetryLoop::new(3).next(400, vec![], 0.0, 0.5),
        -1.0
    );
}

#[wasm_bindgen_test]
fn messages_step_mode_previews_a_chunk_and_applies_one_event_at_a_time() {
    let mut stream = modelwire::wasm::MessagesStream::new(None).unwrap();
    stream.set_stepwise();
    let body = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"x\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":0}}}\n\n",
        "event: ping\ndata: {\"type\":\"ping\"}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
    );
    assert!(!stream.push(body.as_bytes()).unwrap());
    // Every queued event's data, as sent, in one array; nothing applied yet.
    let preview = Array::from(&js_sys::JSON::parse(&stream.preview_events().unwrap()).unwrap());
    assert_eq!(preview.length(), 4);
    assert_eq!(get(&preview.get(1), "type"), "ping");
    assert_eq!(stream.preview_events(), None, "shown once");
    let text = |stream: &modelwire::wasm::MessagesStream| {
        let message = js_sys::JSON::parse(&stream.message_json()).unwrap();
        let block = Reflect::get(&get(&message, "content"), &0.into()).unwrap();
        if block.is_undefined() {
            None
        } else {
            get(&block, "text").as_string()
        }
    };
    assert_eq!(text(&stream), None);
    // Applied one at a time: the ping is applied but not delivered.
    assert_eq!(stream.apply_next().unwrap(), 1);
    assert_eq!(stream.apply_next().unwrap(), 2);
    assert_eq!(stream.apply_next().unwrap(), 1);
    assert_eq!(text(&stream).as_deref(), Some(""));
    assert_eq!(stream.apply_next().unwrap(), 1);
    assert_eq!(text(&stream).as_deref(), Some("Hi"));
    assert_eq!(stream.apply_next().unwrap(), 0);
    // An error event throws at its own step, with what came before kept.
    stream
        .push(b"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n")
        .unwrap();
    assert!(stream.preview_events().is_some());
    let err = stream.apply_next().unwrap_err();
    assert_eq!(
        err.dyn_ref::<js_sys::Error>().unwrap().name(),
        "StreamError"
    );
    assert_eq!(text(&stream).as_deref(), Some("Hi"));
}
