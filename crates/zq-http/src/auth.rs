//! Who is asking, for every door into the platform: the console's session cookie (with the
//! session's CSRF token its forms must carry), the API's bearer token (or the session cookie
//! with `X-CSRF-Token`), and the public forms' signed per-form tokens. Handlers take a
//! [`ConsoleCaller`] or an [`ApiCaller`]; nothing else reads cookies or tokens.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;
use zq_store::Session;

use crate::api::ApiError;
use crate::console::frame::error_page;
use crate::console::{BASE, see_other};
use crate::service::{self, Caller, ServiceError};
use crate::{AppState, ClientAddr, SessionError};

pub(crate) const SESSION_COOKIE: &str = "zq_session";
pub(crate) const CSRF_COOKIE: &str = "zq_csrf";

/// The value of one cookie of the request.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub(crate) fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(crate) fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let secure = if state.config().public_scheme == "https" {
        "; Secure"
    } else {
        ""
    };
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The signed-in session of the request, if any.
pub(crate) async fn session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(String, Session)>, SessionError> {
    let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| is_token(t)) else {
        return Ok(None);
    };
    Ok(state
        .sessions()
        .get(&token, state.services().now().timestamp())
        .await?
        .map(|s| (token, s)))
}

/// A signed-in person in the console, with the CSRF token their forms must carry.
pub(crate) struct ConsoleCaller {
    pub caller: Caller,
    pub csrf: String,
}

impl FromRequestParts<AppState> for ConsoleCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let client = parts
            .extensions
            .get::<ClientAddr>()
            .map(|c| c.0.ip().to_string());
        match session(state, &parts.headers).await {
            Ok(Some((_, s))) => {
                let caller = service::session_caller(state.services(), &s.user, client)
                    .await
                    .map_err(|e| error_page(&e))?;
                if let Some(page) = required_step(state, &caller, parts.uri.path())
                    .await
                    .map_err(|e| error_page(&e))?
                {
                    return Err(see_other(page));
                }
                Ok(ConsoleCaller {
                    caller,
                    csrf: s.csrf,
                })
            }
            Ok(None) => Err(see_other(&format!("{BASE}/login"))),
            Err(e) => Err(error_page(&ServiceError::from(e))),
        }
    }
}

/// The page a signed-in account must go to before any other, if it is elsewhere: enrolling the
/// second factor its roles require, then changing a password someone else set or one older
/// than the cluster allows.
pub(crate) async fn required_step(
    state: &AppState,
    caller: &Caller,
    path: &str,
) -> Result<Option<&'static str>, ServiceError> {
    let enrolling = crate::console::second_factor::PAGE;
    if path == enrolling {
        return Ok(None);
    }
    let svc = state.services();
    if service::second_factor::enrolment_due(svc, caller).await? {
        return Ok(Some(enrolling));
    }
    let changing = crate::console::password::PAGE;
    let expired = match caller.user_id() {
        Some(user) if path != changing => {
            service::accounts::must_change_password(svc, user).await?
                || service::signin::password_due(svc, user).await?
        }
        _ => false,
    };
    Ok(expired.then_some(changing))
}

impl ConsoleCaller {
    /// A form's CSRF token must be this session's.
    pub(crate) fn check_csrf(&self, given: &str) -> Result<(), ServiceError> {
        if given == self.csrf {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(
                "表单已过期，请返回刷新后重试".into(),
            ))
        }
    }
}

/// The authenticated caller of an API request.
pub(crate) struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let client = parts
            .extensions
            .get::<ClientAddr>()
            .map(|c| c.0.ip().to_string());
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let secret = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or(ApiError(ServiceError::Unauthenticated))?;
            return service::token_caller(state.services(), secret, client)
                .await?
                .map(ApiCaller)
                .ok_or(ApiError(ServiceError::Unauthenticated));
        }
        let Some((_, session)) = session(state, &parts.headers)
            .await
            .map_err(|e| ApiError(e.into()))?
        else {
            return Err(ApiError(ServiceError::Unauthenticated));
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let csrf_ok = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == session.csrf);
        if !safe && !csrf_ok {
            return Err(ApiError(ServiceError::Forbidden(
                "缺少或过期的 CSRF 令牌（X-CSRF-Token）".into(),
            )));
        }
        let caller = service::session_caller(state.services(), &session.user, client).await?;
        if service::second_factor::enrolment_due(state.services(), &caller).await? {
            return Err(ApiError(ServiceError::Forbidden(
                "请先在管理平台启用双因素认证".into(),
            )));
        }
        Ok(ApiCaller(caller))
    }
}

/// Signed per-form tokens of the public forms.
pub(crate) mod form_token {
    use crate::SiteError;

    /// How long a served form may be posted.
    pub const TOKEN_MAX_AGE_SECS: i64 = 2 * 3600;

    /// The signed part of a token.
    pub(crate) fn payload(tenant: i64, form: &str, issued: i64, nonce: &str) -> String {
        format!("{tenant}|{form}|{issued}|{nonce}")
    }

    pub(crate) fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A fresh token for `form` of `tenant`, issued at `now` (Unix seconds).
    pub(crate) fn issue(
        key: &ring::hmac::Key,
        tenant: i64,
        form: &str,
        now: i64,
    ) -> Result<String, SiteError> {
        let nonce = zq_store::random_token()
            .map_err(|e| SiteError::Internal(e.to_string()))?
            .chars()
            .take(16)
            .collect::<String>();
        let tag = ring::hmac::sign(key, payload(tenant, form, now, &nonce).as_bytes());
        Ok(format!("{now}.{nonce}.{}", hex(tag.as_ref())))
    }

    /// Whether `token` was issued by this cluster for `form` of `tenant`, within the last
    /// [`TOKEN_MAX_AGE_SECS`] before `now`.
    /// The time (Unix seconds) a token says its form was served; check it with [`verify`].
    pub(crate) fn issued_at(token: &str) -> Option<i64> {
        token.split('.').next()?.parse().ok()
    }

    pub(crate) fn verify(
        key: &ring::hmac::Key,
        token: &str,
        tenant: i64,
        form: &str,
        now: i64,
    ) -> bool {
        let mut parts = token.splitn(3, '.');
        let (Some(issued), Some(nonce), Some(tag)) = (parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let Ok(issued) = issued.parse::<i64>() else {
            return false;
        };
        if !(now - TOKEN_MAX_AGE_SECS..=now + 60).contains(&issued)
            || nonce.len() != 16
            || tag.len() != 64
        {
            return false;
        }
        let Some(tag) = (0..32)
            .map(|i| u8::from_str_radix(tag.get(2 * i..2 * i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()
        else {
            return false;
        };
        ring::hmac::verify(key, payload(tenant, form, issued, nonce).as_bytes(), &tag).is_ok()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_token_is_good_for_its_site_and_form_for_two_hours_only() {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"test key");
            let now = 1_800_000_000;
            let t = issue(&key, 7, "test", now).unwrap();
            assert!(verify(&key, &t, 7, "test", now));
            assert!(verify(&key, &t, 7, "test", now + TOKEN_MAX_AGE_SECS));
            assert!(
                !verify(&key, &t, 7, "test", now + TOKEN_MAX_AGE_SECS + 1),
                "too old"
            );
            assert!(!verify(&key, &t, 7, "test", now - 61), "from the future");
            assert!(!verify(&key, &t, 8, "test", now), "another site");
            assert!(!verify(&key, &t, 7, "mailbox", now), "another form");
            let other = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"other key");
            assert!(!verify(&other, &t, 7, "test", now), "another cluster's key");
            let flipped = if t.ends_with('0') { '1' } else { '0' };
            let forged = format!("{}{flipped}", &t[..t.len() - 1]);
            assert!(
                !verify(&key, &forged, 7, "test", now),
                "a changed signature"
            );
            for junk in ["", "x", "1.2.3", "abc.def.ghi", &t[..20]] {
                assert!(!verify(&key, junk, 7, "test", now), "{junk}");
            }
        }
    }
}
