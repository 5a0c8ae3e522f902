//! The JSON API under `/api/v1/`: the console's operations for scripts and other systems.
//! Every handler parses its input, calls `crate::service`, and answers JSON; errors are
//! `{"error": code, "message": text, "fields": [...]}` with a 4xx status (5xx only when the
//! database is unavailable or something is broken on our side).
//!
//! A request authenticates with `Authorization: Bearer zqt_…` (an API token, see
//! `POST /api/v1/tokens`) or with the console's session cookie; with the cookie, every
//! request that changes something must also send the session's CSRF token in `X-CSRF-Token`.
//! The document describing all of this is served at `/api/v1/openapi.json`.

pub(crate) mod admin;
pub(crate) mod broadcasts;
pub(crate) mod bulk;
pub(crate) mod calendar;
pub(crate) mod consult;
pub(crate) mod dto;
pub(crate) mod inspection;
pub(crate) mod interaction;
pub(crate) mod openapi;
pub(crate) mod reporting;
pub(crate) mod search;
pub(crate) mod tls;
pub(crate) mod visits;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use zq_domain::workflow::WorkflowState;
use zq_store::ArticleText;

use crate::AppState;
pub(crate) use crate::auth::ApiCaller;
use crate::error::ServiceErrorHttp as _;
use crate::service::{self, ServiceError, Step};

/// Largest JSON body (an article with a long body).
pub(crate) const MAX_JSON_BYTES: usize = 1024 * 1024;
/// Largest upload: the largest attachment plus room for nothing else (the body is the file).
pub(crate) const MAX_UPLOAD_BYTES: usize = zq_domain::attachment::MAX_FILE_BYTES;

pub(crate) async fn api_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    crate::set_security_headers(h);
    res
}

pub(crate) async fn not_found() -> ApiError {
    ApiError(ServiceError::NotFound("接口".into()))
}

/// An error answered as JSON.
pub(crate) struct ApiError(pub ServiceError);

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        crate::error::log_if_ours(&e);
        let fields: Vec<Value> = match &e {
            ServiceError::Fields(f) => f
                .iter()
                .map(|f| json!({"field": f.field, "message": f.message}))
                .collect(),
            _ => Vec::new(),
        };
        let mut res = (
            e.status(),
            Json(json!({"error": e.code(), "message": e.to_string(), "fields": fields})),
        )
            .into_response();
        if matches!(e, ServiceError::Unavailable(_)) {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        if matches!(e, ServiceError::Unauthenticated) {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"zhanqun\""),
            );
        }
        res
    }
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError(ServiceError::Invalid(message.into()))
}

type ApiResult = Result<Response, ApiError>;

fn ok(value: impl serde::Serialize) -> ApiResult {
    Ok(Json(value).into_response())
}

fn created(value: impl serde::Serialize) -> ApiResult {
    Ok((StatusCode::CREATED, Json(value)).into_response())
}

/// A JSON body whose faults (syntax, missing fields, wrong content type) come back as JSON.
pub(crate) struct Body<T>(T);

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError(ServiceError::TooLarge(format!(
                    "请求体太大：不能超过 {} KiB",
                    MAX_JSON_BYTES / 1024
                ))))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(bad_request(
                "请求体须为 JSON（Content-Type: application/json）",
            )),
            Err(e) => Err(bad_request(format!("请求体无效：{}", e.body_text()))),
        }
    }
}

/// A JSON body that may be left out (a workflow step without comment): empty or blank is the
/// default value; faults come back as JSON.
pub(crate) struct OptionalBody<T>(pub T);

impl<T: serde::de::DeserializeOwned + Default> FromRequest<AppState> for OptionalBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let body = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError(ServiceError::TooLarge(format!(
                    "请求体太大：不能超过 {} KiB",
                    MAX_JSON_BYTES / 1024
                )))
            } else {
                bad_request("请求体无法读取")
            }
        })?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalBody(T::default()));
        }
        serde_json::from_slice(&body)
            .map(OptionalBody)
            .map_err(|e| bad_request(format!("请求体无效：{e}")))
    }
}

/// Query parameters whose faults come back as JSON.
pub(crate) struct Params<T>(T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(Params(v)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => {
                Err(bad_request(format!("查询参数无效：{}", e.body_text())))
            }
            Err(e) => Err(bad_request(e.body_text())),
        }
    }
}

fn parse_id(s: &str) -> Result<i64, ApiError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError(ServiceError::NotFound(format!("编号 {s}"))))
}

pub(crate) async fn me(State(state): State<AppState>, ApiCaller(c): ApiCaller) -> ApiResult {
    let sites = service::sites(state.services(), &c).await?;
    let roles: Vec<Value> = sites
        .iter()
        .map(|t| {
            json!({
                "code": t.code.as_str(),
                "name": t.name,
                "roles": c.grants.roles_on(t.id).collect::<Vec<_>>(),
            })
        })
        .collect();
    ok(json!({
        "id": c.user_id(),
        "login": c.login,
        "display_name": c.display_name,
        "cluster_role": c.grants.cluster,
        "sites": roles,
    }))
}

pub(crate) async fn list_sites(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> ApiResult {
    let sites = service::sites(state.services(), &c).await?;
    ok(dto::all::<_, dto::Site>(&sites))
}

pub(crate) async fn show_site(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> ApiResult {
    // A site's name, hosts and status are its figures' heading: operators may read them.
    let t = service::site(
        state.services(),
        &c,
        &code,
        zq_domain::access::Action::ReadFigures,
    )
    .await?;
    ok(dto::Site::from(&t))
}

pub(crate) async fn put_settings(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(settings): Body<dto::SettingsInput>,
) -> ApiResult {
    let t = service::update_settings(state.services(), &c, &code, settings.into()).await?;
    ok(dto::Site::from(&t))
}

pub(crate) async fn list_columns(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> ApiResult {
    let cols = service::columns(state.services(), &c, &code).await?;
    ok(dto::all::<_, dto::ColumnDto>(&cols))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListParams {
    state: Option<String>,
    #[serde(default = "default_limit")]
    limit: u64,
    #[serde(default)]
    offset: u64,
}

fn default_limit() -> u64 {
    50
}

pub(crate) async fn list_articles(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Params(p): Params<ListParams>,
) -> ApiResult {
    let filter = p
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(str::parse::<WorkflowState>)
        .transpose()
        .map_err(|e| bad_request(e.to_string()))?;
    let (_, items, total) =
        service::articles(state.services(), &c, &code, filter, p.limit, p.offset).await?;
    ok(json!({"total": total, "items": dto::all::<_, dto::ArticleLine>(&items)}))
}

/// An article as the API takes it.
#[derive(Debug, Deserialize)]
pub(crate) struct ArticleInput {
    #[serde(flatten)]
    text: ArticleText,
    /// RFC 3339, or local Beijing time `2026-12-01T09:30`.
    #[serde(default)]
    publish_at: Option<String>,
    /// The version the change is based on; a newer one on the server is a 409.
    #[serde(default)]
    version: Option<i32>,
}

fn time_field(s: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    service::parse_local(s.unwrap_or("")).map_err(|m| {
        ApiError(ServiceError::Fields(vec![
            zq_domain::article::FieldError::new("publish_at", m),
        ]))
    })
}

pub(crate) async fn create_article(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<ArticleInput>,
) -> ApiResult {
    let at = time_field(input.publish_at.as_deref())?;
    let a = service::create_article(state.services(), &c, &code, input.text, at).await?;
    created(dto::Article::from(&a))
}

pub(crate) async fn show_article(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult {
    let (_, a) = service::article(state.services(), &c, &code, parse_id(&id)?).await?;
    ok(dto::Article::from(&a))
}

pub(crate) async fn update_article(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
    Body(input): Body<ArticleInput>,
) -> ApiResult {
    let at = time_field(input.publish_at.as_deref())?;
    let a = service::update_article(
        state.services(),
        &c,
        &code,
        parse_id(&id)?,
        input.text,
        at,
        input.version,
    )
    .await?;
    ok(dto::Article::from(&a))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct StepInput {
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    publish_at: Option<String>,
}

pub(crate) async fn step(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id, step)): Path<(String, String, String)>,
    OptionalBody(input): OptionalBody<StepInput>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let at = time_field(input.publish_at.as_deref())?;
    let step = Step::parse(&step, input.comment, at)
        .ok_or_else(|| ApiError(ServiceError::NotFound(format!("操作 {step}"))))?;
    let a = service::step(state.services(), &c, &code, id, step).await?;
    ok(dto::Article::from(&a))
}

pub(crate) async fn versions(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult {
    let versions = service::versions(state.services(), &c, &code, parse_id(&id)?).await?;
    ok(dto::all::<_, dto::Version>(&versions))
}

#[derive(Debug, Deserialize)]
pub(crate) struct DiffParams {
    from: i32,
    to: i32,
}

pub(crate) async fn diff(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
    Params(p): Params<DiffParams>,
) -> ApiResult {
    let (_, _, lines) =
        service::version_diff(state.services(), &c, &code, parse_id(&id)?, p.from, p.to).await?;
    ok(json!({"from": p.from, "to": p.to, "lines": dto::all::<_, dto::DiffLineDto>(&lines)}))
}

pub(crate) async fn restore(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id, version)): Path<(String, String, String)>,
) -> ApiResult {
    let version = version
        .parse::<i32>()
        .map_err(|_| ApiError(ServiceError::NotFound(format!("版本 {version}"))))?;
    let a = service::restore(state.services(), &c, &code, parse_id(&id)?, version).await?;
    ok(dto::Article::from(&a))
}

pub(crate) async fn list_attachments(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> ApiResult {
    let files = service::attachments(state.services(), &c, &code).await?;
    ok(dto::all::<_, dto::AttachmentAt>(&files))
}

#[derive(Debug, Deserialize)]
pub(crate) struct UploadParams {
    name: String,
}

/// The file is the request body; its name comes in `?name=`.
pub(crate) async fn upload(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Params(p): Params<UploadParams>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult {
    let body = body.map_err(|_| {
        ApiError(ServiceError::TooLarge(format!(
            "文件太大：不能超过 {} MiB",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        )))
    })?;
    let a = service::upload(state.services(), &c, &code, &p.name, &body).await?;
    created(dto::AttachmentAt::from(&a))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AuditParams {
    #[serde(default = "default_limit")]
    limit: u64,
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Params(p): Params<AuditParams>,
) -> ApiResult {
    let rows = service::audit_log(state.services(), &c, &code, p.limit).await?;
    ok(dto::all::<_, dto::AuditRow>(&rows))
}

#[derive(Debug, Deserialize)]
pub(crate) struct TokenInput {
    /// The tenant's code; omit for a cluster-role token.
    #[serde(default)]
    site: Option<String>,
    role: String,
    label: String,
    #[serde(default)]
    expires_at: Option<String>,
}

pub(crate) async fn create_token(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Body(input): Body<TokenInput>,
) -> ApiResult {
    let expires = time_field(input.expires_at.as_deref())?;
    let (token, secret) = service::create_token(
        state.services(),
        &c,
        input.site.as_deref(),
        &input.role,
        &input.label,
        expires,
    )
    .await?;
    created(json!({"token": dto::Token::from(&token), "secret": secret}))
}

pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> ApiResult {
    let tokens = service::tokens(state.services(), &c).await?;
    ok(dto::all::<_, dto::Token>(&tokens))
}

pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult {
    service::revoke_token(state.services(), &c, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
