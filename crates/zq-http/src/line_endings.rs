//! Refuses HTTP/1 requests whose head ends a line with a bare LF (issue 15: "bare-LF line
//! endings … refuse both, as a proxy may read the request differently"). hyper's parser
//! (httparse) accepts a lone `\n` where RFC 9112 §2.2 asks for CRLF, and a proxy in front that
//! reads such a request differently can be made to smuggle a second request past its checks.
//!
//! [`StrictLines`] wraps a connection's stream and follows the HTTP/1 framing of what is read
//! before hyper sees it: each request head is scanned line by line, then its body is skipped
//! by `Content-Length`, or followed through `chunked` coding (whose size lines and trailers
//! must end in CRLF too). A bare LF in a head or a chunk line answers 400 (when nothing has
//! been written on the connection yet) and ends the connection. HTTP/2 (its preface), an
//! upgraded connection, or framing this scanner cannot follow is passed through untouched:
//! hyper refuses what is malformed.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Longest head line kept for reading `Content-Length`, `Transfer-Encoding` and `Upgrade`
/// (hyper limits the whole head anyway).
const MAX_LINE: usize = 8192;
/// What HTTP/2 prior knowledge starts with.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0";
const REFUSAL_BODY: &str = "请求无效：请求头的每一行必须以 CRLF 结束\n";

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// In a request head: the line so far, whether the last byte was CR, lines seen, and the
    /// framing the head's fields set so far.
    Head(Head),
    /// Skipping `n` more bytes of a body.
    Body(u64),
    /// A chunk's size line so far.
    ChunkSize { line: Vec<u8>, cr: bool },
    /// Skipping `n` more bytes of chunk data, then its CRLF.
    ChunkData(u64),
    /// The CRLF after chunk data: how many of its two bytes were seen.
    ChunkEnd(u8),
    /// Trailer lines after the last chunk, until an empty one.
    Trailers { empty: bool, cr: bool },
    /// Not HTTP/1 this scanner follows (HTTP/2, an upgrade, framing it cannot read).
    PassThrough,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Head {
    line: Vec<u8>,
    cr: bool,
    lines: usize,
    /// The connection's first head (where an HTTP/2 preface would be).
    first: bool,
    length: Option<u64>,
    chunked: bool,
    upgrade: bool,
    unreadable: bool,
}

/// What scanning some bytes found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    Fine,
    BareLf,
}

impl State {
    /// A connection's first request head.
    fn first() -> State {
        State::Head(Head {
            first: true,
            ..Head::default()
        })
    }

    /// The next request head.
    fn start() -> State {
        State::Head(Head::default())
    }

    /// Follows `bytes` through the framing.
    fn scan(&mut self, mut bytes: &[u8]) -> Scan {
        while !bytes.is_empty() {
            match self {
                State::PassThrough => return Scan::Fine,
                State::Body(n) | State::ChunkData(n) => {
                    let take = usize::try_from(*n).unwrap_or(usize::MAX).min(bytes.len());
                    *n -= take as u64;
                    bytes = &bytes[take..];
                    if *n == 0 {
                        *self = match self {
                            State::Body(_) => State::start(),
                            _ => State::ChunkEnd(0),
                        };
                    }
                }
                State::ChunkEnd(seen) => {
                    let want = if *seen == 0 { b'\r' } else { b'\n' };
                    if bytes[0] != want {
                        if bytes[0] == b'\n' {
                            return Scan::BareLf;
                        }
                        *self = State::PassThrough;
                        return Scan::Fine;
                    }
                    bytes = &bytes[1..];
                    *seen += 1;
                    if *seen == 2 {
                        *self = State::ChunkSize {
                            line: Vec::new(),
                            cr: false,
                        };
                    }
                }
                State::ChunkSize { line, cr } => {
                    let b = bytes[0];
                    bytes = &bytes[1..];
                    match b {
                        b'\n' if !*cr => return Scan::BareLf,
                        b'\n' => {
                            let size = chunk_size(line);
                            *self = match size {
                                Some(0) => State::Trailers {
                                    empty: true,
                                    cr: false,
                                },
                                Some(n) => State::ChunkData(n),
                                None => State::PassThrough,
                            };
                        }
                        b'\r' => *cr = true,
                        _ => {
                            *cr = false;
                            if line.len() < 64 {
                                line.push(b);
                            }
                        }
                    }
                }
                State::Trailers { empty, cr } => {
                    let b = bytes[0];
                    bytes = &bytes[1..];
                    match b {
                        b'\n' if !*cr => return Scan::BareLf,
                        b'\n' if *empty => *self = State::start(),
                        b'\n' => {
                            *empty = true;
                            *cr = false;
                        }
                        b'\r' => *cr = true,
                        _ => {
                            *empty = false;
                            *cr = false;
                        }
                    }
                }
                State::Head(h) => {
                    let b = bytes[0];
                    bytes = &bytes[1..];
                    match b {
                        b'\n' if !h.cr => return Scan::BareLf,
                        b'\n' => {
                            let empty = h.line.is_empty();
                            if empty && h.lines == 0 {
                                // An empty line before the request line is ignored.
                                h.cr = false;
                                continue;
                            }
                            if empty {
                                *self = h.after();
                                continue;
                            }
                            if h.lines > 0 {
                                h.field();
                            }
                            h.lines += 1;
                            h.line.clear();
                            h.cr = false;
                        }
                        b'\r' => h.cr = true,
                        _ => {
                            if h.cr {
                                // A CR inside a line: hyper refuses it.
                                h.unreadable = true;
                            }
                            h.cr = false;
                            if h.line.len() < MAX_LINE {
                                h.line.push(b);
                            }
                            if h.first && h.lines == 0 && h.line == H2_PREFACE {
                                *self = State::PassThrough;
                                return Scan::Fine;
                            }
                        }
                    }
                }
            }
        }
        Scan::Fine
    }
}

impl Head {
    /// Reads a header field line for the framing.
    fn field(&mut self) {
        let Some(colon) = self.line.iter().position(|b| *b == b':') else {
            self.unreadable = true;
            return;
        };
        let (name, value) = (&self.line[..colon], self.line[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"content-length") {
            let n = std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.parse::<u64>().ok());
            match (n, self.length) {
                (Some(n), None) => self.length = Some(n),
                (Some(n), Some(m)) if n == m => {}
                _ => self.unreadable = true,
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            let last = value.rsplit(|b| *b == b',').next().map(<[u8]>::trim_ascii);
            if last.is_some_and(|c| c.eq_ignore_ascii_case(b"chunked")) {
                self.chunked = true;
            } else {
                self.unreadable = true;
            }
        } else if name.eq_ignore_ascii_case(b"upgrade") {
            self.upgrade = true;
        }
    }

    /// The state after this head's empty line.
    fn after(&self) -> State {
        if self.unreadable || self.upgrade {
            State::PassThrough
        } else if self.chunked {
            State::ChunkSize {
                line: Vec::new(),
                cr: false,
            }
        } else {
            match self.length {
                Some(n) if n > 0 => State::Body(n),
                _ => State::start(),
            }
        }
    }
}

/// The size of a chunk from its size line (extensions after `;` ignored).
fn chunk_size(line: &[u8]) -> Option<u64> {
    let hex = line.split(|b| *b == b';').next()?;
    let hex = std::str::from_utf8(hex).ok()?.trim();
    if hex.is_empty() || hex.len() > 15 {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

/// A connection's stream, refusing HTTP/1 request heads with bare LF line endings.
pub(crate) struct StrictLines<S> {
    inner: S,
    state: State,
    /// Bytes were written (a response began): a refusal can no longer answer.
    written: bool,
}

impl<S> StrictLines<S> {
    pub(crate) fn new(inner: S) -> StrictLines<S> {
        StrictLines {
            inner,
            state: State::first(),
            written: false,
        }
    }
}

fn refusal() -> Vec<u8> {
    format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{REFUSAL_BODY}",
        REFUSAL_BODY.len()
    )
    .into_bytes()
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for StrictLines<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {}
            other => return other,
        }
        let new = &buf.filled()[before..];
        if this.state.scan(new) == Scan::Fine {
            return Poll::Ready(Ok(()));
        }
        buf.set_filled(before);
        if !this.written {
            // Small enough for the socket's buffer; if it does not fit now, the connection
            // just ends.
            let answer = refusal();
            let _ = Pin::new(&mut this.inner).poll_write(cx, &answer);
            let _ = Pin::new(&mut this.inner).poll_flush(cx);
        }
        this.state = State::PassThrough;
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a request line ended with a bare LF",
        )))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for StrictLines<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.written = true;
        Pin::new(&mut this.inner).poll_write(cx, data)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.written = true;
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scans `input` in pieces of every size from 1 to its length: the verdict must not
    /// depend on how the bytes arrive.
    fn verdict(input: &[u8]) -> Scan {
        let mut verdicts = Vec::new();
        for piece in 1..=input.len().max(1) {
            let mut state = State::first();
            let mut found = Scan::Fine;
            for chunk in input.chunks(piece) {
                if state.scan(chunk) == Scan::BareLf {
                    found = Scan::BareLf;
                    break;
                }
            }
            verdicts.push(found);
        }
        assert!(
            verdicts.windows(2).all(|w| w[0] == w[1]),
            "{:?}: {verdicts:?}",
            String::from_utf8_lossy(input)
        );
        verdicts[0]
    }

    #[test]
    fn bare_lf_is_found_in_heads_and_chunk_lines_but_never_in_bodies() {
        let cases: &[(&str, &[u8], Scan)] = &[
            ("plain GET", b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", Scan::Fine),
            ("bare LF after the request line", b"GET / HTTP/1.1\nHost: a\r\n\r\n", Scan::BareLf),
            ("bare LF after a field", b"GET / HTTP/1.1\r\nHost: a\n\r\n", Scan::BareLf),
            ("bare LF ending the head", b"GET / HTTP/1.1\r\nHost: a\r\n\n", Scan::BareLf),
            ("empty line before the request", b"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", Scan::Fine),
            (
                "LF in a body, then a second request",
                b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\na\nb\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
                Scan::Fine,
            ),
            (
                "bare LF in the second request of a pipeline",
                b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\na\nbGET / HTTP/1.1\nHost: a\r\n\r\n",
                Scan::BareLf,
            ),
            (
                "chunked body with LF in its data",
                b"POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\na\nb\r\n0\r\nT: v\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
                Scan::Fine,
            ),
            (
                "bare LF after a chunk size",
                b"POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
                Scan::BareLf,
            ),
            (
                "bare LF after chunk data",
                b"POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n",
                Scan::BareLf,
            ),
            (
                "bare LF in a trailer",
                b"POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: v\n\r\n",
                Scan::BareLf,
            ),
            ("HTTP/2 prior knowledge", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\n\n", Scan::Fine),
            (
                "an upgrade hands the connection over",
                b"GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n\n\n",
                Scan::Fine,
            ),
            (
                "two lengths hyper refuses are left to hyper",
                b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab\n",
                Scan::Fine,
            ),
        ];
        for (what, input, want) in cases {
            assert_eq!(verdict(input), *want, "{what}");
        }
    }
}
