//! The security report in the console: 集群管理 → 安全报告 for the office and operators, and
//! a site's 安全报告 tab for its administrators. The figures come from
//! `crate::service::security_report`; this module adds what only the HTTP layer knows (the
//! certificates served, this node's rate-limit hits) and shapes the page.

use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use zq_domain::access::Action;
use zq_domain::tls::{self as rules, Expiry};
use zq_render::ConsolePage;
use zq_render::console_view::{
    ClusterSecurityView, SecurityAccount, SecurityBody, SecurityCertificate, SecurityEvent,
    SecurityJob, SiteSecurityView,
};
use zq_store::{AuditRecord, JobRecord};

use super::admin::admin_frame;
use super::frame::{ConsoleCaller, PageResult, html, site_frame};
use crate::AppState;
use crate::service::security_report::{self, Report};
use crate::service::{self, format_local};

fn events(rows: &[AuditRecord]) -> Vec<SecurityEvent> {
    rows.iter()
        .map(|r| SecurityEvent {
            at: format_local(r.at, false),
            actor: r
                .entry
                .actor
                .as_ref()
                .map(|(_, l)| l.clone())
                .or_else(|| r.entry.client.clone())
                .unwrap_or_else(|| "系统".into()),
            action: zq_domain::audit_label::action_label(&r.entry.action).into_owned(),
            object: zq_domain::audit_label::object_label(&r.entry.object, None),
        })
        .collect()
}

fn job(j: Option<&JobRecord>, now: DateTime<Utc>) -> SecurityJob {
    match j.and_then(|j| j.finished_at.map(|at| (j, at))) {
        Some((j, at)) => SecurityJob {
            last: format!("最近一次 {}", format_local(at, false)),
            age_hours: Some((now - at).num_hours()),
            error: j.last_error.clone(),
        },
        None => SecurityJob {
            last: "尚未运行".into(),
            age_hours: None,
            error: None,
        },
    }
}

/// The certificates served that cover one of `hosts` (all of them when `None`).
fn certificates(
    state: &AppState,
    hosts: Option<&[String]>,
    now: DateTime<Utc>,
) -> Vec<SecurityCertificate> {
    state
        .certificates()
        .entries()
        .iter()
        .filter(|e| {
            hosts.is_none_or(|hs| {
                hs.iter()
                    .any(|h| rules::coverage(&e.cert.names, h).is_some())
            })
        })
        .map(|e| {
            let expiry = Expiry::at(e.cert.not_after, now);
            SecurityCertificate {
                name: e.cert.name.clone(),
                names: e.cert.names.join("、"),
                not_after: format_local(e.cert.not_after, false),
                days_left: rules::days_left(e.cert.not_after, now),
                expiry: expiry.as_str(),
                expiry_label: expiry.label(),
            }
        })
        .collect()
}

fn body(state: &AppState, r: &Report) -> SecurityBody {
    let (required, enrolled) = r.coverage();
    let hosts: Option<Vec<String>> = r
        .site
        .as_ref()
        .map(|t| t.hosts.iter().map(|h| h.as_str().to_owned()).collect());
    SecurityBody {
        accounts: r
            .accounts
            .iter()
            .map(|a| SecurityAccount {
                login: a.login.clone(),
                display_name: a.display_name.clone(),
                roles: a.roles.clone(),
                required: a.required,
                enrolled: a.enrolled,
                disabled: a.disabled,
            })
            .collect(),
        required,
        enrolled,
        failed_day: r.failed_signins.0,
        failed_week: r.failed_signins.1,
        second_factor_failures: r.second_factor_failures,
        rate_limited: state.metrics().rate_limited_counts(),
        admin_count: r.admin_action_count,
        admin_actions: events(&r.admin_actions),
        certificates: certificates(state, hosts.as_deref(), r.now),
        https_only: r.site.as_ref().map(|t| t.https_only),
        integrity: job(r.integrity_job.as_ref(), r.now),
        integrity_findings: events(&r.integrity_findings),
        scanner: r.scanner.clone(),
        malware_refused: events(&r.malware_refused),
        backup: job(r.backup_job.as_ref(), r.now),
        listening_tls: state.config().tls.is_some(),
    }
}

/// `GET /console/admin/security`.
pub(crate) async fn cluster(State(state): State<AppState>, cc: ConsoleCaller) -> PageResult {
    let r = security_report::report(state.services(), &cc.caller, None).await?;
    let view = ClusterSecurityView {
        frame: admin_frame(&state, &cc, "security", None),
        report: body(&state, &r),
    };
    html(&state, ConsolePage::ClusterSecurity, &view)
}

/// `GET /console/sites/{code}/security`.
pub(crate) async fn site(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
) -> PageResult {
    let r = security_report::report(state.services(), &cc.caller, Some(&code)).await?;
    let t = service::site(
        state.services(),
        &cc.caller,
        &code,
        Action::ManageTenantUsers,
    )
    .await?;
    let view = SiteSecurityView {
        frame: site_frame(&state, &cc, &t, "security", None).await?,
        report: body(&state, &r),
    };
    html(&state, ConsolePage::SiteSecurity, &view)
}
