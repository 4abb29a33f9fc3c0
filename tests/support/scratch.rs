//! A folder of its own for one test, and the app's binary run with its files in there: the
//! tests never read or write the real home's presets, history or settings.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A folder of its own for one test, removed when dropped. Its name holds the process id and a
/// counter, so tests running at once (in this binary or another) never share one.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "flameup-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// The folder itself.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Where `name` is (or would be) in the folder.
    pub fn join(&self, name: impl AsRef<Path>) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `contents` to `name` in the folder, and gives its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// What `XDG_CONFIG_HOME` is for [`Scratch::command`]: the command line's presets are under it.
    pub fn config_home(&self) -> PathBuf {
        self.0.join("config")
    }

    /// Where the command line keeps presets when run by [`Scratch::command`].
    pub fn cli_presets(&self) -> PathBuf {
        self.config_home().join("flameup-explorer").join("presets")
    }

    /// The app's binary with its configuration and data (presets, history) in this folder.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_flameup-explorer"));
        command
            .env("XDG_CONFIG_HOME", self.config_home())
            .env("XDG_DATA_HOME", self.0.join("data"));
        command
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `command` with `input` on its standard input, and waits for what it wrote.
pub fn run_with_stdin(command: &mut Command, input: impl AsRef<[u8]>) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_ref())
        .unwrap();
    child.wait_with_output().unwrap()
}
