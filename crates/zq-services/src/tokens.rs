//! API tokens, and the caller behind a token or a signed-in session.

use chrono::{DateTime, Utc};
use zq_domain::access::{Action, ClusterRole, Grants, TokenScope};
use zq_store::ApiToken;

use crate::{Caller, Result, ServiceError, Services, site};

// ---- tokens ----

/// Creates an API token for the caller, within what the caller holds.
pub async fn create_token(
    svc: &Services,
    caller: &Caller,
    tenant_code: Option<&str>,
    role: &str,
    label: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(ApiToken, String)> {
    let scope = match tenant_code {
        Some(code) => {
            let t = site(svc, caller, code, Action::Read).await?;
            let role = role
                .parse()
                .map_err(|e: zq_domain::ParseError| ServiceError::Invalid(e.to_string()))?;
            TokenScope::Tenant(t.id, role)
        }
        None => TokenScope::Cluster(
            role.parse::<ClusterRole>()
                .map_err(|e| ServiceError::Invalid(e.to_string()))?,
        ),
    };
    let granted = caller.grants.restrict_to(scope);
    if granted == Grants::default() {
        return Err(ServiceError::Forbidden(format!("你没有角色 {role}")));
    }
    if expires_at.is_some_and(|e| e <= svc.now()) {
        return Err(ServiceError::Invalid("过期时间必须在将来".into()));
    }
    Ok(svc
        .store()
        .create_api_token(caller.account()?, scope, label, expires_at, &caller.who())
        .await?)
}

pub async fn tokens(svc: &Services, caller: &Caller) -> Result<Vec<ApiToken>> {
    Ok(svc.store().api_tokens_of(caller.account()?).await?)
}

pub async fn revoke_token(svc: &Services, caller: &Caller, id: i64) -> Result<()> {
    Ok(svc
        .store()
        .revoke_api_token(caller.account()?, id, &caller.who())
        .await?)
}

/// The caller behind an API token, or `None` if the token is unknown, revoked or expired, or
/// its owner is disabled.
pub async fn token_caller(
    svc: &Services,
    secret: &str,
    client: Option<String>,
) -> Result<Option<Caller>> {
    let store = svc.store();
    let Some(token) = store.api_token(secret, svc.now()).await? else {
        return Ok(None);
    };
    let Some(user) = store.user_by_id(token.user_id).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let grants = store.grants(user.id).await?.restrict_to(token.scope()?);
    Ok(Some(Caller::user(
        user.id,
        user.login.to_string(),
        user.display_name.clone(),
        grants,
        client,
    )))
}

/// The caller behind a signed-in session.
pub async fn session_caller(
    svc: &Services,
    user: &zq_store::User,
    client: Option<String>,
) -> Result<Caller> {
    let grants = svc.store().grants(user.id).await?;
    Ok(Caller::user(
        user.id,
        user.login.to_string(),
        user.display_name.clone(),
        grants,
        client,
    ))
}
