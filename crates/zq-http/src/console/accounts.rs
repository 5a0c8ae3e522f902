//! Account recovery in the console: 重置密码 (a temporary password shown to the admin once on a
//! page of its own, never in a URL; the account must change it at its next sign-in), 停用 and
//! 启用, for the office on 全部账号 and for a site admin on the site's 用户 page. Every session
//! of the account ends at once. The rules and the audited writes are
//! `zq_services::accounts`.

use axum::extract::{Form, Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use zq_render::view::DoneView;
use zq_services::{ServiceError, accounts};

use super::frame::{ConsoleCaller, Fields, PageError, PageResult, field};
use super::{BASE, portal_name, see_other};
use crate::AppState;

/// Where the admin came from: the office's accounts page or a site's users page.
fn back(code: Option<&str>) -> (String, &'static str) {
    match code {
        None => (format!("{BASE}/admin/users"), "返回账号管理"),
        Some(c) => (format!("{BASE}/sites/{c}/users"), "返回本站用户"),
    }
}

/// Ends every session of the account (disabled, or its password reset).
async fn end_sessions(state: &AppState, user: zq_domain::UserId) -> Result<(), PageError> {
    state
        .sessions()
        .delete_user(user)
        .await
        .map(|_| ())
        .map_err(|e| PageError(e.into()))
}

async fn reset(
    state: &AppState,
    cc: &ConsoleCaller,
    code: Option<&str>,
    login: &str,
    f: &Fields,
) -> PageResult {
    cc.check_csrf(&field(f, "csrf"))?;
    let (user, password) =
        accounts::reset_password(state.services(), &cc.caller, code, login).await?;
    end_sessions(state, user.id).await?;
    let (back_url, back_label) = back(code);
    let view = DoneView {
        portal_name: portal_name(state),
        base: BASE.to_owned(),
        csrf: cc.csrf.clone(),
        login: cc.caller.login.clone(),
        display_name: cc.caller.display_name.clone(),
        heading: "密码已重置".into(),
        message: format!(
            "已为 {}（{}）设置临时密码，该账号在其他设备上的登录已全部退出。",
            user.display_name, user.login
        ),
        secret: Some(password),
        back_url,
        back_label: back_label.into(),
    };
    let body = state
        .renderer()
        .console_done(&view)
        .map_err(|e| PageError(ServiceError::Internal(e.to_string())))?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

async fn switch(
    state: &AppState,
    cc: &ConsoleCaller,
    code: Option<&str>,
    login: &str,
    f: &Fields,
    disabled: bool,
) -> PageResult {
    cc.check_csrf(&field(f, "csrf"))?;
    let user = accounts::set_disabled(state.services(), &cc.caller, code, login, disabled).await?;
    if disabled {
        end_sessions(state, user.id).await?;
    }
    let notice = if disabled {
        "user_disabled"
    } else {
        "user_enabled"
    };
    Ok(see_other(&format!("{}?notice={notice}", back(code).0)))
}

/// `POST /console/admin/users/{login}/reset-password`.
pub(crate) async fn office_reset(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(login): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    reset(&state, &cc, None, &login, &f).await
}

/// `POST /console/sites/{code}/users/{login}/reset-password`.
pub(crate) async fn site_reset(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, login)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    reset(&state, &cc, Some(&code), &login, &f).await
}

/// `POST /console/admin/users/{login}/{disable|enable}`.
pub(crate) async fn office_switch(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((login, to)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    let disabled = disabled_of(&to)?;
    switch(&state, &cc, None, &login, &f, disabled).await
}

/// `POST /console/sites/{code}/users/{login}/{disable|enable}`.
pub(crate) async fn site_switch(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, login, to)): Path<(String, String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    let disabled = disabled_of(&to)?;
    switch(&state, &cc, Some(&code), &login, &f, disabled).await
}

fn disabled_of(to: &str) -> Result<bool, PageError> {
    match to {
        "disable" => Ok(true),
        "enable" => Ok(false),
        _ => Err(PageError(ServiceError::NotFound("页面".into()))),
    }
}
