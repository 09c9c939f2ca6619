//! `SseDecoder` for JavaScript: the core decoder behind a class whose `push`
//! returns plain `{ event, data, id }` objects.

use crate::sse::{self, EventRef, Sink};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The `event` field, or `null` when absent (a browser calls that "message"). */
  event: string | null;
  /** The data lines joined with "\n". */
  data: string;
  /** The last event id at dispatch ("" when never set); it persists across events. */
  id: string;
}

/** Options for `new SseDecoder(options)`. */
export interface SseDecoderOptions {
  /** Cap on one line and on one event's data, in bytes (default 8 MiB). */
  maxBufferBytes?: number;
}

/** What `SseDecoder.finish()` reports about the end of the stream. */
export interface SseFinish {
  /** The stream ended inside a block; WHATWG discards that block. */
  cut: boolean;
  /** The event the cut block would have dispatched, if it had data. */
  unterminated: SseEvent | null;
}
"#;

/// An incremental Server-Sent Events decoder over bytes (WHATWG rules).
///
/// ```js
/// const decoder = new SseDecoder();
/// for (const chunk of chunks) {
///   for (const { event, data } of decoder.push(chunk)) console.log(event, data);
/// }
/// const { cut } = decoder.finish();
/// decoder.free();
/// ```
#[wasm_bindgen]
extern "C" {
    /// `SseDecoderOptions` from the TypeScript section above.
    #[wasm_bindgen(typescript_type = "SseDecoderOptions")]
    pub type SseDecoderOptions;
}

#[wasm_bindgen]
pub struct SseDecoder {
    inner: sse::SseDecoder,
    retry: Option<u64>,
}

/// Collects events as JS objects, and the latest `retry` value.
struct JsEvents {
    events: Array,
    retry: Option<u64>,
}

impl Sink for JsEvents {
    fn event(&mut self, event: EventRef<'_>) {
        self.events.push(&to_js(event));
    }
    fn retry(&mut self, millis: u64) {
        self.retry = Some(millis);
    }
}

fn to_js(event: EventRef<'_>) -> JsValue {
    let object = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
    };
    set(
        "event",
        event.event.map_or(JsValue::NULL, JsValue::from_str),
    );
    set("data", JsValue::from_str(event.data));
    set("id", JsValue::from_str(event.id));
    object.into()
}

/// A core decoder honouring `options.maxBufferBytes` (a positive whole
/// number; absent means the default).
pub(super) fn decoder_from_options(options: &JsValue) -> Result<sse::SseDecoder, JsValue> {
    let value = Reflect::get(options, &JsValue::from_str("maxBufferBytes"))?;
    let max = match value.as_f64() {
        None if value.is_undefined() => sse::DEFAULT_MAX_BUFFER_BYTES,
        Some(n) if n >= 1.0 && n.fract() == 0.0 => n as usize,
        _ => {
            return Err(js_sys::RangeError::new(
                "maxBufferBytes must be a positive whole number of bytes",
            )
            .into());
        }
    };
    Ok(sse::SseDecoder::with_max_buffer_bytes(max))
}

#[wasm_bindgen]
impl SseDecoder {
    /// Creates a decoder; `options.maxBufferBytes` caps one line or event.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<SseDecoderOptions>) -> Result<SseDecoder, JsValue> {
        let inner = match options {
            None => sse::SseDecoder::new(),
            Some(options) => decoder_from_options(&options)?,
        };
        Ok(SseDecoder { inner, retry: None })
    }

    /// Decodes one chunk of the body and returns the events it completed.
    ///
    /// Throws an `Error` named `SseError` (with `code` and `limit`) when a
    /// line or event exceeds `maxBufferBytes`. The events this chunk completed
    /// before that point are not lost: they ride on the error as `events`.
    #[wasm_bindgen(unchecked_return_type = "SseEvent[]")]
    pub fn push(&mut self, chunk: &[u8]) -> Result<Array, JsValue> {
        let mut sink = JsEvents {
            events: Array::new(),
            retry: None,
        };
        let result = self.inner.feed(chunk, &mut sink);
        self.retry = sink.retry.or(self.retry);
        match result {
            Ok(()) => Ok(sink.events),
            Err(err) => {
                let js = JsValue::from(err);
                Reflect::set(&js, &"events".into(), &sink.events)?;
                Err(js)
            }
        }
    }

    /// Ends the stream (an unterminated last block is not dispatched, as
    /// WHATWG requires) and readies the decoder for a new stream.
    #[wasm_bindgen(unchecked_return_type = "SseFinish")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let finish = self.inner.finish()?;
        let object = Object::new();
        Reflect::set(&object, &"cut".into(), &finish.cut.into())?;
        let unterminated = finish.unterminated.as_ref().map_or(JsValue::NULL, |e| {
            to_js(EventRef {
                event: e.event.as_deref(),
                data: &e.data,
                id: &e.id,
            })
        });
        Reflect::set(&object, &"unterminated".into(), &unterminated)?;
        Ok(object.into())
    }

    /// The last event id seen, as `EventSource.lastEventId` would report it.
    #[wasm_bindgen(getter, js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.inner.last_event_id().to_owned()
    }

    /// The latest valid `retry` value in milliseconds, if the stream sent one.
    #[wasm_bindgen(getter)]
    pub fn retry(&self) -> Option<f64> {
        self.retry.map(|ms| ms as f64)
    }
}
