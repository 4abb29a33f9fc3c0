//! Text from the network or a file made safe to print on a terminal: one rule for everything the
//! command line prints that it did not write itself (bodies, header values, JSON strings, saved
//! answers, and every message that quotes input).
//!
//! An escape sequence (C0 `ESC`, or the one-byte C1 `CSI` U+009B) can recolour, retitle or clear
//! the terminal; a bidirectional control (U+202E …) reorders the rest of the line, so printed text
//! reads differently from what it holds; a stray carriage return or line break makes one line
//! look like two. Each such character is shown as an escape instead: `\x1b`, `\u{202e}`.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` could drive the terminal or change how the text around it reads: C0 and C1
/// controls and DEL, line and paragraph separators, and bidirectional controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Where the text is printed, which decides whether its line breaks stay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A body: line breaks (`\n`, and `\r` right before one) and tabs stay.
    Block,
    /// One line (a header value, a finding, a message): only tabs stay.
    Line,
}

/// `text` with each unsafe character shown as an escape (`\x1b`, `\x0d`, `\u{202e}`).
pub fn escape(text: &str, shape: Shape) -> Cow<'_, str> {
    let keeps = |c: char, next: Option<char>| {
        !is_unsafe(c)
            || c == '\t'
            || (shape == Shape::Block && (c == '\n' || (c == '\r' && next == Some('\n'))))
    };
    let mut chars = text.chars().peekable();
    let mut at = 0;
    while let Some(c) = chars.next() {
        if !keeps(c, chars.peek().copied()) {
            break;
        }
        at += c.len_utf8();
    }
    if at == text.len() {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    escaped.push_str(&text[..at]);
    let mut chars = text[at..].chars().peekable();
    while let Some(c) = chars.next() {
        if keeps(c, chars.peek().copied()) {
            escaped.push(c);
        } else if u32::from(c) < 0x100 {
            let _ = write!(escaped, "\\x{:02x}", u32::from(c));
        } else {
            let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
        }
    }
    Cow::Owned(escaped)
}

/// JSON text (as serde_json writes it) with each unsafe character written as a JSON escape
/// (`\u009b`): the same value, safe on a terminal. Outside its strings JSON text is plain ASCII,
/// so only characters inside strings change; serde_json already escapes C0 controls there.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe) {
        return Cow::Borrowed(json);
    }
    let mut escaped = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r' | ' ') {
            let _ = write!(escaped, "\\u{:04x}", u32::from(c));
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_bidi_controls_and_stray_returns_are_shown_not_obeyed() {
        let text = "a\x1b]0;OWNED\x07\x1b[2J\u{9b}31m\u{7f}b\r\nc\td\re\u{202e}evil\u{2066}\n";
        assert_eq!(
            escape(text, Shape::Block),
            "a\\x1b]0;OWNED\\x07\\x1b[2J\\x9b31m\\x7fb\r\nc\td\\x0de\\u{202e}evil\\u{2066}\n"
        );
        assert_eq!(
            escape(text, Shape::Line),
            "a\\x1b]0;OWNED\\x07\\x1b[2J\\x9b31m\\x7fb\\x0d\\x0ac\td\\x0de\\u{202e}evil\\u{2066}\\x0a"
        );
    }

    #[test]
    fn plain_text_is_borrowed_as_it_is() {
        for text in ["", "café → ok", "tab\tstays", "שלום", "🔥"] {
            assert!(
                matches!(escape(text, Shape::Line), Cow::Borrowed(_)),
                "{text}"
            );
        }
        assert!(matches!(escape("a\nb\r\n", Shape::Block), Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_its_value_and_loses_its_controls() {
        let value =
            serde_json::json!({"x-c1": "a\u{9b}31m", "rtl": "\u{202e}evil", "del": "\u{7f}"});
        let json = serde_json::to_string_pretty(&value).unwrap();
        let escaped = escape_json(&json);
        assert!(
            !escaped.chars().any(|c| is_unsafe(c) && c != '\n'),
            "{escaped}"
        );
        assert!(escaped.contains(r"a\u009b31m"), "{escaped}");
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
