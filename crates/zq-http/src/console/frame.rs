//! The console's frame: who is signed in (`ConsoleCaller`, with the session's CSRF token),
//! how a failure is shown (`PageError`), how a form page is shown again after a refused submit
//! (`Shown`), the notices after a redirect, the site frame every per-site page shares (tabs,
//! site, account), and small helpers for forms and audit tables.

use std::collections::HashMap;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use zq_domain::access::Action;
use zq_domain::workflow::WorkflowState;
use zq_render::ConsolePage;
use zq_render::console_view::{Me, OnAir, SiteBadge, SiteFrame, Tab};
use zq_store::Tenant;

use super::BASE;
use crate::AppState;
pub(crate) use crate::auth::ConsoleCaller;
use crate::error::ServiceErrorHttp as _;
use crate::service::{self, ServiceError, format_local};

/// A failure shown as a small page with a way back.
pub(crate) fn error_page(e: &ServiceError) -> Response {
    crate::error::log_if_ours(e);
    let body = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{status}</title></head><body><main><h1>{msg}</h1><p><a href=\"{BASE}/\">返回工作台</a></p></main></body></html>",
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
pub(crate) struct Shown<'a> {
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
        "article_deleted" => "信息已移入回收站，可在回收站中恢复。",
        "article_recovered" => "信息已从回收站恢复，状态与删除前相同。",
        "column_deleted" => "栏目已移入回收站，前台页面即时更新；可在回收站中恢复。",
        "column_recovered" => "栏目已从回收站恢复，前台页面即时更新。",
        "revision_saved" => "修订稿已保存；线上仍是原来的版本。",
        "revision_submitted" => "修订稿已送审；审核通过前线上仍是原来的版本。",
        "revision_recalled" => "已撤回修订稿的送审，可继续修改。",
        "revision_returned" => "修订稿已退回编辑修改；线上仍是原来的版本。",
        "revision_applied" => "修订已发布：线上已更新为新版本，版本历史中记为修订。",
        "revision_discarded" => "已放弃修订稿；线上内容未变。",
        "settings" => "网站设置已保存，前台页面即时更新。",
        "uploaded" => "附件已上传。",
        "tenant" => "站点已新建。",
        "status" => "站点状态已更改。",
        "user" => "账号已新建。",
        "role" => "角色已更改。",
        "unlocked" => "已解除该账号的登录限制，可立即再试。",
        "user_disabled" => "已停用该账号：它不能再登录，已有的登录和 API 令牌随即失效。",
        "user_enabled" => "已启用该账号，可以重新登录。",
        "second_factor_reset" => "已重置该账号的双因素认证，其下次登录时须重新启用。",
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
        "case_step" => "已办理，办理过程已记录。",
        "mailbox" => "信箱已保存，前台写信页即时更新。",
        "clock_rules" => "办理时限已保存，此后收到的事项按新的时限计算。",
        "reply_template" => "常用答复已保存，拟写答复时即可使用。",
        "case_transferred" => "已转办，事项已交承办单位办理。",
        "consult_unpublished" => "已撤回为草稿，前台不再显示。",
        "consult_ended" => "已提前结束，不再接收。",
        "consult_outcome" => "结果已发布，前台页面即时更新。",
        "consult_moderated" => "已审核。",
        "lexicon_added" => "词条已添加，正在后台重新扫描已发布信息。",
        "search_synonym_added" => "同义词组已添加，各节点一秒内生效。",
        "search_synonym_deleted" => "同义词组已删除。",
        "search_best_bet_added" => "推荐结果已添加，各节点一秒内生效。",
        "search_best_bet_deleted" => "推荐结果已删除。",
        "broadcast_made" => "已发布，一秒内在所选网站生效，到结束时间自动撤下。",
        "broadcast_ended" => "已结束，所选网站即时恢复。",
        "certificate_saved" => "证书已检查并保存，一秒内在所有节点生效。",
        "certificate_removed" => "证书已删除。",
        "https_on" => "已开启仅限 HTTPS：HTTP 访问转到 HTTPS，并发送 HSTS。",
        "https_off" => "已关闭仅限 HTTPS。",
        "lexicon_deleted" => "词条已删除，正在后台重新扫描已发布信息。",
        "lexicon_scanned" => "扫描完成，结果见下方。",
        "consult_answered" => "答复已发布，前台访谈页面即时显示。",
        "consult_closed" => "访谈已结束：实录稿件已送审，未答复的提问已转为事项。",
        _ => return None,
    })
}

pub(super) fn html(
    state: &AppState,
    page: ConsolePage,
    view: &impl serde::Serialize,
) -> PageResult {
    html_status(state, StatusCode::OK, page, view)
}

pub(super) fn html_status(
    state: &AppState,
    status: StatusCode,
    page: ConsolePage,
    view: &impl serde::Serialize,
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
        zq_domain::TenantStatus::Preparing => "筹建中",
    }
}

pub(super) fn site_base(t: &Tenant) -> String {
    format!("{BASE}/sites/{}", t.code)
}

/// What every site page shows: the site, the tabs this person may open, who is signed in.
pub(super) async fn site_frame(
    state: &AppState,
    cc: &ConsoleCaller,
    t: &Tenant,
    current: &str,
    notice_code: Option<&str>,
) -> Result<SiteFrame, ServiceError> {
    let c = &cc.caller;
    let base = site_base(t);
    let pending = state
        .store()
        .editorial_list(t.id, Some(WorkflowState::PendingReview), 0, 0)
        .await?
        .1
        + state
            .store()
            .count_revisions(t.id, zq_domain::revision::RevisionState::PendingReview)
            .await?;
    let policy = service::policy(t);
    let can = |a| zq_domain::access::allowed(&c.grants, a, Some(t.id), policy);
    let tab = |label, path: &str, name: &str, count| Tab {
        label,
        url: format!("{base}/{path}"),
        current: current == name,
        count,
    };
    // Content tabs for who may read the site's content; operators see its figures only.
    let mut tabs = if can(Action::Read) {
        vec![
            tab("全部信息", "", "list", None),
            tab("待审核", "review", "review", Some(pending)),
            tab("附件", "attachments", "attachments", None),
            tab("信息报送", "reporting/", "reporting", None),
            tab(
                "互动交流",
                "cases",
                "cases",
                Some(super::cases::open_count(state, t).await?),
            ),
        ]
    } else {
        vec![tab("报送排名", "reporting/ranking", "reporting", None)]
    };
    tabs.push(tab("网站检查", "inspection", "inspection", None));
    tabs.push(tab("访问统计", "visits", "visits", None));
    tabs.push(tab("发稿统计", "statistics", "statistics", None));
    tabs.push(tab("站内搜索", "search", "search", None));
    for (action, label, path) in [
        (Action::ManageColumns, "栏目", "columns"),
        (Action::ManageTenantUsers, "用户", "users"),
        (Action::ManageTenantUsers, "安全报告", "security"),
        (Action::EditSettings, "网站设置", "settings"),
        (Action::ReadAudit, "审计日志", "audit"),
    ] {
        if can(action) {
            tabs.push(tab(label, path, path, None));
        }
    }
    Ok(SiteFrame {
        portal_name: super::portal_name(state),
        base: BASE.to_owned(),
        site_base: base.clone(),
        csrf: cc.csrf.clone(),
        once: super::once::fresh(),
        me: Me {
            display_name: c.display_name.clone(),
            login: c.login.clone(),
        },
        site: SiteBadge {
            code: t.code.as_str().to_owned(),
            name: t.name.clone(),
            kind_label: t.kind.label().to_owned(),
            status_label: status_label(t).to_owned(),
            public_url: format!("/sites/{}/", t.code),
        },
        tabs,
        notice: notice(notice_code),
        error: None,
        on_air: on_air(state, t),
    })
}

/// The office's broadcasts the site shows now: greyscale first, then the notices, gravest first.
fn on_air(state: &AppState, t: &Tenant) -> Vec<OnAir> {
    let snap = state.registry().peek();
    let shown = snap.broadcasts_for(t.id, state.services().now());
    let mourning = shown.mourning_ends.map(|ends| OnAir {
        class: "mourning".into(),
        label: "全站变灰".into(),
        title: String::new(),
        until: format_local(ends, false),
    });
    let notices = shown.notices.iter().map(|n| OnAir {
        class: format!("level-{}", n.level.as_str()),
        label: format!("应急公告（{}）", n.level.label()),
        title: n.title.clone(),
        until: format_local(n.ends_at, false),
    });
    mourning.into_iter().chain(notices).collect()
}

/// The query of a console page: a notice code after a redirect (and, for the editor, the
/// column to preselect).
#[derive(Debug, Deserialize, Default)]
pub(crate) struct NoticeQuery {
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

/// `a=1&ids=2&ids=3` → pairs, keeping repeated keys (checkbox lists).
pub(super) fn url_pairs(raw: &[u8]) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    String::from_utf8_lossy(raw)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// A CSV export as a download named `{name}.csv` (the body already has its BOM). A name with
/// Chinese in it also goes as UTF-8 for browsers (RFC 6266 `filename*`), with its ASCII
/// letters as the plain name for the rest.
pub(super) fn csv_download(name: &str, body: String) -> Response {
    let disposition = if name.is_ascii() {
        format!("attachment; filename=\"{name}.csv\"")
    } else {
        let ascii: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let ascii = match ascii.trim_matches('-') {
            "" => "export",
            a => a,
        };
        let utf8 = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
        format!("attachment; filename=\"{ascii}.csv\"; filename*=UTF-8''{utf8}.csv")
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::url_pairs;

    #[test]
    fn repeated_checkbox_fields_are_all_kept() {
        let p = url_pairs(b"csrf=ab&ids=1&ids=22&comment=%E9%87%8D%E5%A4%8D+x&step=reject");
        let ids: Vec<&str> = p
            .iter()
            .filter(|(k, _)| k == "ids")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(ids, ["1", "22"]);
        assert!(p.contains(&("comment".into(), "重复 x".into())));
    }
}
