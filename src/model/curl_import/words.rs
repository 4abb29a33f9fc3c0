//! Shell words as curl receives them. The shell's own expansions (`$TOKEN`, `%TOKEN%`) are kept as
//! written and remembered, since their values are not in the command.

use super::{CurlError, shown};

/// One argument as curl would receive it, but for the shell expansions in it, kept as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Word {
    pub text: String,
    /// The expansions in the word, as written (`$TOKEN`, `${TOKEN}`, `%TOKEN%`), in order.
    pub expansions: Vec<String>,
}

impl Word {
    /// A word with no expansion in it.
    #[cfg(test)]
    pub fn plain(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            expansions: Vec::new(),
        }
    }
}

/// The words of a command, and what the splitting had to say about it.
#[derive(Debug, Default)]
pub(super) struct Split {
    pub words: Vec<Word>,
    pub notes: Vec<String>,
}

impl Split {
    /// The words' texts, for the splitters' tests.
    #[cfg(test)]
    pub fn texts(self) -> Vec<String> {
        self.words.into_iter().map(|word| word.text).collect()
    }
}

/// Whether `line` starts with a command that runs curl (`curl`, `curl.exe`, `/usr/bin/curl`).
pub(super) fn runs_curl(line: &str) -> bool {
    line.split_whitespace().next().is_some_and(is_curl)
}

/// Whether `word` names the curl program.
pub(super) fn is_curl(word: &str) -> bool {
    let word = word.to_ascii_lowercase();
    let name = word.rsplit(['/', '\\']).next().unwrap_or_default();
    matches!(name, "curl" | "curl.exe")
}

/// The note for what follows `operator` (`|`, `;`, `&`, `>` …), which ends the curl command in a
/// shell; an error when it runs curl again, since the import takes one request.
fn after_operator(operator: char, rest: &str) -> Result<String, CurlError> {
    let rest = rest.trim();
    let commands = rest.split(['|', ';', '&']).map(str::trim_start);
    if commands.clone().any(runs_curl) {
        return Err(CurlError::new(MORE_THAN_ONE.to_owned()));
    }
    Ok(format!(
        "Left out {}: the shell ends the curl command at the unquoted {operator}.",
        shown(rest)
    ))
}

/// The error for text that holds a second curl command.
const MORE_THAN_ONE: &str = "the text holds more than one curl command: import one at a time";

/// The note for a line that does not end with the shell's line continuation although more of the
/// command follows: a shell would end the command there, but what follows is plainly part of it.
fn joined_line_note(line: usize, continuation: char) -> String {
    format!(
        "Line {line} does not end with {continuation}, so a shell would end the command there; the lines after it are read as part of it."
    )
}

/// Where a splitter (POSIX shells, cmd.exe) is in a command and what it has read, with the steps
/// both take alike: an unquoted operator ends the command, and a line break without the shell's
/// continuation refuses a second curl or is noted once.
pub(super) struct Cursor {
    pub chars: Vec<char>,
    pub at: usize,
    pub pieces: Pieces,
    pub notes: Vec<String>,
    /// A line without a continuation has been read into the command already (noted once).
    joined_line: bool,
    lines: LineCount,
    next_content: NextContent,
}

impl Cursor {
    /// A cursor at the start of `text`.
    pub fn new(text: &str) -> Self {
        Self {
            chars: text.chars().collect(),
            at: 0,
            pieces: Pieces::default(),
            notes: Vec::new(),
            joined_line: false,
            lines: LineCount::default(),
            next_content: NextContent::default(),
        }
    }

    pub fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    /// The line the cursor is on, from 1.
    pub fn line(&mut self) -> usize {
        self.lines.line_at(&self.chars, self.at)
    }

    /// Copies the character at the cursor and moves past it.
    pub fn copy(&mut self) {
        if let Some(c) = self.peek(0) {
            self.pieces.push(c);
            self.at += 1;
        }
    }

    /// An unquoted operator: the command ends here, and what follows is noted as left out.
    pub fn operator(&mut self, operator: char) -> Result<(), CurlError> {
        if matches!(operator, '<' | '>') {
            self.pieces.drop_redirected_descriptor();
        }
        let rest: String = self.chars[self.at..].iter().collect();
        self.notes.push(after_operator(operator, &rest)?);
        self.at = self.chars.len();
        Ok(())
    }

    /// After a line break on `line` that lacks the shell's `continuation`, once the splitter
    /// has read it: a second `curl` on the next line is refused; anything else is read as part
    /// of this command (a pasted command often loses its continuations), with a note the first
    /// time.
    pub fn line_break_read(&mut self, line: usize, continuation: char) -> Result<(), CurlError> {
        let (more, runs_curl) = self.next_content.after(&self.chars, self.at);
        if runs_curl {
            return Err(CurlError::new(MORE_THAN_ONE.to_owned()));
        }
        if !self.joined_line && more {
            self.joined_line = true;
            self.notes.push(joined_line_note(line, continuation));
        }
        Ok(())
    }
}

/// The line a scan is on, counted as the scan moves forward, so that asking for it costs only the
/// text read since the last time (counting from the start each time made a long command's import
/// quadratic).
#[derive(Debug, Default)]
struct LineCount {
    /// How far the line breaks have been counted.
    counted_to: usize,
    breaks: usize,
}

impl LineCount {
    /// The line of `chars` that `at` is on, from 1.
    pub fn line_at(&mut self, chars: &[char], at: usize) -> usize {
        let at = at.min(chars.len());
        if at < self.counted_to {
            *self = Self::default();
        }
        self.breaks += chars[self.counted_to..at]
            .iter()
            .filter(|c| **c == '\n')
            .count();
        self.counted_to = at;
        1 + self.breaks
    }
}

/// What follows a line break: whether any more text does, and whether its first line runs curl.
/// Remembered for the run of blank text before that line, so that a long run of blank lines is
/// looked through once, not once per line break.
#[derive(Debug, Default)]
struct NextContent {
    /// From where the last look started, where the text it found starts, and whether it runs curl.
    seen: Option<(usize, usize, bool)>,
}

impl NextContent {
    /// Whether any text but blanks follows `from` in `chars`, and whether its line runs curl.
    pub fn after(&mut self, chars: &[char], from: usize) -> (bool, bool) {
        let (start, found, curl) = match self.seen {
            Some((start, found, curl)) if start <= from && from <= found => (start, found, curl),
            _ => {
                let found = from
                    + chars[from.min(chars.len())..]
                        .iter()
                        .take_while(|c| c.is_whitespace())
                        .count();
                let first_word: String = chars[found.min(chars.len())..]
                    .iter()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                (from, found, is_curl(&first_word))
            }
        };
        self.seen = Some((start, found, curl));
        (found < chars.len(), curl)
    }
}

/// A shell's command text with its quoting resolved as far as the splitter needs: text, and the
/// expansions the shell would replace by values the import cannot know.
#[derive(Debug, Default)]
pub(super) struct Pieces(Vec<Piece>);

#[derive(Debug)]
enum Piece {
    Text(String),
    Expansion(String),
}

impl Pieces {
    pub fn push(&mut self, c: char) {
        match self.0.last_mut() {
            Some(Piece::Text(text)) => text.push(c),
            _ => self.0.push(Piece::Text(c.to_string())),
        }
    }

    pub fn push_str(&mut self, text: &str) {
        text.chars().for_each(|c| self.push(c));
    }

    /// An expansion, as written (`$NAME`): it must hold no blank or quote, so the splitter keeps
    /// it whole.
    pub fn push_expansion(&mut self, written: String) {
        self.0.push(Piece::Expansion(written));
    }

    /// Drops a word of digits at the end (the `2` of `2>/dev/null`), which belongs to the
    /// redirection that follows it rather than to the command.
    pub fn drop_redirected_descriptor(&mut self) {
        if let Some(Piece::Text(text)) = self.0.last_mut() {
            let kept = text.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let before = text[..kept].chars().next_back();
            if kept < text.len() && before.is_none_or(char::is_whitespace) {
                text.truncate(kept);
            }
        }
    }

    /// Splits the text into words with `split`, and finds the expansions again in them. Each
    /// expansion goes to the splitter between two marks (a private-use character that no text
    /// piece holds), so it is known exactly which `$` were the shell's and which were quoted.
    pub fn split_with(self, split: impl FnOnce(&str) -> Option<Vec<String>>) -> Option<Vec<Word>> {
        let mark = self.free_mark()?;
        let mut joined = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(text) => joined.push_str(text),
                Piece::Expansion(written) => {
                    joined.push(mark);
                    joined.push_str(written);
                    joined.push(mark);
                }
            }
        }
        Some(
            split(&joined)?
                .into_iter()
                .map(|word| unmark(&word, mark))
                .collect(),
        )
    }

    /// A character no text piece holds, to mark expansions with.
    fn free_mark(&self) -> Option<char> {
        ('\u{E000}'..='\u{F8FF}').find(|mark| {
            self.0.iter().all(|piece| match piece {
                Piece::Text(text) => !text.contains(*mark),
                Piece::Expansion(_) => true,
            })
        })
    }
}

/// The word without its marks, with the expansions they enclosed.
fn unmark(marked: &str, mark: char) -> Word {
    let mut word = Word::default();
    let mut expansion: Option<String> = None;
    for c in marked.chars() {
        match (c == mark, expansion.as_mut()) {
            (true, None) => expansion = Some(String::new()),
            (true, Some(_)) => word.expansions.extend(expansion.take()),
            (false, Some(written)) => {
                written.push(c);
                word.text.push(c);
            }
            (false, None) => word.text.push(c),
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansions_are_found_again_after_splitting() {
        let mut pieces = Pieces::default();
        pieces.push_str("curl -H 'Authorization: Bearer ");
        pieces.push_expansion("$TOKEN".into());
        pieces.push_str("' x");
        let words = pieces
            .split_with(|text| Some(text.split(' ').map(str::to_owned).collect()))
            .unwrap();
        assert_eq!(words[0], Word::plain("curl"));
        assert_eq!(words[4].text, "$TOKEN'");
        assert_eq!(words[4].expansions, ["$TOKEN"]);
    }

    #[test]
    fn lines_and_what_follows_are_known_wherever_the_scan_asks() {
        let chars: Vec<char> = "a\n\n  \n b\n curl x\n".chars().collect();
        let mut lines = LineCount::default();
        assert_eq!(lines.line_at(&chars, 0), 1);
        assert_eq!(lines.line_at(&chars, 5), 3);
        assert_eq!(lines.line_at(&chars, 7), 4);
        assert_eq!(lines.line_at(&chars, 2), 2, "asked again from further back");
        assert_eq!(lines.line_at(&chars, 999), 6);
        let mut next = NextContent::default();
        assert_eq!(next.after(&chars, 2), (true, false), "b follows the blanks");
        assert_eq!(next.after(&chars, 4), (true, false), "remembered");
        assert_eq!(next.after(&chars, 9), (true, true), "curl x");
        assert_eq!(next.after(&chars, 2), (true, false), "looked again");
        assert_eq!(next.after(&chars, chars.len()), (false, false));
    }

    #[test]
    fn the_mark_is_a_character_the_text_does_not_hold() {
        let mut pieces = Pieces::default();
        pieces.push_str("\u{E000}\u{E001}");
        assert_eq!(pieces.free_mark(), Some('\u{E002}'));
    }

    #[test]
    fn only_a_whole_word_of_digits_is_a_descriptor() {
        for (text, kept) in [("curl x 2", "curl x "), ("curl x2", "curl x2"), ("7", "")] {
            let mut pieces = Pieces::default();
            pieces.push_str(text);
            pieces.drop_redirected_descriptor();
            let words = pieces
                .split_with(|text| Some(vec![text.to_owned()]))
                .unwrap();
            assert_eq!(words[0].text, kept);
        }
    }
}
