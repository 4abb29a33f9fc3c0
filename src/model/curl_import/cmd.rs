//! Windows cmd.exe: the words curl.exe receives from a command typed into cmd, as browsers write
//! them ("Copy as cURL (cmd)"). Two parsers read such a command in turn, and so does this:
//! - cmd.exe: outside double quotes, `^` takes the next character as it is (at the end of a line,
//!   it joins the next line, whose first character it takes as it is), and an unquoted `&`, `|`,
//!   `<` or `>` ends the command; `%NAME%` is a variable, anywhere.
//! - the C runtime of curl.exe: words end at blanks outside double quotes; `\"` is a quote, `""`
//!   inside quotes is one too, and backslashes before a quote are halved.

use super::CurlError;
use super::words::{Cursor, Split};

/// The words of `text`, a command for cmd.exe (CRLF line ends already made LF).
pub(super) fn split(text: &str) -> Result<Split, CurlError> {
    let mut reader = Reader {
        cursor: Cursor::new(text),
    };
    reader.read()?;
    let Cursor { pieces, notes, .. } = reader.cursor;
    let words = pieces.split_with(runtime_words).ok_or_else(|| {
        CurlError::new("a \" quote is never closed: the command seems cut short".to_owned())
    })?;
    Ok(Split { words, notes })
}

struct Reader {
    cursor: Cursor,
}

impl Reader {
    /// cmd.exe's reading: carets, quotes, variables and operators; the quotes are kept for the
    /// C runtime, which reads them again.
    fn read(&mut self) -> Result<(), CurlError> {
        let mut in_quotes = false;
        while let Some(c) = self.cursor.peek(0) {
            match (c, in_quotes) {
                ('%', _) => self.percent(),
                ('"', _) => {
                    in_quotes = !in_quotes;
                    self.cursor.copy();
                }
                ('^', false) => self.caret(),
                ('&' | '|' | '<' | '>', false) => return self.cursor.operator(c),
                ('\n', false) => self.newline()?,
                _ => self.cursor.copy(),
            }
        }
        Ok(())
    }

    /// `^`: the next character as it is; `^` at the end of a line joins the next line and takes
    /// its first character as it is (so `^` and two line breaks are one line break).
    fn caret(&mut self) {
        self.cursor.at += 1;
        if self.cursor.peek(0) == Some('\n') {
            self.cursor.at += 1;
        }
        match self.cursor.peek(0) {
            Some('%') => self.percent(),
            Some(_) => self.cursor.copy(),
            None => {}
        }
    }

    /// `%NAME%`, a variable cmd.exe replaces by its value, kept as written but marked; any other
    /// `%` is itself (browsers write `%^N` so that `%N…%` is never read as a variable).
    fn percent(&mut self) {
        let name: String = self.cursor.chars[self.cursor.at + 1..]
            .iter()
            .take_while(|c| **c == '_' || c.is_ascii_alphanumeric())
            .collect();
        let length = name.chars().count();
        let starts_right = name.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic());
        if starts_right && self.cursor.peek(1 + length) == Some('%') {
            self.cursor.pieces.push_expansion(format!("%{name}%"));
            self.cursor.at += length + 2;
        } else {
            self.cursor.copy();
        }
    }

    /// A line break without `^` ends the command in cmd.exe; read as a blank instead, with a note,
    /// unless the next line runs curl again.
    fn newline(&mut self) -> Result<(), CurlError> {
        let line = self.cursor.line();
        self.cursor.at += 1;
        self.cursor.pieces.push(' ');
        self.cursor.line_break_read(line, '^')
    }
}

/// The words the C runtime makes of a command line; `None` when a quote is never closed.
fn runtime_words(line: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = line.chars().collect();
    let mut words = Vec::new();
    let mut at = 0;
    loop {
        at += chars[at..]
            .iter()
            .take_while(|c| matches!(c, ' ' | '\t'))
            .count();
        if at >= chars.len() {
            return Some(words);
        }
        let (word, end) = runtime_word(&chars, at)?;
        words.push(word);
        at = end;
    }
}

/// The word starting at `at`, and where it ends.
fn runtime_word(chars: &[char], mut at: usize) -> Option<(String, usize)> {
    let mut word = String::new();
    let mut quoted = false;
    loop {
        let backslashes = chars[at..].iter().take_while(|c| **c == '\\').count();
        at += backslashes;
        if chars.get(at) == Some(&'"') {
            word.extend(std::iter::repeat_n('\\', backslashes / 2));
            if backslashes % 2 == 1 {
                word.push('"');
                at += 1;
            } else if quoted && chars.get(at + 1) == Some(&'"') {
                word.push('"');
                at += 2;
            } else {
                quoted = !quoted;
                at += 1;
            }
            continue;
        }
        word.extend(std::iter::repeat_n('\\', backslashes));
        match chars.get(at) {
            None if quoted => return None,
            None => return Some((word, at)),
            Some(' ' | '\t') if !quoted => return Some((word, at)),
            Some(c) => {
                word.push(*c);
                at += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(command: &str) -> Vec<String> {
        split(command).unwrap().texts()
    }

    #[test]
    fn chrome_escapes() {
        // Chrome's escaping of `{"a":"b c","d":"%PATH%\\"}`: `\` doubled, `"` as `\"`, every
        // other unsafe character after `^`, `%^` before a letter, all in `^"…^"`.
        let command = "curl ^\"https://x/y?a=1^&b=2^\" ^\n  --data-raw ^\"^{^\\^\"a^\\^\":^\\^\"b c^\\^\",^\\^\"d^\\^\":^\\^\"^%^PATH^%^\\^\\^\\^\\^\\^\"^}^\"";
        assert_eq!(
            texts(command),
            [
                "curl",
                "https://x/y?a=1&b=2",
                "--data-raw",
                r#"{"a":"b c","d":"%PATH%\\"}"#
            ]
        );
        assert_eq!(texts("curl ^\"a^\n\nb^\""), ["curl", "a\nb"]);
    }

    #[test]
    fn runtime_quoting() {
        assert_eq!(
            runtime_words(r#"a "b c" d\"e f\\"g h" \\\"i "j""k" """#).unwrap(),
            ["a", "b c", "d\"e", "f\\g h", "\\\"i", "j\"k", ""]
        );
        assert_eq!(
            runtime_words(r"a\b \\"),
            Some(vec![r"a\b".into(), r"\\".into()])
        );
        assert_eq!(runtime_words("\"open"), None);
    }

    #[test]
    fn variables_operators_and_quotes() {
        let words = split("curl \"Bearer %TOKEN%\" %^PATH% 50%").unwrap().words;
        assert_eq!(words[1].expansions, ["%TOKEN%"]);
        assert_eq!(words[2].text, "%PATH%");
        assert!(words[2].expansions.is_empty());
        assert_eq!(words[3].text, "50%");
        let split = split("curl \"a&b\" x & echo done").unwrap();
        assert_eq!(split.words.len(), 3);
        assert_eq!(split.words[1].text, "a&b");
        assert_eq!(
            split.notes,
            ["Left out & echo done: the shell ends the curl command at the unquoted &."]
        );
        assert_eq!(
            self::split("curl ^\"a^\" &\ncurl ^\"b^\"")
                .unwrap_err()
                .to_string(),
            "the text holds more than one curl command: import one at a time"
        );
    }
}
