//! Server-side sessions and sign-in failure records (`zq_domain::security::Throttle`). The browser holds a 256-bit random
//! token; the database holds only its SHA-256, so a leaked table cannot be replayed.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use zq_domain::UserId;
use zq_domain::security::{Failures, session_valid};

use crate::audit::content_hash;
use crate::entity::{login_failure, session};
use crate::users::User;
use crate::{Store, StoreError};

/// A fresh random token: 32 bytes, hex-encoded.
pub fn random_token() -> Result<String, StoreError> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    /// The token forms of this session must carry.
    pub csrf: String,
    pub created_at: i64,
}

impl Store {
    /// Starts a session for `user`; returns the token for the cookie.
    pub async fn create_session(
        &self,
        user: UserId,
        client: Option<String>,
        now: i64,
    ) -> Result<String, StoreError> {
        let token = random_token()?;
        session::ActiveModel {
            token_hash: Set(content_hash(token.as_bytes())),
            user_id: Set(user.0),
            csrf: Set(random_token()?),
            client: Set(client),
            created_at: Set(now),
            last_seen: Set(now),
        }
        .insert(&self.db)
        .await?;
        Ok(token)
    }

    /// The session behind a cookie token, if it is still valid at `now` (idle and absolute
    /// limits) and its account is enabled; refreshes its last use. Expired sessions are deleted.
    pub async fn session(&self, token: &str, now: i64) -> Result<Option<Session>, StoreError> {
        let hash = content_hash(token.as_bytes());
        let Some(row) = session::Entity::find_by_id(hash.clone())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if !session_valid(row.created_at, row.last_seen, now) {
            session::Entity::delete_by_id(hash).exec(&self.db).await?;
            return Ok(None);
        }
        let Some(user) = self
            .user_by_id(UserId(row.user_id))
            .await?
            .filter(|u| !u.disabled)
        else {
            return Ok(None);
        };
        if now - row.last_seen >= 30 {
            let mut active: session::ActiveModel = row.clone().into();
            active.last_seen = Set(now);
            active.update(&self.db).await?;
        }
        Ok(Some(Session {
            user,
            csrf: row.csrf,
            created_at: row.created_at,
        }))
    }

    /// Ends one session.
    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        session::Entity::delete_by_id(content_hash(token.as_bytes()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Ends every session of an account ("sign out everywhere"); returns how many.
    pub async fn delete_user_sessions(&self, user: UserId) -> Result<u64, StoreError> {
        Ok(session::Entity::delete_many()
            .filter(session::Column::UserId.eq(user.0))
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    /// The failure record of a key (`user:{login}` or `ip:{address}`).
    pub async fn failures(&self, key: &str) -> Result<Failures, StoreError> {
        Ok(login_failure::Entity::find_by_id(key.to_owned())
            .one(&self.db)
            .await?
            .map_or_else(Failures::default, |r| Failures {
                count: u32::try_from(r.count).unwrap_or(0),
                window_start: r.window_start,
                locked_until: r.locked_until,
            }))
    }

    /// Stores a failure record.
    pub async fn set_failures(&self, key: &str, f: Failures) -> Result<(), StoreError> {
        let row = login_failure::ActiveModel {
            key: Set(key.to_owned()),
            count: Set(i32::try_from(f.count).unwrap_or(i32::MAX)),
            window_start: Set(f.window_start),
            locked_until: Set(f.locked_until),
        };
        if login_failure::Entity::find_by_id(key.to_owned())
            .one(&self.db)
            .await?
            .is_some()
        {
            row.update(&self.db).await?;
        } else {
            row.insert(&self.db).await?;
        }
        Ok(())
    }

    /// Forgets the failures of a key (after a successful sign-in).
    pub async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        login_failure::Entity::delete_by_id(key.to_owned())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The keys starting with `prefix` that must wait at `now`, with when their wait ends,
    /// soonest first (the office's view of slowed sign-ins).
    pub async fn waiting_failures(
        &self,
        prefix: &str,
        now: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = login_failure::Entity::find()
            .filter(login_failure::Column::Key.starts_with(prefix))
            .filter(login_failure::Column::LockedUntil.gt(now))
            .all(&self.db)
            .await?;
        let mut out: Vec<(String, i64)> = rows
            .into_iter()
            .filter_map(|r| Some((r.key, r.locked_until?)))
            .collect();
        out.sort_by_key(|(k, until)| (*until, k.clone()));
        Ok(out)
    }

    /// Lifts the wait of a key (the office unlocking an account), audited in the same
    /// transaction; `false` when there was nothing to lift.
    pub async fn lift_failures(
        &self,
        key: &str,
        object: String,
        who: &crate::Who,
    ) -> Result<bool, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let gone = login_failure::Entity::delete_by_id(key.to_owned())
            .exec(&txn)
            .await?
            .rows_affected;
        if gone == 0 {
            return Ok(false);
        }
        crate::audit::audit_in(&txn, who.entry(None, object, "login.unlock"), self.now()).await?;
        txn.commit().await?;
        Ok(true)
    }
}
