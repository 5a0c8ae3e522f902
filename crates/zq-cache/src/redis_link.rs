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

/// Why a Redis command did not happen. Every variant means "Redis is unavailable now".
#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("Redis is skipped for a moment after a fault")]
    CircuitOpen,
    #[error("Redis did not answer in time")]
    Timeout,
    #[error("Redis failed: {0}")]
    Failed(String),
}

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

    /// Runs a command for a best-effort user (the page cache): a fault is counted and the
    /// caller goes on without Redis.
    async fn run<T>(
        &self,
        what: &str,
        fut: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Option<T> {
        self.try_run(what, fut).await.ok()
    }

    /// Runs a command for a user that cannot go on without Redis (sessions): the same timeout
    /// and circuit breaker, but the fault is returned.
    async fn try_run<T>(
        &self,
        what: &str,
        fut: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, RedisError> {
        if !self.available() {
            return Err(RedisError::CircuitOpen);
        }
        match tokio::time::timeout(REDIS_TIMEOUT, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                self.fault(what, &e);
                Err(RedisError::Failed(e.to_string()))
            }
            Err(_) => {
                self.fault(what, &"timed out");
                Err(RedisError::Timeout)
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

    // Commands for callers that must not go on without Redis (server-side sessions). Keys are
    // given without the prefix; a fault is counted and opens the circuit like any other.

    /// The value of a key, if any.
    pub async fn fetch(&self, key: &str) -> Result<Option<Vec<u8>>, RedisError> {
        let mut conn = self.manager.clone();
        let key = self.name(key);
        self.try_run(
            "GET",
            async move { conn.get::<_, Option<Vec<u8>>>(key).await },
        )
        .await
    }

    /// Atomically sets `key` to `value` for `ttl` and adds `member` to the set `index`, which
    /// then lives for `ttl` too (as long as its newest member, when every member has that ttl).
    pub async fn store_indexed(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        index: &str,
        member: &str,
    ) -> Result<(), RedisError> {
        let mut conn = self.manager.clone();
        let secs = ttl.as_secs().max(1);
        let (key, index) = (self.name(key), self.name(index));
        let mut pipe = redis::pipe();
        pipe.atomic()
            .set_ex(&key, value, secs)
            .ignore()
            .sadd(&index, member)
            .ignore()
            .expire(&index, i64::try_from(secs).unwrap_or(i64::MAX))
            .ignore();
        self.try_run("SET+SADD", async move {
            pipe.query_async::<()>(&mut conn).await
        })
        .await
    }

    /// Replaces the value of `key` with a new ttl, only if the key still exists (so a key
    /// deleted meanwhile is not brought back); returns whether it was replaced.
    pub async fn replace(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, RedisError> {
        let mut conn = self.manager.clone();
        let key = self.name(key);
        let opts = redis::SetOptions::default()
            .conditional_set(redis::ExistenceCheck::XX)
            .with_expiration(redis::SetExpiry::EX(ttl.as_secs().max(1)));
        self.try_run("SET XX", async move {
            conn.set_options::<_, _, redis::Value>(key, value, opts)
                .await
        })
        .await
        .map(|v| v != redis::Value::Nil)
    }

    /// Deletes a key; returns whether it existed.
    pub async fn remove(&self, key: &str) -> Result<bool, RedisError> {
        let mut conn = self.manager.clone();
        let key = self.name(key);
        self.try_run("DEL", async move { conn.del::<_, u64>(key).await })
            .await
            .map(|n| n > 0)
    }

    /// Atomically deletes `key` and removes `member` from the set `index`; returns whether the
    /// key existed.
    pub async fn remove_indexed(
        &self,
        key: &str,
        index: &str,
        member: &str,
    ) -> Result<bool, RedisError> {
        self.remove_many_indexed(&[key.to_owned()], index, &[member.to_owned()])
            .await
            .map(|n| n > 0)
    }

    /// The members of the set `index`.
    pub async fn members(&self, index: &str) -> Result<Vec<String>, RedisError> {
        let mut conn = self.manager.clone();
        let index = self.name(index);
        self.try_run("SMEMBERS", async move {
            conn.smembers::<_, Vec<String>>(index).await
        })
        .await
    }

    /// Atomically deletes `keys` and removes `members` from the set `index`; returns how many
    /// of the keys existed.
    pub async fn remove_many_indexed(
        &self,
        keys: &[String],
        index: &str,
        members: &[String],
    ) -> Result<u64, RedisError> {
        if keys.is_empty() && members.is_empty() {
            return Ok(0);
        }
        let mut conn = self.manager.clone();
        let keys: Vec<String> = keys.iter().map(|k| self.name(k)).collect();
        let index = self.name(index);
        let mut pipe = redis::pipe();
        pipe.atomic();
        if !keys.is_empty() {
            pipe.del(&keys);
        }
        if !members.is_empty() {
            pipe.srem(&index, members).ignore();
        }
        let deleted = !keys.is_empty();
        self.try_run("DEL+SREM", async move {
            if deleted {
                pipe.query_async::<(u64,)>(&mut conn).await.map(|(n,)| n)
            } else {
                pipe.query_async::<()>(&mut conn).await.map(|()| 0)
            }
        })
        .await
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
