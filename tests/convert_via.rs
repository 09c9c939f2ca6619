//! `convert::Via`: one protocol's SSE body decoded, converted event by event
//! and accumulated in the other protocol's accumulator, as the client reads
//! a stream sent through the other endpoint. The result must not depend on
//! how the body is chunked, must equal the converted final response, and a
//! cut or malformed body must end the way a native one does.
#![cfg(not(target_arch = "wasm32"))]

use modelwire::chat::ChatAccumulator;
use modelwire::convert::{
    ChatToMessagesStream, LossKind, MessagesToChatStream, StreamConverter, Via,
    chat_to_messages_response, messages_to_chat_response,
};
use modelwire::messages::MessagesAccumulator;
use modelwire::sse::{Event, SseDecoder};
use serde_json::Value;

const MESSAGES_BODY: &str = concat!(
    "event: message_start\n",
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":0}}}\n\n",
    "event: ping\ndata: {\"type\":\"ping\"}\n\n",
    "event: content_block_start\n",
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Héllo \"}}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"world\"}}\n\n",
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
    "event: content_block_start\n",
    "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}\n\n",
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
    "event: message_delta\n",
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}\n\n",
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
);

const CHAT_BODY: &str = concat!(
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Héllo \"}}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"world\"}}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\"}}]}}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21}}\n\n",
    "data: [DONE]\n\n",
);

/// The body in `chunks`-sized pieces through the decoder and `via`; the
/// forwarded events, whether the end was cut, and the conversion error.
fn run<C: StreamConverter>(via: &mut Via<C>, body: &[u8], chunk: usize) -> (Vec<Event>, bool) {
    let mut sse = SseDecoder::new();
    let mut out: Vec<Event> = Vec::new();
    for piece in body.chunks(chunk.max(1)) {
        sse.feed(piece, &mut via.sink(&mut out)).unwrap();
    }
    let cut = via.finish(sse.finish().unwrap(), &mut out);
    (out, cut)
}

fn to_chat(events: &[Event]) -> (Value, bool) {
    let mut chat = ChatAccumulator::new();
    for e in events {
        chat.push(e.event.as_deref(), &e.data, &mut ()).unwrap();
    }
    (
        serde_json::from_str(&chat.completion_json()).unwrap(),
        chat.is_done(),
    )
}

fn to_message(events: &[Event]) -> (Value, bool) {
    let mut messages = MessagesAccumulator::new();
    for e in events {
        messages.push(e.event.as_deref(), &e.data, &mut ()).unwrap();
    }
    (
        serde_json::from_str(&messages.message_json()).unwrap(),
        messages.is_done(),
    )
}

/// The native accumulation of a body (to convert as a whole response).
fn native_message(body: &str) -> String {
    let mut sse = SseDecoder::new();
    let mut events: Vec<Event> = Vec::new();
    sse.feed(body.as_bytes(), &mut events).unwrap();
    let mut messages = MessagesAccumulator::new();
    for e in &events {
        messages.push(e.event.as_deref(), &e.data, &mut ()).unwrap();
    }
    messages.message_json()
}

fn native_chat(body: &str) -> String {
    let mut sse = SseDecoder::new();
    let mut events: Vec<Event> = Vec::new();
    sse.feed(body.as_bytes(), &mut events).unwrap();
    let mut chat = ChatAccumulator::new();
    for e in &events {
        chat.push(e.event.as_deref(), &e.data, &mut ()).unwrap();
    }
    chat.completion_json()
}

#[test]
fn messages_body_read_as_chat_equals_the_converted_response_at_any_chunking() {
    let expected: Value = serde_json::from_str(
        &messages_to_chat_response(&native_message(MESSAGES_BODY))
            .unwrap()
            .json,
    )
    .unwrap();
    let mut reference = None;
    for chunk in [1, 2, 3, 7, 64, MESSAGES_BODY.len()] {
        let mut via = Via::new(MessagesToChatStream::new());
        let (events, cut) = run(&mut via, MESSAGES_BODY.as_bytes(), chunk);
        assert!(!cut);
        assert!(via.take_error().is_none());
        let (completion, done) = to_chat(&events);
        assert!(done, "[DONE] at message_stop");
        let message = &completion["choices"][0]["message"];
        assert_eq!(
            message["content"],
            expected["choices"][0]["message"]["content"]
        );
        // The chat accumulator keeps each streamed call's `index`.
        let mut calls = message["tool_calls"].clone();
        for call in calls.as_array_mut().unwrap() {
            call.as_object_mut().unwrap().remove("index");
        }
        assert_eq!(calls, expected["choices"][0]["message"]["tool_calls"]);
        assert_eq!(completion["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(completion["usage"], expected["usage"]);
        match &reference {
            None => reference = Some(completion),
            Some(r) => assert_eq!(&completion, r, "chunk size {chunk}"),
        }
    }
}

#[test]
fn chat_body_read_as_messages_equals_the_converted_response_at_any_chunking() {
    let expected: Value = serde_json::from_str(
        &chat_to_messages_response(&native_chat(CHAT_BODY))
            .unwrap()
            .json,
    )
    .unwrap();
    for chunk in [1, 5, 13, CHAT_BODY.len()] {
        let mut via = Via::new(ChatToMessagesStream::new());
        let (events, cut) = run(&mut via, CHAT_BODY.as_bytes(), chunk);
        assert!(!cut && via.take_error().is_none());
        let (message, done) = to_message(&events);
        assert!(done, "message_stop at [DONE]");
        assert_eq!(message["content"], expected["content"]);
        assert_eq!(message["stop_reason"], "tool_use");
        assert_eq!(message["usage"], expected["usage"]);
        assert_eq!(message["content"][1]["input"]["city"], "Paris");
    }
}

#[test]
fn a_last_event_without_its_blank_line_still_counts() {
    // Without `message_stop`'s blank line (anthropic-sdk-python fixtures end so).
    let body = &MESSAGES_BODY[..MESSAGES_BODY.len() - 1];
    let mut via = Via::new(MessagesToChatStream::new());
    let (events, cut) = run(&mut via, body.as_bytes(), 9);
    assert!(!cut);
    assert!(to_chat(&events).1, "done");
    assert_eq!(events.last().unwrap().data, "[DONE]");
}

#[test]
fn a_body_cut_inside_an_event_is_cut_and_not_closed() {
    // Cut in the middle of the second text delta: no finish, no [DONE].
    let at = MESSAGES_BODY.find("\"world\"").unwrap();
    let mut via = Via::new(MessagesToChatStream::new());
    let (events, cut) = run(&mut via, &MESSAGES_BODY.as_bytes()[..at], 4);
    assert!(cut);
    let (completion, done) = to_chat(&events);
    assert!(!done);
    assert_eq!(completion["choices"][0]["message"]["content"], "Héllo ");

    let at = CHAT_BODY.find("\"world\"").unwrap();
    let mut via = Via::new(ChatToMessagesStream::new());
    let (events, cut) = run(&mut via, &CHAT_BODY.as_bytes()[..at], 4);
    assert!(cut);
    let (message, done) = to_message(&events);
    assert!(!done);
    assert_eq!(message["content"][0]["text"], "Héllo ");
}

#[test]
fn a_chat_body_ending_without_done_after_its_finish_reason_is_closed() {
    let body = CHAT_BODY.replace("data: [DONE]\n\n", "");
    let mut via = Via::new(ChatToMessagesStream::new());
    let (events, cut) = run(&mut via, body.as_bytes(), 11);
    assert!(!cut);
    let (message, done) = to_message(&events);
    assert!(done);
    assert_eq!(message["stop_reason"], "tool_use");
}

#[test]
fn malformed_data_stops_the_stream_with_an_error() {
    let body = MESSAGES_BODY.replacen(
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"world\"}}",
        "{\"type\":\"content_block_delta\",\"ind",
        1,
    );
    let mut via = Via::new(MessagesToChatStream::new());
    let (events, _) = run(&mut via, body.as_bytes(), 6);
    assert!(via.take_error().is_some());
    let (completion, done) = to_chat(&events);
    assert!(!done, "nothing after the error is forwarded");
    assert_eq!(completion["choices"][0]["message"]["content"], "Héllo ");
}

#[test]
fn an_error_event_becomes_the_other_protocols_error_and_keeps_its_class() {
    let at = MESSAGES_BODY.find("event: content_block_stop").unwrap();
    let body = [
        &MESSAGES_BODY[..at],
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
    ]
    .concat();
    let mut via = Via::new(MessagesToChatStream::new());
    let (events, _) = run(&mut via, body.as_bytes(), 5);
    let mut chat = ChatAccumulator::new();
    let mut failed = None;
    for e in &events {
        if let Err(err) = chat.push(e.event.as_deref(), &e.data, &mut ()) {
            failed = Some(err.to_string());
            break;
        }
    }
    let failed = failed.expect("the error chunk fails the chat stream");
    assert!(failed.contains("overloaded_error"), "{failed}");
}

#[test]
fn losses_are_reported_once_per_place() {
    let mut via = Via::new(ChatToMessagesStream::new());
    run(&mut via, CHAT_BODY.as_bytes(), 3);
    let created: Vec<_> = via
        .losses()
        .iter()
        .filter(|l| l.path == "created")
        .collect();
    assert_eq!(created.len(), 1, "{:?}", via.losses());
    assert_eq!(created[0].kind, LossKind::Dropped);
}
