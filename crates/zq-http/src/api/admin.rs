//! Administration through the API: tenants, accounts and role bindings, columns, and the
//! cluster-wide audit log. Same service code as the console's administration pages.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

use super::{ApiCaller, ApiError, ApiResult, Body, Params, created, dto, ok, parse_id};
use crate::AppState;
use crate::service::admin::{self, ColumnInput, TenantInput, UserInput};

pub(crate) async fn create_tenant(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Body(input): Body<TenantInput>,
) -> ApiResult {
    let t = admin::create_tenant(state.services(), &c, input).await?;
    created(dto::Site::from(&t))
}

#[derive(Debug, Deserialize)]
pub(crate) struct StatusInput {
    status: String,
    /// Why (kept in the audit row).
    #[serde(default)]
    reason: Option<String>,
}

pub(crate) async fn set_status(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<StatusInput>,
) -> ApiResult {
    let t =
        admin::set_tenant_status(state.services(), &c, &code, &input.status, input.reason).await?;
    ok(dto::Site::from(&t))
}

pub(crate) async fn site_users(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> ApiResult {
    let (_, users) = admin::site_users(state.services(), &c, &code).await?;
    ok(users
        .iter()
        .map(|(u, roles)| dto::Account::with_roles(u, roles))
        .collect::<Vec<_>>())
}

pub(crate) async fn create_site_user(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<UserInput>,
) -> ApiResult {
    let u = admin::create_user(state.services(), &c, Some(&code), input).await?;
    created(dto::Account::from(&u))
}

pub(crate) async fn create_user(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Body(input): Body<UserInput>,
) -> ApiResult {
    let u = admin::create_user(state.services(), &c, None, input).await?;
    created(dto::Account::from(&u))
}

pub(crate) async fn all_users(State(state): State<AppState>, ApiCaller(c): ApiCaller) -> ApiResult {
    let users = admin::all_users(state.services(), &c).await?;
    ok(dto::all::<_, dto::Account>(&users))
}

pub(crate) async fn unlock_user(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(login): Path<String>,
) -> ApiResult {
    crate::service::signin::unlock(state.services(), &c, &login).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn reset_second_factor(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(login): Path<String>,
) -> ApiResult {
    crate::service::second_factor::reset(state.services(), &c, &login).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn bind(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, login, role)): Path<(String, String, String)>,
) -> ApiResult {
    admin::set_role(state.services(), &c, &code, &login, &role, true).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn unbind(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, login, role)): Path<(String, String, String)>,
) -> ApiResult {
    admin::set_role(state.services(), &c, &code, &login, &role, false).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn create_column(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<ColumnInput>,
) -> ApiResult {
    let col = admin::create_column(state.services(), &c, &code, input).await?;
    created(dto::ColumnDto::from(&col))
}

pub(crate) async fn update_column(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
    Body(change): Body<dto::ColumnChangeInput>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let col = admin::update_column(state.services(), &c, &code, id, change.into()).await?;
    ok(dto::ColumnDto::from(&col))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AuditParams {
    #[serde(default = "super::default_limit")]
    limit: u64,
}

pub(crate) async fn cluster_audit(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Params(p): Params<AuditParams>,
) -> Result<axum::response::Response, ApiError> {
    let rows = admin::cluster_audit(state.services(), &c, p.limit).await?;
    ok(dto::all::<_, dto::AuditRow>(&rows))
}
