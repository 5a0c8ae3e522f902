//! Where console sessions live: the database by default, Redis when it is configured.
//!
//! Either way the browser holds a 256-bit random token and the server keeps only its SHA-256,
//! sessions end after `SESSION_IDLE` without use or `SESSION_ABSOLUTE` in all
//! (`zq_domain::security::session_valid`), and the account is read from the database on every
//! lookup, so a disabled account loses its sessions at once. Sign-in failure counters stay in
//! the database whatever the backend.
//!
//! Redis layout (under the link's key prefix): `session:{sha256(token)}` holds the session as
//! JSON (`user_id`, `csrf`, `client`, `created_at`, `last_seen`) with a TTL of the absolute
//! limit; `user-sessions:{user_id}` is the set of an account's session hashes, for signing out
//! everywhere. An unreachable Redis is an error (answered 503), never an anonymous or
//! signed-in guess.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use zq_cache::{RedisError, RedisLink};
use zq_domain::UserId;
use zq_domain::security::{SESSION_ABSOLUTE, session_valid};
use zq_store::{Session, Store, StoreError, content_hash, random_token};

use crate::service::ServiceError;

/// A Redis session's last use is written back at most this often (seconds); the idle limit
/// is 30 minutes, so a minute's imprecision does not matter.
const TOUCH_EVERY: i64 = 60;

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("session store: {0}")]
    Redis(#[from] RedisError),
    #[error("session record cannot be encoded: {0}")]
    Encode(#[from] serde_json::Error),
}

impl SessionError {
    /// Whether the failure is a backend being unreachable (answered 503), not a defect.
    pub fn is_unavailable(&self) -> bool {
        match self {
            SessionError::Store(e) => e.is_unavailable(),
            SessionError::Redis(_) => true,
            SessionError::Encode(_) => false,
        }
    }
}

impl From<SessionError> for ServiceError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::Store(s) => s.into(),
            e @ SessionError::Redis(_) => ServiceError::Unavailable(e.to_string()),
            e @ SessionError::Encode(_) => {
                tracing::error!(error = %e, "session failure");
                ServiceError::Internal(e.to_string())
            }
        }
    }
}

/// The session store.
#[derive(Clone)]
pub enum Sessions {
    /// The `sessions` table (`zq_store::Store::create_session` and friends).
    Database(Store),
    /// Redis; the database is still read for the account behind each session.
    Redis { store: Store, redis: Arc<RedisLink> },
}

/// A session as stored in Redis.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    user_id: i64,
    csrf: String,
    client: Option<String>,
    created_at: i64,
    last_seen: i64,
}

fn session_key(hash: &str) -> String {
    format!("session:{hash}")
}

fn user_key(user: i64) -> String {
    format!("user-sessions:{user}")
}

/// How long a session created at `created_at` may still live at `now`.
fn remaining(created_at: i64, now: i64) -> Duration {
    Duration::from_secs(u64::try_from(created_at + SESSION_ABSOLUTE - now).unwrap_or(1))
}

impl Sessions {
    /// Sessions in the database.
    pub fn database(store: Store) -> Sessions {
        Sessions::Database(store)
    }

    /// Sessions in Redis; accounts are still read from `store`.
    pub fn redis(store: Store, redis: Arc<RedisLink>) -> Sessions {
        Sessions::Redis { store, redis }
    }

    /// Which backend holds the sessions ("database" or "redis").
    pub fn backend(&self) -> &'static str {
        match self {
            Sessions::Database(_) => "database",
            Sessions::Redis { .. } => "redis",
        }
    }

    /// Starts a session for `user`; returns the token for the cookie.
    pub async fn create(
        &self,
        user: UserId,
        client: Option<String>,
        now: i64,
    ) -> Result<String, SessionError> {
        match self {
            Sessions::Database(store) => Ok(store.create_session(user, client, now).await?),
            Sessions::Redis { redis, .. } => {
                let token = random_token()?;
                let hash = content_hash(token.as_bytes());
                let record = Record {
                    user_id: user.0,
                    csrf: random_token()?,
                    client,
                    created_at: now,
                    last_seen: now,
                };
                redis
                    .store_indexed(
                        &session_key(&hash),
                        &serde_json::to_vec(&record)?,
                        remaining(now, now),
                        &user_key(user.0),
                        &hash,
                    )
                    .await?;
                Ok(token)
            }
        }
    }

    /// The session behind a cookie token, if it is still valid at `now` and its account is
    /// enabled; refreshes its last use. Expired sessions are deleted.
    pub async fn get(&self, token: &str, now: i64) -> Result<Option<Session>, SessionError> {
        let (store, redis) = match self {
            Sessions::Database(store) => return Ok(store.session(token, now).await?),
            Sessions::Redis { store, redis } => (store, redis),
        };
        let hash = content_hash(token.as_bytes());
        let key = session_key(&hash);
        let Some(bytes) = redis.fetch(&key).await? else {
            return Ok(None);
        };
        let mut record: Record = match serde_json::from_slice(&bytes) {
            Ok(r) => r,
            Err(e) => {
                // Written by an incompatible version, or damaged: treated as signed out.
                tracing::warn!(error = %e, "unreadable session record in Redis; deleting it");
                redis.remove(&key).await?;
                return Ok(None);
            }
        };
        if !session_valid(record.created_at, record.last_seen, now) {
            redis
                .remove_indexed(&key, &user_key(record.user_id), &hash)
                .await?;
            return Ok(None);
        }
        let Some(user) = store
            .user_by_id(UserId(record.user_id))
            .await?
            .filter(|u| !u.disabled)
        else {
            return Ok(None);
        };
        if now - record.last_seen >= TOUCH_EVERY {
            record.last_seen = now;
            // Only if it still exists: a sign-out meanwhile is not undone.
            redis
                .replace(
                    &key,
                    &serde_json::to_vec(&record)?,
                    remaining(record.created_at, now),
                )
                .await?;
        }
        Ok(Some(Session {
            user,
            csrf: record.csrf,
            created_at: record.created_at,
        }))
    }

    /// Ends one session.
    pub async fn delete(&self, token: &str) -> Result<(), SessionError> {
        let redis = match self {
            Sessions::Database(store) => return Ok(store.delete_session(token).await?),
            Sessions::Redis { redis, .. } => redis,
        };
        let hash = content_hash(token.as_bytes());
        let key = session_key(&hash);
        let owner = redis
            .fetch(&key)
            .await?
            .and_then(|b| serde_json::from_slice::<Record>(&b).ok())
            .map(|r| r.user_id);
        match owner {
            Some(user) => redis.remove_indexed(&key, &user_key(user), &hash).await?,
            None => redis.remove(&key).await?,
        };
        Ok(())
    }

    /// Ends every session of an account ("sign out everywhere"); returns how many.
    pub async fn delete_user(&self, user: UserId) -> Result<u64, SessionError> {
        let redis = match self {
            Sessions::Database(store) => return Ok(store.delete_user_sessions(user).await?),
            Sessions::Redis { redis, .. } => redis,
        };
        let index = user_key(user.0);
        let hashes = redis.members(&index).await?;
        let keys: Vec<String> = hashes.iter().map(|h| session_key(h)).collect();
        // Only the members seen are removed: a session started meanwhile stays listed.
        Ok(redis.remove_many_indexed(&keys, &index, &hashes).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lives_at_most_until_the_absolute_limit() {
        assert_eq!(
            remaining(100, 100),
            Duration::from_secs(SESSION_ABSOLUTE as u64)
        );
        assert_eq!(
            remaining(100, 160),
            Duration::from_secs(SESSION_ABSOLUTE as u64 - 60)
        );
        assert_eq!(remaining(0, SESSION_ABSOLUTE + 5), Duration::from_secs(1));
    }

    #[test]
    fn only_redis_unreachability_and_database_outages_are_unavailable() {
        assert!(SessionError::Redis(RedisError::Timeout).is_unavailable());
        assert!(SessionError::Store(StoreError::Unavailable("down".into())).is_unavailable());
        assert!(!SessionError::Store(StoreError::Corrupt("bad".into())).is_unavailable());
    }
}
