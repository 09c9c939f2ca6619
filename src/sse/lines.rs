//! Splitting a byte stream into lines ended by CR, LF or CRLF.

use super::{BufferKind, SseError};

/// Splits chunks into lines without copying a line that lies whole inside one
/// chunk; only a line cut by a chunk boundary is buffered.
///
/// ```
/// use modelwire::sse::LineSplitter;
/// let mut lines = LineSplitter::new(1024);
/// let mut seen = Vec::new();
/// lines.feed(b"a\r", &mut |l: &[u8]| { seen.push(l.to_vec()); Ok(()) }).unwrap();
/// lines.feed(b"\nb\n", &mut |l: &[u8]| { seen.push(l.to_vec()); Ok(()) }).unwrap();
/// assert_eq!(seen, [b"a".to_vec(), b"b".to_vec()]);
/// ```
#[derive(Debug)]
pub struct LineSplitter {
    /// The start of a line whose terminator has not arrived yet.
    partial: Vec<u8>,
    /// WHATWG: a CR ends a line at once, but an LF right after it belongs to
    /// the same terminator, even when the LF is the first byte of the next chunk.
    after_cr: bool,
    /// The longest line accepted, in bytes (terminator excluded).
    max_line: usize,
}

impl LineSplitter {
    /// A splitter that fails on lines longer than `max_line` bytes.
    pub fn new(max_line: usize) -> Self {
        LineSplitter {
            partial: Vec::new(),
            after_cr: false,
            max_line,
        }
    }

    /// Calls `on_line` with each line that `chunk` completes, in order.
    ///
    /// A line over the cap fails the same way whether it arrived in one chunk
    /// or many, so the outcome never depends on the chunking.
    pub fn feed<F>(&mut self, mut chunk: &[u8], on_line: &mut F) -> Result<(), SseError>
    where
        F: FnMut(&[u8]) -> Result<(), SseError>,
    {
        // An empty chunk must not end the wait for the LF of a CRLF.
        if chunk.is_empty() {
            return Ok(());
        }
        if self.after_cr {
            self.after_cr = false;
            if let [b'\n', rest @ ..] = chunk {
                chunk = rest;
            }
        }
        while let Some(end) = find_line_end(chunk) {
            let line = &chunk[..end];
            if self.partial.is_empty() {
                self.check(line.len())?;
                on_line(line)?;
            } else {
                self.check(self.partial.len() + line.len())?;
                self.partial.extend_from_slice(line);
                let result = on_line(&self.partial);
                self.partial.clear();
                result?;
            }
            let mut next = end + 1;
            if chunk[end] == b'\r' {
                match chunk.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            chunk = &chunk[next..];
        }
        if !chunk.is_empty() {
            self.check(self.partial.len() + chunk.len())?;
            self.partial.extend_from_slice(chunk);
        }
        Ok(())
    }

    /// Ends the stream: returns the unterminated last line, if any, and
    /// leaves the splitter ready for a new stream.
    pub fn flush(&mut self) -> Option<Vec<u8>> {
        self.after_cr = false;
        if self.partial.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.partial))
        }
    }

    /// The bytes of the current unterminated line.
    pub fn partial(&self) -> &[u8] {
        &self.partial
    }

    fn check(&self, len: usize) -> Result<(), SseError> {
        if len > self.max_line {
            Err(SseError::TooLarge {
                kind: BufferKind::Line,
                limit: self.max_line,
            })
        } else {
            Ok(())
        }
    }
}

/// The index of the first CR or LF.
///
/// Reads eight bytes at a time: a line of SSE JSON is long and the terminator
/// rare, so skipping words that hold neither byte is most of the work.
fn find_line_end(bytes: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const CR: u64 = LO * b'\r' as u64;
    const LF: u64 = LO * b'\n' as u64;
    let has_zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in &mut words {
        let v = u64::from_le_bytes(word.try_into().expect("8-byte chunk"));
        if has_zero(v ^ CR) | has_zero(v ^ LF) != 0 {
            break;
        }
        offset += 8;
    }
    bytes[offset..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The complete lines, and what `flush` returns.
    type Split = (Vec<Vec<u8>>, Option<Vec<u8>>);

    fn lines_of(chunks: &[&[u8]], cap: usize) -> Result<Split, SseError> {
        let mut splitter = LineSplitter::new(cap);
        let mut out = Vec::new();
        for chunk in chunks {
            splitter.feed(chunk, &mut |l: &[u8]| {
                out.push(l.to_vec());
                Ok(())
            })?;
        }
        Ok((out, splitter.flush()))
    }

    #[test]
    fn finds_line_ends_at_every_offset() {
        for len in 0..40 {
            for pos in 0..len {
                for term in [b'\r', b'\n'] {
                    let mut bytes = vec![b'x'; len];
                    bytes[pos] = term;
                    assert_eq!(find_line_end(&bytes), Some(pos), "len {len} pos {pos}");
                }
            }
            assert_eq!(find_line_end(&vec![b'y'; len]), None);
        }
        // Bytes that differ from CR/LF by one bit or by the high bit are not ends.
        assert_eq!(
            find_line_end(&[0x8d, 0x8a, 0x0c, 0x0b, 0x0e, 0x09, 0, 0xff, 0x2a]),
            None
        );
    }

    #[test]
    fn crlf_split_across_chunks_is_one_terminator() {
        let (lines, rest) = lines_of(&[b"a\r", b"", b"\nb\r", b"\r\n"], 64).unwrap();
        assert_eq!(lines, [b"a".to_vec(), b"b".to_vec(), b"".to_vec()]);
        assert_eq!(rest, None);
    }

    #[test]
    fn unterminated_last_line_comes_back_from_flush() {
        let (lines, rest) = lines_of(&[b"foo", b" bar\r\nbaz"], 64).unwrap();
        assert_eq!(lines, [b"foo bar".to_vec()]);
        assert_eq!(rest, Some(b"baz".to_vec()));
    }

    #[test]
    fn cap_applies_whatever_the_chunking() {
        let whole = lines_of(&[b"12345\n"], 4);
        let split = lines_of(&[b"12", b"345\n"], 4);
        let pending = lines_of(&[b"12", b"345"], 4);
        for result in [whole, split, pending] {
            assert_eq!(
                result.unwrap_err(),
                SseError::TooLarge {
                    kind: BufferKind::Line,
                    limit: 4
                }
            );
        }
        assert!(lines_of(&[b"12", b"34\n"], 4).is_ok());
    }
}
