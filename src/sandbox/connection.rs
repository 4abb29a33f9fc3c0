//! Connections that cannot be held forever. A client that stalls mid-headers or mid-body, or
//! keeps an idle keep-alive connection, would otherwise hold a socket and its buffers for as
//! long as it likes; enough of them exhaust the sandbox. Every connection is closed once it has
//! sent nothing for the idle timeout, except while the sandbox itself is making it wait (latency,
//! or the "never answer" fault).

use std::future::Future as _;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::PoisonError;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

use super::SharedSettings;

/// A TCP listener whose connections close when idle, for `axum::serve`.
pub struct IdleListener {
    listener: TcpListener,
    settings: SharedSettings,
    /// A connection accepted before the runtime existed, handed out first.
    first: Option<(std::net::TcpStream, SocketAddr)>,
}

impl IdleListener {
    /// Each accepted connection gets the idle timeout in `settings` at that moment.
    pub fn new(listener: TcpListener, settings: SharedSettings) -> Self {
        Self {
            listener,
            settings,
            first: None,
        }
    }

    /// Hands out `call`, accepted earlier on the same socket, before any other.
    pub fn first(self, call: (std::net::TcpStream, SocketAddr)) -> Self {
        Self {
            first: Some(call),
            ..self
        }
    }

    fn idle_timeout(&self) -> Duration {
        self.settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .idle_timeout
    }
}

impl Listener for IdleListener {
    type Io = IdleStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        if let Some((stream, addr)) = self.first.take() {
            let converted = stream
                .set_nonblocking(true)
                .and_then(|()| TcpStream::from_std(stream));
            // A stream that cannot join the runtime is dropped: its client sees the connection
            // close, and the next one is accepted as usual.
            if let Ok(stream) = converted {
                return (IdleStream::new(stream, self.idle_timeout()), addr);
            }
        }
        loop {
            match self.listener.accept().await {
                Ok((stream, addr)) => return (IdleStream::new(stream, self.idle_timeout()), addr),
                // A connection that failed before it was accepted: take the next one.
                Err(err) if is_connection_error(&err) => {}
                // Out of file descriptors or the like: give the system a moment, as axum does.
                Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

pub(super) fn is_connection_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// A TCP stream that fails its reads once nothing has been read or written for `idle`, unless
/// the sandbox is holding the request (see [`Peer::hold`]).
pub struct IdleStream {
    stream: TcpStream,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
    holds: Arc<Holds>,
}

/// How many holds a connection has, and whether one ended since the stream last looked.
#[derive(Debug, Default)]
struct Holds {
    count: AtomicUsize,
    released: AtomicBool,
}

impl IdleStream {
    fn new(stream: TcpStream, idle: Duration) -> Self {
        Self {
            stream,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
            holds: Arc::default(),
        }
    }

    /// Something moved: the idle time starts again.
    fn touch(&mut self) {
        let idle = self.idle;
        self.deadline.as_mut().reset(Instant::now() + idle);
    }

    /// Whether the idle time is up. A hold pauses it, and the idle time starts again when the
    /// hold ends: the wait was the sandbox's, not the client's.
    fn timed_out(&mut self, cx: &mut Context<'_>) -> bool {
        if self.holds.count.load(Ordering::Acquire) > 0 {
            return false;
        }
        if self.holds.released.swap(false, Ordering::AcqRel) {
            self.touch();
        }
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

impl AsyncRead for IdleStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending if self.timed_out(cx) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client sent nothing for the idle timeout",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for IdleStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        written
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Who is on the other end of a connection, for handlers (`ConnectInfo<Peer>`).
#[derive(Clone, Debug)]
pub struct Peer {
    pub addr: SocketAddr,
    holds: Arc<Holds>,
}

impl Peer {
    /// Marks the connection as waiting on the sandbox, not on the client, until the guard drops:
    /// the idle timeout does not run meanwhile.
    pub fn hold(&self) -> Hold {
        self.holds.count.fetch_add(1, Ordering::AcqRel);
        Hold(self.holds.clone())
    }
}

impl Connected<IncomingStream<'_, IdleListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, IdleListener>) -> Self {
        Self {
            addr: *stream.remote_addr(),
            holds: stream.io().holds.clone(),
        }
    }
}

/// While alive, the connection's idle timeout is paused.
pub struct Hold(Arc<Holds>);

impl Drop for Hold {
    fn drop(&mut self) {
        self.0.released.store(true, Ordering::Release);
        self.0.count.fetch_sub(1, Ordering::AcqRel);
    }
}
