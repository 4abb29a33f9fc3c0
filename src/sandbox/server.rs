//! The sandbox's HTTP server: axum on a small tokio runtime in its own thread.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Extension, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::connection::{IdleListener, Peer};
use super::person::{Person, validate_create};
use super::rate_limit::RateLimiter;
use super::rejection::{FieldError, Rejection, RejectionKind, rate_limited_body};
use super::settings::{ErrorDialect, OnDuplicate, SandboxSettings};
use super::store::People;
use super::{DEFAULT_WORKSPACE, SharedSettings};
use crate::clock::unix_now;

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
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sandbox {
    /// Binds `bind` (port 0 picks a free one) and serves on a background thread.
    pub fn start(bind: SocketAddr, settings: SandboxSettings) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(bind)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            settings: Arc::new(RwLock::new(settings)),
            people: Mutex::default(),
            limiter: Mutex::default(),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("sandbox-worker")
            .enable_all()
            .build()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = router(shared.clone());
        let settings = shared.settings.clone();
        let thread = std::thread::Builder::new()
            .name("sandbox".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    let listener = IdleListener::new(listener, settings);
                    let server =
                        axum::serve(listener, app.into_make_service_with_connect_info::<Peer>());
                    // Not a graceful shutdown: a request held open by the "never answer" fault
                    // would otherwise keep the sandbox alive forever.
                    tokio::select! {
                        _ = server => {}
                        _ = stopped => {}
                    }
                });
                runtime.shutdown_timeout(Duration::from_millis(200));
            })?;
        Ok(Self {
            addr,
            shared,
            stop: Some(stop),
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
        self.shared.people().len()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Shared {
    settings: SharedSettings,
    people: Mutex<People>,
    limiter: Mutex<RateLimiter>,
}

impl Shared {
    fn settings(&self) -> SandboxSettings {
        self.settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn people(&self) -> std::sync::MutexGuard<'_, People> {
        self.people.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Per-request facts the handlers need, set by [`gate`].
#[derive(Clone)]
struct Context {
    dialect: ErrorDialect,
    on_duplicate: OnDuplicate,
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

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v1/people", post(create_key_scoped).get(list_people))
        .route("/api/v1/people/{id}", get(get_person))
        .route(
            "/api/v1/workspaces/{workspace_id}/people",
            post(create_in_workspace),
        )
        .fallback(unknown_path)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
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
        request_id: format!("req_{}", uuid::Uuid::new_v4().simple()),
    };
    let token = bearer_token(request.headers());
    let quota = settings.rate_limit.map(|key_limit| {
        shared
            .limiter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .hit(token.as_deref(), peer.addr.ip(), key_limit, unix_now())
    });

    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
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
        let response = next.run(request).await;
        if response.status() == StatusCode::METHOD_NOT_ALLOWED {
            method_not_allowed(&context, &method, &path, response.headers())
        } else {
            response
        }
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

/// The router's 405 has an empty body: answer in the dialect instead, keeping its `Allow`.
fn method_not_allowed(
    context: &Context,
    method: &axum::http::Method,
    path: &str,
    routed: &HeaderMap,
) -> Response {
    let allow = routed.get(header::ALLOW).cloned();
    let allowed = allow
        .as_ref()
        .and_then(|allow| allow.to_str().ok())
        .unwrap_or("another method");
    let mut response = context.reject(&Rejection::new(
        RejectionKind::MethodNotAllowed,
        format!("{method} is not allowed on {path}: use {allowed}"),
        vec![FieldError::new("method", format!("Must be {allowed}"))],
    ));
    if let Some(allow) = allow {
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

async fn create_key_scoped(
    State(shared): State<Arc<Shared>>,
    Extension(context): Extension<Context>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = read_body(body).await;
    create(&shared, DEFAULT_WORKSPACE, &context, &headers, body)
}

async fn create_in_workspace(
    State(shared): State<Arc<Shared>>,
    Extension(context): Extension<Context>,
    workspace_id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = read_body(body).await;
    let workspace_id = match workspace_id {
        Ok(Path(id)) if id == "." || id == ".." => {
            // A client or proxy on the way would have folded it into another path.
            return context.reject(&invalid_workspace("Must not be a dot segment"));
        }
        Ok(Path(id)) if !id.is_empty() => id,
        Ok(_) => return context.reject(&invalid_workspace("Must not be empty")),
        Err(_) => return context.reject(&invalid_workspace("Must be UTF-8 text once decoded")),
    };
    create(&shared, &workspace_id, &context, &headers, body)
}

/// A workspace id no workspace can have.
fn invalid_workspace(why: &str) -> Rejection {
    Rejection::new(
        RejectionKind::InvalidPath,
        format!(
            "The workspace id in the path is invalid: {}",
            why.to_lowercase()
        ),
        vec![FieldError::new("workspace_id", why)],
    )
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

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

fn create(
    shared: &Shared,
    workspace: &str,
    context: &Context,
    headers: &HeaderMap,
    body: Result<Bytes, Rejection>,
) -> Response {
    if !is_json(headers) {
        return context.reject(&Rejection::new(
            RejectionKind::UnsupportedMediaType,
            "Content-Type must be application/json",
            vec![FieldError::new("Content-Type", "Must be application/json")],
        ));
    }
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(rejection) => return context.reject(&rejection),
    };
    let input = match validate_create(&bytes) {
        Ok(input) => input,
        Err(rejection) => return context.reject(&rejection),
    };
    let now = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let mut people = shared.people();
    if let Some(person) = people.get_mut(workspace, &input.user_id) {
        return match context.on_duplicate {
            OnDuplicate::Update => {
                person.update(input, now);
                json_response(200, &person.to_json())
            }
            OnDuplicate::Conflict => context.reject(&Rejection::new(
                RejectionKind::Conflict,
                "A person with this userId already exists",
                vec![FieldError::new("userId", "Already exists")],
            )),
        };
    }
    let person = Person::new(uuid::Uuid::new_v4().to_string(), workspace, input, now);
    let body = person.to_json();
    people.insert(person);
    json_response(201, &body)
}

async fn get_person(
    State(shared): State<Arc<Shared>>,
    Extension(context): Extension<Context>,
    Path(id): Path<String>,
) -> Response {
    match shared.people().find(&id) {
        Some(person) => json_response(200, &person.to_json()),
        None => context.reject(&Rejection::new(
            RejectionKind::NotFound,
            "No person has that id or email",
            vec![FieldError::new("id", "Not found")],
        )),
    }
}

async fn list_people(
    State(shared): State<Arc<Shared>>,
    Extension(context): Extension<Context>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut errors = Vec::new();
    let mut number =
        |name: &str, default: usize, range: std::ops::RangeInclusive<usize>| match query
            .get(name)
            .map(|text| text.parse::<usize>())
        {
            None => default,
            Some(Ok(value)) if range.contains(&value) => value,
            Some(_) => {
                errors.push(FieldError::new(
                    name,
                    format!(
                        "Must be a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                ));
                default
            }
        };
    let limit = number("limit", 50, 1..=100);
    // Any whole number is an offset (the contract sets no maximum): one past every person this
    // sandbox could hold is an empty page, echoed exactly as it was asked for.
    let (offset, offset_echo) = match query.get("offset") {
        None => (0, Value::from(0)),
        Some(text) if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) => (
            text.parse::<usize>().unwrap_or(usize::MAX),
            text.parse::<serde_json::Number>()
                .map_or(Value::from(usize::MAX), Value::Number),
        ),
        Some(_) => {
            errors.push(FieldError::new("offset", "Must be a whole number from 0"));
            (0, Value::from(0))
        }
    };
    if !errors.is_empty() {
        let message = "Invalid query parameters";
        return context.reject(&Rejection::new(RejectionKind::Validation, message, errors));
    }
    let people = shared.people();
    let page: Vec<Value> = people
        .page(offset, limit)
        .iter()
        .map(Person::to_json)
        .collect();
    json_response(
        200,
        &json!({"people": page, "total": people.len(), "limit": limit, "offset": offset_echo}),
    )
}

async fn unknown_path(Extension(context): Extension<Context>, request: Request) -> Response {
    context.reject(&Rejection::new(
        RejectionKind::NotFound,
        format!(
            "No such endpoint: {} {}",
            request.method(),
            request.uri().path()
        ),
        vec![FieldError::new("path", "Not found")],
    ))
}
