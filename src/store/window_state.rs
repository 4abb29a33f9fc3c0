//! The window's saved state (eframe keeps it as RON under its app key). Read here rather than
//! through `eframe::get_value`, which drops a state it cannot decode without a word: a copy of
//! what could not be read is kept, and the caller gets a sentence to show once.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use std::collections::HashMap;

use super::atomic::write_atomic;
use super::guarded::{Guarded, read_kept_file, set_aside};

/// Checks eframe's saved-state file before eframe reads it (which it does whole, with no limit,
/// and which it drops without a word when it does not parse): a file that is not a regular file,
/// is huge, or is not eframe's key-value RON is moved aside unread, and the sentence says so.
pub fn check_saved_file(path: &Path) -> Option<String> {
    const WHAT: &str = "window's saved state";
    match read_kept_file(path, MAX_SAVED_STATE, WHAT) {
        Guarded::Missing => None,
        Guarded::SetAside(notice) => Some(notice),
        Guarded::Read(text) => match ron::from_str::<HashMap<String, String>>(&text) {
            Ok(_) => None,
            Err(err) => match set_aside(path, WHAT, &format!("could not be read ({err})")) {
                Guarded::SetAside(notice) => Some(notice),
                Guarded::Missing | Guarded::Read(_) => None,
            },
        },
    }
}

/// Far more than the window ever saves (a few kilobytes, plus egui's memory).
const MAX_SAVED_STATE: u64 = 16 * 1024 * 1024;

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
    fn a_torn_or_garbage_state_file_is_moved_aside_before_eframe_reads_it() {
        let dir = std::env::temp_dir().join(format!("flameup-state-file-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("app.ron");
        let good = "{\n    \"app\": \"(theme: Dark)\",\n}";
        std::fs::write(&file, good).unwrap();
        assert_eq!(check_saved_file(&file), None);
        std::fs::write(&file, &good[..good.len() / 2]).unwrap();
        let notice = check_saved_file(&file).expect("a torn file is reported");
        assert!(notice.contains("could not be read"), "{notice}");
        assert!(!file.exists(), "moved aside, so eframe starts afresh");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "kept beside it"
        );
        assert_eq!(check_saved_file(&file), None, "said once");
        let _ = std::fs::remove_dir_all(&dir);
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
