//! A private Secret Service for the tests that use the system keyring: gnome-keyring in a
//! D-Bus session of its own, with a throw-away HOME, so the user's own keyring is never touched.
//!
//! The outer test calls [`run_inside_private_keyring`], which runs this test binary again inside
//! `dbus-run-session` for one inner test; the inner test is `#[ignore]`d so that it never runs
//! on its own, outside the private session.

use std::process::Command;

use super::scratch::Scratch;
use super::tools::on_path;

/// Runs the ignored test named `inner` (its full name: the exact filter libtest takes) of this
/// binary inside a private D-Bus session with an unlocked gnome-keyring, and fails unless it
/// ran and passed. Without the tools it is skipped, except on CI, which must have them.
pub fn run_inside_private_keyring(inner: &str) {
    if !(on_path("dbus-run-session") && on_path("gnome-keyring-daemon")) {
        assert!(
            std::env::var("CI").is_err(),
            "CI needs dbus-run-session and gnome-keyring-daemon (packages dbus, gnome-keyring)"
        );
        eprintln!("skipped: dbus-run-session or gnome-keyring-daemon is missing");
        return;
    }
    let home = Scratch::new("keyring-home");
    let script = "echo | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
                  exec \"$0\" --exact \"$1\" --ignored --nocapture";
    let output = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script])
        .arg(std::env::current_exe().unwrap())
        .arg(inner)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", home.path())
        .output()
        .unwrap();
    let printed = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{printed}");
    assert!(
        printed.contains("1 passed"),
        "the inner test ran: {printed}"
    );
}
