//! Lists in messages, written as a sentence says them: `a`, `a or b`, `a, b or c`. The command
//! line, the cURL import and flows all name what they accept this way, so they say it alike.

/// `items` joined with commas, and `last_word` ("or", "and") before the last one; empty when
/// there are none.
pub fn joined(items: &[impl AsRef<str>], last_word: &str) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} {last_word} {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_sentences() {
        assert_eq!(joined(&[] as &[&str], "or"), "");
        assert_eq!(joined(&["id"], "and"), "id");
        assert_eq!(joined(&["a", "b"], "and"), "a and b");
        assert_eq!(joined(&["a", "b", "c"], "or"), "a, b or c");
        assert_eq!(
            joined(&[String::from("x"), String::from("y")], "or"),
            "x or y"
        );
    }
}
