//! Bounded, readable text: the message of an error must stay short whatever
//! the server sent (a 20 MB HTML page, a binary blob, invalid UTF-8).

/// The largest message (and code, type, param) kept, in bytes, before the
/// ellipsis.
pub const MAX_MESSAGE_BYTES: usize = 2048;

/// Appended to text cut at the cap.
pub(crate) const ELLIPSIS: &str = "…";

/// A string that stops growing at a byte cap, cutting on a char boundary.
pub(crate) struct Capped {
    text: String,
    cap: usize,
    truncated: bool,
}

impl Capped {
    pub(crate) fn new(cap: usize) -> Capped {
        Capped {
            text: String::new(),
            cap,
            truncated: false,
        }
    }

    pub(crate) fn push_str(&mut self, s: &str) {
        if self.truncated {
            return;
        }
        let room = self.cap.saturating_sub(self.text.len());
        if s.len() <= room {
            self.text.push_str(s);
            return;
        }
        let mut cut = room;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        self.text.push_str(&s[..cut]);
        self.truncated = true;
    }

    pub(crate) fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub(crate) fn is_full(&self) -> bool {
        self.truncated
    }

    pub(crate) fn finish(mut self) -> String {
        if self.truncated {
            self.text.push_str(ELLIPSIS);
        }
        self.text
    }
}

/// `s`, trimmed and capped.
pub(crate) fn capped(s: &str) -> String {
    let mut out = Capped::new(MAX_MESSAGE_BYTES);
    out.push_str(s.trim());
    out.finish()
}

/// Writes `value` as compact JSON, stopping at the cap without first
/// serialising all of a huge value.
pub(crate) fn compact_json(value: &serde_json::Value, out: &mut Capped) {
    /// Refuses bytes past the cap, which makes serde_json stop early.
    struct Limited {
        bytes: Vec<u8>,
        cap: usize,
    }
    impl std::io::Write for Limited {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let room = self.cap.saturating_sub(self.bytes.len());
            if room == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            let n = buf.len().min(room);
            self.bytes.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let room = out.cap.saturating_sub(out.text.len());
    // One byte more than fits, so that `out` sees the overflow and truncates.
    let mut w = Limited {
        bytes: Vec::new(),
        cap: room.saturating_add(1),
    };
    // An error only means the cap was reached; what was written is kept.
    let _ = serde_json::to_writer(&mut w, value);
    // Past the cap, `out` truncates on a char boundary, which also drops a
    // character cut in half (decoded as U+FFFD at the very end).
    out.push_str(&String::from_utf8_lossy(&w.bytes));
}

/// Writes characters with runs of whitespace folded to one space, control
/// characters dropped, and leading/trailing whitespace removed.
struct Folded {
    out: Capped,
    space: bool,
}

impl Folded {
    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.space = true;
        } else if !c.is_control() {
            if self.space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.space = false;
            self.out.push(c);
        }
    }
}

/// A one-line excerpt of a non-JSON body. HTML (anything starting with `<`)
/// becomes its `<title>` when it has one, else its visible text, so that a
/// proxy's error page reads "502 Bad Gateway" rather than markup.
pub(crate) fn excerpt(text: &str) -> String {
    let text = text.trim();
    let mut folded = Folded {
        out: Capped::new(MAX_MESSAGE_BYTES),
        space: false,
    };
    if text.starts_with('<') {
        let source = title(text).filter(|t| has_text(t)).unwrap_or(text);
        visible_text(source, &mut folded);
        if !folded.out.is_empty() {
            return folded.out.finish();
        }
    }
    for c in text.chars() {
        if folded.out.is_full() {
            break;
        }
        folded.push(c);
    }
    folded.out.finish()
}

fn has_text(html: &str) -> bool {
    let mut folded = Folded {
        out: Capped::new(1),
        space: false,
    };
    visible_text(html, &mut folded);
    !folded.out.is_empty()
}

/// Byte offset of `needle` (ASCII, lowercase) in `hay`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The text between `<title ...>` and `</title`, if any.
fn title(html: &str) -> Option<&str> {
    let open = find_ci(html, "<title")?;
    let rest = &html[open..];
    let start = rest.find('>')? + 1;
    let len = find_ci(&rest[start..], "</title")?;
    Some(&rest[start..start + len])
}

/// Feeds the text of `html` outside tags, skipping `<script>` and `<style>`
/// contents and decoding the few entities error pages use.
fn visible_text(html: &str, out: &mut Folded) {
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if out.out.is_full() {
            return;
        }
        if c == '<' {
            let skip_to = ["script", "style"]
                .into_iter()
                .find(|tag| {
                    rest.get(1..1 + tag.len())
                        .is_some_and(|t| t.eq_ignore_ascii_case(tag))
                })
                .and_then(|tag| find_ci(rest, &["</", tag].concat()));
            let from = skip_to.unwrap_or(0);
            let end = rest[from..].find('>').map_or(rest.len(), |i| from + i + 1);
            rest = &rest[end..];
            // A tag separates words, as a block element would.
            out.push(' ');
            continue;
        }
        if c == '&'
            && let Some((decoded, len)) = entity(rest)
        {
            out.push(decoded);
            rest = &rest[len..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
}

fn entity(s: &str) -> Option<(char, usize)> {
    const ENTITIES: [(&str, char); 7] = [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&#x27;", '\''),
        ("&nbsp;", ' '),
    ];
    ENTITIES
        .iter()
        .find(|(name, _)| {
            s.get(..name.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(name))
        })
        .map(|&(name, c)| (c, name.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_cuts_on_char_boundary() {
        let mut c = Capped::new(5);
        c.push_str("abcdé€");
        assert_eq!(c.finish(), "abcd…");
    }

    #[test]
    fn html_title_then_text() {
        let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>";
        assert_eq!(excerpt(nginx), "502 Bad Gateway");
        let page = "<!DOCTYPE html><html><head><style>body{color:red}</style><script>var a='<b>';</script></head><body><h1>Upstream&nbsp;error</h1><p>try &amp; retry</p></body></html>";
        assert_eq!(excerpt(page), "Upstream error try & retry");
        assert_eq!(
            excerpt("<html><title> </title></html>"),
            "<html><title> </title></html>"
        );
        assert_eq!(excerpt("<unterminated"), "<unterminated");
    }

    #[test]
    fn plain_text_folded() {
        assert_eq!(
            excerpt("  upstream\n\n connect error\u{0}\t x "),
            "upstream connect error x"
        );
    }
}
