//! The programs some tests run (interpreters, compilers, curl, jq, gnome-keyring): whether they
//! are here, and a skip that says what is missing, except on CI, which must have them all.

use std::fmt::Debug;
use std::process::Command;

/// A library a program needs, and how to ask the program whether it has it.
pub struct Library {
    /// What to install when it is missing (the Debian package).
    pub package: &'static str,
    pub program: &'static str,
    /// Arguments with which `program` exits 0 when the library is there.
    pub check: [&'static str; 2],
}

/// Python's requests, which the Python snippets and flows import.
pub const PYTHON_REQUESTS: Library = Library {
    package: "python3-requests",
    program: "python3",
    check: ["-c", "import requests"],
};

/// PHP's curl extension, which the PHP snippets and flows call.
pub const PHP_CURL: Library = Library {
    package: "php-curl",
    program: "php",
    check: ["-r", "exit(function_exists('curl_init') ? 0 : 1);"],
};

/// Whether `tool` is on the PATH.
pub fn on_path(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Which of `tools` are not on the PATH; when they all are, the `library` they need too, if it
/// is missing.
pub fn missing(tools: &[&'static str], library: Option<Library>) -> Vec<&'static str> {
    let mut missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|tool| !on_path(tool))
        .collect();
    if missing.is_empty()
        && let Some(library) = library
        && !Command::new(library.program)
            .args(library.check)
            .output()
            .is_ok_and(|out| out.status.success())
    {
        missing.push(library.package);
    }
    missing
}

/// Whether `what` can run, `missing` being what it lacks here: it says why not, and fails
/// under CI, whose set-up (.ci/run) must install everything.
pub fn can_run(what: impl Debug, missing: &[&str]) -> bool {
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what:?}: missing {missing:?}; .ci/run must install them"
    );
    eprintln!("skipped {what:?}: {missing:?} not installed");
    false
}
