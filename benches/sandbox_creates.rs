//! Sandbox creates per second over keep-alive connections on loopback. Prints figures; asserts
//! nothing about speed. Run: `cargo bench --bench sandbox_creates`.

// Helpers of tests (and the test support module) fail by panicking: the panic is the failure
// message. clippy's allow-*-in-tests covers only #[test] functions, not their helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use flameup_explorer::sandbox::{Sandbox, SandboxSettings};

const BODY: &str = r#"{"userId": "USER", "email": "user@example.com", "phone": "+1-555-0123",
  "traits": {"first_name": "John", "last_name": "Doe", "locale": "en-US", "plan": "pro", "seats": 5}}"#;

/// Sends `count` creates over one agent (one kept-alive connection) and returns how long it took.
fn run_client(base_url: &str, client: usize, count: usize) -> Duration {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_idle_connections_per_host(1)
        .build()
        .into();
    let url = format!("{base_url}/people");
    let started = Instant::now();
    for index in 0..count {
        let body = BODY.replace("USER", &format!("c{client}-u{index}"));
        let response = agent
            .post(&url)
            .header("content-type", "application/json")
            .header("authorization", "Bearer ws_test_bench")
            .send(body.as_bytes())
            .expect("the sandbox answers");
        assert_eq!(response.status(), 201);
    }
    started.elapsed()
}

fn measure(clients: usize, per_client: usize) {
    let settings = SandboxSettings {
        rate_limit: None,
        ..SandboxSettings::default()
    };
    let sandbox =
        Sandbox::start("127.0.0.1:0".parse().expect("address"), settings).expect("sandbox");
    let base_url = sandbox.base_url();
    // Warm up: the first connection and allocations.
    run_client(&base_url, usize::MAX, 200);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|client| {
            let base_url = base_url.clone();
            std::thread::spawn(move || run_client(&base_url, client, per_client))
        })
        .collect();
    for worker in workers {
        worker.join().expect("client thread");
    }
    let elapsed = started.elapsed();
    let total = clients * per_client;
    println!(
        "{clients} keep-alive client(s) × {per_client} creates: {total} in {:.2} s = {:.0} creates/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing: run small then.
    let full = std::env::args().any(|arg| arg == "--bench");
    let per_client = if full { 5_000 } else { 50 };
    for clients in [1, 4, 16] {
        measure(clients, per_client);
    }
}
