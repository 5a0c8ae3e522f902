//! The second sign-in factor in the console: the code step after the password
//! (`/console/login/code`, with the short-lived `zq_second` cookie the password step set) and
//! the account's own page (`/console/account/second-factor`) where it enrols its authenticator
//! app from a QR code and receives its recovery codes once. The rules and every write are in
//! `zq_services::second_factor`; an account whose roles require a factor is sent to its page
//! from every other console page until it has one (`auth::ConsoleCaller`).

use axum::Extension;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use zq_render::view::SecondFactorView;
use zq_services::second_factor::{self as factor, Check};

use super::frame::{PageError, PageResult};
use super::{
    BASE, ConsoleError, DEVICE_COOKIE, DEVICE_COOKIE_AGE, login_csrf, portal_name, see_other,
    sign_in_page, wait_label,
};
use crate::auth::{CSRF_COOKIE, ConsoleCaller, SESSION_COOKIE, cookie, is_token, set_cookie};
use crate::{AppState, ClientAddr};

/// The cookie carrying "this browser gave the right password" to the code step.
pub(crate) const PENDING_COOKIE: &str = "zq_second";
/// Where an account enrols.
pub(crate) const PAGE: &str = "/console/account/second-factor";

type Result<T> = std::result::Result<T, ConsoleError>;

#[derive(Debug, Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

/// The code step's form (only after the password step).
pub(crate) async fn code_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response> {
    if cookie(&headers, PENDING_COOKIE).is_none() {
        return Ok(see_other(&format!("{BASE}/login")));
    }
    sign_in_page(
        &state,
        StatusCode::OK,
        login_csrf(&headers)?,
        String::new(),
        None,
        true,
        false,
    )
}

/// The code step: a session on the right code, the password step again when it is too old.
pub(crate) async fn code_submit(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response> {
    let csrf_ok = cookie(&headers, CSRF_COOKIE).is_some_and(|c| is_token(&c) && c == form.csrf);
    if !csrf_ok {
        let fresh = zq_store::random_token()?;
        let msg = "表单已过期，请重新输入验证码。";
        return sign_in_page(
            &state,
            StatusCode::FORBIDDEN,
            fresh,
            String::new(),
            Some(msg),
            true,
            false,
        );
    }
    let ip = client
        .map(|Extension(c)| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let pending = cookie(&headers, PENDING_COOKIE).unwrap_or_default();
    let check = factor::verify(state.services(), &pending, &form.code, &ip).await?;
    let refused = |status, message: &str, code_step| {
        sign_in_page(
            &state,
            status,
            form.csrf.clone(),
            String::new(),
            Some(message),
            code_step,
            false,
        )
    };
    match check {
        Check::Passed { user, device } => {
            let now = state.services().now().timestamp();
            let token = state.sessions().create(user.id, Some(ip), now).await?;
            let (to, clear) = super::resume::landing(&state, &headers, user.id).await;
            let mut res = see_other(&to);
            let h = res.headers_mut();
            if let Some(c) = clear {
                h.append(header::SET_COOKIE, c);
            }
            h.append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, &token, None),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(&state, DEVICE_COOKIE, &device, Some(DEVICE_COOKIE_AGE)),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(&state, PENDING_COOKIE, "", Some(0)),
            );
            Ok(res)
        }
        Check::Refused { expired: true } => {
            let mut res = refused(
                StatusCode::UNAUTHORIZED,
                "验证超时（须在输入密码后 5 分钟内完成），请重新登录。",
                false,
            )?;
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, PENDING_COOKIE, "", Some(0)),
            );
            Ok(res)
        }
        Check::Refused { expired: false } => refused(
            StatusCode::UNAUTHORIZED,
            "验证码不正确或已使用过，请输入验证器应用当前显示的验证码。",
            true,
        ),
        Check::Wait { seconds } => {
            state.metrics().rate_limited("signin_delay");
            let message = format!("验证失败次数较多，请 {}后再试。", wait_label(seconds));
            let mut res = refused(StatusCode::TOO_MANY_REQUESTS, &message, true)?;
            res.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(u64::try_from(seconds).unwrap_or(1)),
            );
            Ok(res)
        }
    }
}

fn view(state: &AppState, cc: &ConsoleCaller, status: factor::Status) -> SecondFactorView {
    SecondFactorView {
        portal_name: portal_name(state),
        base: BASE.to_owned(),
        csrf: cc.csrf.clone(),
        login: cc.caller.login.clone(),
        display_name: cc.caller.display_name.clone(),
        enrolled: status.enrolled,
        required: status.required,
        recovery_codes_left: status.recovery_codes_left,
        qr_svg: None,
        secret: None,
        recovery_codes: Vec::new(),
        error: None,
    }
}

fn page_response(state: &AppState, status: StatusCode, v: &SecondFactorView) -> PageResult {
    let body = state
        .renderer()
        .console_second_factor(v)
        .map_err(|e| PageError(zq_services::ServiceError::Internal(e.to_string())))?;
    Ok((
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response())
}

/// Shows the enrolment being confirmed (started now if there is none).
async fn enrolling(
    state: &AppState,
    cc: &ConsoleCaller,
    mut v: SecondFactorView,
) -> std::result::Result<SecondFactorView, PageError> {
    let svc = state.services();
    let enrolment = match factor::pending_enrolment(svc, &cc.caller).await? {
        Some(e) => e,
        None => factor::begin(svc, &cc.caller).await?,
    };
    v.qr_svg = zq_render::qr::svg(&enrolment.url, 200, "启用双因素认证的二维码");
    v.secret = Some(enrolment.secret);
    Ok(v)
}

/// The account's second factor: its status, or the enrolment.
pub(crate) async fn page(State(state): State<AppState>, cc: ConsoleCaller) -> PageResult {
    let status = factor::status(state.services(), &cc.caller).await?;
    let mut v = view(&state, &cc, status);
    if !status.enrolled {
        v = enrolling(&state, &cc, v).await?;
    }
    page_response(&state, StatusCode::OK, &v)
}

/// Confirms the enrolment with a code: the recovery codes, shown once.
pub(crate) async fn confirm(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(form): Form<CodeForm>,
) -> PageResult {
    cc.check_csrf(&form.csrf)?;
    let svc = state.services();
    match factor::confirm(svc, &cc.caller, &form.code).await {
        Ok(codes) => {
            let status = factor::status(svc, &cc.caller).await?;
            let mut v = view(&state, &cc, status);
            v.recovery_codes = codes;
            page_response(&state, StatusCode::OK, &v)
        }
        Err(e @ zq_services::ServiceError::Invalid(_)) => {
            let status = factor::status(svc, &cc.caller).await?;
            let mut v = enrolling(&state, &cc, view(&state, &cc, status)).await?;
            v.error = Some(e.to_string());
            page_response(&state, StatusCode::UNPROCESSABLE_ENTITY, &v)
        }
        Err(e) => Err(e.into()),
    }
}
