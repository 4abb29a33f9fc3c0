//! The window's saved state (eframe keeps it as RON under its app key). Read here rather than
//! through `eframe::get_value`, which drops a state it cannot decode without a word: a copy of
//! what could not be read is kept, and the caller gets a sentence to show once.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::atomic::write_atomic;

/// Decodes `text`, the saved state. On failure the text is copied into `keep_dir` (when there is
/// one) and the error says what happened and where the copy is.
pub fn decode<T: DeserializeOwned>(text: &str, keep_dir: Option<&Path>) -> Result<T, String> {
    let error = match ron::from_str::<T>(text) {
        Ok(state) => return Ok(state),
        Err(error) => error,
    };
    let kept = keep_dir.map(|dir| keep_copy(dir, text));
    let copy = match kept {
        Some(Ok(path)) => format!("a copy is in {}", path.display()),
        Some(Err(reason)) => format!("no copy could be kept ({reason})"),
        None => "no copy could be kept (no data directory)".to_owned(),
    };
    Err(format!(
        "The last session's state could not be read ({error}); {copy}. Starting from the defaults."
    ))
}

fn keep_copy(dir: &Path, text: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("unreadable-state-{}.ron", crate::clock::unix_now()));
    write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct State {
        #[allow(dead_code)]
        name: String,
    }

    #[test]
    fn a_state_that_does_not_decode_is_kept_and_explained() {
        let dir = std::env::temp_dir().join(format!("flameup-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let broken = "(name: 42, unknown: Thing(1))";
        let message = decode::<State>(broken, Some(&dir)).unwrap_err();
        assert!(message.contains("could not be read"), "{message}");
        let copies: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(copies.len(), 1);
        assert_eq!(std::fs::read_to_string(copies[0].path()).unwrap(), broken);
        assert!(message.contains(&copies[0].path().display().to_string()));
        assert!(decode::<State>("(name: \"ok\")", Some(&dir)).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
