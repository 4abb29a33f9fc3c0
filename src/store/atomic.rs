//! Writing a file so that a crash leaves the old or the new content, never a torn one: write a
//! temporary file beside it, flush it to disk, then rename it over the old one (or, to create a
//! file only if it does not exist yet, link it into place, which fails if the name is taken).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The prefix of temporary files; listings skip them.
pub const TEMP_PREFIX: &str = ".tmp-";

/// Replaces `path` with `bytes` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    with_temp_copy(path, bytes, Access::Default, |temp| fs::rename(temp, path))
}

/// Replaces `path` with `bytes` atomically, as a file only its owner may read (on Unix): for files
/// that hold what servers answered, which may quote the user's account.
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    with_temp_copy(path, bytes, Access::OwnerOnly, |temp| {
        fs::rename(temp, path)
    })
}

/// Narrows `file` to its owner (mode 0600) on Unix, if others could read or write it; elsewhere
/// the platform's per-user folders already keep others out.
pub fn make_private(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Who may read a file written here.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// As the user's umask says.
    Default,
    /// Its owner only: see [`make_private`].
    OwnerOnly,
}

/// Creates `path` holding `bytes`, atomically, and only if no file of that name exists: the
/// check and the creation are one step, so of two processes creating the same name exactly one
/// succeeds and the other gets `ErrorKind::AlreadyExists`. No reader ever sees a partial file.
pub fn write_new_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    with_temp_copy(path, bytes, Access::Default, |temp| {
        match fs::hard_link(temp, path) {
            Ok(()) => fs::remove_file(temp),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Err(err),
            // A file system without hard links (FAT, some network shares): `create_new` still
            // refuses a taken name atomically, at the cost of a torn file if we crash midway.
            Err(_) => {
                let _ = fs::remove_file(temp);
                let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
                file.write_all(bytes)?;
                file.sync_all()
            }
        }
    })
}

/// Writes `bytes` to a synced temporary file beside `path`, hands it to `finish` (which moves it
/// into place), then makes the directory change durable. The temporary file never outlives a
/// failure.
fn with_temp_copy(
    path: &Path,
    bytes: &[u8],
    access: Access,
    finish: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let temp = temp_path(dir, path);
    let result = (|| {
        let mut file = File::create(&temp)?;
        if access == Access::OwnerOnly {
            make_private(&file)?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        finish(&temp)?;
        // Make the change itself durable; not every platform lets a directory be synced.
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// A temporary file name beside `path`, unique across processes and threads.
fn temp_path(dir: &Path, path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("file");
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(
        "{TEMP_PREFIX}{}-{unique}-{name}",
        std::process::id()
    ))
}
