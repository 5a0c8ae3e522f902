//! API tokens for automation: each scoped to one role on one tenant (or a cluster role),
//! shown once when created; the database keeps only its SHA-256.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use zq_domain::access::{ClusterRole, TokenScope};
use zq_domain::{TenantId, UserId};

use crate::Who;
use crate::audit::{audit_in, content_hash};
use crate::entity::api_token;
use crate::error::parse_stored;
use crate::sessions::random_token;
use crate::{Store, StoreError};

/// Every token starts with this, so leaked tokens are easy to find in logs and repositories.
pub const TOKEN_PREFIX: &str = "zqt_";
/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 100;

/// A token as its owner sees it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: UserId,
    pub tenant_id: Option<TenantId>,
    /// A tenant role, or a cluster role for tenant-less tokens.
    pub role: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

impl ApiToken {
    /// What the token may do, within what its owner holds.
    pub fn scope(&self) -> Result<TokenScope, StoreError> {
        Ok(match self.tenant_id {
            Some(t) => TokenScope::Tenant(t, parse_stored(&self.role)?),
            None => TokenScope::Cluster(parse_stored::<ClusterRole>(&self.role)?),
        })
    }
}

fn to_token(r: api_token::Model) -> ApiToken {
    ApiToken {
        id: r.id,
        user_id: UserId(r.user_id),
        tenant_id: r.tenant_id.map(TenantId),
        role: r.role,
        label: r.label,
        created_at: r.created_at,
        last_used_at: r.last_used_at,
        expires_at: r.expires_at,
        revoked: r.revoked,
    }
}

impl Store {
    /// Creates a token for `user` with `scope`; returns it with the secret, which is not
    /// stored and cannot be shown again.
    pub async fn create_api_token(
        &self,
        user: UserId,
        scope: TokenScope,
        label: &str,
        expires_at: Option<DateTime<Utc>>,
        who: &Who,
    ) -> Result<(ApiToken, String), StoreError> {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
            return Err(StoreError::NotAllowed(format!(
                "a token label needs 1-{MAX_LABEL_CHARS} characters"
            )));
        }
        let secret = format!("{TOKEN_PREFIX}{}", random_token()?);
        let (tenant, role) = match scope {
            TokenScope::Tenant(t, r) => (Some(t), r.as_str()),
            TokenScope::Cluster(r) => (None, r.as_str()),
        };
        let (_guard, txn) = self.begin_audited().await?;
        let row = api_token::ActiveModel {
            token_hash: Set(content_hash(secret.as_bytes())),
            user_id: Set(user.0),
            tenant_id: Set(tenant.map(|t| t.0)),
            role: Set(role.to_owned()),
            label: Set(label.to_owned()),
            created_at: Set(self.now()),
            last_used_at: Set(None),
            expires_at: Set(expires_at),
            revoked: Set(false),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let entry = who.entry(tenant, format!("token:{}", row.id), "token.create");
        audit_in(&txn, entry, self.now()).await?;
        txn.commit().await?;
        Ok((to_token(row), secret))
    }

    /// The live token behind a secret (not revoked, not expired at `now`), marking its use.
    pub async fn api_token(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiToken>, StoreError> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let Some(row) = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(content_hash(secret.as_bytes())))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if row.revoked || row.expires_at.is_some_and(|e| e <= now) {
            return Ok(None);
        }
        // Record the use at most once a minute per token: a busy script must not turn every
        // request into a write.
        if row
            .last_used_at
            .is_none_or(|t| now.signed_duration_since(t).num_seconds() >= 60)
        {
            let mut active: api_token::ActiveModel = row.clone().into();
            active.last_used_at = Set(Some(now));
            active.update(&self.db).await?;
        }
        Ok(Some(to_token(row)))
    }

    /// A user's tokens, newest first.
    pub async fn api_tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(user.0))
            .order_by_desc(api_token::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_token)
            .collect())
    }

    /// Revokes one of `user`'s tokens.
    pub async fn revoke_api_token(
        &self,
        user: UserId,
        id: i64,
        who: &Who,
    ) -> Result<(), StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = api_token::Entity::find_by_id(id)
            .filter(api_token::Column::UserId.eq(user.0))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("token {id}")))?;
        let tenant = row.tenant_id.map(TenantId);
        let mut active: api_token::ActiveModel = row.into();
        active.revoked = Set(true);
        active.update(&txn).await?;
        let entry = who.entry(tenant, format!("token:{id}"), "token.revoke");
        audit_in(&txn, entry, self.now()).await?;
        txn.commit().await?;
        Ok(())
    }
}
