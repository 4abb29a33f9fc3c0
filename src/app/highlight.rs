//! A small syntax highlighter for the snippets: strings, numbers, keywords and comments, enough to
//! read a snippet at a glance. Run once per rebuilt snippet, never per frame.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId};

use crate::snippet::Target;

struct Palette {
    plain: Color32,
    string: Color32,
    number: Color32,
    keyword: Color32,
    comment: Color32,
}

impl Palette {
    fn new(dark: bool) -> Self {
        if dark {
            Self {
                plain: Color32::from_rgb(0xd4, 0xd4, 0xd4),
                string: Color32::from_rgb(0xce, 0x91, 0x78),
                number: Color32::from_rgb(0xb5, 0xce, 0xa8),
                keyword: Color32::from_rgb(0x56, 0x9c, 0xd6),
                comment: Color32::from_rgb(0x6a, 0x99, 0x55),
            }
        } else {
            Self {
                plain: Color32::from_rgb(0x1f, 0x1f, 0x1f),
                string: Color32::from_rgb(0xa3, 0x15, 0x15),
                number: Color32::from_rgb(0x09, 0x86, 0x58),
                keyword: Color32::from_rgb(0x00, 0x00, 0xff),
                comment: Color32::from_rgb(0x00, 0x80, 0x00),
            }
        }
    }
}

/// What counts as what in one language.
struct Lexicon {
    keywords: &'static [&'static str],
    line_comment: Option<&'static str>,
    /// Quote characters, and whether a backslash escapes inside them.
    quotes: &'static [(char, bool)],
}

fn lexicon(target: Target) -> Lexicon {
    match target {
        Target::Curl | Target::Httpie => Lexicon {
            keywords: &["curl", "http", "POST"],
            line_comment: None,
            quotes: &[('"', true), ('\'', false)],
        },
        Target::Python => Lexicon {
            keywords: &["import", "True", "False", "None", "print"],
            line_comment: Some("#"),
            quotes: &[('"', true), ('\'', true)],
        },
        Target::JavaScript => Lexicon {
            keywords: &["const", "await", "null", "true", "false"],
            line_comment: Some("//"),
            quotes: &[('"', true), ('\'', true), ('`', true)],
        },
        Target::Go => Lexicon {
            keywords: &[
                "package", "import", "func", "if", "nil", "defer", "err", "panic",
            ],
            line_comment: Some("//"),
            quotes: &[('"', true), ('`', false)],
        },
        Target::Ruby => Lexicon {
            keywords: &["require", "puts", "true", "false", "nil"],
            line_comment: None,
            quotes: &[('"', true), ('\'', true)],
        },
        Target::Php => Lexicon {
            keywords: &["true", "false", "null", "if", "echo", "exit"],
            line_comment: Some("//"),
            quotes: &[('"', true), ('\'', true)],
        },
        Target::Rust => Lexicon {
            keywords: &["fn", "let", "use", "Ok", "Result", "Box", "dyn"],
            line_comment: Some("//"),
            quotes: &[('"', true)],
        },
        Target::Http => Lexicon {
            keywords: &["POST", "HTTP", "true", "false", "null"],
            line_comment: None,
            quotes: &[('"', true)],
        },
    }
}

const JSON: Lexicon = Lexicon {
    keywords: &["true", "false", "null"],
    line_comment: None,
    quotes: &[('"', true)],
};

/// A line of JSON as coloured monospace text.
pub fn highlight_json(text: &str, dark: bool) -> LayoutJob {
    highlight_with(text, &JSON, dark)
}

/// Monospace text in the plain colour, for what is too long to be worth colouring.
pub fn plain(text: &str, dark: bool) -> LayoutJob {
    let mut job = LayoutJob::default();
    job.append(
        text,
        0.0,
        TextFormat::simple(FontId::monospace(13.0), Palette::new(dark).plain),
    );
    job
}

/// The snippet as coloured monospace text.
pub fn highlight(text: &str, target: Target, dark: bool) -> LayoutJob {
    highlight_with(text, &lexicon(target), dark)
}

fn highlight_with(text: &str, lexicon: &Lexicon, dark: bool) -> LayoutJob {
    let palette = Palette::new(dark);
    let font = FontId::monospace(13.0);
    let mut job = LayoutJob::default();
    let push = |job: &mut LayoutJob, piece: &str, color: Color32| {
        job.append(piece, 0.0, TextFormat::simple(font.clone(), color));
    };
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        let (length, color) = if let Some(length) = comment_length(rest, lexicon) {
            (length, palette.comment)
        } else if let Some(&(quote, escapes)) =
            lexicon.quotes.iter().find(|(quote, _)| *quote == first)
        {
            (string_length(rest, quote, escapes), palette.string)
        } else if first.is_ascii_digit()
            || (first == '-' && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
        {
            let length = rest[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '+' || c == '-'))
                .map_or(rest.len(), |end| end + 1);
            (length, palette.number)
        } else if first.is_alphanumeric() || first == '_' {
            let length = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let word = &rest[..length];
            let color = if lexicon.keywords.contains(&word) {
                palette.keyword
            } else {
                palette.plain
            };
            (length, color)
        } else {
            (first.len_utf8(), palette.plain)
        };
        push(&mut job, &rest[..length], color);
        rest = &rest[length..];
    }
    job
}

fn comment_length(text: &str, lexicon: &Lexicon) -> Option<usize> {
    let start = lexicon.line_comment?;
    text.starts_with(start)
        .then(|| text.find('\n').unwrap_or(text.len()))
}

/// The length of the string starting at `text[0]`, closing quote included (or to the end).
fn string_length(text: &str, quote: char, escapes: bool) -> usize {
    let mut chars = text.char_indices().skip(1);
    while let Some((index, c)) = chars.next() {
        if escapes && c == '\\' {
            chars.next();
        } else if c == quote {
            return index + c.len_utf8();
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coloured_text_is_the_text() {
        let text = "const x = \"a\\\"b\"; // note\n`t` 'é' 42 -1.5e3 ünïcode";
        for target in Target::ALL {
            assert_eq!(highlight(text, target, true).text, text, "{target:?}");
        }
    }

    #[test]
    fn strings_end_at_their_quote() {
        assert_eq!(string_length("\"a\\\"b\" rest", '"', true), 6);
        assert_eq!(string_length("'a\\' rest", '\'', false), 4);
        assert_eq!(string_length("\"open", '"', true), 5);
    }
}
