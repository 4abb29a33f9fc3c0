//! The sandbox's HTTP server: axum on a small tokio runtime in its own thread. Every request
//! passes the gate (faults, rate limit, token), is routed by the contract, made into a checked
//! call and handled by its operation; `GET {base}/openapi.json` serves the contract itself.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, Extension, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method as HttpMethod, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use super::call::{Call, Sent};
use super::connection::{IdleListener, Peer, is_connection_error};
use super::drift::Drift;
use super::operations::{self, Answer};
use super::rate_limit::RateLimiter;
use super::rejection::{FieldError, Rejection, RejectionKind, rate_limited_body};
use super::routing::{Routed, Routes, allow_header};
use super::settings::{ErrorDialect, OnDuplicate, SandboxSettings};
use super::store::World;
use super::{SharedSettings, base_path, document};
use crate::clock::unix_now;
use crate::contract::Method;

/// The largest body the sandbox reads: 1 MiB, as documented.
pub const MAX_BODY: usize = 1024 * 1024;

/// How much of an oversized body is read (and thrown away) before the 413 is sent. Most clients
/// write the whole body before reading: closing while they write loses the 413 to a reset.
/// Beyond this, the connection is closed anyway.
pub const MAX_DRAIN: usize = 64 * 1024 * 1024;

/// A running sandbox. Dropping it stops the server and forgets every person.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// Tells a thread still waiting for its first call that the call waking it is the end.
    stopping: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sandbox {
    /// Binds `bind` (port 0 picks a free one) and serves every operation of the embedded
    /// contract on a background thread. The runtime and the router are made when the first
    /// connection arrives: a sandbox nobody calls (the window starts one at launch) costs a
    /// parked thread, not a runtime of worker threads.
    pub fn start(bind: SocketAddr, settings: SandboxSettings) -> std::io::Result<Self> {
        let contract =
            crate::contract::embedded().map_err(|err| std::io::Error::other(err.to_string()))?;
        let listener = std::net::TcpListener::bind(bind)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            settings: Arc::new(RwLock::new(settings)),
            world: Mutex::default(),
            limiter: Mutex::default(),
            routes: Routes::new(contract, base_path()),
            addr,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let stopping = Arc::new(AtomicBool::new(false));
        let waiter = Waiter {
            listener,
            shared: shared.clone(),
            stopping: stopping.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("sandbox".to_owned())
            .spawn(move || waiter.serve_from_first_call(stopped))?;
        Ok(Self {
            addr,
            shared,
            stop: Some(stop),
            stopping,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to send requests to, e.g. `http://127.0.0.1:40123/api/v1`.
    pub fn base_url(&self) -> String {
        super::base_url(self.addr)
    }

    pub fn settings(&self) -> SharedSettings {
        self.shared.settings.clone()
    }

    /// Replaces the settings; the next request follows them.
    pub fn set_settings(&self, settings: SandboxSettings) {
        *self
            .shared
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner) = settings;
    }

    /// How many people are in memory.
    pub fn people_count(&self) -> usize {
        self.shared.world().people.len()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // A thread still in its first, blocking accept hears nothing else: call it.
        let _ = std::net::TcpStream::connect_timeout(&reachable(self.addr), Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The sandbox's thread before its first call: a listener in blocking mode, and what serving
/// needs once a call comes.
struct Waiter {
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    stopping: Arc<AtomicBool>,
}

impl Waiter {
    /// Waits for the first connection, then serves it and every later one until stopped.
    fn serve_from_first_call(self, stopped: tokio::sync::oneshot::Receiver<()>) {
        let Some(first) = self.first_call() else {
            return;
        };
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("sandbox-worker")
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(err) => {
                eprintln!("flameup-explorer: the sandbox could not start its runtime: {err}");
                return;
            }
        };
        let Self {
            listener, shared, ..
        } = self;
        let settings = shared.settings.clone();
        let app = router(shared);
        runtime.block_on(async move {
            let Ok(listener) = listener
                .set_nonblocking(true)
                .and_then(|()| tokio::net::TcpListener::from_std(listener))
            else {
                return;
            };
            let listener = IdleListener::new(listener, settings).first(first);
            let server = axum::serve(listener, app.into_make_service_with_connect_info::<Peer>());
            // Not a graceful shutdown: a request held open by the "never answer" fault
            // would otherwise keep the sandbox alive forever.
            tokio::select! {
                _ = server => {}
                _ = stopped => {}
            }
        });
        runtime.shutdown_timeout(Duration::from_millis(200));
    }

    /// The first connection, or `None` once the sandbox is stopping.
    fn first_call(&self) -> Option<(std::net::TcpStream, SocketAddr)> {
        loop {
            let accepted = self.listener.accept();
            if self.stopping.load(Ordering::SeqCst) {
                return None;
            }
            match accepted {
                Ok(call) => return Some(call),
                Err(err) if is_connection_error(&err) => {}
                // Out of file descriptors or the like: give the system a moment, as axum does.
                Err(_) => std::thread::sleep(Duration::from_secs(1)),
            }
        }
    }
}

/// An address a client can connect to: a sandbox bound to every interface is reached on
/// loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        ip if !ip.is_unspecified() => addr,
        std::net::IpAddr::V4(_) => SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, addr.port())),
        std::net::IpAddr::V6(_) => SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port())),
    }
}

struct Shared {
    settings: SharedSettings,
    world: Mutex<World>,
    limiter: Mutex<RateLimiter>,
    routes: Routes,
    /// Where the sandbox listens, for the server URL of the document it serves.
    addr: SocketAddr,
}

impl Shared {
    fn settings(&self) -> SandboxSettings {
        self.settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Per-request facts the handlers need, set by [`gate`].
#[derive(Clone)]
struct Context {
    dialect: ErrorDialect,
    on_duplicate: OnDuplicate,
    drift: Drift,
    request_id: String,
}

impl Context {
    fn reject(&self, rejection: &Rejection) -> Response {
        json_response(
            rejection.status(self.dialect),
            &rejection.body(self.dialect, &self.request_id),
        )
    }
}

/// Every request goes through the gate to [`serve`], which routes it by the contract; the
/// document route is added after the gate, so reading the contract needs no token and is not
/// counted against the rate limit.
fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .fallback(serve)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .route(
            &format!("{}/openapi.json", base_path()),
            get(openapi).fallback(openapi_wrong_method),
        )
        .with_state(shared)
}

fn json_response(status: u16, body: &Value) -> Response {
    (
        status_code(status),
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn answer_response(answer: Answer) -> Response {
    match answer.body {
        Some(body) => json_response(answer.status, &body),
        None => status_code(answer.status).into_response(),
    }
}

/// The contract, with the sandbox as its server.
async fn openapi(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok());
    let base_url = document::own_base_url(shared.addr, host);
    match document::served(&base_url) {
        Some(text) => ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Any other method on the document: a 405 in the sandbox's dialect with `Allow` and a request
/// id, like every other refusal (axum's own was an empty body).
async fn openapi_wrong_method(
    State(shared): State<Arc<Shared>>,
    method: HttpMethod,
    uri: axum::http::Uri,
) -> Response {
    let settings = shared.settings();
    let context = Context {
        dialect: settings.errors,
        on_duplicate: settings.on_duplicate,
        drift: settings.drift,
        request_id: new_request_id(),
    };
    let mut response = method_not_allowed(&context, &method, uri.path(), &[Method::Get]);
    if let Ok(value) = HeaderValue::from_str(&context.request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// A fresh request id, as every answer of the API carries one.
fn new_request_id() -> String {
    format!("req_{}", uuid::Uuid::new_v4().simple())
}

/// Routes the request by the contract, checks its values, and hands it to its operation.
async fn serve(
    State(shared): State<Arc<Shared>>,
    Extension(context): Extension<Context>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let (operation, path) = match shared.routes.route(parts.method.as_str(), parts.uri.path()) {
        Routed::Operation { operation, values } => (operation, values),
        Routed::WrongMethod(allowed) => {
            return method_not_allowed(&context, &parts.method, parts.uri.path(), &allowed);
        }
        Routed::NoPath => return unknown_path(&context, &parts.method, parts.uri.path()),
    };
    let sent = Sent {
        path,
        query: parts.uri.query(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok()),
        body: read_body(body).await,
    };
    let now = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let outcome = Call::prepare(operation, sent, now, context.on_duplicate)
        .and_then(|call| operations::handle(&call, &mut shared.world()));
    match outcome {
        Ok(answer) => answer_response(context.drift.apply(operation, answer)),
        Err(rejection) => context.reject(&rejection),
    }
}

fn unknown_path(context: &Context, method: &HttpMethod, path: &str) -> Response {
    context.reject(&Rejection::new(
        RejectionKind::NotFound,
        format!("No such endpoint: {method} {path}"),
        vec![FieldError::new("path", "Not found")],
    ))
}

/// Faults, rate limit and authentication, in front of every route; adds the rate-limit headers
/// to every answer.
async fn gate(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    mut request: Request,
    next: Next,
) -> Response {
    let settings = shared.settings();
    if settings.hang || settings.latency_ms > 0 {
        // The client is waiting on the sandbox here: not idle.
        let _hold = peer.hold();
        if settings.hang {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(Duration::from_millis(settings.latency_ms)).await;
    }
    let context = Context {
        dialect: settings.errors,
        on_duplicate: settings.on_duplicate,
        drift: settings.drift,
        request_id: new_request_id(),
    };
    let token = bearer_token(request.headers());
    let quota = settings.rate_limit.map(|key_limit| {
        shared
            .limiter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .hit(
                token.as_deref(),
                peer.addr.ip(),
                key_limit,
                settings.rate_window(),
                unix_now(),
            )
    });

    let mut response = if quota.as_ref().is_some_and(|quota| quota.exceeded) {
        json_response(429, &rate_limited_body())
    } else if let Err(rejection) = authorize(token.as_deref(), settings.required_token.as_deref()) {
        context.reject(&rejection)
    } else if settings.fail_rate > 0.0 && fastrand::f64() < settings.fail_rate {
        let rejection = Rejection::new(
            RejectionKind::Internal,
            "Simulated server error (the sandbox's fail rate is on)",
            Vec::new(),
        );
        context.reject(&rejection)
    } else {
        request.extensions_mut().insert(context.clone());
        next.run(request).await
    };

    let headers = response.headers_mut();
    if let Some(quota) = quota {
        for (name, value) in [
            ("x-ratelimit-limit", quota.limit.to_string()),
            ("x-ratelimit-remaining", quota.remaining.to_string()),
            ("x-ratelimit-reset", quota.reset.to_string()),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
    }
    if let Ok(value) = HeaderValue::from_str(&context.request_id) {
        headers.insert("x-request-id", value);
    }
    if settings.latency_ms > 0 {
        // Says why the answer was slow, so nobody blames their network for the sandbox's setting.
        headers.insert(
            "x-sandbox-latency-ms",
            HeaderValue::from(settings.latency_ms),
        );
    }
    response
}

/// A path of the contract with a method it does not have: 405 in the dialect, with `Allow`.
fn method_not_allowed(
    context: &Context,
    method: &HttpMethod,
    path: &str,
    allowed: &[Method],
) -> Response {
    let allowed = allow_header(allowed);
    let mut response = context.reject(&Rejection::new(
        RejectionKind::MethodNotAllowed,
        format!("{method} is not allowed on {path}: use {allowed}"),
        vec![FieldError::new("method", format!("Must be {allowed}"))],
    ));
    if let Ok(allow) = HeaderValue::from_str(&allowed) {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

/// The bearer token, if the request has a well-formed, non-empty one.
fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// Whether the request may go on: it needs a bearer token, and the required one when set.
fn authorize(token: Option<&str>, required: Option<&str>) -> Result<(), Rejection> {
    match (token, required) {
        (None, _) => Err(Rejection::unauthorized(
            "Authentication required. Please provide a valid API token",
        )),
        (Some(token), Some(required)) if token != required => {
            Err(Rejection::unauthorized("Invalid or missing API key"))
        }
        _ => Ok(()),
    }
}

/// Reads the body, keeping at most [`MAX_BODY`] bytes; an oversized body is drained up to
/// [`MAX_DRAIN`] so the client gets to read its 413.
async fn read_body(mut body: Body) -> Result<Bytes, Rejection> {
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while seen <= MAX_DRAIN {
        let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        else {
            break;
        };
        let frame = frame.map_err(|err| {
            Rejection::new(
                RejectionKind::MalformedBody,
                format!("The request body could not be read: {err}"),
                vec![FieldError::new("body", "Could not be read")],
            )
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= MAX_BODY {
            kept.extend_from_slice(&data);
        }
    }
    if seen > MAX_BODY {
        return Err(Rejection::new(
            RejectionKind::PayloadTooLarge,
            "The request body is larger than 1 MiB",
            vec![FieldError::new("body", "Must be at most 1 MiB")],
        ));
    }
    Ok(Bytes::from(kept))
}
