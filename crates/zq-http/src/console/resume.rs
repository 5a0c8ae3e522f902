//! No lost work when a session ends with a form open: the console pings
//! [`keepalive`] while a changed form is open (`console.js`), and a site form sent anyway
//! after the session ended is not thrown away — [`keep_unsigned`] keeps its text fields
//! (`zq_store` `form_stash`, a day) under a token in a cookie and sends the browser to sign in;
//! after signing in ([`landing`]) the browser goes back to the form's page with `?resume=…`,
//! and `console.js` fills the form from [`fields`] (only for the account that signed in).
//! Files cannot be kept (the page says to choose them again), and forms that carry passwords
//! (accounts, users) are never kept.

use axum::Json;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use zq_domain::UserId;

use super::frame::ConsoleCaller;
use super::{BASE, see_other};
use crate::AppState;
use crate::auth::{cookie, is_token, session, set_cookie};

/// The cookie holding a kept form's token until the next sign-in.
pub(crate) const COOKIE: &str = "zq_resume";
/// A day, as long as the form is kept.
const COOKIE_AGE: i64 = 24 * 3600;

/// Fields never kept: the old session's tokens.
const SKIPPED: [&str; 2] = ["csrf", super::once::FIELD];

/// A kept form: where it was sent and its text fields in order.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Kept {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

/// Whether a POST to `path` is kept when its session has ended: a site's forms, not those
/// that carry passwords (its users).
fn keeps(path: &str) -> bool {
    path.starts_with("/console/sites/") && !path.contains("/users")
}

/// The page the form came from: the same-origin console page in `Referer`, else the path the
/// form was sent to (most forms post to their own page).
fn page_of(headers: &HeaderMap, path: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| {
            r.strip_prefix("https://")
                .or_else(|| r.strip_prefix("http://"))
        })
        .and_then(|rest| rest.split_once('/'))
        .filter(|(authority, _)| *authority == host)
        .map(|(_, p)| format!("/{}", p.split('#').next().unwrap_or_default()))
        .filter(|p| p.starts_with("/console/"))
        .unwrap_or_else(|| path.to_owned())
}

/// The text fields of a form body (URL-encoded or multipart; files are left out).
async fn text_fields(state: &AppState, req: Request) -> Vec<(String, String)> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut out = Vec::new();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let limit = super::editor::MAX_FORM_BYTES;
        if let Ok(bytes) = axum::body::to_bytes(req.into_body(), limit).await {
            out = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        }
    } else if content_type.starts_with("multipart/form-data")
        && let Ok(mut m) = Multipart::from_request(req, state).await
    {
        while let Ok(Some(field)) = m.next_field().await {
            let name = field.name().unwrap_or_default().to_owned();
            if field.file_name().is_some() {
                continue;
            }
            let Ok(mut text) = field.text().await else {
                break;
            };
            zq_domain::text::make_xml_safe(&mut text);
            out.push((name, text));
        }
    }
    out.retain(|(k, _)| !SKIPPED.contains(&k.as_str()));
    out
}

/// The layer on the console: a site form sent without a valid session is kept, and the
/// browser goes to sign in, told so.
pub(crate) async fn keep_unsigned(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if req.method() != Method::POST || !keeps(&path) {
        return next.run(req).await;
    }
    if !matches!(session(&state, req.headers()).await, Ok(None)) {
        return next.run(req).await;
    }
    let page = page_of(req.headers(), &path);
    let fields = text_fields(&state, req).await;
    let login = format!("{BASE}/login");
    if fields.is_empty() {
        return see_other(&login);
    }
    let kept = Kept {
        action: path,
        fields,
    };
    let json = serde_json::to_string(&kept).unwrap_or_default();
    match state.store().stash_form(&page, &json).await {
        Ok(token) => {
            let mut res = see_other(&login);
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, COOKIE, &token, Some(COOKIE_AGE)),
            );
            res
        }
        Err(e) => super::ConsoleError::from(e).into_response(),
    }
}

/// Whether this browser has a kept form waiting (the sign-in page says so).
pub(crate) fn waiting(headers: &HeaderMap) -> bool {
    cookie(headers, COOKIE).is_some_and(|t| is_token(&t))
}

/// Where a browser goes after `user` signed in: back to its kept form's page, if it has one
/// (and then the cookie is cleared), else the 工作台. Returns the place and the cookie to set.
pub(crate) async fn landing(
    state: &AppState,
    headers: &HeaderMap,
    user: UserId,
) -> (String, Option<axum::http::HeaderValue>) {
    let home = format!("{BASE}/");
    let Some(token) = cookie(headers, COOKIE).filter(|t| is_token(t)) else {
        return (home, None);
    };
    let clear = Some(set_cookie(state, COOKIE, "", Some(0)));
    match state.store().claim_stash(&token, user).await {
        Ok(Some(page)) => {
            // The page without an earlier resume or notice.
            let (path, query) = page.split_once('?').unwrap_or((&page, ""));
            let mut params: Vec<&str> = query
                .split('&')
                .filter(|p| !p.is_empty() && !p.starts_with("resume=") && !p.starts_with("notice="))
                .collect();
            let this = format!("resume={token}");
            params.push(&this);
            (format!("{path}?{}", params.join("&")), clear)
        }
        Ok(None) => (home, clear),
        Err(e) => {
            tracing::warn!(error = %e, "claiming a kept form failed");
            (home, clear)
        }
    }
}

/// `GET /console/resume/{token}`: a kept form's fields, for the account that claimed it.
pub(crate) async fn fields(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(token): Path<String>,
) -> Response {
    let (Some(user), true) = (cc.caller.user_id(), is_token(&token)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match state.store().stashed_fields(&token, user).await {
        Ok(Some(json)) => match serde_json::from_str::<Kept>(&json) {
            Ok(kept) => Json(kept).into_response(),
            Err(_) => StatusCode::NOT_FOUND.into_response(),
        },
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => super::ConsoleError::from(e).into_response(),
    }
}

/// `GET /console/keepalive`: keeps the session in use while a changed form is open (204), or
/// says it has ended (401).
pub(crate) async fn keepalive(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match session(&state, &headers).await {
        Ok(Some(_)) => StatusCode::NO_CONTENT.into_response(),
        Ok(None) => StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => super::ConsoleError::from(e).into_response(),
    }
}
