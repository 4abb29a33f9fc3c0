//! The real binary opens its window on a virtual X display (Xvfb).
//!
//! Needs `Xvfb` and `xwininfo` (Debian: xvfb, x11-utils); `.ci/run` installs them. Without them the
//! test says so and skips, except under `CI=true`, where a missing tool is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Whether every tool is installed. A missing one skips the check with a message, except under
/// `CI=true`, where `.ci/run` must have installed `packages`.
fn tools_present(tools: &[&str], packages: &str) -> bool {
    let missing: Vec<_> = tools.iter().filter(|tool| !have(tool)).collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "missing {missing:?}: .ci/run must install {packages}"
    );
    eprintln!("skipped: {missing:?} not installed (apt-get install {packages})");
    false
}

/// Window titles on the display, one per line of `xwininfo -root -tree`.
fn window_tree(display: &str) -> String {
    Command::new("xwininfo")
        .args(["-root", "-tree"])
        .env("DISPLAY", display)
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default()
}

#[test]
fn the_window_opens_under_xvfb() {
    if !tools_present(&["Xvfb", "xwininfo"], "xvfb x11-utils") {
        return;
    }

    let display = format!(":{}", 500 + std::process::id() % 400);
    let _xvfb = KillOnDrop(
        Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts"),
    );
    let started = Instant::now();
    while !window_tree(&display).contains("Root window") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "Xvfb did not come up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let scratch = std::env::temp_dir().join(format!("flameup-window-{}", std::process::id()));
    // Hostile leftovers where the app keeps its state: eframe's app.ron a link to /dev/zero (read
    // whole, it would fill memory) and a history that never ends. The window must still open.
    let data = scratch.join("data/flameup-explorer");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&data).unwrap();
    std::os::unix::fs::symlink("/dev/zero", data.join("app.ron")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", data.join("history.jsonl")).unwrap();
    let mut app = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_flameup-explorer"))
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_CONFIG_HOME", scratch.join("config"))
            .env("XDG_DATA_HOME", scratch.join("data"))
            .env("FLAMEUP_EXPLORER_KEYRING", "off")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the app starts"),
    );
    let started = Instant::now();
    loop {
        if window_tree(&display).contains("\"Flameup Explorer\"") {
            break;
        }
        if let Ok(Some(status)) = app.0.try_wait() {
            let mut stderr = String::new();
            if let Some(mut pipe) = app.0.stderr.take() {
                use std::io::Read as _;
                let _ = pipe.read_to_string(&mut stderr);
            }
            panic!("the app exited ({status}) before showing a window: {stderr}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no window titled Flameup Explorer within 20 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Still running a moment later: the window did not open only to crash.
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        app.0.try_wait().unwrap().is_none(),
        "the app is still running"
    );
    let set_aside: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".unreadable-"))
        .collect();
    assert_eq!(set_aside.len(), 2, "both moved aside unread: {set_aside:?}");
    clipboard_round_trip(&display);
    let _ = std::fs::remove_dir_all(scratch);
}

/// Text copied in another X client pastes into the window, and the window's Copy reaches the
/// X clipboard: a base URL pasted with Ctrl+V shows up in the snippet copied with Ctrl+Shift+C.
fn clipboard_round_trip(display: &str) {
    if !tools_present(&["xclip", "xdotool"], "xclip xdotool") {
        return;
    }
    let pasted = "http://127.0.0.1:9/pasted-from-another-app";
    let mut xclip = Command::new("xclip")
        .args(["-selection", "clipboard", "-i"])
        .env("DISPLAY", display)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        xclip
            .stdin
            .take()
            .unwrap()
            .write_all(pasted.as_bytes())
            .unwrap();
    }
    xclip.wait().unwrap();
    let xdotool = |args: &[&str]| {
        let output = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", display)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "xdotool {args:?}: {}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            window_tree(display)
        );
    };
    xdotool(&[
        "search",
        "--sync",
        // Named before it is mapped: focus it once it is shown.
        "--onlyvisible",
        "--name",
        "^Flameup Explorer$",
        "windowfocus",
        "--sync",
    ]);
    // Ctrl+L puts the cursor in a custom base URL; replace it with what the other app copied.
    for keys in ["ctrl+l", "ctrl+a", "ctrl+v", "ctrl+shift+c"] {
        xdotool(&["key", "--clearmodifiers", keys]);
        std::thread::sleep(Duration::from_millis(300));
    }
    let started = Instant::now();
    loop {
        let copied = Command::new("xclip")
            .args(["-selection", "clipboard", "-o"])
            .env("DISPLAY", display)
            .output()
            .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
            .unwrap_or_default();
        if copied.starts_with("curl ") {
            assert!(
                copied.contains(&format!("{pasted}/people")),
                "the pasted base URL is in the copied snippet: {copied}"
            );
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the snippet never reached the X clipboard (it holds {copied:?})"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
