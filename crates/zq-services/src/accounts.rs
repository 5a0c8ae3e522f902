//! Accounts that can be recovered: an admin resets a password (a temporary one, shown to the
//! admin once, which the account must change at its next sign-in) and disables or enables an
//! account. The office acts on any account; a site admin on the accounts that hold roles only
//! on sites they run (never on an account with a cluster role, never on their own).

use zq_domain::access::{Action, allowed};
use zq_store::User;

use crate::admin::{account_by_login, cluster_only};
use crate::{Caller, Result, ServiceError, Services, site};

/// The account `login`, if `caller` may manage it from site `code` (or, without one, as the
/// office).
async fn managed(svc: &Services, caller: &Caller, code: Option<&str>, login: &str) -> Result<User> {
    let user = match code {
        None => {
            cluster_only(caller, Action::ManageAllUsers)?;
            account_by_login(svc, login).await?
        }
        Some(code) => {
            let t = site(svc, caller, code, Action::ManageTenantUsers).await?;
            let user = account_by_login(svc, login).await?;
            let office = allowed(
                &caller.grants,
                Action::ManageAllUsers,
                None,
                Default::default(),
            );
            if !office {
                // An account without a role here is answered as one that does not exist.
                let here = svc.store().tenant_users(t.id).await?;
                if !here.iter().any(|(u, _)| u.id == user.id) {
                    return Err(ServiceError::NotFound(format!("账号 {login}")));
                }
                let grants = svc.store().grants(user.id).await?;
                let tenants = svc.store().list_tenants().await?;
                let elsewhere = grants.bindings.iter().any(|(id, _)| {
                    tenants
                        .iter()
                        .find(|x| x.id == *id)
                        .is_none_or(|x| !caller.can(Action::ManageTenantUsers, x))
                });
                if user.cluster_role.is_some() || elsewhere {
                    return Err(ServiceError::Forbidden(
                        "该账号在其他网站或集群中也有角色，请联系集群管理员办理".into(),
                    ));
                }
            }
            user
        }
    };
    if caller.user_id() == Some(user.id) {
        return Err(ServiceError::Conflict(
            "不能在这里重置或停用自己的账号：修改自己的密码请用“修改密码”".into(),
        ));
    }
    Ok(user)
}

/// A temporary password that meets the policy: 14 random hex digits and `-Zq9`.
fn temporary_password() -> Result<String> {
    let token = zq_store::random_token()?;
    Ok(format!("{}-Zq9", &token[..14]))
}

/// Resets `login`'s password to a temporary one, returned to show the admin once; the account
/// must change it at its next sign-in. The caller ends the account's sessions.
pub async fn reset_password(
    svc: &Services,
    caller: &Caller,
    code: Option<&str>,
    login: &str,
) -> Result<(User, String)> {
    let user = managed(svc, caller, code, login).await?;
    let password = temporary_password()?;
    svc.store()
        .reset_password(&user, password.clone(), &caller.who())
        .await?;
    Ok((user, password))
}

/// Sets a password chosen at the server's command line (`zhanqun admin reset-password`): the
/// account must change it at its next sign-in.
pub async fn reset_password_to(
    svc: &Services,
    caller: &Caller,
    login: &str,
    password: String,
) -> Result<User> {
    cluster_only(caller, Action::ManageAllUsers)?;
    let user = account_by_login(svc, login).await?;
    svc.store()
        .reset_password(&user, password, &caller.who())
        .await?;
    Ok(user)
}

/// Disables or enables `login` (a disabled account cannot sign in; the caller ends its
/// sessions).
pub async fn set_disabled(
    svc: &Services,
    caller: &Caller,
    code: Option<&str>,
    login: &str,
    disabled: bool,
) -> Result<User> {
    let user = managed(svc, caller, code, login).await?;
    if user.disabled != disabled {
        svc.store()
            .set_disabled(&user, disabled, &caller.who())
            .await?;
    }
    Ok(user)
}

/// Whether the signed-in account must choose a new password before anything else.
pub async fn must_change_password(svc: &Services, user: zq_domain::UserId) -> Result<bool> {
    Ok(svc
        .store()
        .user_by_id(user)
        .await?
        .is_some_and(|u| u.must_change_password))
}
