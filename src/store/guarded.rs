//! Reading a file the app keeps (its history, its saved state) without trusting it: a file that is
//! not a regular file (a FIFO, a link to /dev/zero) or is far larger than the app ever writes is
//! moved aside unread, so the app neither hangs nor fills memory, and the caller says so.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What reading a kept file found.
pub enum Guarded {
    /// No file yet.
    Missing,
    /// Its contents.
    Read(String),
    /// It could not be used; the sentence says why and what became of it.
    SetAside(String),
}

/// Reads `path` if it is a regular file of at most `limit` bytes; otherwise moves it aside (to
/// `NAME.unreadable-SECONDS`) without reading it. `what` names the file in the sentence.
pub fn read_kept_file(path: &Path, limit: u64, what: &str) -> Guarded {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            // A dangling link is set aside too, so it cannot swallow what the app writes next.
            return match std::fs::symlink_metadata(path) {
                Ok(_) => set_aside(path, what, "is a link to nothing"),
                Err(_) => Guarded::Missing,
            };
        }
        Err(err) => return Guarded::SetAside(format!("The {what} could not be read ({err}).")),
    };
    if !metadata.is_file() {
        return set_aside(path, what, "is not a regular file");
    }
    if metadata.len() > limit {
        let size = crate::model::response::human_size(metadata.len() as usize);
        return set_aside(
            path,
            what,
            &format!("is {size}, far more than the app writes"),
        );
    }
    let mut bytes = Vec::new();
    match std::fs::File::open(path).and_then(|file| file.take(limit + 1).read_to_end(&mut bytes)) {
        Ok(_) if bytes.len() as u64 > limit => set_aside(path, what, "grew past its limit"),
        Ok(_) => Guarded::Read(String::from_utf8_lossy(&bytes).into_owned()),
        Err(err) => Guarded::SetAside(format!("The {what} could not be read ({err}).")),
    }
}

/// Moves `path` aside, unread, and says so.
pub fn set_aside(path: &Path, what: &str, why: &str) -> Guarded {
    let aside = aside_path(path);
    let outcome = match std::fs::rename(path, &aside) {
        Ok(()) => format!("it was moved to {} unread", aside.display()),
        Err(err) => format!("it could not be moved aside ({err})"),
    };
    Guarded::SetAside(format!(
        "The {what} at {} {why}; {outcome}. Starting without it.",
        path.display()
    ))
}

fn aside_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{name}.unreadable-{}", crate::clock::unix_now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_a_link_to_dev_zero_and_a_huge_file_are_set_aside_unread() {
        let dir = std::env::temp_dir().join(format!("flameup-guarded-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let zero = dir.join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let big = dir.join("big");
        std::fs::write(&big, vec![b'x'; 2048]).unwrap();
        let small = dir.join("small");
        std::fs::write(&small, "ok").unwrap();

        for path in [&zero, &big] {
            assert!(matches!(
                read_kept_file(path, 1024, "history"),
                Guarded::SetAside(_)
            ));
            assert!(!path.exists(), "moved aside");
        }
        if made.is_ok_and(|status| status.success()) {
            assert!(matches!(
                read_kept_file(&fifo, 1024, "history"),
                Guarded::SetAside(_)
            ));
        }
        assert!(
            matches!(read_kept_file(&small, 1024, "history"), Guarded::Read(text) if text == "ok")
        );
        assert!(matches!(
            read_kept_file(&dir.join("none"), 1024, "history"),
            Guarded::Missing
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
