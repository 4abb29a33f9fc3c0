//! bash and zsh: the words a POSIX shell would give curl. The `shlex` crate splits the words;
//! what it does not know is resolved first, in one pass over the text that follows the shell's
//! quoting: `$'…'` (ANSI-C quoting) becomes the plain single-quoted text it stands for, `$NAME`
//! outside single quotes is marked as an expansion, `$(…)` and backquotes are refused, and an
//! unquoted `|`, `;`, `&`, `<` or `>` ends the command, as it does in the shell.

use super::words::{Cursor, Split};
use super::{CurlError, shown};

/// The words of `text`, a command for bash or zsh (CRLF line ends already made LF).
pub(super) fn split(text: &str) -> Result<Split, CurlError> {
    let mut scanner = Scanner {
        cursor: Cursor::new(text),
    };
    scanner.scan()?;
    let Cursor { pieces, notes, .. } = scanner.cursor;
    let words = pieces
        .split_with(shlex::split)
        // The scan has checked every quote, so shlex has nothing left to refuse.
        .ok_or_else(|| CurlError::new("the command's quoting cannot be read".to_owned()))?;
    Ok(Split { words, notes })
}

struct Scanner {
    cursor: Cursor,
}

impl Scanner {
    fn scan(&mut self) -> Result<(), CurlError> {
        let mut word_start = true;
        while let Some(c) = self.cursor.peek(0) {
            match c {
                '\\' => self.backslash(),
                '\'' => self.single_quoted()?,
                '"' => self.double_quoted()?,
                '$' => self.dollar(false)?,
                '`' if self.cursor.peek(1) == Some('\n') => return Err(powershell()),
                '`' => return Err(command_substitution()),
                '#' if word_start => self.comment(),
                '|' | ';' | '&' | '<' | '>' => return self.cursor.operator(c),
                '\n' => self.newline()?,
                _ => self.cursor.copy(),
            }
            word_start = c.is_whitespace();
        }
        Ok(())
    }

    /// A backslash outside quotes: it and the character after it go to shlex as they are. A
    /// backslash-newline is a line continuation, removed here: shlex would make an empty word of
    /// one at the start of a word (` \` at the end of a line, as every multi-line command has).
    /// One at the very end escapes nothing: dropped.
    fn backslash(&mut self) {
        match self.cursor.peek(1) {
            None => self.cursor.at += 1,
            Some('\n') => self.cursor.at += 2,
            Some(_) => {
                self.cursor.copy();
                self.cursor.copy();
            }
        }
    }

    fn single_quoted(&mut self) -> Result<(), CurlError> {
        let line = self.cursor.line();
        self.cursor.copy();
        loop {
            match self.cursor.peek(0) {
                None => return Err(unclosed("'", line)),
                Some('\'') => {
                    self.cursor.copy();
                    return Ok(());
                }
                Some(_) => self.cursor.copy(),
            }
        }
    }

    fn double_quoted(&mut self) -> Result<(), CurlError> {
        let line = self.cursor.line();
        self.cursor.copy();
        loop {
            match self.cursor.peek(0) {
                None => return Err(unclosed("\"", line)),
                Some('"') => {
                    self.cursor.copy();
                    return Ok(());
                }
                Some('\\') if self.cursor.peek(1) == Some('\n') => self.cursor.at += 2,
                Some('\\') if self.cursor.peek(1).is_some() => {
                    self.cursor.copy();
                    self.cursor.copy();
                }
                Some('$') => self.dollar(true)?,
                Some('`') => return Err(command_substitution()),
                Some(_) => self.cursor.copy(),
            }
        }
    }

    /// A `$`: ANSI-C quoting, a locale string, an expansion, or a plain dollar sign.
    fn dollar(&mut self, in_double_quotes: bool) -> Result<(), CurlError> {
        match self.cursor.peek(1) {
            Some('\'') if !in_double_quotes => self.ansi_c_quoted(),
            // `$"…"` is a string to translate: as plain double quotes, in every locale but one.
            Some('"') if !in_double_quotes => {
                self.cursor.at += 1;
                self.double_quoted()
            }
            Some('(') => Err(command_substitution()),
            Some('{') => self.braced_expansion(),
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                let length = 1 + self.cursor.chars[self.cursor.at + 1..]
                    .iter()
                    .take_while(|c| **c == '_' || c.is_ascii_alphanumeric())
                    .count();
                self.expansion(length);
                Ok(())
            }
            Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => {
                self.expansion(2);
                Ok(())
            }
            _ => {
                self.cursor.copy();
                Ok(())
            }
        }
    }

    /// `${NAME}`; anything more (`${NAME:-default}`) is refused rather than guessed at.
    fn braced_expansion(&mut self) -> Result<(), CurlError> {
        let inside: String = self.cursor.chars[self.cursor.at + 2..]
            .iter()
            .take_while(|c| **c != '}')
            .collect();
        let closed = self.cursor.peek(2 + inside.chars().count()) == Some('}');
        let a_name = !inside.is_empty()
            && inside
                .chars()
                .all(|c| c == '_' || c.is_ascii_alphanumeric());
        if !(closed && a_name) {
            return Err(CurlError::new(format!(
                "the command uses the shell expansion ${{{}, which the import cannot evaluate: write its value instead",
                shown(&inside)
            )));
        }
        self.expansion(3 + inside.chars().count());
        Ok(())
    }

    /// The `length` characters at the scan, an expansion, kept as written but marked.
    fn expansion(&mut self, length: usize) {
        let written: String = self.cursor.chars[self.cursor.at..self.cursor.at + length]
            .iter()
            .collect();
        self.cursor.pieces.push_expansion(written);
        self.cursor.at += length;
    }

    /// `$'…'`: its backslash escapes resolved, then written again single-quoted for shlex.
    fn ansi_c_quoted(&mut self) -> Result<(), CurlError> {
        let line = self.cursor.line();
        self.cursor.at += 2;
        let mut bytes = Vec::new();
        loop {
            match self.cursor.peek(0) {
                None => return Err(unclosed("$'", line)),
                Some('\'') => break,
                Some('\\') => {
                    self.cursor.at += 1;
                    let escape = self.ansi_c_escape().ok_or_else(|| unclosed("$'", line))?;
                    bytes.extend(escape);
                }
                Some(c) => {
                    bytes.extend(c.to_string().bytes());
                    self.cursor.at += 1;
                }
            }
        }
        self.cursor.at += 1;
        // bash ends the string at a NUL byte.
        if let Some(nul) = bytes.iter().position(|byte| *byte == 0) {
            bytes.truncate(nul);
        }
        let text = self.text_of(bytes);
        self.cursor.pieces.push('\'');
        self.cursor.pieces.push_str(&text.replace('\'', r"'\''"));
        self.cursor.pieces.push('\'');
        Ok(())
    }

    /// The bytes of the escape after a backslash in `$'…'`, as bash reads it; `None` at the end
    /// of the text.
    fn ansi_c_escape(&mut self) -> Option<Vec<u8>> {
        let c = self.cursor.peek(0)?;
        self.cursor.at += 1;
        let byte = |b: u8| Some(vec![b]);
        match c {
            'a' => byte(0x07),
            'b' => byte(0x08),
            'e' | 'E' => byte(0x1b),
            'f' => byte(0x0c),
            'n' => byte(b'\n'),
            'r' => byte(b'\r'),
            't' => byte(b'\t'),
            'v' => byte(0x0b),
            '\\' | '\'' | '"' | '?' => byte(c as u8),
            '0'..='7' => {
                self.cursor.at -= 1;
                let value = self.digits(8, 3)?;
                // `\777` is 511 in octal; bash keeps its low byte.
                byte((value & 0xff) as u8)
            }
            'x' => self.numbered(16, 2, "x", |value| Some(vec![value as u8])),
            'u' => self.numbered(16, 4, "u", char_bytes),
            'U' => self.numbered(16, 8, "U", char_bytes),
            'c' => {
                let control = self.cursor.peek(0)?;
                self.cursor.at += 1;
                byte((control as u32 & 0x1f) as u8)
            }
            other => Some(format!("\\{other}").into_bytes()),
        }
    }

    /// `\xHH`, `\uHHHH`, `\UHHHHHHHH`: up to `most` digits; with none, the escape is kept as
    /// written, as bash does.
    fn numbered(
        &mut self,
        radix: u32,
        most: usize,
        letter: &str,
        bytes: impl Fn(u32) -> Option<Vec<u8>>,
    ) -> Option<Vec<u8>> {
        match self.digits(radix, most) {
            Some(value) => Some(bytes(value).unwrap_or_default()),
            None => Some(format!("\\{letter}").into_bytes()),
        }
    }

    /// The number in up to `most` digits of `radix` at the scan, if there is at least one.
    fn digits(&mut self, radix: u32, most: usize) -> Option<u32> {
        let digits: Vec<u32> = self.cursor.chars[self.cursor.at..]
            .iter()
            .take(most)
            .map_while(|c| c.to_digit(radix))
            .collect();
        self.cursor.at += digits.len();
        (!digits.is_empty()).then(|| digits.iter().fold(0, |value, d| value * radix + d))
    }

    /// The text of `$'…'` bytes. Bytes that are not UTF-8 (Firefox writes `é` as `\xe9`) are
    /// read as the Latin-1 characters they were meant as, and a note says so.
    fn text_of(&mut self, bytes: Vec<u8>) -> String {
        match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                self.cursor.notes.push(
                    "A $'…' string holds bytes that are not UTF-8 (such as \\xe9): they are read as the Latin-1 characters they stand for (é)."
                        .to_owned(),
                );
                latin1_fallback(err.as_bytes())
            }
        }
    }

    /// A `#` starting a word: the rest of the line is a comment.
    fn comment(&mut self) {
        while self.cursor.peek(0).is_some_and(|c| c != '\n') {
            self.cursor.at += 1;
        }
    }

    /// A newline without a backslash before it ends the command in a shell. A second `curl`
    /// on the next line is refused; anything else is read as part of this command (it plainly
    /// is: a pasted command often loses its backslashes), with a note.
    fn newline(&mut self) -> Result<(), CurlError> {
        let line = self.cursor.line();
        self.cursor.copy();
        self.cursor.line_break_read(line, '\\')
    }
}

/// The UTF-8 encoding of the character `value`, if it is one.
fn char_bytes(value: u32) -> Option<Vec<u8>> {
    char::from_u32(value).map(|c| c.to_string().into_bytes())
}

/// `bytes` as text: UTF-8 where they are, each other byte as the Latin-1 character of its value.
fn latin1_fallback(bytes: &[u8]) -> String {
    let mut text = String::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                text.push_str(valid);
                break;
            }
            Err(err) => {
                let (valid, after) = rest.split_at(err.valid_up_to());
                text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = err.error_len().unwrap_or(after.len()).max(1);
                text.extend(after[..bad].iter().map(|byte| char::from(*byte)));
                rest = &after[bad..];
            }
        }
    }
    text
}

fn unclosed(quote: &str, line: usize) -> CurlError {
    CurlError::new(format!(
        "the {quote} quote opened on line {line} is never closed: the command seems cut short"
    ))
}

/// A backquote at the end of a line is PowerShell's line continuation, not bash's command.
fn powershell() -> CurlError {
    CurlError::new(
        "the command is written for PowerShell (` at the end of a line), which the import does not read: copy it as cURL for bash or for cmd"
            .to_owned(),
    )
}

fn command_substitution() -> CurlError {
    CurlError::new(
        "the command runs another command ($(…) or `…`), whose output the import cannot know: write its value instead"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(command: &str) -> Vec<String> {
        split(command).unwrap().texts()
    }

    #[test]
    fn quotes_escapes_and_continuations() {
        assert_eq!(
            texts("curl -H \"A: \\\"b\\\" \\$c\" 'd'\\''e' f\\ g \\\n  -X\tPOST"),
            ["curl", "-H", "A: \"b\" $c", "d'e", "f g", "-X", "POST"]
        );
        assert_eq!(
            texts("curl x \\"),
            ["curl", "x"],
            "a final backslash is dropped"
        );
        assert_eq!(texts("curl a\\\nb \"c\\\nd\" \\\n"), ["curl", "ab", "cd"]);
    }

    #[test]
    fn ansi_c_strings_are_decoded() {
        assert_eq!(
            texts(r"curl $'a\nb\t\'q\' \u0021 \x41\101 \e\cA' $'\u00e9\U0001F525'x"),
            ["curl", "a\nb\t'q' ! AA \u{1b}\u{1}", "é🔥x"]
        );
        assert_eq!(texts(r"curl $'\q\x\u'"), ["curl", r"\q\x\u"]);
        assert_eq!(texts(r"curl $'cut\0here'"), ["curl", "cut"]);
        assert_eq!(texts(r#"curl "$'kept'""#), ["curl", "$'kept'"]);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_latin1() {
        let split = split(r"curl $'caf\xe9 \xc3\xa9'").unwrap();
        assert_eq!(split.words[1].text, "café é");
        assert_eq!(split.notes.len(), 1);
    }

    #[test]
    fn expansions_are_marked_only_outside_single_quotes() {
        let words = split(r#"curl "Bearer $TOKEN" '$KEPT' ${X}y $1 a$ "#)
            .unwrap()
            .words;
        assert_eq!(words[1].expansions, ["$TOKEN"]);
        assert!(words[2].expansions.is_empty());
        assert_eq!(words[2].text, "$KEPT");
        assert_eq!(words[3].expansions, ["${X}"]);
        assert_eq!(words[3].text, "${X}y");
        assert_eq!(words[4].expansions, ["$1"]);
        assert!(words[5].expansions.is_empty());
    }

    #[test]
    fn operators_end_the_command() {
        let split = split("curl 'u' -s | jq .").unwrap();
        assert_eq!(split.words.len(), 3);
        assert_eq!(
            split.notes,
            ["Left out | jq .: the shell ends the curl command at the unquoted |."]
        );
        assert_eq!(texts("curl u 2>/dev/null"), ["curl", "u"]);
        assert_eq!(texts("curl u#x # a comment's end"), ["curl", "u#x"]);
        assert_eq!(
            split_error("curl a; curl b"),
            "the text holds more than one curl command: import one at a time"
        );
        assert_eq!(
            split_error("curl a\n\ncurl b"),
            "the text holds more than one curl command: import one at a time"
        );
    }

    fn split_error(command: &str) -> String {
        split(command).unwrap_err().to_string()
    }

    #[test]
    fn unbalanced_quotes_and_substitutions_are_refused() {
        assert_eq!(
            split_error("curl \\\n -d '{\"a\": 1}"),
            "the ' quote opened on line 2 is never closed: the command seems cut short"
        );
        assert_eq!(
            split_error("curl \"x"),
            "the \" quote opened on line 1 is never closed: the command seems cut short"
        );
        assert_eq!(
            split_error(r"curl $'x\'"),
            "the $' quote opened on line 1 is never closed: the command seems cut short"
        );
        assert!(split_error("curl $(cat url)").starts_with("the command runs another command"));
        assert!(split_error("curl \"`cat url`\"").starts_with("the command runs another command"));
        assert!(
            split_error("curl ${A:-b}").starts_with("the command uses the shell expansion ${A:-b")
        );
    }

    #[test]
    fn lines_without_a_continuation_are_joined_with_a_note() {
        let split = split("curl u\n  -H 'A: b'\n").unwrap();
        assert_eq!(split.words.len(), 4);
        assert_eq!(split.notes.len(), 1);
        assert!(split.notes[0].starts_with("Line 1 does not end with \\"));
    }
}
