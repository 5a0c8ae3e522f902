//! Signing in with a password, and the office lifting a slowed account: the one place that
//! decides whether an attempt may be tried, records its failure and audits it. The HTTP
//! layer only reads the form and the cookies and sets the session.
//!
//! Failures slow down three keys, each by its `zq_domain::security::Throttle`: the real client
//! address (`client:`), and either the account as strangers try it (`user:`) or the
//! account from a browser that signed in to it before (`device:`, a signed device cookie, as
//! in OWASP's "device cookies" against online guessing). So a stranger guessing a clerk's
//! password slows only strangers, never the clerk at their own desk; one typist behind the
//! office's proxy slows only themselves; and the office can lift an account's wait.

use ring::hmac;

use zq_domain::access::Action;
use zq_domain::security::{ACCOUNT, CLIENT, DEVICE, LoginName, MAX_PASSWORD_BYTES, Throttle};
use zq_store::User;

use crate::second_factor::audit;

use crate::admin::cluster_only;
use crate::{Caller, Result, ServiceError, Services};

/// One sign-in attempt as the browser sent it.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub login: &'a str,
    pub password: &'a str,
    /// The real client address (after the trusted proxies).
    pub client: &'a str,
    /// The browser's device cookie, if it sent one.
    pub device: Option<&'a str>,
}

/// What came of an attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The password was right: start a session, and give the browser this device cookie.
    SignedIn { user: User, device: String },
    /// The password was right and the account has a second factor: ask for its code, with
    /// this token in a short-lived cookie (`second_factor::verify`).
    SecondFactor { pending: String },
    /// Wrong login or password (never says which).
    Refused,
    /// Too many failures lately: try again after this many seconds (nothing was checked).
    Wait { seconds: i64 },
}

/// Tries a sign-in: refused without checking while any of its keys must wait; otherwise the
/// password is checked, a failure is recorded on each key and audited, a success clears the
/// account's (or this browser's) record and is audited.
pub async fn sign_in(svc: &Services, attempt: Attempt<'_>) -> Result<Outcome> {
    let store = svc.store();
    let now = svc.now().timestamp();
    let typed: String = attempt
        .login
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take(64)
        .collect();
    let secret = store.cluster_secret("device-cookie").await?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let device = attempt
        .device
        .and_then(|cookie| device_nonce(&key, &typed, cookie));
    let (account_key, account_policy) = match &device {
        Some(nonce) => (format!("device:{nonce}"), DEVICE),
        None => (format!("user:{typed}"), ACCOUNT),
    };
    let keys = [
        (format!("client:{}", attempt.client), CLIENT),
        (account_key, account_policy),
    ];
    if let Some(seconds) = wait_of(svc, &keys, now).await? {
        return Ok(Outcome::Wait { seconds });
    }
    let user = match LoginName::parse(attempt.login) {
        Ok(login) if attempt.password.len() <= MAX_PASSWORD_BYTES => {
            store.verify_login(&login, attempt.password).await?
        }
        _ => None,
    };
    let Some(user) = user else {
        record_failure(svc, &keys, now).await?;
        audit(
            svc,
            None,
            "login.failed",
            format!("login:{typed}"),
            attempt.client,
        )
        .await?;
        return Ok(Outcome::Refused);
    };
    // The account's (or this browser's) series ends; the client's decays by itself, so one
    // good password does not buy a client fresh guesses at other accounts.
    store.clear_failures(&keys[1].0).await?;
    if crate::second_factor::enrolled(svc, user.id).await? {
        let pending = crate::second_factor::pending_token(svc, user.id).await?;
        return Ok(Outcome::SecondFactor { pending });
    }
    let device = match (attempt.device, device) {
        (Some(cookie), Some(_)) => cookie.to_owned(),
        _ => device_cookie(&key, user.login.as_str())?,
    };
    audit(
        svc,
        Some((user.id, user.login.to_string())),
        "login",
        format!("user:{}", user.login),
        attempt.client,
    )
    .await?;
    store.record_sign_in(user.id).await?;
    Ok(Outcome::SignedIn { user, device })
}

/// The longest wait any of `keys` must still sit out at `now`, if any.
pub(crate) async fn wait_of(
    svc: &Services,
    keys: &[(String, Throttle)],
    now: i64,
) -> Result<Option<i64>> {
    let mut wait = 0;
    for (k, _) in keys {
        if let Some(w) = svc.store().failures(k).await?.wait(now) {
            wait = wait.max(w);
        }
    }
    Ok((wait > 0).then_some(wait))
}

/// Records one failure at `now` on each key, by its policy.
pub(crate) async fn record_failure(
    svc: &Services,
    keys: &[(String, Throttle)],
    now: i64,
) -> Result<()> {
    for (k, policy) in keys {
        let f = svc.store().failures(k).await?.fail(now, policy);
        svc.store().set_failures(k, f).await?;
    }
    Ok(())
}

/// A fresh device cookie for `login` (after a sign-in with a second factor).
pub(crate) async fn new_device_cookie(svc: &Services, login: &str) -> Result<String> {
    let secret = svc.store().cluster_secret("device-cookie").await?;
    device_cookie(&hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()), login)
}

/// Changes the caller's own password: the current one must be given (wrong ones slow down
/// like sign-in failures), the new one must pass the policy and differ; audited.
pub async fn change_password(
    svc: &Services,
    caller: &Caller,
    current: &str,
    new: &str,
    new_again: &str,
) -> Result<()> {
    let user = caller.account()?;
    let store = svc.store();
    let now = svc.now().timestamp();
    let key = format!("change:{}", caller.login);
    if let Some(w) = store.failures(&key).await?.wait(now) {
        return Err(ServiceError::Conflict(format!(
            "当前密码输错次数较多，请 {w} 秒后再试"
        )));
    }
    let login = LoginName::parse(&caller.login).map_err(|_| ServiceError::Unauthenticated)?;
    let Some(account) = store.verify_login(&login, current).await? else {
        let f = store.failures(&key).await?.fail(now, &ACCOUNT);
        store.set_failures(&key, f).await?;
        return Err(ServiceError::Invalid("当前密码不正确".into()));
    };
    if account.id != user {
        return Err(ServiceError::Unauthenticated);
    }
    store.clear_failures(&key).await?;
    if new != new_again {
        return Err(ServiceError::Invalid("两次输入的新密码不一致".into()));
    }
    if new == current {
        return Err(ServiceError::Invalid("新密码不能与当前密码相同".into()));
    }
    store
        .set_password(&account, new.to_owned(), &caller.who())
        .await
        .map_err(|e| match e {
            zq_store::StoreError::NotAllowed(m) => ServiceError::Invalid(m),
            e => e.into(),
        })
}

/// Whether the account's password is older than the cluster allows and must be changed
/// before anything else.
pub async fn password_due(svc: &Services, user: zq_domain::UserId) -> Result<bool> {
    let days = svc.password_max_age_days();
    if days == 0 {
        return Ok(false);
    }
    let Some(set_at) = svc.store().password_set_at(user).await? else {
        return Ok(false);
    };
    Ok(zq_domain::security::password_expired(
        set_at.timestamp(),
        svc.now().timestamp(),
        days,
    ))
}

/// The accounts strangers may not try right now, with when each wait ends (the office).
pub async fn waiting_accounts(svc: &Services, caller: &Caller) -> Result<Vec<(String, i64)>> {
    cluster_only(caller, Action::ManageAllUsers)?;
    let now = svc.now().timestamp();
    Ok(svc
        .store()
        .waiting_failures("user:", now)
        .await?
        .into_iter()
        .map(|(k, until)| (k.trim_start_matches("user:").to_owned(), until))
        .collect())
}

/// Lifts the wait strangers' failures put on an account (the office, audited).
pub async fn unlock(svc: &Services, caller: &Caller, login: &str) -> Result<()> {
    cluster_only(caller, Action::ManageAllUsers)?;
    let login = crate::admin::account_by_login(svc, login).await?.login;
    let lifted = svc
        .store()
        .lift_failures(
            &format!("user:{login}"),
            format!("user:{login}"),
            &caller.who(),
        )
        .await?;
    if lifted {
        Ok(())
    } else {
        Err(ServiceError::Conflict(format!(
            "账号 {login} 当前没有登录限制"
        )))
    }
}

fn device_message(login: &str, nonce: &str) -> String {
    format!("{login}\n{nonce}")
}

/// A fresh device cookie for `login`: `{nonce}.{tag}`, both hex.
fn device_cookie(key: &hmac::Key, login: &str) -> Result<String> {
    let nonce: String = zq_store::random_token()?.chars().take(32).collect();
    let tag = hmac::sign(key, device_message(login, &nonce).as_bytes());
    let tag: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{nonce}.{tag}"))
}

/// The nonce of a device cookie that was issued to `login`, if `cookie` is one.
fn device_nonce(key: &hmac::Key, login: &str, cookie: &str) -> Option<String> {
    let (nonce, tag) = cookie.split_once('.')?;
    if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) || tag.len() != 64 {
        return None;
    }
    let tag: Vec<u8> = (0..tag.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(tag.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    hmac::verify(key, device_message(login, nonce).as_bytes(), &tag)
        .ok()
        .map(|()| nonce.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_cookie_is_recognised_only_for_its_login_and_key() {
        let key = hmac::Key::new(hmac::HMAC_SHA256, b"k");
        let other = hmac::Key::new(hmac::HMAC_SHA256, b"other");
        let cookie = device_cookie(&key, "jb.editor").unwrap();
        let nonce = device_nonce(&key, "jb.editor", &cookie).unwrap();
        assert_eq!(nonce.len(), 32);
        for (k, login, c) in [
            (&key, "jb.admin", cookie.as_str()),
            (&other, "jb.editor", cookie.as_str()),
            (&key, "jb.editor", "abc.def"),
            (&key, "jb.editor", ""),
            (&key, "jb.editor", &cookie[..40]),
        ] {
            assert_eq!(device_nonce(k, login, c), None, "{login} {c}");
        }
    }
}
