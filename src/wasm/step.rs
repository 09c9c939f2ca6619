//! Step-by-step delivery for the stream classes: in this mode the decoded
//! events of a network chunk are queued instead of applied, and JS applies
//! them one at a time with `next()`, so that each chunk it sees comes with
//! the accumulated state, the deltas and the error (if any) of exactly that
//! point in the stream.

use crate::sse::{EventRef, Sink};
use std::collections::VecDeque;

/// Events decoded but not yet applied, and applied chunks not yet returned.
#[derive(Default)]
pub(super) struct Stepper {
    queue: VecDeque<(Option<String>, String)>,
    ready: VecDeque<String>,
    /// How many events at the front of `queue` `preview` has already shown.
    previewed: usize,
}

impl Sink for Stepper {
    fn event(&mut self, event: EventRef<'_>) {
        self.queue
            .push_back((event.event.map(str::to_owned), event.data.to_owned()));
    }
}

impl Stepper {
    /// The next event to apply.
    pub(super) fn pop(&mut self) -> Option<(Option<String>, String)> {
        let event = self.queue.pop_front()?;
        self.previewed = self.previewed.saturating_sub(1);
        Some(event)
    }

    /// The data of the events queued since the last call, as sent, as the text of
    /// one JSON array (`[d1,d2,…]`); `None` when none is new. Only a JSON array when
    /// every data is JSON: the caller parses it and falls back to one event at a time
    /// when that fails.
    pub(super) fn preview(&mut self) -> Option<String> {
        if self.previewed >= self.queue.len() {
            return None;
        }
        let mut out = String::from("[");
        for (_, data) in self.queue.iter().skip(self.previewed) {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(data.trim_ascii());
        }
        out.push(']');
        self.previewed = self.queue.len();
        Some(out)
    }

    /// A chunk applied outside `next()` (the unterminated last event at
    /// `finish()`), to be returned by the next `next()`.
    pub(super) fn push_ready(&mut self, data: String) {
        self.ready.push_back(data);
    }

    pub(super) fn pop_ready(&mut self) -> Option<String> {
        self.ready.pop_front()
    }
}
