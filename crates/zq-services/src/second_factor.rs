//! The second sign-in factor: TOTP (RFC 6238, totp-rs) enrolled by the account itself with
//! its authenticator app, recovery codes for a lost phone (hashed, each used once), the second
//! step of signing in, and the office resetting an account's factor. Which roles must have
//! one is configuration (`security.second_factor_roles`, `zq_domain::second_factor`); API
//! tokens are not affected. Second-step failures slow down like password failures (by the
//! account and by the client) and are audited.

use ring::{digest, hmac};
use totp_rs::{Algorithm, TOTP};
use zq_domain::UserId;
use zq_domain::access::Action;
use zq_domain::second_factor::{
    RECOVERY_CODES, RECOVERY_LEN, Typed, candidate_steps, read_code, recovery_code,
};
use zq_domain::security::{ACCOUNT, CLIENT};
use zq_store::{AuditEntry, User};

use crate::admin::cluster_only;
use crate::{Caller, Result, ServiceError, Services};

/// How long the second step may follow the password, in seconds.
pub const PENDING_SECONDS: i64 = 5 * 60;

/// Bytes of a new TOTP secret (160 bits, as RFC 4226 recommends).
const SECRET_BYTES: usize = 20;

/// An enrolment in progress, as the account's page shows it.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// The secret in base32, in groups of four for typing by hand.
    pub secret: String,
    /// The `otpauth://` address the QR code carries.
    pub url: String,
}

/// An account's second factor, as its page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub enrolled: bool,
    /// Whether the account's roles require one.
    pub required: bool,
    pub recovery_codes_left: u64,
}

/// What came of a second-step code.
#[derive(Debug, Clone)]
pub enum Check {
    /// Right: start the session (and give the browser this device cookie).
    Passed { user: User, device: String },
    /// Wrong, already used, or the pending sign-in expired (`expired`).
    Refused { expired: bool },
    /// Too many failures lately: try again after this many seconds.
    Wait { seconds: i64 },
}

fn totp(secret: &str, issuer: &str, login: &str) -> Result<TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|_| ServiceError::Internal("stored TOTP secret is not base32".into()))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        zq_domain::second_factor::STEP as u64,
        bytes,
        Some(issuer.replace(':', " ")),
        login.to_owned(),
    )
    .map_err(|e| ServiceError::Internal(format!("TOTP: {e}")))
}

/// The step a typed TOTP code matches, among those it may still match.
fn matching_step(t: &TOTP, code: &str, now: i64, last_used: i64) -> Option<i64> {
    candidate_steps(now, last_used).into_iter().find(|step| {
        let want = t.generate(u64::try_from(step * zq_domain::second_factor::STEP).unwrap_or(0));
        want.len() == code.len()
            && want
                .bytes()
                .zip(code.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    })
}

fn hash_recovery(normalised: &str) -> String {
    let d = digest::digest(&digest::SHA256, normalised.as_bytes());
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The name authenticator apps show above the code: the portal's.
async fn issuer(svc: &Services) -> Result<String> {
    Ok(svc
        .store()
        .list_tenants()
        .await?
        .into_iter()
        .find(|t| t.kind == zq_domain::TenantKind::Portal)
        .map_or_else(|| "站群".to_owned(), |t| format!("{}网站群", t.name)))
}

/// Whether the account must use a second factor (by its roles).
pub async fn required(svc: &Services, user: UserId) -> Result<bool> {
    let grants = svc.store().grants(user).await?;
    Ok(svc.second_factor_roles().required(&grants))
}

/// Whether the account has a confirmed second factor.
pub async fn enrolled(svc: &Services, user: UserId) -> Result<bool> {
    Ok(svc.store().totp(user).await?.is_some_and(|t| t.confirmed))
}

/// Whether a signed-in caller must enrol before doing anything else.
pub async fn enrolment_due(svc: &Services, caller: &Caller) -> Result<bool> {
    let Some(user) = caller.user_id() else {
        return Ok(false);
    };
    // The caller's grants are the account's (a session), read once per request already.
    Ok(svc.second_factor_roles().required(&caller.grants) && !enrolled(svc, user).await?)
}

/// The caller's second factor.
pub async fn status(svc: &Services, caller: &Caller) -> Result<Status> {
    let user = caller.account()?;
    Ok(Status {
        enrolled: enrolled(svc, user).await?,
        required: required(svc, user).await?,
        recovery_codes_left: svc.store().recovery_codes_left(user).await?,
    })
}

/// Starts enrolment with a fresh secret (replacing one not yet confirmed).
pub async fn begin(svc: &Services, caller: &Caller) -> Result<Enrolment> {
    let user = caller.account()?;
    let mut raw = [0u8; SECRET_BYTES];
    getrandom::fill(&mut raw).map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
    let secret = totp_rs::Secret::Raw(raw.to_vec()).to_encoded().to_string();
    svc.store()
        .begin_totp(user, &secret)
        .await
        .map_err(|e| match e {
            zq_store::StoreError::Conflict(_) => ServiceError::Conflict(
                "已启用双因素认证；如需更换手机，请先由集群管理员重置".into(),
            ),
            e => e.into(),
        })?;
    enrolment(svc, &secret, &caller.login).await
}

/// The enrolment being confirmed: its secret shown again (after a wrong code).
pub async fn pending_enrolment(svc: &Services, caller: &Caller) -> Result<Option<Enrolment>> {
    let user = caller.account()?;
    let Some(t) = svc.store().totp(user).await?.filter(|t| !t.confirmed) else {
        return Ok(None);
    };
    enrolment(svc, &t.secret, &caller.login).await.map(Some)
}

/// How an enrolment with `secret` is shown: the secret in groups of four, the QR code's address.
async fn enrolment(svc: &Services, secret: &str, login: &str) -> Result<Enrolment> {
    let url = totp(secret, &issuer(svc).await?, login)?.get_url();
    let grouped = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Enrolment {
        secret: grouped,
        url,
    })
}

/// Confirms enrolment with a code from the app; returns the recovery codes, shown once.
pub async fn confirm(svc: &Services, caller: &Caller, code: &str) -> Result<Vec<String>> {
    let user = caller.account()?;
    let Some(t) = svc.store().totp(user).await?.filter(|t| !t.confirmed) else {
        return Err(ServiceError::Conflict(
            "没有待确认的双因素认证，请重新开始".into(),
        ));
    };
    let Typed::Totp(code) = read_code(code) else {
        return Err(ServiceError::Invalid(
            "请输入验证器应用显示的 6 位数字".into(),
        ));
    };
    let now = svc.now().timestamp();
    let generator = totp(&t.secret, &issuer(svc).await?, &caller.login)?;
    let Some(step) = matching_step(&generator, &code, now, 0) else {
        return Err(ServiceError::Invalid(
            "验证码不正确：请确认手机时间准确，并输入验证器应用当前显示的 6 位数字".into(),
        ));
    };
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut random = [0u8; RECOVERY_LEN];
        getrandom::fill(&mut random)
            .map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
        codes.push(recovery_code(&random));
    }
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| hash_recovery(&c.replace('-', "")))
        .collect();
    if !svc
        .store()
        .confirm_totp(
            user,
            step,
            &hashes,
            format!("user:{}", caller.login),
            &caller.who(),
        )
        .await?
    {
        return Err(ServiceError::Conflict(
            "没有待确认的双因素认证，请重新开始".into(),
        ));
    }
    Ok(codes)
}

/// Removes an account's second factor (a lost phone): the office, audited. The account
/// enrols again at its next sign-in when its roles require it.
pub async fn reset(svc: &Services, caller: &Caller, login: &str) -> Result<()> {
    cluster_only(caller, Action::ManageAllUsers)?;
    let user = crate::admin::account_by_login(svc, login).await?;
    let object = format!("user:{}", user.login);
    if svc
        .store()
        .reset_totp(user.id, object, &caller.who())
        .await?
    {
        Ok(())
    } else {
        Err(ServiceError::Conflict(format!(
            "账号 {login} 没有启用双因素认证"
        )))
    }
}

fn pending_message(user: UserId, issued: i64) -> String {
    format!("second-factor|{}|{issued}", user.0)
}

async fn pending_key(svc: &Services) -> Result<hmac::Key> {
    let secret = svc.store().cluster_secret("second-factor-pending").await?;
    Ok(hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()))
}

/// A token saying "this browser gave the password of `user` now" (`{user}.{issued}.{tag}`),
/// for the second step's cookie.
pub(crate) async fn pending_token(svc: &Services, user: UserId) -> Result<String> {
    let issued = svc.now().timestamp();
    let tag = hmac::sign(
        &pending_key(svc).await?,
        pending_message(user, issued).as_bytes(),
    );
    let tag: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{}.{issued}.{tag}", user.0))
}

/// The account a pending token names, while it is fresh.
async fn pending_user(svc: &Services, token: &str) -> Result<Option<UserId>> {
    let mut parts = token.splitn(3, '.');
    let (Some(user), Some(issued), Some(tag)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(None);
    };
    let (Ok(user), Ok(issued)) = (user.parse::<i64>(), issued.parse::<i64>()) else {
        return Ok(None);
    };
    let age = svc.now().timestamp() - issued;
    if !(0..PENDING_SECONDS).contains(&age) || tag.len() != 64 {
        return Ok(None);
    }
    let Some(tag) = (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(tag.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()
    else {
        return Ok(None);
    };
    let key = pending_key(svc).await?;
    let user = UserId(user);
    Ok(
        hmac::verify(&key, pending_message(user, issued).as_bytes(), &tag)
            .ok()
            .map(|()| user),
    )
}

/// The second step of signing in: the code of the authenticator app or a recovery code, for
/// the account whose password this browser gave (`pending`).
pub async fn verify(svc: &Services, pending: &str, typed: &str, client: &str) -> Result<Check> {
    let Some(user_id) = pending_user(svc, pending).await? else {
        return Ok(Check::Refused { expired: true });
    };
    let store = svc.store();
    let Some(user) = store.user_by_id(user_id).await?.filter(|u| !u.disabled) else {
        return Ok(Check::Refused { expired: true });
    };
    let now = svc.now().timestamp();
    let keys = [
        (format!("client:{client}"), CLIENT),
        (format!("second:{}", user.login), ACCOUNT),
    ];
    if let Some(seconds) = crate::signin::wait_of(svc, &keys, now).await? {
        return Ok(Check::Wait { seconds });
    }
    let accepted = match (read_code(typed), store.totp(user.id).await?) {
        (Typed::Totp(code), Some(t)) if t.confirmed => {
            let generator = totp(&t.secret, &issuer(svc).await?, user.login.as_str())?;
            match matching_step(&generator, &code, now, t.last_step) {
                Some(step) => store.use_totp_step(user.id, step).await?.then_some("totp"),
                None => None,
            }
        }
        (Typed::Recovery(code), Some(t)) if t.confirmed => store
            .use_recovery_code(user.id, &hash_recovery(&code))
            .await?
            .then_some("recovery"),
        _ => None,
    };
    let Some(how) = accepted else {
        crate::signin::record_failure(svc, &keys, now).await?;
        audit(
            svc,
            None,
            "login.second_factor_failed",
            format!("user:{}", user.login),
            client,
        )
        .await?;
        return Ok(Check::Refused { expired: false });
    };
    store.clear_failures(&keys[1].0).await?;
    audit(
        svc,
        Some((user.id, user.login.to_string())),
        "login",
        format!("user:{}:{how}", user.login),
        client,
    )
    .await?;
    store.record_sign_in(user.id).await?;
    let device = crate::signin::new_device_cookie(svc, user.login.as_str()).await?;
    Ok(Check::Passed { user, device })
}

pub(crate) async fn audit(
    svc: &Services,
    actor: Option<(UserId, String)>,
    action: &str,
    object: String,
    client: &str,
) -> Result<()> {
    svc.store()
        .append_audit(AuditEntry {
            actor,
            tenant: None,
            object,
            action: action.to_owned(),
            client: Some(client.to_owned()),
            before_hash: None,
            after_hash: None,
            note: None,
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_once() {
        let secret = totp_rs::Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        let t = totp(&secret, "海川市人民政府网站群", "office").unwrap();
        // RFC 6238 appendix B, SHA-1, 59 s → 94287082 (8 digits); 6 digits: 287082.
        assert_eq!(t.generate(59), "287082");
        assert_eq!(matching_step(&t, "287082", 59, 0), Some(1));
        assert_eq!(
            matching_step(&t, "287082", 59 + 30, 0),
            Some(1),
            "the step before"
        );
        assert_eq!(matching_step(&t, "287082", 59, 1), None, "used already");
        assert_eq!(matching_step(&t, "287083", 59, 0), None);
        assert!(
            t.get_url().starts_with("otpauth://totp/"),
            "{}",
            t.get_url()
        );
    }
}
