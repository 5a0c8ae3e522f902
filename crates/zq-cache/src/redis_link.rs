//! The link to Redis: a lazily connecting, self-reconnecting connection manager with short
//! timeouts and a circuit breaker, so a slow or absent Redis never holds a reader up.
//! Faults are counted and logged at most once per interval.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::now_ms;

/// Longest a request waits for Redis before going on without it.
pub const REDIS_TIMEOUT: Duration = Duration::from_millis(100);
/// After a fault, Redis is skipped for this long.
const CIRCUIT_OPEN: Duration = Duration::from_secs(1);
/// Faults are logged at most once per this interval.
const LOG_INTERVAL: Duration = Duration::from_secs(30);

/// A shared handle on Redis.
pub struct RedisLink {
    /// Prepended to every key and channel, so several clusters (or test runs) can share a Redis.
    prefix: String,
    client: redis::Client,
    manager: ConnectionManager,
    down_until_ms: AtomicU64,
    last_log_ms: AtomicU64,
    errors: AtomicU64,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid Redis URL: {0}")]
pub struct RedisUrlError(String);

impl RedisLink {
    /// Prepares the link without connecting: an unreachable Redis at start-up is not an error.
    pub fn new(url: &str, prefix: &str) -> Result<RedisLink, RedisUrlError> {
        let client = redis::Client::open(url).map_err(|e| RedisUrlError(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_connection_timeout(Some(Duration::from_millis(500)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(2));
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)
            .map_err(|e| RedisUrlError(e.to_string()))?;
        Ok(RedisLink {
            prefix: prefix.to_owned(),
            client,
            manager,
            down_until_ms: AtomicU64::new(0),
            last_log_ms: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        })
    }

    /// The full name of a key or channel.
    pub fn name(&self, key: &str) -> String {
        format!("{}:{key}", self.prefix)
    }

    pub(crate) fn client(&self) -> &redis::Client {
        &self.client
    }

    /// Redis errors and timeouts so far.
    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }

    fn available(&self) -> bool {
        now_ms() >= self.down_until_ms.load(Ordering::Relaxed)
    }

    /// Counts a fault, opens the circuit, and logs at most once per interval.
    pub(crate) fn fault(&self, what: &str, err: &dyn std::fmt::Display) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let now = now_ms();
        self.down_until_ms
            .store(now + CIRCUIT_OPEN.as_millis() as u64, Ordering::Relaxed);
        let last = self.last_log_ms.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= LOG_INTERVAL.as_millis() as u64
            && self
                .last_log_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(error = %err, operation = what, total_errors = self.errors(), "Redis unavailable; serving without it and retrying");
        }
    }

    async fn run<T>(
        &self,
        what: &str,
        fut: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Option<T> {
        if !self.available() {
            return None;
        }
        match tokio::time::timeout(REDIS_TIMEOUT, fut).await {
            Ok(Ok(v)) => Some(v),
            Ok(Err(e)) => {
                self.fault(what, &e);
                None
            }
            Err(_) => {
                self.fault(what, &"timed out");
                None
            }
        }
    }

    pub async fn get(&self, key: &str) -> Option<Vec<u8>> {
        let mut conn = self.manager.clone();
        let key = self.name(key);
        self.run(
            "GET",
            async move { conn.get::<_, Option<Vec<u8>>>(key).await },
        )
        .await
        .flatten()
    }

    pub async fn set(&self, key: &str, value: &[u8], ttl: Duration) {
        let mut conn = self.manager.clone();
        let secs = ttl.as_secs().max(1);
        let key = self.name(key);
        self.run("SET", async move {
            conn.set_ex::<_, _, ()>(key, value, secs).await
        })
        .await;
    }

    /// Publishes on a channel; returns whether Redis took it.
    pub async fn publish(&self, channel: &str, message: &str) -> bool {
        let mut conn = self.manager.clone();
        let channel = self.name(channel);
        self.run("PUBLISH", async move {
            conn.publish::<_, _, i64>(channel, message).await
        })
        .await
        .is_some()
    }

    /// Whether Redis answers PING now.
    pub async fn ping(&self) -> bool {
        let mut conn = self.manager.clone();
        tokio::time::timeout(REDIS_TIMEOUT, async move {
            redis::cmd("PING").query_async::<String>(&mut conn).await
        })
        .await
        .is_ok_and(|r| r.is_ok())
    }
}
