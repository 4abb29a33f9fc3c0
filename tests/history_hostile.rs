//! The history under attack: many `send` processes at once onto a history about to be
//! compacted, and a server that echoes the token back. The real binary, a loopback server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};
use support::{LoopbackServer, Reply};

const TOKEN: &str = "ws_test_hostile.0123456789abcdef";

/// A scratch home for one test: its own data and config directories, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "flameup-history-hostile-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn history(&self) -> PathBuf {
        self.0.join("data/flameup-explorer/history.jsonl")
    }

    fn unreadable(&self) -> PathBuf {
        self.0
            .join("data/flameup-explorer/history.unreadable.jsonl")
    }

    fn body(&self, name: &str, body: &Value) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, body.to_string()).unwrap();
        path
    }

    /// `send --body FILE --base-url URL` with this scratch home, started, not waited for.
    fn send(&self, body: &Path, base_url: &str) -> Child {
        Command::new(env!("CARGO_BIN_EXE_flameup-explorer"))
            .env("FLAMEUP_API_TOKEN", TOKEN)
            .env("XDG_DATA_HOME", self.0.join("data"))
            .env("XDG_CONFIG_HOME", self.0.join("config"))
            .env("FLAMEUP_EXPLORER_KEYRING", "off")
            .args(["send", "--base-url", base_url, "--body"])
            .arg(body)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn succeeds(child: Child) {
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A person of about 30 kB, named `user_id`.
fn large_person(user_id: &str) -> Value {
    json!({"userId": user_id, "traits": {"x": "a".repeat(30_000)}})
}

/// The hostile tester's run: a history just under its 4 MB cap, then 20 sends at once. One of
/// them compacts it; every other one's entry used to be dropped by that compaction (one of 20
/// was left). All 20 are the newest entries, so all 20 stay, each line whole.
#[test]
fn twenty_sends_at_once_onto_a_nearly_full_history_all_stay_in_it() {
    const SENDS: usize = 20;
    let server = LoopbackServer::start(Reply::json(201, r#"{"id":"p1"}"#));
    let home = Scratch::new("race");
    let filler = home.body("filler.json", &large_person("filler"));
    succeeds(home.send(&filler, &server.base_url()));
    let line = std::fs::read_to_string(home.history()).unwrap();
    let copies = (3_800_000 / line.len()).max(1);
    std::fs::write(home.history(), line.repeat(copies)).unwrap();

    let bodies: Vec<PathBuf> = (0..SENDS)
        .map(|i| home.body(&format!("conc{i}.json"), &large_person(&format!("conc{i}"))))
        .collect();
    let children: Vec<Child> = bodies
        .iter()
        .map(|body| home.send(body, &server.base_url()))
        .collect();
    children.into_iter().for_each(succeeds);

    let text = std::fs::read_to_string(home.history()).unwrap();
    assert!(
        text.len() < 4 * 1024 * 1024,
        "compacted: {} bytes",
        text.len()
    );
    assert!(text.ends_with('\n'));
    let users: Vec<String> = text
        .lines()
        .map(|line| {
            let entry: Value = serde_json::from_str(line).expect("every line is a whole entry");
            entry["request"]["body"]["userId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for i in 0..SENDS {
        let user = format!("conc{i}");
        assert_eq!(
            users.iter().filter(|kept| **kept == user).count(),
            1,
            "{user}'s send is in the history once"
        );
    }
    let fillers = users.iter().filter(|user| *user == "filler").count();
    assert!(fillers < copies, "the oldest entries were dropped");
    assert_eq!(
        &users[..fillers],
        vec!["filler"; fillers],
        "only the oldest were dropped"
    );
    assert!(!home.unreadable().exists(), "no line was torn");
}

/// The server quotes the request's authorization header in its body and in a header, and
/// names the token in its message (as /work/hostile2/cli/echoauth.py did): the history keeps
/// the reference previews show instead, and only its owner may read it or its unreadable lines.
#[test]
fn a_token_the_server_echoes_is_not_written_to_the_history() {
    let echoed = json!({
        "error": "Unauthorized",
        "headers": {"Authorization": format!("Bearer {TOKEN}")},
        "message": format!("bad token {TOKEN}"),
    });
    let server = LoopbackServer::start(Reply::Respond {
        status: 401,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("X-Seen-Auth".into(), format!("Bearer {TOKEN}")),
        ],
        body: echoed.to_string().into_bytes(),
    });
    let home = Scratch::new("echo");
    // A line an older version could not finish, so the unreadable file is made too.
    std::fs::create_dir_all(home.history().parent().unwrap()).unwrap();
    std::fs::write(
        home.history(),
        "{\"time\": \"2026-01-01T00:00:00Z\", \"requ\n",
    )
    .unwrap();

    let body = home.body("person.json", &json!({"userId": "echo"}));
    let output = home
        .send(&body, &server.base_url())
        .wait_with_output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "a 401 fails the send, which is still recorded: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        server.requests()[0]
            .header_lines()
            .contains(&format!("authorization: Bearer {TOKEN}"))
    );

    let stored = std::fs::read_to_string(home.history()).unwrap();
    assert!(!stored.contains(TOKEN), "{stored}");
    let entry: Value = serde_json::from_str(stored.trim_end()).unwrap();
    let answer: Value = serde_json::from_str(entry["response_body"].as_str().unwrap()).unwrap();
    assert_eq!(
        answer["headers"]["Authorization"],
        "Bearer $FLAMEUP_API_TOKEN"
    );
    assert_eq!(answer["message"], "bad token $FLAMEUP_API_TOKEN");
    let seen = entry["response_headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|header| {
            header[0]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("x-seen-auth")
        })
        .unwrap();
    assert_eq!(seen[1], "Bearer $FLAMEUP_API_TOKEN");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [home.history(), home.unreadable()] {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", file.display());
        }
    }
}

/// The window too: it used to hand the history a copy of the request without its token, so
/// there was nothing to hide the echo by.
#[test]
fn a_token_the_server_echoes_to_the_window_is_not_written_to_the_history() {
    use egui_kittest::kittest::Queryable as _;
    use flameup_explorer::app::{App, AppState, Exchange, PresetLibrary, TokenInput, TokenOrigin};
    use flameup_explorer::model::{Draft, Environment};

    let server = LoopbackServer::start(Reply::Respond {
        status: 401,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("X-Seen-Auth".into(), format!("Bearer {TOKEN}")),
        ],
        body: json!({"message": format!("bad token {TOKEN}")})
            .to_string()
            .into_bytes(),
    });
    let home = Scratch::new("window-echo");
    let library = PresetLibrary::open(None, Some(home.history()));
    let state = AppState {
        draft: Draft {
            environment: Environment::Custom,
            custom_base_url: server.base_url(),
            ..Draft::docs_example()
        },
        ..AppState::default()
    };
    let token = TokenInput {
        text: TOKEN.to_owned(),
        revealed: false,
        origin: TokenOrigin::Typed,
    };
    let mut harness = support::app::harness_of(
        App::with_library(state, token, library),
        egui::vec2(1400.0, 900.0),
    );
    harness.run();
    harness.get_by_label("Send").click();
    support::app::step_until(&mut harness, "the answer", |app| {
        matches!(app.exchange, Exchange::Done(_))
    });
    assert!(
        server.requests()[0].text().contains(TOKEN),
        "the token was sent"
    );

    let stored = std::fs::read_to_string(home.history()).unwrap();
    assert!(!stored.contains(TOKEN), "{stored}");
    let entry: Value = serde_json::from_str(stored.trim_end()).unwrap();
    assert!(
        entry["response_body"]
            .as_str()
            .unwrap()
            .contains("bad token $FLAMEUP_API_TOKEN"),
        "{stored}"
    );
}
