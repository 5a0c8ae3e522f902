//! The console's pages for one site: article lists and the review queue, the article editor
//! with attachments, the workflow buttons, version history with diff and restore, site
//! settings, attachments and the audit log. Every page goes through `crate::service`, the
//! same code as the JSON API; this module only turns forms into calls and results into views.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Form, FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use zq_domain::ColumnId;
use zq_domain::access::Action;
use zq_domain::article::{ArticleFields, FieldError, check_fields};
use zq_domain::workflow::WorkflowState;
use zq_render::ConsolePage;
use zq_store::{ArticleText, Attachment, EditorialArticle, SiteSettings, Tenant};

use super::{BASE, see_other};
use crate::error::ServiceErrorHttp as _;
use crate::service::{self, Caller, ServiceError, Step, allowed_on, format_local, parse_local};
use crate::{AppState, ClientAddr};

/// Largest editor form: the article plus its attachments.
const MAX_FORM_BYTES: usize = 2 * zq_domain::attachment::MAX_FILE_BYTES + 1024 * 1024;

pub(crate) fn routes() -> Router<AppState> {
    let s = "/console/sites/{code}";
    Router::new()
        .route(s, get(|Path(code): Path<String>| async move { see_other(&format!("{BASE}/sites/{code}/")) }))
        .route(&format!("{s}/"), get(list))
        .route(&format!("{s}/review"), get(review))
        .route(
            &format!("{s}/articles/new"),
            get(new_form).post(create).layer(axum::extract::DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
        .route(
            &format!("{s}/articles/{{id}}"),
            get(show).post(save).layer(axum::extract::DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
        .route(&format!("{s}/articles/{{id}}/versions"), get(versions))
        .route(
            &format!("{s}/articles/{{id}}/versions/{{version}}/restore"),
            post(restore),
        )
        .route(&format!("{s}/articles/{{id}}/{{step}}"), post(step))
        .route(&format!("{s}/settings"), get(settings).post(save_settings))
        .route(&format!("{s}/audit"), get(audit))
        .route(
            &format!("{s}/attachments"),
            get(attachments).post(upload).layer(axum::extract::DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
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
        match super::session(state, &parts.headers).await {
            Ok(Some((_, s))) => {
                match service::session_caller(state.services(), &s.user, client).await {
                    Ok(caller) => Ok(ConsoleCaller {
                        caller,
                        csrf: s.csrf,
                    }),
                    Err(e) => Err(error_page(&e)),
                }
            }
            Ok(None) => Err(see_other(&format!("{BASE}/login"))),
            Err(e) => Err(error_page(&ServiceError::from(e))),
        }
    }
}

impl ConsoleCaller {
    /// A form's CSRF token must be this session's.
    pub(super) fn check_csrf(&self, given: &str) -> Result<(), ServiceError> {
        if given == self.csrf {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(
                "表单已过期，请返回刷新后重试".into(),
            ))
        }
    }
}

/// A failure shown as a small page with a way back.
pub(crate) fn error_page(e: &ServiceError) -> Response {
    crate::error::log_if_ours(e);
    let body = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{status}</title></head><body><main><h1>{msg}</h1><p><a href=\"{BASE}/\">返回我的网站</a></p></main></body></html>",
        status = e.status().as_u16(),
        msg = zq_render::escape_html(&e.to_string()),
    );
    let mut res = (
        e.status(),
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    if matches!(e, ServiceError::Unavailable(_)) {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("5"),
        );
    }
    res
}

/// An operation's failure, answered in the console as [`error_page`].
#[derive(Debug)]
pub(crate) struct PageError(pub ServiceError);

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError(e)
    }
}

impl From<zq_store::StoreError> for PageError {
    fn from(e: zq_store::StoreError) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

/// How a form page is shown: fresh (with a notice after a redirect), or again after a
/// refused submit, with what was typed, the reason and its status.
pub(super) struct Shown<'a> {
    pub form: HashMap<String, String>,
    pub notice: Option<&'a str>,
    pub error: Option<String>,
    pub status: StatusCode,
}

impl<'a> Shown<'a> {
    pub fn fresh(notice: Option<&'a str>) -> Shown<'a> {
        Shown {
            form: HashMap::new(),
            notice,
            error: None,
            status: StatusCode::OK,
        }
    }

    pub fn refused(
        form: HashMap<String, String>,
        e: &ServiceError,
        status: StatusCode,
    ) -> Shown<'a> {
        Shown {
            form,
            notice: None,
            error: Some(e.to_string()),
            status,
        }
    }
}

pub(super) type PageResult = Result<Response, PageError>;

/// Notices shown after a redirect, by code (never text from the request).
pub(super) fn notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "saved" => "已保存。",
        "submitted" => "已保存并送审。",
        "recalled" => "已撤回送审，可继续修改。",
        "approved" => "审核通过。",
        "returned" => "已退回编辑修改。",
        "published" => "已发布。",
        "withdrawn" => "已从网站撤下。",
        "restored" => "已恢复为新版本。",
        "settings" => "网站设置已保存，前台页面即时更新。",
        "uploaded" => "附件已上传。",
        "tenant" => "站点已新建。",
        "status" => "站点状态已更改。",
        "user" => "账号已新建。",
        "role" => "角色已更改。",
        "column" => "栏目已保存，前台页面即时更新。",
        "submitted_report" => "已报送，可在下方查看处理进度。",
        "report_withdrawn" => "已撤回报送。",
        "report_resubmitted" => "已重新报送。",
        "report_adopted" => "已采用。",
        "report_returned" => "已退回报送单位。",
        "report_rejected" => "已标记为不采用。",
        "batch" => "批量处理完成。",
        "channel" => "报送渠道已保存。",
        "channel_deleted" => "报送渠道已删除。",
        "calendar" => "工作日历已保存，办理时限按新的安排计算。",
        "channel_pulled" => "订阅源已拉取，新的信息在接收站点的报送收件箱中。",
        _ => return None,
    })
}

pub(super) fn html(state: &AppState, page: ConsolePage, view: &Value) -> PageResult {
    html_status(state, StatusCode::OK, page, view)
}

pub(super) fn html_status(
    state: &AppState,
    status: StatusCode,
    page: ConsolePage,
    view: &Value,
) -> PageResult {
    let body = state
        .renderer()
        .console_page(page, view)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok((
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response())
}

pub(super) fn status_label(t: &Tenant) -> &'static str {
    match t.status {
        zq_domain::TenantStatus::Active => "运行中",
        zq_domain::TenantStatus::Suspended => "维护中",
        zq_domain::TenantStatus::Archived => "已归档",
    }
}

pub(super) fn site_base(t: &Tenant) -> String {
    format!("{BASE}/sites/{}", t.code)
}

/// What every site page shows: the site, the tabs this person may open, who is signed in.
pub(super) async fn chrome(
    state: &AppState,
    cc: &ConsoleCaller,
    t: &Tenant,
    current: &str,
    notice_code: Option<&str>,
) -> Result<serde_json::Map<String, Value>, ServiceError> {
    let c = &cc.caller;
    let base = site_base(t);
    let pending = state
        .store()
        .editorial_list(t.id, Some(WorkflowState::PendingReview), 0, 0)
        .await?
        .1;
    let policy = service::policy(t);
    let can = |a| zq_domain::access::allowed(&c.grants, a, Some(t.id), policy);
    let mut tabs = vec![
        json!({"label": "全部信息", "url": format!("{base}/"), "current": current == "list", "count": null}),
        json!({"label": "待审核", "url": format!("{base}/review"), "current": current == "review", "count": pending}),
        json!({"label": "附件", "url": format!("{base}/attachments"), "current": current == "attachments", "count": null}),
        json!({"label": "信息报送", "url": format!("{base}/reporting/"), "current": current == "reporting", "count": null}),
    ];
    if can(Action::ManageColumns) {
        tabs.push(json!({"label": "栏目", "url": format!("{base}/columns"), "current": current == "columns", "count": null}));
    }
    if can(Action::ManageTenantUsers) {
        tabs.push(json!({"label": "用户", "url": format!("{base}/users"), "current": current == "users", "count": null}));
    }
    if can(Action::EditSettings) {
        tabs.push(json!({"label": "网站设置", "url": format!("{base}/settings"), "current": current == "settings", "count": null}));
    }
    if can(Action::ReadAudit) {
        tabs.push(json!({"label": "审计日志", "url": format!("{base}/audit"), "current": current == "audit", "count": null}));
    }
    let mut m = serde_json::Map::new();
    m.insert("portal_name".into(), json!(super::portal_name(state)));
    m.insert("base".into(), json!(BASE));
    m.insert("site_base".into(), json!(base));
    m.insert("csrf".into(), json!(cc.csrf));
    m.insert(
        "me".into(),
        json!({"display_name": c.display_name, "login": c.login}),
    );
    m.insert(
        "site".into(),
        json!({
            "code": t.code.as_str(),
            "name": t.name,
            "kind_label": t.kind.label(),
            "status_label": status_label(t),
            "public_url": format!("/sites/{}/", t.code),
        }),
    );
    m.insert("tabs".into(), Value::Array(tabs));
    m.insert("notice".into(), json!(notice(notice_code)));
    m.insert("error".into(), Value::Null);
    Ok(m)
}

#[derive(Debug, Deserialize, Default)]
struct ListQuery {
    state: Option<String>,
    #[serde(default)]
    page: u64,
    notice: Option<String>,
}

const PAGE: u64 = 30;

async fn list(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let filter = q
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse::<WorkflowState>().ok());
    list_page(
        &state,
        &cc,
        &code,
        filter,
        q.page,
        q.notice.as_deref(),
        "list",
    )
    .await
}

async fn review(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    list_page(
        &state,
        &cc,
        &code,
        Some(WorkflowState::PendingReview),
        q.page,
        q.notice.as_deref(),
        "review",
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn list_page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    filter: Option<WorkflowState>,
    page: u64,
    notice_code: Option<&str>,
    current: &str,
) -> PageResult {
    let (t, items, total) = service::articles(
        state.services(),
        &cc.caller,
        code,
        filter,
        PAGE,
        page * PAGE,
    )
    .await?;
    let columns = state.store().columns(t.id).await?;
    let col_name = |id: ColumnId| {
        columns
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let base = site_base(&t);
    let page_url = |p: u64| {
        let mut u = format!(
            "{base}/{}?page={p}",
            if current == "review" { "review" } else { "" }
        );
        if let Some(f) = filter.filter(|_| current != "review") {
            u.push_str(&format!("&state={f}"));
        }
        u
    };
    let mut filters =
        vec![json!({"label": "全部", "url": format!("{base}/"), "current": filter.is_none()})];
    for s in WorkflowState::ALL {
        filters.push(json!({"label": s.label(), "url": format!("{base}/?state={s}"), "current": filter == Some(*s)}));
    }
    let mut v = chrome(state, cc, &t, current, notice_code).await?;
    v.insert(
        "heading".into(),
        json!(if current == "review" {
            "待审核信息"
        } else {
            "信息管理"
        }),
    );
    v.insert(
        "can_write".into(),
        json!(zq_domain::access::allowed(
            &cc.caller.grants,
            Action::WriteArticles,
            Some(t.id),
            service::policy(&t)
        )),
    );
    v.insert("filters".into(), Value::Array(filters));
    v.insert(
        "items".into(),
        Value::Array(
            items
                .iter()
                .map(|a| {
                    json!({
                        "id": a.id,
                        "title": a.title,
                        "column": col_name(a.column_id),
                        "state": a.state,
                        "state_label": a.state.label(),
                        "version": a.version,
                        "updated": format_local(a.updated_at, false),
                        "published": a.published_at.or(a.publish_at).map(|t| format_local(t, false)).unwrap_or_default(),
                    })
                })
                .collect(),
        ),
    );
    v.insert("total".into(), json!(total));
    v.insert(
        "prev_url".into(),
        json!((page > 0).then(|| page_url(page - 1))),
    );
    v.insert(
        "next_url".into(),
        json!(((page + 1) * PAGE < total).then(|| page_url(page + 1))),
    );
    html(state, ConsolePage::Articles, &Value::Object(v))
}

/// The editor's fields as strings, for refilling the form.
#[derive(Debug, Default, Clone, serde::Serialize)]
struct FormValues {
    column_id: i64,
    title: String,
    subtitle: String,
    source: String,
    author: String,
    summary: String,
    body: String,
    doc_number: String,
    index_number: String,
    publish_at: String,
    version: String,
}

impl FormValues {
    fn of(a: &EditorialArticle) -> FormValues {
        let t = &a.text;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        FormValues {
            column_id: t.column_id.0,
            title: t.title.clone(),
            subtitle: s(&t.subtitle),
            source: s(&t.source),
            author: s(&t.author),
            summary: s(&t.summary),
            body: t.body.clone(),
            doc_number: s(&t.doc_number),
            index_number: s(&t.index_number),
            publish_at: a
                .publish_at
                .map(|p| format_local(p, true))
                .unwrap_or_default(),
            version: a.version.to_string(),
        }
    }

    fn from_fields(f: &HashMap<String, String>) -> FormValues {
        let g = |k: &str| f.get(k).cloned().unwrap_or_default();
        FormValues {
            column_id: g("column_id").trim().parse().unwrap_or(0),
            title: g("title"),
            subtitle: g("subtitle"),
            source: g("source"),
            author: g("author"),
            summary: g("summary"),
            body: g("body"),
            doc_number: g("doc_number"),
            index_number: g("index_number"),
            publish_at: g("publish_at"),
            version: g("version"),
        }
    }

    fn text(&self) -> ArticleText {
        let o = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
        ArticleText {
            column_id: ColumnId(self.column_id),
            title: self.title.clone(),
            subtitle: o(&self.subtitle),
            source: o(&self.source),
            author: o(&self.author),
            summary: o(&self.summary),
            body: self.body.clone(),
            doc_number: o(&self.doc_number),
            index_number: o(&self.index_number),
        }
    }
}

struct EditorPage<'a> {
    tenant: &'a Tenant,
    article: Option<&'a EditorialArticle>,
    form: FormValues,
    field_errors: Vec<String>,
    error: Option<String>,
    notice: Option<&'a str>,
}

async fn editor_page(
    state: &AppState,
    cc: &ConsoleCaller,
    p: EditorPage<'_>,
    status: StatusCode,
) -> PageResult {
    let t = p.tenant;
    let c = &cc.caller;
    let columns = state.store().columns(t.id).await?;
    let base = site_base(t);
    let policy = service::policy(t);
    let can = |a| zq_domain::access::allowed(&c.grants, a, Some(t.id), policy);
    let state_now = p.article.map_or(WorkflowState::Draft, |a| a.state);
    let allowed = allowed_on(c, t, state_now);
    let editable = state_now.is_editable() && can(Action::WriteArticles);
    let mut v = chrome(state, cc, t, "list", p.notice).await?;
    v.insert(
        "heading".into(),
        json!(if p.article.is_some() {
            "信息"
        } else {
            "写信息"
        }),
    );
    v.insert("editable".into(), json!(editable));
    v.insert("can_submit".into(), json!(can(Action::WriteArticles)));
    v.insert(
        "can_publish_directly".into(),
        json!(can(Action::PublishDirectly)),
    );
    v.insert(
        "allowed".into(),
        serde_json::to_value(allowed).unwrap_or_default(),
    );
    v.insert(
        "columns".into(),
        Value::Array(
            columns
                .iter()
                .filter(|col| zq_domain::article::column_takes_articles(col.kind))
                .map(|col| json!({"id": col.id, "label": col.name}))
                .collect(),
        ),
    );
    v.insert(
        "column_name".into(),
        json!(
            columns
                .iter()
                .find(|col| col.id.0 == p.form.column_id)
                .map(|col| col.name.clone())
                .unwrap_or_default()
        ),
    );
    v.insert("field_errors".into(), json!(p.field_errors));
    if let Some(e) = p.error {
        v.insert("error".into(), json!(e));
    }
    match p.article {
        Some(a) => {
            let url = format!("{base}/articles/{}", a.id);
            v.insert("action".into(), json!(url));
            v.insert("article_url".into(), json!(url));
            v.insert(
                "article".into(),
                json!({
                    "id": a.id,
                    "state": a.state,
                    "state_label": a.state.label(),
                    "version": a.version,
                    "review_comment": a.review_comment,
                    "publish_at": a.publish_at.map(|t| format_local(t, false)),
                    "published_at": a.published_at.map(|t| format_local(t, false)),
                }),
            );
            v.insert("body_html".into(), json!(a.text.body));
            v.insert(
                "public_url".into(),
                json!(
                    a.state
                        .is_public()
                        .then(|| format!("/sites/{}/art/{}.html", t.code, a.id))
                ),
            );
        }
        None => {
            v.insert("action".into(), json!(format!("{base}/articles/new")));
            v.insert("article_url".into(), json!(""));
            v.insert("article".into(), Value::Null);
            v.insert("body_html".into(), json!(""));
            v.insert("public_url".into(), Value::Null);
        }
    }
    v.insert(
        "form".into(),
        serde_json::to_value(&p.form).unwrap_or_default(),
    );
    html_status(state, status, ConsolePage::Editor, &Value::Object(v))
}

/// The query of a console page: a notice code after a redirect (and, for the editor, the
/// column to preselect).
#[derive(Debug, Deserialize, Default)]
pub(super) struct NoticeQuery {
    pub notice: Option<String>,
    #[serde(default)]
    pub column: Option<i64>,
}

/// A submitted form's fields.
pub(super) type Fields = HashMap<String, String>;

/// One field of a form, empty when absent.
pub(super) fn field(f: &Fields, k: &str) -> String {
    f.get(k).cloned().unwrap_or_default()
}

/// Audit rows as the console's audit tables show them; `site` names the tenant of a row
/// (for the cluster-wide log).
pub(super) fn audit_rows(
    rows: &[zq_store::AuditRecord],
    site: impl Fn(Option<zq_domain::TenantId>) -> String,
) -> Value {
    let short = |h: &Option<String>| {
        h.as_deref()
            .map(|h| h[..h.len().min(12)].to_owned())
            .unwrap_or_else(|| "—".into())
    };
    Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "at": format_local(r.at, false),
                    "site": site(r.entry.tenant),
                    "actor": r.entry.actor.as_ref().map(|(_, l)| l.clone()).unwrap_or_else(|| "system".into()),
                    "action": r.entry.action,
                    "object": r.entry.object,
                    "client": r.entry.client.clone().unwrap_or_default(),
                    "before": short(&r.entry.before_hash),
                    "after": short(&r.entry.after_hash),
                })
            })
            .collect(),
    )
}

async fn new_form(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let t = service::site(state.services(), &cc.caller, &code, Action::WriteArticles).await?;
    let form = FormValues {
        column_id: q.column.unwrap_or(0),
        ..FormValues::default()
    };
    editor_page(
        &state,
        &cc,
        EditorPage {
            tenant: &t,
            article: None,
            form,
            field_errors: Vec::new(),
            error: None,
            notice: None,
        },
        StatusCode::OK,
    )
    .await
}

fn parse_article_id(id: &str) -> Result<i64, ServiceError> {
    id.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ServiceError::NotFound(format!("信息 {id}")))
}

async fn show(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let (t, a) =
        service::article(state.services(), &cc.caller, &code, parse_article_id(&id)?).await?;
    editor_page(
        &state,
        &cc,
        EditorPage {
            tenant: &t,
            article: Some(&a),
            form: FormValues::of(&a),
            field_errors: Vec::new(),
            error: None,
            notice: q.notice.as_deref(),
        },
        StatusCode::OK,
    )
    .await
}

/// A multipart form: its text fields and its files (name, bytes).
struct Parsed {
    fields: HashMap<String, String>,
    files: Vec<(String, Vec<u8>)>,
}

async fn read_multipart(mut m: Multipart) -> Result<Parsed, ServiceError> {
    let too_big = || {
        ServiceError::TooLarge(format!(
            "提交的内容太大：附件合计不能超过 {} MiB",
            MAX_FORM_BYTES / (1024 * 1024)
        ))
    };
    let mut fields = HashMap::new();
    let mut files = Vec::new();
    while let Some(field) = m.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|_| too_big())?;
                if !file_name.is_empty() || !bytes.is_empty() {
                    files.push((file_name, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(|_| too_big())?;
                fields.insert(name, text);
            }
        }
    }
    Ok(Parsed { fields, files })
}

/// Checks every file before anything is stored, so a refused file saves nothing.
fn check_files(files: &[(String, Vec<u8>)]) -> Vec<String> {
    files
        .iter()
        .filter_map(|(name, bytes)| {
            zq_domain::attachment::check(name, bytes)
                .err()
                .map(|e| format!("{}：{e}", name.chars().take(60).collect::<String>()))
        })
        .collect()
}

/// Adds uploaded files to the body: pictures inline, other files as links at the end.
fn append_files(body: &mut String, code: &str, files: &[Attachment]) {
    for a in files {
        let url = format!("/sites/{code}{}", a.public_path());
        let name = zq_render::escape_html(&a.file_name);
        if a.is_image {
            body.push_str(&format!("<p><img src=\"{url}\" alt=\"{name}\"></p>"));
        } else {
            body.push_str(&format!("<p>附件：<a href=\"{url}\">{name}</a></p>"));
        }
    }
}

async fn create(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    multipart: Multipart,
) -> PageResult {
    let t = service::site(state.services(), &cc.caller, &code, Action::WriteArticles).await?;
    save_article(&state, &cc, &t, None, multipart).await
}

async fn save(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    multipart: Multipart,
) -> PageResult {
    let (t, a) =
        service::article(state.services(), &cc.caller, &code, parse_article_id(&id)?).await?;
    save_article(&state, &cc, &t, Some(a), multipart).await
}

async fn save_article(
    state: &AppState,
    cc: &ConsoleCaller,
    t: &Tenant,
    existing: Option<EditorialArticle>,
    multipart: Multipart,
) -> PageResult {
    let parsed = read_multipart(multipart).await?;
    let mut form = FormValues::from_fields(&parsed.fields);
    let redisplay = |form: FormValues, field_errors: Vec<String>, error: Option<String>, status| {
        let article = existing.clone();
        async move {
            editor_page(
                state,
                cc,
                EditorPage {
                    tenant: t,
                    article: article.as_ref(),
                    form,
                    field_errors,
                    error,
                    notice: None,
                },
                status,
            )
            .await
        }
    };
    if parsed.fields.get("csrf") != Some(&cc.csrf) {
        return redisplay(
            form,
            Vec::new(),
            Some("表单已过期（可能已在别处退出），请重新提交。".into()),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let publish_at = parse_local(&form.publish_at);
    let mut errors: Vec<String> = check_fields(&ArticleFields {
        title: &form.title,
        subtitle: Some(form.subtitle.as_str()),
        source: Some(form.source.as_str()),
        author: Some(form.author.as_str()),
        summary: Some(form.summary.as_str()),
        body: &form.body,
        doc_number: Some(form.doc_number.as_str()),
        index_number: Some(form.index_number.as_str()),
    })
    .iter()
    .map(field_message)
    .collect();
    if let Err(m) = &publish_at {
        errors.push(format!("定时发布：{m}"));
    }
    errors.extend(check_files(&parsed.files));
    if !errors.is_empty() {
        return redisplay(form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let publish_at = publish_at.unwrap_or(None);
    let mut uploaded = Vec::new();
    for (name, bytes) in &parsed.files {
        uploaded.push(
            service::upload(state.services(), &cc.caller, t.code.as_str(), name, bytes).await?,
        );
    }
    append_files(&mut form.body, t.code.as_str(), &uploaded);
    let code = t.code.as_str();
    let result = match &existing {
        None => {
            service::create_article(state.services(), &cc.caller, code, form.text(), publish_at)
                .await
        }
        Some(a) => {
            let expected = form.version.trim().parse::<i32>().ok();
            service::update_article(
                state.services(),
                &cc.caller,
                code,
                a.id.0,
                form.text(),
                publish_at,
                expected,
            )
            .await
        }
    };
    let saved = match result {
        Ok(a) => a,
        Err(ServiceError::Fields(f)) => {
            let errs = f.iter().map(field_message).collect();
            return redisplay(form, errs, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e @ (ServiceError::Conflict(_) | ServiceError::Invalid(_))) => {
            let status = e.status();
            return redisplay(form, Vec::new(), Some(e.to_string()), status).await;
        }
        Err(e) => return Err(e.into()),
    };
    let then = parsed.fields.get("then").map(String::as_str);
    let (step, done) = match then {
        Some("submit") => (Some(Step::Submit), "submitted"),
        Some("publish") => (
            Some(Step::PublishDirectly { publish_at: None }),
            "published",
        ),
        _ => (None, "saved"),
    };
    let url = format!("{}/articles/{}", site_base(t), saved.id);
    if let Some(step) = step
        && let Err(e) = service::step(state.services(), &cc.caller, code, saved.id.0, step).await
    {
        // The text is saved; say why the next step did not happen.
        return editor_page(
            state,
            cc,
            EditorPage {
                tenant: t,
                article: Some(&saved),
                form: FormValues::of(&saved),
                field_errors: Vec::new(),
                error: Some(format!("已保存，但未能继续：{e}")),
                notice: None,
            },
            e.status(),
        )
        .await;
    }
    Ok(see_other(&format!("{url}?notice={done}")))
}

fn field_message(e: &FieldError) -> String {
    let label = match e.field {
        "title" => "标题",
        "subtitle" => "副标题",
        "source" => "来源",
        "author" => "作者",
        "summary" => "摘要",
        "body" => "正文",
        "doc_number" => "文号",
        "index_number" => "索引号",
        "column_id" => "栏目",
        "publish_at" => "定时发布",
        other => other,
    };
    format!("{label}：{}", e.message)
}

#[derive(Debug, Deserialize, Default)]
struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    publish_at: Option<String>,
}

async fn step(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id, step)): Path<(String, String, String)>,
    Form(f): Form<StepForm>,
) -> PageResult {
    let id = parse_article_id(&id)?;
    cc.check_csrf(&f.csrf)?;
    let at = parse_local(f.publish_at.as_deref().unwrap_or("")).map_err(ServiceError::Invalid)?;
    let parsed = Step::parse(&step, f.comment, at)
        .ok_or_else(|| ServiceError::NotFound(format!("操作 {step}")))?;
    let done = match &parsed {
        Step::Submit => "submitted",
        Step::Recall => "recalled",
        Step::Approve { .. } => "approved",
        Step::Return { .. } => "returned",
        Step::PublishDirectly { .. } => "published",
        Step::Withdraw => "withdrawn",
    };
    match service::step(state.services(), &cc.caller, &code, id, parsed).await {
        Ok(a) => Ok(see_other(&format!(
            "{BASE}/sites/{code}/articles/{}?notice={done}",
            a.id
        ))),
        Err(e @ (ServiceError::Conflict(_) | ServiceError::Invalid(_))) => {
            let (t, a) = service::article(state.services(), &cc.caller, &code, id).await?;
            editor_page(
                &state,
                &cc,
                EditorPage {
                    tenant: &t,
                    article: Some(&a),
                    form: FormValues::of(&a),
                    field_errors: Vec::new(),
                    error: Some(e.to_string()),
                    notice: None,
                },
                e.status(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, Default)]
struct DiffQuery {
    from: Option<i32>,
    to: Option<i32>,
    notice: Option<String>,
}

async fn versions(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Query(q): Query<DiffQuery>,
) -> PageResult {
    let id = parse_article_id(&id)?;
    let (t, a) = service::article(state.services(), &cc.caller, &code, id).await?;
    let list = service::versions(state.services(), &cc.caller, &code, id).await?;
    let newest = list.first().map_or(1, |v| v.version);
    let to = q.to.unwrap_or(newest);
    let from = q.from.unwrap_or((to - 1).max(1));
    let diff = if from != to {
        Some(
            service::version_diff(state.services(), &cc.caller, &code, id, from, to)
                .await?
                .2,
        )
    } else {
        None
    };
    let users = state.store().list_users().await?;
    let login_of = |u: Option<zq_domain::UserId>| {
        u.and_then(|u| users.iter().find(|x| x.id == u))
            .map(|x| x.display_name.clone())
            .unwrap_or_else(|| "系统".into())
    };
    let mut v = chrome(&state, &cc, &t, "list", q.notice.as_deref()).await?;
    v.insert("title".into(), json!(a.text.title));
    v.insert(
        "article_url".into(),
        json!(format!("{}/articles/{}", site_base(&t), a.id)),
    );
    v.insert(
        "can_restore".into(),
        json!(
            a.state.is_editable()
                && zq_domain::access::allowed(
                    &cc.caller.grants,
                    Action::WriteArticles,
                    Some(t.id),
                    service::policy(&t)
                )
        ),
    );
    v.insert(
        "versions".into(),
        Value::Array(
            list.iter()
                .map(|x| {
                    json!({
                        "version": x.version,
                        "title": x.text.title,
                        "state_label": x.state.label(),
                        "saved_by": login_of(x.saved_by),
                        "saved_at": format_local(x.saved_at, false),
                    })
                })
                .collect(),
        ),
    );
    v.insert("from".into(), json!(from));
    v.insert("to".into(), json!(to));
    v.insert("diff".into(), json!(diff));
    html(&state, ConsolePage::Versions, &Value::Object(v))
}

#[derive(Debug, Deserialize, Default)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn restore(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id, version)): Path<(String, String, String)>,
    Form(f): Form<CsrfOnly>,
) -> PageResult {
    let id = parse_article_id(&id)?;
    cc.check_csrf(&f.csrf)?;
    let version = version
        .parse::<i32>()
        .map_err(|_| ServiceError::NotFound(format!("版本 {version}")))?;
    let a = service::restore(state.services(), &cc.caller, &code, id, version).await?;
    Ok(see_other(&format!(
        "{BASE}/sites/{code}/articles/{}?notice=restored",
        a.id
    )))
}

async fn settings(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let t = service::site(state.services(), &cc.caller, &code, Action::EditSettings).await?;
    settings_page(
        &state,
        &cc,
        &t,
        SiteSettings::of(&t),
        q.notice.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn settings_page(
    state: &AppState,
    cc: &ConsoleCaller,
    t: &Tenant,
    form: SiteSettings,
    notice_code: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let mut v = chrome(state, cc, t, "settings", notice_code).await?;
    v.insert(
        "form".into(),
        serde_json::to_value(&form).unwrap_or_default(),
    );
    if let Some(e) = error {
        v.insert("error".into(), json!(e));
    }
    html_status(state, status, ConsolePage::Settings, &Value::Object(v))
}

async fn save_settings(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let t = service::site(state.services(), &cc.caller, &code, Action::EditSettings).await?;
    let g = |k: &str| f.get(k).cloned();
    let form = SiteSettings {
        name: g("name").unwrap_or_default(),
        sponsor: g("sponsor").unwrap_or_default(),
        site_id: g("site_id"),
        contact: g("contact"),
        logo: g("logo"),
        theme_color: g("theme_color"),
        editors_publish_directly: f.get("editors_publish_directly").is_some_and(|v| v == "on"),
    };
    if f.get("csrf") != Some(&cc.csrf) {
        let e = Some("表单已过期，请重新提交。".into());
        return settings_page(&state, &cc, &t, form, None, e, StatusCode::FORBIDDEN).await;
    }
    match service::update_settings(state.services(), &cc.caller, &code, form.clone()).await {
        Ok(_) => Ok(see_other(&format!(
            "{}/settings?notice=settings",
            site_base(&t)
        ))),
        Err(e @ ServiceError::Invalid(_)) => {
            let status = e.status();
            settings_page(&state, &cc, &t, form, None, Some(e.to_string()), status).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn audit(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
) -> PageResult {
    let rows = service::audit_log(state.services(), &cc.caller, &code, 200).await?;
    let t = service::site(state.services(), &cc.caller, &code, Action::ReadAudit).await?;
    let mut v = chrome(&state, &cc, &t, "audit", None).await?;
    v.insert("rows".into(), audit_rows(&rows, |_| String::new()));
    html(&state, ConsolePage::Audit, &Value::Object(v))
}

async fn attachments(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    attachments_page(
        &state,
        &cc,
        &code,
        q.notice.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn attachments_page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    notice_code: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let files = service::attachments(state.services(), &cc.caller, code).await?;
    let t = service::site(state.services(), &cc.caller, code, Action::Read).await?;
    let mut v = chrome(state, cc, &t, "attachments", notice_code).await?;
    v.insert(
        "can_write".into(),
        json!(zq_domain::access::allowed(
            &cc.caller.grants,
            Action::WriteArticles,
            Some(t.id),
            service::policy(&t)
        )),
    );
    v.insert(
        "files".into(),
        Value::Array(
            files
                .iter()
                .map(|a| {
                    let path = format!("/sites/{code}{}", a.public_path());
                    json!({
                        "name": a.file_name,
                        "content_type": a.content_type,
                        "size": human_size(a.size),
                        "at": format_local(a.created_at, false),
                        "url": path,
                        "path": path,
                    })
                })
                .collect(),
        ),
    );
    if let Some(e) = error {
        v.insert("error".into(), json!(e));
    }
    html_status(state, status, ConsolePage::Attachments, &Value::Object(v))
}

fn human_size(n: i64) -> String {
    match n {
        n if n >= 1024 * 1024 => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
        n if n >= 1024 => format!("{:.0} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

async fn upload(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    multipart: Multipart,
) -> PageResult {
    service::site(state.services(), &cc.caller, &code, Action::WriteArticles).await?;
    let parsed = read_multipart(multipart).await?;
    if parsed.fields.get("csrf") != Some(&cc.csrf) {
        let e = Some("表单已过期，请重新提交。".into());
        return attachments_page(&state, &cc, &code, None, e, StatusCode::FORBIDDEN).await;
    }
    let mut errors = check_files(&parsed.files);
    if parsed.files.is_empty() {
        errors.push("请选择要上传的文件".into());
    }
    if !errors.is_empty() {
        let e = Some(errors.join("；"));
        return attachments_page(
            &state,
            &cc,
            &code,
            None,
            e,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    for (name, bytes) in &parsed.files {
        service::upload(state.services(), &cc.caller, &code, name, bytes).await?;
    }
    Ok(see_other(&format!(
        "{BASE}/sites/{code}/attachments?notice=uploaded"
    )))
}
