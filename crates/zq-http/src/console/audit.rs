//! The console's audit logs — a site's (审计日志 tab) and the whole cluster's (the office) —
//! in Chinese: actions and objects by their labels (`zq_domain::audit_label`) with titles
//! instead of ids, filters by actor, kind of action, object and period, and the same rows as
//! CSV (with the raw codes beside the labels, for whoever processes the file).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use zq_domain::audit_label::{action_label, kind_label, object_label};
use zq_domain::time::{beijing_midnight, format_local};
use zq_domain::{TenantId, csv};
use zq_render::ConsolePage;
use zq_render::console_view::{AuditLine, AuditSearch, AuditView, ClusterAuditView, Picked};
use zq_services::audit::{AuditPage, cluster_log, site_log};
use zq_store::{AuditFilter, AuditRecord};

use super::BASE;
use super::admin::admin_frame;
use super::frame::{ConsoleCaller, PageResult, html, site_frame};
use crate::AppState;

/// Rows a page shows; the CSV export gives up to `zq_services::audit::MAX_ROWS`.
const PAGE_ROWS: u64 = 300;

/// The kinds of action the filter offers, in the order a clerk looks for them.
const KINDS: [&str; 20] = [
    "article",
    "column",
    "attachment",
    "submission",
    "case",
    "consultation",
    "mailbox",
    "site",
    "user",
    "role",
    "login",
    "password",
    "mfa",
    "token",
    "tenant",
    "channel",
    "broadcast",
    "integrity",
    "upload",
    "lexicon",
];

/// The filter as the query string gives it.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl AuditQuery {
    /// The store's filter, or the message for a date that could not be read.
    fn filter(&self) -> (AuditFilter, Option<String>) {
        let mut error = None;
        let mut day = |s: &str, what: &str| -> Option<NaiveDate> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| {
                    error = Some(format!("{what}日期“{s}”无法识别，请用 2026-12-01 的形式"))
                })
                .ok()
        };
        let from = day(&self.from, "开始");
        let to = day(&self.to, "结束");
        let text =
            |s: &str| Some(s.trim().chars().take(80).collect::<String>()).filter(|s| !s.is_empty());
        let filter = AuditFilter {
            actor: text(&self.actor),
            kind: KINDS
                .contains(&self.kind.as_str())
                .then(|| self.kind.clone()),
            object: text(&self.object),
            from: from.map(beijing_midnight),
            to: to.and_then(|d| d.succ_opt()).map(beijing_midnight),
        };
        (filter, error)
    }

    fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("actor", self.actor.trim()),
            ("kind", self.kind.trim()),
            ("object", self.object.trim()),
            ("from", self.from.trim()),
            ("to", self.to.trim()),
        ])
        .unwrap_or_default()
    }

    fn search(&self, action: String, rows: usize, error: Option<String>) -> AuditSearch {
        let filtered = [&self.actor, &self.kind, &self.object, &self.from, &self.to]
            .iter()
            .any(|s| !s.trim().is_empty());
        AuditSearch {
            csv_url: format!("{action}.csv?{}", self.query_string()),
            action,
            actor: self.actor.clone(),
            object: self.object.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            kinds: KINDS
                .iter()
                .map(|k| Picked {
                    value: (*k).to_owned(),
                    label: kind_label(k).unwrap_or("其他").to_owned(),
                    selected: self.kind == *k,
                })
                .collect(),
            filtered,
            limited: rows as u64 >= PAGE_ROWS,
            error,
        }
    }
}

/// Who acted, as the log shows it: the login, or 命令行（root）, 公众, 系统.
fn actor_of(r: &AuditRecord) -> String {
    let client = r.entry.client.as_deref().unwrap_or_default();
    match &r.entry.actor {
        Some((_, login)) => login.clone(),
        None => match client.split_once(':') {
            Some(("cli", user)) => format!("命令行（{user}）"),
            Some(("public", _)) => "公众".into(),
            _ => "系统".into(),
        },
    }
}

/// Where from: the address (without the `cli:` / `public:` marks of the stored row).
fn client_of(r: &AuditRecord) -> String {
    let client = r.entry.client.as_deref().unwrap_or_default();
    match client.split_once(':') {
        Some(("cli", _)) => "服务器命令行".into(),
        Some(("public", addr)) => addr.to_owned(),
        _ => client.to_owned(),
    }
}

fn object_of(r: &AuditRecord, titles: &HashMap<String, String>) -> String {
    object_label(
        &r.entry.object,
        titles.get(&r.entry.object).map(String::as_str),
    )
}

/// Audit rows as the console's tables show them; `site` names the tenant of a row (for the
/// cluster-wide log).
pub(super) fn lines(page: &AuditPage, site: impl Fn(Option<TenantId>) -> String) -> Vec<AuditLine> {
    let short = |h: &Option<String>| {
        h.as_deref()
            .map(|h| h[..h.len().min(12)].to_owned())
            .unwrap_or_else(|| "—".into())
    };
    page.rows
        .iter()
        .map(|r| AuditLine {
            at: format_local(r.at, false),
            site: site(r.entry.tenant),
            actor: actor_of(r),
            action: action_label(&r.entry.action).into_owned(),
            object: object_of(r, &page.titles),
            client: client_of(r),
            before: short(&r.entry.before_hash),
            after: short(&r.entry.after_hash),
            note: r.entry.note.clone().unwrap_or_default(),
        })
        .collect()
}

/// The rows as CSV, labels and codes side by side.
fn csv_of(page: &AuditPage, site: impl Fn(Option<TenantId>) -> String, name: &str) -> Response {
    let mut out = String::from(csv::BOM);
    out.push_str(&csv::row(&[
        "时间",
        "站点",
        "操作人",
        "操作",
        "操作代码",
        "对象",
        "对象代码",
        "来源地址",
        "内容指纹（前）",
        "内容指纹（后）",
        "说明",
    ]));
    for r in &page.rows {
        out.push_str(&csv::row(&[
            format_local(r.at, false),
            site(r.entry.tenant),
            actor_of(r),
            action_label(&r.entry.action).into_owned(),
            r.entry.action.clone(),
            object_of(r, &page.titles),
            r.entry.object.clone(),
            client_of(r),
            r.entry.before_hash.clone().unwrap_or_default(),
            r.entry.after_hash.clone().unwrap_or_default(),
            r.entry.note.clone().unwrap_or_default(),
        ]));
    }
    super::frame::csv_download(name, out)
}

/// `GET /console/sites/{code}/audit`.
pub(crate) async fn site(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let (filter, error) = q.filter();
    let (t, page) = site_log(state.services(), &cc.caller, &code, &filter, PAGE_ROWS).await?;
    let rows = lines(&page, |_| String::new());
    let view = AuditView {
        frame: site_frame(&state, &cc, &t, "audit", None).await?,
        search: q.search(format!("{BASE}/sites/{}/audit", t.code), rows.len(), error),
        rows,
    };
    html(&state, ConsolePage::Audit, &view)
}

/// `GET /console/sites/{code}/audit.csv`.
pub(crate) async fn site_csv(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let (filter, _) = q.filter();
    let limit = zq_services::audit::MAX_ROWS;
    let (t, page) = site_log(state.services(), &cc.caller, &code, &filter, limit).await?;
    Ok(csv_of(
        &page,
        |_| t.name.clone(),
        &format!("audit-{}", t.code),
    ))
}

async fn tenant_names(
    state: &AppState,
) -> Result<HashMap<TenantId, String>, zq_services::ServiceError> {
    Ok(state
        .store()
        .list_tenants()
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// `GET /console/admin/audit`.
pub(crate) async fn cluster(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let (filter, error) = q.filter();
    let page = cluster_log(state.services(), &cc.caller, &filter, PAGE_ROWS).await?;
    let names = tenant_names(&state).await?;
    let rows = lines(&page, |t| {
        t.and_then(|t| names.get(&t).cloned()).unwrap_or_default()
    });
    let view = ClusterAuditView {
        frame: admin_frame(&state, &cc, "audit", None),
        search: q.search(format!("{BASE}/admin/audit"), rows.len(), error),
        rows,
    };
    html(&state, ConsolePage::ClusterAudit, &view)
}

/// `GET /console/admin/audit.csv`.
pub(crate) async fn cluster_csv(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let (filter, _) = q.filter();
    let limit = zq_services::audit::MAX_ROWS;
    let page = cluster_log(state.services(), &cc.caller, &filter, limit).await?;
    let names = tenant_names(&state).await?;
    Ok(csv_of(
        &page,
        |t| t.and_then(|t| names.get(&t).cloned()).unwrap_or_default(),
        "audit-cluster",
    ))
}
