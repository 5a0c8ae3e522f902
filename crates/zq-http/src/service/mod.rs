//! The operations of the console and the JSON API: one function per thing a person can do,
//! each deciding permission through `zq_domain::access`, then calling the store. The console
//! renders the results as pages, the API as JSON; neither repeats a rule.
//!
//! Tenants are named by code in every call. A tenant the caller cannot see at all answers
//! "not found" (its existence is not disclosed); one the caller can see but not change in
//! this way answers "forbidden". Objects are always looked up within the named tenant, so an
//! id of another tenant finds nothing.

pub(crate) mod admin;
mod diff;
pub(crate) mod reporting;
mod time;

use chrono::{DateTime, Utc};
use zq_domain::access::{Action, ClusterRole, Grants, TenantPolicy, TokenScope, allowed};
use zq_domain::article::FieldError;
use zq_domain::workflow::{Event, WorkflowState};
use zq_domain::{ArticleId, TenantCode, TenantId, UserId};
use zq_store::{
    ApiToken, ArticleListItem, ArticleText, ArticleVersion, Attachment, AuditRecord, Column,
    EditorialArticle, EditorialError, SiteSettings, StoreError, Tenant, UploadError, Who,
};

use crate::AppState;

pub(crate) use diff::{DiffLine, diff_versions};
pub(crate) use time::{format_local, parse_local, parse_period};

/// Who is asking: the account, what it may do (cut down to a token's scope when the request
/// came with a token), and where from.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub grants: Grants,
    pub client: Option<String>,
}

impl Caller {
    pub fn who(&self) -> Who {
        Who {
            user: Some((self.user_id, self.login.clone())),
            client: self.client.clone(),
        }
    }

    fn can(&self, action: Action, tenant: &Tenant) -> bool {
        allowed(&self.grants, action, Some(tenant.id), policy(tenant))
    }

    fn sees(&self, tenant: TenantId) -> bool {
        self.grants
            .visible_tenants()
            .is_none_or(|v| v.contains(&tenant))
    }
}

/// A tenant's own rules for what its roles may do.
pub(crate) fn policy(t: &Tenant) -> TenantPolicy {
    TenantPolicy {
        editors_publish_directly: t.editors_publish_directly,
    }
}

/// Why an operation did not happen. Every variant but the last two is the caller's fault.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ServiceError {
    #[error("请先登录")]
    Unauthenticated,
    #[error("没有权限：{0}")]
    Forbidden(String),
    #[error("{0}不存在")]
    NotFound(String),
    #[error("填写有误：{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；"))]
    Fields(Vec<FieldError>),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("服务暂不可用，请稍后再试")]
    Unavailable(String),
    #[error("系统错误")]
    Internal(String),
}

impl ServiceError {
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode as S;
        match self {
            ServiceError::Unauthenticated => S::UNAUTHORIZED,
            ServiceError::Forbidden(_) => S::FORBIDDEN,
            ServiceError::NotFound(_) => S::NOT_FOUND,
            ServiceError::Fields(_) | ServiceError::Invalid(_) => S::UNPROCESSABLE_ENTITY,
            ServiceError::Conflict(_) => S::CONFLICT,
            ServiceError::TooLarge(_) => S::PAYLOAD_TOO_LARGE,
            ServiceError::Unavailable(_) => S::SERVICE_UNAVAILABLE,
            ServiceError::Internal(_) => S::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable name for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Unauthenticated => "unauthenticated",
            ServiceError::Forbidden(_) => "forbidden",
            ServiceError::NotFound(_) => "not_found",
            ServiceError::Fields(_) => "invalid_fields",
            ServiceError::Invalid(_) => "invalid",
            ServiceError::Conflict(_) => "conflict",
            ServiceError::TooLarge(_) => "too_large",
            ServiceError::Unavailable(_) => "unavailable",
            ServiceError::Internal(_) => "internal",
        }
    }

    fn forbidden(action: Action) -> ServiceError {
        ServiceError::Forbidden(action_label(action).to_owned())
    }
}

fn action_label(a: Action) -> &'static str {
    match a {
        Action::Read => "查看",
        Action::ManageTenants => "管理站点",
        Action::ManageAllUsers => "管理全部账号",
        Action::ManageTenantUsers => "管理本站账号",
        Action::EditSettings => "修改站点设置",
        Action::ManageColumns => "管理栏目",
        Action::WriteArticles => "撰写信息",
        Action::PublishDirectly => "直接发布",
        Action::Review => "审核",
        Action::Withdraw => "撤回",
        Action::ReadAudit => "查看审计日志",
        Action::ManageChannels => "管理报送渠道",
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => ServiceError::Unavailable(m),
            StoreError::NotFound(m) => ServiceError::NotFound(m),
            StoreError::Conflict(m) => ServiceError::Conflict(m),
            StoreError::Invalid(p) => ServiceError::Invalid(p.to_string()),
            StoreError::NotAllowed(m) => ServiceError::Invalid(m),
            e @ (StoreError::Corrupt(_) | StoreError::Db(_)) => {
                tracing::error!(error = %e, "store failure");
                ServiceError::Internal(e.to_string())
            }
        }
    }
}

impl From<EditorialError> for ServiceError {
    fn from(e: EditorialError) -> Self {
        match e {
            EditorialError::Fields(f) => ServiceError::Fields(f),
            EditorialError::Workflow(w) => ServiceError::Conflict(workflow_message(&w)),
            EditorialError::Stale { current } => ServiceError::Conflict(format!(
                "这篇信息已被他人修改（现为第 {current} 版），请刷新后再改"
            )),
            EditorialError::Store(s) => s.into(),
        }
    }
}

fn workflow_message(e: &zq_domain::workflow::WorkflowError) -> String {
    use zq_domain::workflow::WorkflowError as W;
    match e {
        W::NotAllowed { state, .. } => format!("当前状态（{}）下不能这样操作", state.label()),
        W::CommentRequired => "退回时请填写意见".into(),
        W::NotDue => "还没到定时发布时间".into(),
    }
}

impl From<UploadError> for ServiceError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::Refused(r) => ServiceError::Invalid(r.to_string()),
            UploadError::Store(s) => s.into(),
        }
    }
}

pub(crate) type Result<T> = std::result::Result<T, ServiceError>;

/// The tenant named `code`, if the caller may do `action` there.
pub(crate) async fn site(
    state: &AppState,
    caller: &Caller,
    code: &str,
    action: Action,
) -> Result<Tenant> {
    let not_found = || ServiceError::NotFound(format!("站点 {code}"));
    let code = TenantCode::parse(code).map_err(|_| not_found())?;
    let tenant = state
        .store()
        .tenant_by_code(&code)
        .await?
        .ok_or_else(not_found)?;
    if !caller.sees(tenant.id) {
        return Err(not_found());
    }
    if !caller.can(action, &tenant) {
        return Err(ServiceError::forbidden(action));
    }
    Ok(tenant)
}

/// Tenants the caller may open, portal first.
pub(crate) async fn sites(state: &AppState, caller: &Caller) -> Result<Vec<Tenant>> {
    Ok(state
        .store()
        .list_tenants()
        .await?
        .into_iter()
        .filter(|t| caller.sees(t.id))
        .collect())
}

/// What may be done to one article by this caller, for the console's buttons.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub(crate) struct Allowed {
    pub edit: bool,
    pub submit: bool,
    pub recall: bool,
    pub approve: bool,
    pub ret: bool,
    pub publish_directly: bool,
    pub withdraw: bool,
}

pub(crate) fn allowed_on(caller: &Caller, tenant: &Tenant, s: WorkflowState) -> Allowed {
    use zq_domain::workflow::transition;
    let ok = |event: &Event| {
        event
            .required_action()
            .is_none_or(|a| caller.can(a, tenant))
            && transition(s, event).is_ok()
    };
    let approve = Event::Approve {
        now: 0,
        publish_at: None,
    };
    Allowed {
        edit: ok(&Event::Edit),
        submit: ok(&Event::Submit),
        recall: ok(&Event::Recall),
        approve: ok(&approve),
        ret: ok(&Event::Return {
            comment: "x".into(),
        }),
        publish_directly: ok(&Event::PublishDirectly {
            now: 0,
            publish_at: None,
        }),
        withdraw: ok(&Event::Withdraw),
    }
}

/// A workflow step asked for by a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Submit,
    Recall,
    /// Publish now, or at the time given (or the time the editor asked for).
    Approve {
        publish_at: Option<DateTime<Utc>>,
    },
    Return {
        comment: String,
    },
    PublishDirectly {
        publish_at: Option<DateTime<Utc>>,
    },
    Withdraw,
}

impl Step {
    /// Parses the step's name as it appears in URLs (`/articles/{id}/{step}`).
    pub fn parse(
        name: &str,
        comment: Option<String>,
        publish_at: Option<DateTime<Utc>>,
    ) -> Option<Step> {
        Some(match name {
            "submit" => Step::Submit,
            "recall" => Step::Recall,
            "approve" => Step::Approve { publish_at },
            "return" => Step::Return {
                comment: comment.unwrap_or_default(),
            },
            "publish" => Step::PublishDirectly { publish_at },
            "withdraw" => Step::Withdraw,
            _ => return None,
        })
    }
}

// ---- articles ----

pub(crate) async fn articles(
    state: &AppState,
    caller: &Caller,
    code: &str,
    filter: Option<WorkflowState>,
    limit: u64,
    offset: u64,
) -> Result<(Tenant, Vec<ArticleListItem>, u64)> {
    let t = site(state, caller, code, Action::Read).await?;
    let (items, total) = state
        .store()
        .editorial_list(t.id, filter, limit.min(200), offset)
        .await?;
    Ok((t, items, total))
}

pub(crate) async fn article(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
) -> Result<(Tenant, EditorialArticle)> {
    let t = site(state, caller, code, Action::Read).await?;
    let a = state.store().editorial_article(t.id, ArticleId(id)).await?;
    Ok((t, a))
}

pub(crate) async fn create_article(
    state: &AppState,
    caller: &Caller,
    code: &str,
    text: ArticleText,
    publish_at: Option<DateTime<Utc>>,
) -> Result<EditorialArticle> {
    let t = site(state, caller, code, Action::WriteArticles).await?;
    Ok(state
        .store()
        .create_draft(t.id, text, publish_at, &caller.who())
        .await?)
}

pub(crate) async fn update_article(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
    text: ArticleText,
    publish_at: Option<DateTime<Utc>>,
    expected_version: Option<i32>,
) -> Result<EditorialArticle> {
    let t = site(state, caller, code, Action::WriteArticles).await?;
    Ok(state
        .store()
        .update_draft(
            t.id,
            ArticleId(id),
            text,
            publish_at,
            expected_version,
            &caller.who(),
        )
        .await?)
}

pub(crate) async fn step(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
    step: Step,
) -> Result<EditorialArticle> {
    let now = Utc::now();
    let store = state.store();
    // Approval without a time of its own keeps the time the editor asked for.
    let requested = |at: Option<DateTime<Utc>>| async move {
        match at {
            Some(at) => Ok::<_, ServiceError>(Some(at)),
            None => Ok(article(state, caller, code, id).await?.1.publish_at),
        }
    };
    let event = match step {
        Step::Submit => Event::Submit,
        Step::Recall => Event::Recall,
        Step::Return { comment } => Event::Return { comment },
        Step::Withdraw => Event::Withdraw,
        Step::Approve { publish_at } => Event::Approve {
            now: now.timestamp(),
            publish_at: requested(publish_at).await?.map(|t| t.timestamp()),
        },
        Step::PublishDirectly { publish_at } => Event::PublishDirectly {
            now: now.timestamp(),
            publish_at: requested(publish_at).await?.map(|t| t.timestamp()),
        },
    };
    let action = event.required_action().unwrap_or(Action::Review);
    let t = site(state, caller, code, action).await?;
    Ok(store
        .article_event(t.id, ArticleId(id), &event, &caller.who())
        .await?)
}

pub(crate) async fn versions(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
) -> Result<Vec<ArticleVersion>> {
    let t = site(state, caller, code, Action::Read).await?;
    Ok(state.store().article_versions(t.id, ArticleId(id)).await?)
}

pub(crate) async fn version_diff(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
    from: i32,
    to: i32,
) -> Result<(ArticleVersion, ArticleVersion, Vec<DiffLine>)> {
    let t = site(state, caller, code, Action::Read).await?;
    let a = state
        .store()
        .article_version(t.id, ArticleId(id), from)
        .await?;
    let b = state
        .store()
        .article_version(t.id, ArticleId(id), to)
        .await?;
    let lines = diff_versions(&a, &b);
    Ok((a, b, lines))
}

pub(crate) async fn restore(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
    version: i32,
) -> Result<EditorialArticle> {
    let t = site(state, caller, code, Action::WriteArticles).await?;
    Ok(state
        .store()
        .restore_version(t.id, ArticleId(id), version, &caller.who())
        .await?)
}

// ---- attachments ----

pub(crate) async fn upload(
    state: &AppState,
    caller: &Caller,
    code: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    let t = site(state, caller, code, Action::WriteArticles).await?;
    Ok(state
        .store()
        .store_attachment(t.id, file_name, bytes, &caller.who())
        .await?)
}

pub(crate) async fn attachments(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> Result<Vec<Attachment>> {
    let t = site(state, caller, code, Action::Read).await?;
    Ok(state.store().attachments(t.id).await?)
}

// ---- site settings, columns, audit ----

pub(crate) async fn columns(state: &AppState, caller: &Caller, code: &str) -> Result<Vec<Column>> {
    let t = site(state, caller, code, Action::Read).await?;
    Ok(state.store().columns(t.id).await?)
}

pub(crate) async fn update_settings(
    state: &AppState,
    caller: &Caller,
    code: &str,
    settings: SiteSettings,
) -> Result<Tenant> {
    let t = site(state, caller, code, Action::EditSettings).await?;
    Ok(state
        .store()
        .update_site_settings(t.id, settings, &caller.who())
        .await?)
}

pub(crate) async fn audit_log(
    state: &AppState,
    caller: &Caller,
    code: &str,
    limit: u64,
) -> Result<Vec<AuditRecord>> {
    let t = site(state, caller, code, Action::ReadAudit).await?;
    Ok(state.store().audit_log(Some(t.id), limit.min(500)).await?)
}

// ---- tokens ----

/// Creates an API token for the caller, within what the caller holds.
pub(crate) async fn create_token(
    state: &AppState,
    caller: &Caller,
    tenant_code: Option<&str>,
    role: &str,
    label: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(ApiToken, String)> {
    let scope = match tenant_code {
        Some(code) => {
            let t = site(state, caller, code, Action::Read).await?;
            let role = role
                .parse()
                .map_err(|e: zq_domain::ParseError| ServiceError::Invalid(e.to_string()))?;
            TokenScope::Tenant(t.id, role)
        }
        None => TokenScope::Cluster(
            role.parse::<ClusterRole>()
                .map_err(|e| ServiceError::Invalid(e.to_string()))?,
        ),
    };
    let granted = caller.grants.restrict_to(scope);
    if granted == Grants::default() {
        return Err(ServiceError::Forbidden(format!("你没有角色 {role}")));
    }
    if expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(ServiceError::Invalid("过期时间必须在将来".into()));
    }
    Ok(state
        .store()
        .create_api_token(caller.user_id, scope, label, expires_at, &caller.who())
        .await?)
}

pub(crate) async fn tokens(state: &AppState, caller: &Caller) -> Result<Vec<ApiToken>> {
    Ok(state.store().api_tokens_of(caller.user_id).await?)
}

pub(crate) async fn revoke_token(state: &AppState, caller: &Caller, id: i64) -> Result<()> {
    Ok(state
        .store()
        .revoke_api_token(caller.user_id, id, &caller.who())
        .await?)
}

/// The caller behind an API token, or `None` if the token is unknown, revoked or expired, or
/// its owner is disabled.
pub(crate) async fn token_caller(
    state: &AppState,
    secret: &str,
    client: Option<String>,
) -> Result<Option<Caller>> {
    let store = state.store();
    let Some(token) = store.api_token(secret, Utc::now()).await? else {
        return Ok(None);
    };
    let Some(user) = store.user_by_id(token.user_id).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let grants = store.grants(user.id).await?.restrict_to(token.scope()?);
    Ok(Some(Caller {
        user_id: user.id,
        login: user.login.to_string(),
        display_name: user.display_name.clone(),
        grants,
        client,
    }))
}

/// The caller behind a signed-in session.
pub(crate) async fn session_caller(
    state: &AppState,
    user: &zq_store::User,
    client: Option<String>,
) -> Result<Caller> {
    Ok(Caller {
        user_id: user.id,
        login: user.login.to_string(),
        display_name: user.display_name.clone(),
        grants: state.store().grants(user.id).await?,
        client,
    })
}
