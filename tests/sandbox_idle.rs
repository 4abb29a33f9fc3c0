//! A sandbox nobody calls costs one parked thread: the window starts one at launch, and most of
//! its life it waits. Its runtime starts with the first call, and stopping works before and
//! after. Alone in its own test binary, so no other test's sandbox adds threads while it counts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: a panic is the failure message.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

use flameup_explorer::sandbox::{Sandbox, SandboxSettings};

/// The threads of this process that are the sandbox's runtime workers.
fn runtime_workers() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim() == "sandbox-worker")
        .count()
}

fn get_openapi(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(
            b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn port_is_free(addr: SocketAddr) -> bool {
    TcpListener::bind(addr).is_ok()
}

#[test]
fn the_runtime_starts_with_the_first_call_and_stopping_frees_the_port_either_way() {
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();

    let uncalled = Sandbox::start(loopback, SandboxSettings::default()).unwrap();
    let addr = uncalled.addr();
    assert_eq!(runtime_workers(), 0, "no runtime before the first call");
    drop(uncalled);
    assert!(
        port_is_free(addr),
        "an uncalled sandbox stops and lets its port go"
    );

    let called = Sandbox::start(loopback, SandboxSettings::default()).unwrap();
    let addr = called.addr();
    let answer = get_openapi(addr);
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the first call is answered: {answer:.200}"
    );
    assert!(answer.contains("\"openapi\""), "{answer:.400}");
    assert_eq!(runtime_workers(), 2, "the runtime runs once called");
    assert!(
        get_openapi(addr).starts_with("HTTP/1.1 200"),
        "and the calls after it"
    );
    drop(called);
    assert!(
        port_is_free(addr),
        "a serving sandbox stops and lets its port go"
    );
}
