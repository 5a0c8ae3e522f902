//! The console's landing page, the 工作台 (我的待办): the lists of `zq_services::desk` — my
//! drafts and returned articles, articles waiting for my review, reporting items returned to
//! my sites or waiting for my decision, columns behind their update duty — then the cases due
//! soon, the inspection's warnings and the table of my sites (for the office every site, the
//! portal first, with its last update and what it has pending). This module only turns the
//! service's figures into the page's lines and links.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use zq_domain::TenantId;
use zq_domain::access::{Action, ClusterRole};
use zq_domain::inspection::{HOME_STALE_DAYS, days_between};
use zq_domain::time::format_local;
use zq_render::view::{ConsoleHomeView, ConsoleSite, DeskLine, DeskList, DutyLine};
use zq_services::desk::{Desk, DeskSite, Listed};
use zq_store::{DeskArticle, Submission, Tenant};

use super::{BASE, Result, portal_name, role_label, see_other};
use crate::AppState;
use crate::auth::session;

/// The most columns the duty list shows (the rest are on each site's 网站检查 page).
const DUTY_LINES: usize = 20;

/// Every tenant's code and name, for the other side of a reporting item.
type Names = HashMap<TenantId, (String, String)>;

fn site_url(code: &str) -> String {
    format!("{BASE}/sites/{code}")
}

/// "2026-12-03 14:20".
fn when(t: DateTime<Utc>) -> String {
    format_local(t, false)
}

/// The one site a list covers, for its "全部" link; `None` when it spans several.
fn only_site(sites: &[&Tenant]) -> Option<String> {
    match sites {
        [one] => Some(site_url(one.code.as_str())),
        _ => None,
    }
}

fn article_list(list: Listed<DeskArticle>, names: &Names, more: Option<String>) -> DeskList {
    DeskList {
        lines: list
            .items
            .into_iter()
            .map(|a| {
                let (code, site) = names.get(&a.tenant_id).cloned().unwrap_or_default();
                DeskLine {
                    title: a.title,
                    url: format!("{}/articles/{}", site_url(&code), a.id),
                    site,
                    when: when(a.updated_at),
                    note: a.review_comment.filter(|c| !c.trim().is_empty()),
                    state_label: a.state.label().to_owned(),
                }
            })
            .collect(),
        total: list.total,
        more_url: more,
    }
}

/// Reporting items: `outbox` items link from the sender's side and name the receiver,
/// received items the other way round.
fn report_list(
    list: Listed<Submission>,
    names: &Names,
    outbox: bool,
    more: Option<String>,
) -> DeskList {
    DeskList {
        lines: list
            .items
            .into_iter()
            .map(|s| {
                let (mine, other) = if outbox {
                    (s.sender, s.receiver)
                } else {
                    (s.receiver, s.sender)
                };
                let code = names.get(&mine).map(|n| n.0.clone()).unwrap_or_default();
                let site = names.get(&other).map(|n| n.1.clone()).unwrap_or_default();
                DeskLine {
                    title: s.title,
                    url: format!("{}/reporting/{}", site_url(&code), s.id),
                    site,
                    when: when(s.submitted_at),
                    note: s.decision_comment.filter(|c| !c.trim().is_empty()),
                    state_label: s.state.label().to_owned(),
                }
            })
            .collect(),
        total: list.total,
        more_url: more,
    }
}

/// "2026-12-01（2 天前）", "从未发布".
fn last_update_label(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match last {
        None => "从未发布".into(),
        Some(t) => match days_between(t, now) {
            0 => format!("{}（今天）", when(t)),
            d => format!("{}（{d} 天前）", when(t)),
        },
    }
}

/// The columns behind or close to their duty over all the sites, behind first and the
/// longest behind at the top.
fn duty_lines(desk: &Desk, caller: &zq_services::Caller) -> Vec<DutyLine> {
    let mut all: Vec<(i64, DutyLine)> = Vec::new();
    for s in &desk.sites {
        let Some(r) = &s.report else { continue };
        let code = s.tenant.code.as_str();
        let writes = caller.can(Action::WriteArticles, &s.tenant);
        for d in r.duty.behind.iter().chain(&r.duty.due) {
            let (url, url_label) = if writes {
                (
                    format!("{}/articles/new?column={}", site_url(code), d.id),
                    "写信息".to_owned(),
                )
            } else {
                (format!("{}/inspection", site_url(code)), "查看".to_owned())
            };
            all.push((
                d.days_left,
                DutyLine {
                    site: s.tenant.name.clone(),
                    path: d.path.clone(),
                    detail: d.detail(),
                    behind: d.is_behind(),
                    url,
                    url_label,
                },
            ));
        }
    }
    all.sort_by_key(|(left, _)| *left);
    all.into_iter().take(DUTY_LINES).map(|(_, l)| l).collect()
}

/// The indicators of a site failing or warning now, one line each.
fn alerts_of(r: &zq_services::inspection::SiteReport) -> Vec<String> {
    use zq_domain::inspection::Status;
    r.indicators
        .iter()
        .filter(|i| matches!(i.status, Status::Warn | Status::Fail))
        .map(|i| {
            let first = i
                .evidence
                .first()
                .map(|e| format!("，如“{}”{}", e.what, e.detail))
                .unwrap_or_default();
            format!("{}：{}（{}）{first}", i.name, i.value, i.status.label())
        })
        .collect()
}

fn site_row(
    s: &DeskSite,
    caller: &zq_services::Caller,
    cases: &HashMap<TenantId, zq_domain::interaction::stats::OpenCounts>,
    now: DateTime<Utc>,
) -> ConsoleSite {
    let t = &s.tenant;
    let code = t.code.as_str();
    let can_read = caller.can(Action::Read, t);
    let vetoed = s
        .report
        .as_ref()
        .is_some_and(|r| !r.score.vetoes.is_empty());
    // The office sees every site: only those failing a veto item here, the rest on its
    // scorecard.
    let alerts = s
        .report
        .as_ref()
        .filter(|_| !caller.sees_everything() || vetoed)
        .map(alerts_of)
        .unwrap_or_default();
    let mut roles: Vec<String> = caller
        .grants
        .roles_on(t.id)
        .map(|r| role_label(r).to_owned())
        .collect();
    if roles.is_empty() {
        roles.push(match caller.grants.cluster {
            Some(ClusterRole::ClusterAdmin) => "集群管理员".into(),
            _ => "只读".into(),
        });
    }
    let n = cases.get(&t.id).copied().unwrap_or_default();
    let last = s.report.as_ref().and_then(|r| r.last_update);
    let duty = s.report.as_ref().map(|r| &r.duty);
    ConsoleSite {
        code: code.to_owned(),
        name: t.name.clone(),
        kind_label: t.kind.label().to_owned(),
        status_label: match t.status {
            zq_domain::TenantStatus::Active => "运行中",
            zq_domain::TenantStatus::Suspended => "维护中",
            zq_domain::TenantStatus::Archived => "已归档",
            zq_domain::TenantStatus::Preparing => "筹建中",
        }
        .to_owned(),
        roles,
        public_url: format!("/sites/{code}/"),
        console_url: if can_read {
            format!("{}/", site_url(code))
        } else {
            format!("{}/inspection", site_url(code))
        },
        can_read,
        last_update: last_update_label(last, now),
        home_stale: last.is_none_or(|l| days_between(l, now) >= HOME_STALE_DAYS),
        duty_with: duty.map_or(0, |d| d.with_duty),
        duty_behind: duty.map_or(0, |d| d.behind.len()),
        duty_due: duty.map_or(0, |d| d.due.len()),
        drafts: s.drafts,
        pending_review: s.pending_review,
        returned: s.returned,
        reports_waiting: s.reports_waiting,
        review_url: format!("{}/review", site_url(code)),
        reports_url: format!("{}/reporting/inbox", site_url(code)),
        cases_open: n.open,
        cases_due_soon: n.due_soon,
        cases_overdue: n.overdue,
        cases_url: format!("{}/cases", site_url(code)),
        inspection_url: format!("{}/inspection", site_url(code)),
        vetoed,
        alerts,
    }
}

pub(crate) async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let Some((_, s)) = session(&state, &headers).await? else {
        return Ok(see_other(&format!("{BASE}/login")));
    };
    let caller = zq_services::session_caller(state.services(), &s.user, None).await?;
    if let Some(page) = crate::auth::required_step(&state, &caller, &format!("{BASE}/")).await? {
        return Ok(see_other(page));
    }
    let svc = state.services();
    let now = svc.now();
    let desk = zq_services::desk::desk(svc, &caller).await?;
    // What each site has waiting: the due-soon and overdue cases come first on this page.
    // The page still opens when they cannot be read (the sites' pages show the same counts).
    let cases: HashMap<TenantId, zq_domain::interaction::stats::OpenCounts> =
        crate::service::interaction::open_counts_by_tenant(svc)
            .await
            .map(|v| v.into_iter().map(|(t, n)| (t.id, n)).collect())
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "reading the case counts for the start page failed");
                HashMap::new()
            });
    let names: Names = state
        .store()
        .list_tenants()
        .await?
        .into_iter()
        .map(|t| (t.id, (t.code.to_string(), t.name)))
        .collect();
    let only = |ids: &[TenantId]| -> Option<String> {
        let sites: Vec<&Tenant> = ids.iter().filter_map(|id| desk.site(*id)).collect();
        only_site(&sites)
    };
    let writes = only(&desk.write_sites);
    let reviews = only(&desk.review_sites);
    let sites: Vec<ConsoleSite> = desk
        .sites
        .iter()
        .map(|s| site_row(s, &caller, &cases, now))
        .collect();
    let duty = duty_lines(&desk, &caller);
    let (duty_with, duty_behind) = desk.duty_totals();
    let duty_due = sites.iter().map(|s| s.duty_due).sum();
    let view = ConsoleHomeView {
        portal_name: portal_name(&state),
        display_name: s.user.display_name.clone(),
        login: s.user.login.to_string(),
        cluster_role: caller
            .grants
            .cluster
            .map(|r| super::cluster_role_label(r).to_owned()),
        drafts: article_list(
            desk.drafts,
            &names,
            writes.as_ref().map(|u| format!("{u}/?state=draft")),
        ),
        returned: article_list(
            desk.returned,
            &names,
            writes.as_ref().map(|u| format!("{u}/?state=returned")),
        ),
        to_review: article_list(
            desk.to_review,
            &names,
            reviews.as_ref().map(|u| format!("{u}/review")),
        ),
        reports_waiting: report_list(
            desk.reports_waiting,
            &names,
            false,
            writes.as_ref().map(|u| format!("{u}/reporting/inbox")),
        ),
        reports_returned: report_list(
            desk.reports_returned,
            &names,
            true,
            writes.as_ref().map(|u| format!("{u}/reporting/")),
        ),
        sites,
        duty,
        duty_with,
        duty_behind,
        duty_due,
        csrf: s.csrf.clone(),
        base: BASE.to_owned(),
    };
    let body = state.renderer().console_home(&view)?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}
