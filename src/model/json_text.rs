//! JSON answers laid out straight from their bytes. Parsing a 50 MB body into a `serde_json::Value`
//! and printing that costs several times the body in memory (the command line's output, the
//! window's pretty text); this checks the body once without building anything and then writes it
//! token by token, in serde_json's own layout (two-space
//! indent, `"key": value`), each string re-encoded by serde_json. Number text is kept as sent, as
//! `arbitrary_precision` does. One difference: a key repeated in an object is printed each time
//! (a `Value` keeps the last), which is what the server sent.

use std::io::{self, Write};

use super::terminal;

/// Whether `bytes` is one JSON value (and UTF-8 throughout), checked without building it.
pub fn is_json(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
        && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// The layout of the printed JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One line, no spaces: `serde_json::to_string`.
    Compact,
    /// Two-space indent: `serde_json::to_string_pretty`.
    Pretty,
}

/// The most the indentation of the pretty layout may add to a body, as a multiple of the body's
/// size (plus [`PRETTY_ALLOWANCE`]). Indentation grows with nesting, so a small deeply nested
/// body (`[[[[…]]]]`, 10,000 levels in 20 KB) would print hundreds of megabytes; real answers
/// add well under twice their size.
pub const PRETTY_GROWTH_LIMIT: u64 = 8;

/// What the pretty layout may always add, whatever the body's size: a small answer nested a few
/// hundred levels deep is still shown pretty.
pub const PRETTY_ALLOWANCE: u64 = 1_000_000;

/// Why a JSON body is laid out compact though pretty was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooDeepForPretty {
    /// The deepest nesting of objects and arrays.
    pub depth: usize,
    /// The bytes the pretty layout would add (line breaks, indentation, spaces after colons).
    pub added: u64,
}

impl std::fmt::Display for TooDeepForPretty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "it is nested {} levels deep, and indenting it would add {}",
            self.depth,
            super::response::human_size(usize::try_from(self.added).unwrap_or(usize::MAX))
        )
    }
}

/// Whether `json` (which [`is_json`] accepted) may be laid out pretty: whether its indentation
/// stays within [`PRETTY_GROWTH_LIMIT`] times its size. Counted in one pass over the bytes,
/// without writing anything.
pub fn pretty_fits(json: &[u8]) -> Result<(), TooDeepForPretty> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut added = 0u64;
    let mut just_opened = false;
    let line_break = |depth: usize| 1 + 2 * depth as u64;
    let mut at = 0;
    while let Some(&byte) = json.get(at) {
        at = match byte {
            b' ' | b'\t' | b'\n' | b'\r' => at + 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if !just_opened {
                    added += line_break(depth);
                }
                just_opened = false;
                at + 1
            }
            b',' => {
                added += line_break(depth);
                at + 1
            }
            b':' => {
                added += 1;
                at + 1
            }
            _ => {
                if just_opened {
                    added += line_break(depth);
                }
                just_opened = false;
                match byte {
                    b'{' | b'[' => {
                        depth += 1;
                        deepest = deepest.max(depth);
                        just_opened = true;
                        at + 1
                    }
                    b'"' => string_end(json, at),
                    _ => literal_end(json, at).max(at + 1),
                }
            }
        };
    }
    let budget = PRETTY_GROWTH_LIMIT
        .saturating_mul(json.len() as u64)
        .saturating_add(PRETTY_ALLOWANCE);
    if added <= budget {
        Ok(())
    } else {
        Err(TooDeepForPretty {
            depth: deepest,
            added,
        })
    }
}

/// `json` (which [`is_json`] accepted) laid out as `layout`, as text.
pub fn to_string(json: &[u8], layout: Layout) -> String {
    let mut out = Vec::with_capacity(json.len());
    // Writing into a Vec cannot fail.
    let _ = write_json(json, layout, &mut out);
    String::from_utf8(out)
        .unwrap_or_else(|not_utf8| String::from_utf8_lossy(not_utf8.as_bytes()).into_owned())
}

/// Writes `json` (which [`is_json`] accepted) to `out` in `layout`.
pub fn write_json(json: &[u8], layout: Layout, out: &mut dyn Write) -> io::Result<()> {
    let pretty = layout == Layout::Pretty;
    let mut depth = 0usize;
    // After `{` or `[`: the next token decides between `{}` and a line break.
    let mut just_opened = false;
    let mut at = 0;
    while let Some(&byte) = json.get(at) {
        let token_end = match byte {
            b' ' | b'\t' | b'\n' | b'\r' => {
                at += 1;
                continue;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if pretty && !just_opened {
                    line_break(out, depth)?;
                }
                just_opened = false;
                out.write_all(&[byte])?;
                at + 1
            }
            b',' => {
                out.write_all(b",")?;
                if pretty {
                    line_break(out, depth)?;
                }
                at + 1
            }
            b':' => {
                out.write_all(if pretty { b": " } else { b":" })?;
                at + 1
            }
            _ => {
                if just_opened && pretty {
                    line_break(out, depth)?;
                }
                just_opened = false;
                match byte {
                    b'{' | b'[' => {
                        out.write_all(&[byte])?;
                        depth += 1;
                        just_opened = true;
                        at + 1
                    }
                    b'"' => {
                        let end = string_end(json, at);
                        write_string(&json[at..end], out)?;
                        end
                    }
                    _ => {
                        let end = literal_end(json, at);
                        write_literal(&json[at..end], out)?;
                        end
                    }
                }
            }
        };
        at = token_end;
    }
    Ok(())
}

fn line_break(out: &mut dyn Write, depth: usize) -> io::Result<()> {
    out.write_all(b"\n")?;
    for _ in 0..depth {
        out.write_all(b"  ")?;
    }
    Ok(())
}

/// The index just past the string that starts with the quote at `start`.
fn string_end(json: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while let Some(&byte) = json.get(at) {
        match byte {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    json.len()
}

/// The index just past the number, `true`, `false` or `null` that starts at `start`.
fn literal_end(json: &[u8], start: usize) -> usize {
    json[start..]
        .iter()
        .position(|byte| {
            matches!(
                byte,
                b',' | b'}' | b']' | b':' | b' ' | b'\t' | b'\n' | b'\r' | b'"'
            )
        })
        .map_or(json.len(), |length| start + length)
}

/// A number, `true`, `false` or `null` as serde_json writes it: the text as sent, except an
/// exponent, which is written `e` with its sign (`1E5` becomes `1e+5`).
fn write_literal(literal: &[u8], out: &mut dyn Write) -> io::Result<()> {
    let Some(e) = literal.iter().position(|byte| matches!(byte, b'e' | b'E')) else {
        return out.write_all(literal);
    };
    let (mantissa, exponent) = (&literal[..e], &literal[e + 1..]);
    out.write_all(mantissa)?;
    out.write_all(b"e")?;
    if exponent.first().is_some_and(u8::is_ascii_digit) {
        out.write_all(b"+")?;
    }
    out.write_all(exponent)
}

/// A string as serde_json writes it, except that a character that could drive a terminal (C1
/// controls, DEL, bidirectional controls: see [`terminal::is_unsafe`]) is written as a `\u`
/// escape, which is the same JSON value. One without escapes or such characters is already in
/// that form; any other is decoded and encoded again (`\u00e9` becomes `é`, `\/` becomes `/`).
fn write_string(quoted: &[u8], out: &mut dyn Write) -> io::Result<()> {
    // The first byte of every escape, and of every unsafe character's UTF-8 (DEL; C1 controls
    // U+0080..U+009F; U+061C; U+200E.., U+202A.., U+2066..).
    let may_change = |byte: &u8| matches!(byte, b'\\' | 0x7f | 0xc2 | 0xd8 | 0xe2);
    if !quoted.iter().any(may_change) {
        return out.write_all(quoted);
    }
    match serde_json::from_slice::<String>(quoted) {
        Ok(text) => {
            let json = serde_json::to_string(&text).map_err(io::Error::other)?;
            out.write_all(terminal::escape_json(&json).as_bytes())
        }
        // Not reached for a body `is_json` accepted; kept as sent rather than lost.
        Err(_) => out.write_all(quoted),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    fn printed(json: &str, layout: Layout) -> String {
        assert!(is_json(json.as_bytes()), "{json}");
        let mut out = Vec::new();
        write_json(json.as_bytes(), layout, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// What serde_json prints, with the characters that could drive a terminal escaped.
    fn serde_pretty(value: &Value) -> String {
        terminal::escape_json(&serde_json::to_string_pretty(value).unwrap()).into_owned()
    }

    fn serde_compact(value: &Value) -> String {
        terminal::escape_json(&serde_json::to_string(value).unwrap()).into_owned()
    }

    fn assert_like_serde_json(json: &str) {
        let value: Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            printed(json, Layout::Pretty),
            serde_pretty(&value),
            "{json}"
        );
        assert_eq!(
            printed(json, Layout::Compact),
            serde_compact(&value),
            "{json}"
        );
    }

    #[test]
    fn prints_as_serde_json_does() {
        for json in [
            r#"{"z":1,"a":[true,null]}"#,
            " { \"a\" : { } , \"b\" : [ ] , \"c\" : [ { } , [ [ ] ] ] } \n",
            r#"[1.50, -0, 1E+5, 0e0, 12345678901234567890123, 1.0e-400]"#,
            r#""just a string""#,
            "42",
            r#"{"esc":"\u00e9\/\"\\\n\t\u2028\ud83d\udd25 \u0001","k\"ey":"x"}"#,
            r#"{"text with , : { [ ] } inside":"and \" more , }"}"#,
            "[[[[[[[[[[1]]]]]]]]]]",
            r#"{"emoji":"🔥","rtl":"שלום"}"#,
        ] {
            assert_like_serde_json(json);
        }
    }

    #[test]
    fn characters_that_drive_a_terminal_are_escaped_in_strings() {
        let json = "{\"id\":\"\u{9b}31m\",\"w\":\"\u{202e}evil\",\"d\":\"\u{7f}\",\"ok\":\"caf\u{e9} \u{2192}\"}";
        assert_eq!(
            printed(json, Layout::Compact),
            r#"{"id":"\u009b31m","w":"\u202eevil","d":"\u007f","ok":"café →"}"#
        );
    }

    #[test]
    fn only_one_utf8_json_value_is_json() {
        for not_json in ["", "{", "[1,]", "{} {}", "nul", "\"\u{1}\"", "<html>"] {
            assert!(!is_json(not_json.as_bytes()), "{not_json:?}");
        }
        assert!(!is_json(b"\"\xff\""));
        assert!(is_json(b" [] "));
    }

    #[test]
    fn deep_nesting_is_not_laid_out_pretty() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let refused = pretty_fits(deep.as_bytes()).unwrap_err();
        assert_eq!(refused.depth, 10_000);
        // Exactly what the pretty print would add: it is what made 20 KB print 200 MB.
        let compact = printed(&deep, Layout::Compact);
        let pretty = printed(&deep, Layout::Pretty);
        assert_eq!(refused.added, (pretty.len() - compact.len()) as u64);
        assert!(
            refused.to_string().contains("nested 10000 levels deep"),
            "{refused}"
        );
    }

    #[test]
    fn ordinary_and_moderately_deep_answers_stay_pretty() {
        let people = format!(
            "{{\"data\":[{}]}}",
            vec![r#"{"id":"p1","email":"a@b.c","attributes":{"plan":"pro","tags":["x"]}}"#; 1000]
                .join(",")
        );
        let moderately_deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        for json in [
            people.as_str(),
            moderately_deep.as_str(),
            "{}",
            "\"x\"",
            "1",
        ] {
            assert_eq!(pretty_fits(json.as_bytes()), Ok(()), "{json}");
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((any::<String>(), inner), 0..6)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_value_prints_as_serde_json_prints_it(value in any_json()) {
            // Whichever layout the server used, the print is serde_json's.
            for text in [
                serde_json::to_string(&value).unwrap(),
                serde_json::to_string_pretty(&value).unwrap(),
            ] {
                prop_assert_eq!(printed(&text, Layout::Pretty), serde_pretty(&value));
                prop_assert_eq!(printed(&text, Layout::Compact), serde_compact(&value));
            }
        }
    }
}
