//! The management console: sign-in, sign-out and the start page listing the sites a person
//! may act on. Server-rendered, in Chinese; every form carries a CSRF token; sessions live in
//! the database or in Redis (`crate::sessions`) and the browser holds only a random token in an
//! HttpOnly, SameSite=Lax cookie.
//! Permissions come from `zq_domain::access`; this module only moves data.

use axum::Extension;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use zq_domain::access::TenantRole;
use zq_render::view::ConsoleLoginView;
use zq_services::signin;
use zq_store::StoreError;

use crate::auth::{CSRF_COOKIE, SESSION_COOKIE, cookie, is_token, session, set_cookie};
use crate::{AppState, ClientAddr, SessionError};

pub(crate) mod accounts;
pub(crate) mod admin;
pub(crate) mod articles;
pub(crate) mod attachments;
pub(crate) mod audit;
pub(crate) mod autosave;
pub(crate) mod broadcasts;
pub(crate) mod bulk;
pub(crate) mod calendar;
pub(crate) mod cases;
pub(crate) mod channels;
pub(crate) mod columns;
pub(crate) mod consult;
pub(crate) mod desk;
pub(crate) mod editor;
pub(crate) mod frame;
pub(crate) mod inspection;
pub(crate) mod once;
pub(crate) mod operations;
pub(crate) mod password;
pub(crate) mod period;
pub(crate) mod preview;
pub(crate) mod ranking;
pub(crate) mod recycle;
pub(crate) mod reporting;
pub(crate) mod resume;
pub(crate) mod revision;
pub(crate) mod search;
pub(crate) mod second_factor;
pub(crate) mod security;
pub(crate) mod settings;
pub(crate) mod statistics;
pub(crate) mod tls;
pub(crate) mod tokens;
pub(crate) mod visits;

/// Where the console lives under any host.
pub const BASE: &str = "/console";

/// Console pages are personal: never cached, with the platform's security headers.
pub(crate) async fn no_store(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    crate::set_security_headers(h);
    res
}

/// A console failure, answered as a page or a status.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConsoleError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sessions(#[from] SessionError),
    #[error("rendering failed: {0}")]
    Render(#[from] zq_render::RenderError),
    #[error(transparent)]
    Service(#[from] zq_services::ServiceError),
}

impl From<ConsoleError> for crate::service::ServiceError {
    fn from(e: ConsoleError) -> Self {
        match e {
            ConsoleError::Store(s) => s.into(),
            ConsoleError::Sessions(s) => s.into(),
            ConsoleError::Render(r) => crate::service::ServiceError::Internal(r.to_string()),
            ConsoleError::Service(s) => s,
        }
    }
}

impl ConsoleError {
    /// Whether the database or the session store is unreachable (answered 503).
    fn is_unavailable(&self) -> bool {
        match self {
            ConsoleError::Store(e) => e.is_unavailable(),
            ConsoleError::Sessions(e) => e.is_unavailable(),
            ConsoleError::Render(_) => false,
            ConsoleError::Service(e) => matches!(e, zq_services::ServiceError::Unavailable(_)),
        }
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        match self {
            e if e.is_unavailable() => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                "服务暂不可用，请稍后再试。",
            )
                .into_response(),
            e => {
                tracing::error!(error = %e, "console request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "系统错误").into_response()
            }
        }
    }
}

type Result<T> = std::result::Result<T, ConsoleError>;

pub(crate) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

pub(crate) fn portal_name(state: &AppState) -> String {
    state
        .registry()
        .snapshot()
        .portal()
        .map(|p| p.tenant.name.clone())
        .unwrap_or_else(|| "站群".into())
}

fn login_response(
    state: &AppState,
    status: StatusCode,
    csrf: String,
    login: String,
    error: Option<&str>,
) -> Result<Response> {
    sign_in_page(state, status, csrf, login, error, false, false)
}

/// The sign-in page: login and password, or (`code_step`) the second factor's code.
pub(super) fn sign_in_page(
    state: &AppState,
    status: StatusCode,
    csrf: String,
    login: String,
    error: Option<&str>,
    code_step: bool,
    kept: bool,
) -> Result<Response> {
    let view = ConsoleLoginView {
        kept,
        portal_name: portal_name(state),
        action: if code_step {
            format!("{BASE}/login/code")
        } else {
            format!("{BASE}/login")
        },
        csrf: csrf.clone(),
        login,
        error: error.map(str::to_owned),
        code_step,
    };
    let body = state.renderer().console_login(&view)?;
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, CSRF_COOKIE, &csrf, None),
    );
    Ok(res)
}

/// The CSRF token of the sign-in form: the browser's, if it has a well-formed one, else new.
pub(super) fn login_csrf(headers: &HeaderMap) -> Result<String> {
    match cookie(headers, CSRF_COOKIE).filter(|t| is_token(t)) {
        Some(t) => Ok(t),
        None => Ok(zq_store::random_token()?),
    }
}

pub(crate) async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response> {
    if session(&state, &headers).await?.is_some() {
        return Ok(see_other(&format!("{BASE}/")));
    }
    sign_in_page(
        &state,
        StatusCode::OK,
        login_csrf(&headers)?,
        String::new(),
        None,
        false,
        resume::waiting(&headers),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn login_submit(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    let csrf_ok = cookie(&headers, CSRF_COOKIE).is_some_and(|c| is_token(&c) && c == form.csrf);
    if !csrf_ok {
        let fresh = zq_store::random_token()?;
        return login_response(
            &state,
            StatusCode::FORBIDDEN,
            fresh,
            form.login,
            Some("表单已过期，请重新输入后提交。"),
        );
    }
    let now = state.services().now().timestamp();
    let ip = client
        .map(|Extension(c)| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let device = cookie(&headers, DEVICE_COOKIE);
    let attempt = signin::Attempt {
        login: &form.login,
        password: &form.password,
        client: &ip,
        device: device.as_deref(),
    };
    let (user, device) = match signin::sign_in(state.services(), attempt).await? {
        signin::Outcome::SignedIn { user, device } => (user, device),
        signin::Outcome::SecondFactor { pending } => {
            let mut res = see_other(&format!("{BASE}/login/code"));
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    &state,
                    second_factor::PENDING_COOKIE,
                    &pending,
                    Some(zq_services::second_factor::PENDING_SECONDS),
                ),
            );
            return Ok(res);
        }
        signin::Outcome::Refused => {
            return login_response(
                &state,
                StatusCode::UNAUTHORIZED,
                form.csrf,
                form.login,
                Some("登录名或密码错误。"),
            );
        }
        signin::Outcome::Wait { seconds } => {
            state.metrics().rate_limited("signin_delay");
            let message = format!(
                "登录失败次数较多，请 {}后再试。如急需登录，可请集群管理员解除限制。",
                wait_label(seconds)
            );
            let mut res = login_response(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                form.csrf,
                form.login,
                Some(&message),
            )?;
            res.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(u64::try_from(seconds).unwrap_or(1)),
            );
            return Ok(res);
        }
    };
    // A new token at every sign-in: a token planted before sign-in is never promoted.
    let token = state
        .sessions()
        .create(user.id, Some(ip.clone()), now)
        .await?;
    let (to, clear) = resume::landing(&state, &headers, user.id).await;
    let mut res = see_other(&to);
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, &token, None),
    );
    if let Some(c) = clear {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    // The browser is recognised for this account next time: strangers' failures do not
    // slow it (`zq_services::signin`).
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, DEVICE_COOKIE, &device, Some(DEVICE_COOKIE_AGE)),
    );
    Ok(res)
}

/// The cookie that marks a browser which signed in to an account before.
pub(super) const DEVICE_COOKIE: &str = "zq_device";
/// A year: the browser stays recognised while it is used at least once a year.
pub(super) const DEVICE_COOKIE_AGE: i64 = 365 * 24 * 3600;

/// "30 秒", "4 分钟": how long to wait, rounded up to the minute past a minute.
pub(super) fn wait_label(seconds: i64) -> String {
    if seconds < 60 {
        format!("{seconds} 秒")
    } else {
        format!("{} 分钟", (seconds + 59) / 60)
    }
}

/// A cluster role as the console names it.
pub(super) fn cluster_role_label(r: zq_domain::access::ClusterRole) -> &'static str {
    match r {
        zq_domain::access::ClusterRole::ClusterAdmin => "集群管理员",
        zq_domain::access::ClusterRole::Operator => "运维监控（只读）",
    }
}

pub(super) fn role_label(r: TenantRole) -> &'static str {
    match r {
        TenantRole::SiteAdmin => "网站管理员",
        TenantRole::Editor => "编辑",
        TenantRole::Reviewer => "审核",
    }
}

/// Any other `/console/…` path: a console page saying it does not exist (404), with the way
/// back to the 工作台 — never the start page in its place, never a public site's page.
pub(crate) async fn not_found() -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>页面不存在 - 管理平台</title></head><body><main><h1>页面不存在</h1><p>管理平台中没有这个页面，可能是地址输错了，或页面已经移动。</p><p><a href=\"{BASE}/\">返回工作台</a></p></main></body></html>"
    );
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Signs out this session (or, with `everywhere`, every session of the account).
async fn sign_out(
    state: &AppState,
    headers: &HeaderMap,
    form: &CsrfForm,
    everywhere: bool,
) -> Result<Response> {
    let Some((token, s)) = session(state, headers).await? else {
        return Ok(see_other(&format!("{BASE}/login")));
    };
    if form.csrf != s.csrf {
        return Ok((StatusCode::FORBIDDEN, "表单已过期，请返回刷新后重试。").into_response());
    }
    if everywhere {
        state.sessions().delete_user(s.user.id).await?;
    } else {
        state.sessions().delete(&token).await?;
    }
    let mut res = see_other(&format!("{BASE}/login"));
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, SESSION_COOKIE, "", Some(0)),
    );
    Ok(res)
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    sign_out(&state, &headers, &form, false).await
}

pub(crate) async fn logout_all(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response> {
    sign_out(&state, &headers, &form, true).await
}
