//! 修改密码: an account changes its own password (`/console/account/password`). The rules and
//! the audited write are `zq_services::signin::change_password`; on success every session of
//! the account ends and this browser gets a fresh one. When the cluster sets a maximum
//! password age, an account past it is sent here from every other console page
//! (`auth::ConsoleCaller`), as is an account whose password someone else set (created by an
//! admin, or reset) until it chooses its own.

use axum::Extension;
use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use zq_render::view::PasswordView;
use zq_services::{ServiceError, signin};

use super::frame::{PageError, PageResult};
use super::{BASE, portal_name};
use crate::auth::{ConsoleCaller, SESSION_COOKIE, set_cookie};
use crate::error::ServiceErrorHttp as _;
use crate::{AppState, ClientAddr};

/// Where an account changes its password.
pub(crate) const PAGE: &str = "/console/account/password";

#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

async fn view(state: &AppState, cc: &ConsoleCaller) -> Result<PasswordView, PageError> {
    Ok(PasswordView {
        portal_name: portal_name(state),
        base: BASE.to_owned(),
        csrf: cc.csrf.clone(),
        login: cc.caller.login.clone(),
        display_name: cc.caller.display_name.clone(),
        expired: match cc.caller.user_id() {
            Some(user) => signin::password_due(state.services(), user).await?,
            None => false,
        },
        max_age_days: state.services().password_max_age_days(),
        must_change: match cc.caller.user_id() {
            Some(user) => {
                zq_services::accounts::must_change_password(state.services(), user).await?
            }
            None => false,
        },
        done: false,
        error: None,
    })
}

fn respond(state: &AppState, status: StatusCode, v: &PasswordView) -> PageResult {
    let body = state
        .renderer()
        .console_password(v)
        .map_err(|e| PageError(ServiceError::Internal(e.to_string())))?;
    Ok((
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response())
}

pub(crate) async fn page(State(state): State<AppState>, cc: ConsoleCaller) -> PageResult {
    let v = view(&state, &cc).await?;
    respond(&state, StatusCode::OK, &v)
}

pub(crate) async fn change(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    client: Option<Extension<ClientAddr>>,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    cc.check_csrf(&f.csrf)?;
    let svc = state.services();
    match signin::change_password(svc, &cc.caller, &f.current, &f.new, &f.again).await {
        Ok(()) => {
            let user = cc.caller.user_id().ok_or(ServiceError::Unauthenticated)?;
            state
                .sessions()
                .delete_user(user)
                .await
                .map_err(|e| PageError(e.into()))?;
            let now = svc.now().timestamp();
            let client = client.map(|Extension(c)| c.0.ip().to_string());
            let token = state
                .sessions()
                .create(user, client, now)
                .await
                .map_err(|e| PageError(e.into()))?;
            let mut v = view(&state, &cc).await?;
            v.done = true;
            // The page's forms belong to the new session.
            if let Some(s) = state
                .sessions()
                .get(&token, now)
                .await
                .map_err(|e| PageError(e.into()))?
            {
                v.csrf = s.csrf;
            }
            let mut res = respond(&state, StatusCode::OK, &v)?;
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, &token, None),
            );
            Ok(res)
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            let mut v = view(&state, &cc).await?;
            v.error = Some(e.to_string());
            respond(&state, e.status(), &v)
        }
        Err(e) => Err(e.into()),
    }
}
