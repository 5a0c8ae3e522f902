//! A deadline on reading a request's body, for every route: a client that declares a body
//! and then sends it a few bytes a second (slow POST) would otherwise hold a connection and
//! a handler for as long as it likes. The body is wrapped as it leaves the accept loop; once
//! the deadline passes, the next read fails and the request is answered 408 whatever the
//! handler made of the failed read, and the connection is closed. As in Apache's
//! mod_reqtimeout, data that arrives pushes the deadline back at a minimum rate
//! (`MIN_RATE`), so a large upload on a slow but honest line finishes while a trickle does not.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// Each this many bytes received add a second to the deadline (16 KiB/s, 128 kbit/s).
pub const MIN_RATE: u64 = 16 * 1024;

/// Reading the body took longer than allowed.
#[derive(Debug, thiserror::Error)]
#[error("请求体未在限定时间内传完")]
pub struct BodyTimedOut;

/// Set once a request's body read ran out of time.
#[derive(Debug, Clone, Default)]
pub struct Expired(Arc<AtomicBool>);

impl Expired {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A body that fails once `limit` has passed since the request arrived.
pub struct Deadline<B> {
    inner: B,
    sleep: Pin<Box<tokio::time::Sleep>>,
    expired: Expired,
}

impl<B> Deadline<B> {
    pub fn new(inner: B, limit: Duration) -> (Deadline<B>, Expired) {
        let expired = Expired::default();
        let body = Deadline {
            inner,
            sleep: Box::pin(tokio::time::sleep(limit)),
            expired: expired.clone(),
        };
        (body, expired)
    }
}

impl<B> Body for Deadline<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            if let Some(Ok(f)) = &frame
                && let Some(data) = f.data_ref()
            {
                let earned = Duration::from_secs_f64(data.len() as f64 / MIN_RATE as f64);
                let later = this.sleep.deadline() + earned;
                this.sleep.as_mut().reset(later);
            }
            return Poll::Ready(frame.map(|r| r.map_err(Into::into)));
        }
        if this.sleep.as_mut().poll(cx).is_ready() {
            this.expired.0.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The answer when the body did not arrive in time.
pub fn timed_out() -> Response {
    (
        axum::http::StatusCode::REQUEST_TIMEOUT,
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            ),
            (axum::http::header::CONNECTION, "close"),
        ],
        "请求超时：请求内容未在限定时间内传完，请检查网络后重试\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends "ab" once, then nothing ever again (a client gone quiet mid-body).
    struct Trickle(bool);

    impl Body for Trickle {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            if self.0 {
                Poll::Pending
            } else {
                self.0 = true;
                Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"ab")))))
            }
        }
    }

    #[tokio::test]
    async fn a_body_that_stalls_past_the_deadline_fails_and_says_so() {
        let (body, expired) = Deadline::new(Trickle(false), Duration::from_millis(50));
        let err = axum::body::to_bytes(axum::body::Body::new(body), 1024)
            .await
            .expect_err("cut off");
        assert!(expired.get(), "{err}");
    }

    #[tokio::test]
    async fn a_body_in_time_is_read_whole() {
        let (body, expired) =
            Deadline::new(axum::body::Body::from("hello"), Duration::from_secs(60));
        let got = axum::body::to_bytes(axum::body::Body::new(body), 1024)
            .await
            .unwrap();
        assert_eq!(&got[..], b"hello");
        assert!(!expired.get());
    }

    /// `left` frames of `size` bytes, one every `every`.
    struct Paced {
        left: u32,
        size: usize,
        every: Duration,
        sleep: Pin<Box<tokio::time::Sleep>>,
    }

    impl Body for Paced {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            if self.left == 0 {
                return Poll::Ready(None);
            }
            if self.sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let next = tokio::time::Instant::now() + self.every;
            self.sleep.as_mut().reset(next);
            self.left -= 1;
            Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'a'; self.size])))))
        }
    }

    async fn read_paced(size: usize) -> (bool, usize) {
        let every = Duration::from_millis(1500);
        let paced = Paced {
            left: 5,
            size,
            every,
            sleep: Box::pin(tokio::time::sleep(every)),
        };
        let (body, expired) = Deadline::new(paced, Duration::from_secs(2));
        let got = axum::body::to_bytes(axum::body::Body::new(body), 1 << 20).await;
        (expired.get(), got.map(|b| b.len()).unwrap_or(0))
    }

    #[tokio::test(start_paused = true)]
    async fn data_arriving_at_the_minimum_rate_pushes_the_deadline_back_and_a_trickle_does_not() {
        // 32 KiB every 1.5 s earns 2 s each time: the whole body arrives after 7.5 s.
        assert_eq!(read_paced(32 * 1024).await, (false, 5 * 32 * 1024));
        // Two bytes every 1.5 s earn nothing worth having: cut off at 2 s.
        assert!(read_paced(2).await.0);
    }
}
