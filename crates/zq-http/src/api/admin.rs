//! Administration through the API: tenants, accounts and role bindings, columns, and the
//! cluster-wide audit log. Same service code as the console's administration pages.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};
use zq_store::{Column, ColumnChange, User};

use super::{ApiCaller, ApiError, ApiResult, Body, Params, created, ok, parse_id, site_json};
use crate::AppState;
use crate::service::admin::{self, ColumnInput, TenantInput, UserInput};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sites/{code}/status", post(set_status))
        .route(
            "/api/v1/sites/{code}/users",
            get(site_users).post(create_site_user),
        )
        .route(
            "/api/v1/sites/{code}/users/{login}/roles/{role}",
            put(bind).delete(unbind),
        )
        .route("/api/v1/sites/{code}/columns/{id}", put(update_column))
        .route("/api/v1/users", get(all_users).post(create_user))
        .route("/api/v1/audit", get(cluster_audit))
}

pub(super) fn user_json(u: &User) -> Value {
    json!({
        "id": u.id,
        "login": u.login.as_str(),
        "display_name": u.display_name,
        "cluster_role": u.cluster_role,
        "disabled": u.disabled,
    })
}

pub(super) fn column_json(col: &Column) -> Value {
    json!({
        "id": col.id,
        "parent_id": col.parent_id,
        "slug": col.slug.as_str(),
        "name": col.name,
        "kind": col.kind,
        "external_url": col.external_url,
        "update_requirement": col.update_requirement,
        "responsible_unit": col.responsible_unit,
        "sort_order": col.sort_order,
        "is_news": col.is_news,
    })
}

pub(super) async fn create_tenant(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Body(input): Body<TenantInput>,
) -> ApiResult {
    created(site_json(
        &admin::create_tenant(state.services(), &c, input).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct StatusInput {
    status: String,
}

async fn set_status(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<StatusInput>,
) -> ApiResult {
    ok(site_json(
        &admin::set_tenant_status(state.services(), &c, &code, &input.status).await?,
    ))
}

async fn site_users(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> ApiResult {
    let (_, users) = admin::site_users(state.services(), &c, &code).await?;
    ok(users
        .iter()
        .map(|(u, roles)| {
            let mut v = user_json(u);
            v["roles"] = json!(roles);
            v
        })
        .collect::<Vec<_>>())
}

async fn create_site_user(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<UserInput>,
) -> ApiResult {
    created(user_json(
        &admin::create_user(state.services(), &c, Some(&code), input).await?,
    ))
}

async fn create_user(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Body(input): Body<UserInput>,
) -> ApiResult {
    created(user_json(
        &admin::create_user(state.services(), &c, None, input).await?,
    ))
}

async fn all_users(State(state): State<AppState>, ApiCaller(c): ApiCaller) -> ApiResult {
    ok(admin::all_users(state.services(), &c)
        .await?
        .iter()
        .map(user_json)
        .collect::<Vec<_>>())
}

async fn bind(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, login, role)): Path<(String, String, String)>,
) -> ApiResult {
    admin::set_role(state.services(), &c, &code, &login, &role, true).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn unbind(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, login, role)): Path<(String, String, String)>,
) -> ApiResult {
    admin::set_role(state.services(), &c, &code, &login, &role, false).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(super) async fn create_column(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<ColumnInput>,
) -> ApiResult {
    created(column_json(
        &admin::create_column(state.services(), &c, &code, input).await?,
    ))
}

async fn update_column(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
    Body(change): Body<ColumnChange>,
) -> ApiResult {
    let id = parse_id(&id)?;
    ok(column_json(
        &admin::update_column(state.services(), &c, &code, id, change).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct AuditParams {
    #[serde(default = "super::default_limit")]
    limit: u64,
}

async fn cluster_audit(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Params(p): Params<AuditParams>,
) -> Result<axum::response::Response, ApiError> {
    let rows = admin::cluster_audit(state.services(), &c, p.limit).await?;
    ok(rows.iter().map(super::audit_json).collect::<Vec<_>>())
}
