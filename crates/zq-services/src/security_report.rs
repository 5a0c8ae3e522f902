//! The security report (issue 15, deliver 6), for one site (its site admins) or the cluster
//! (the office and operators): which accounts must sign in with a second factor and which have
//! enrolled, failed sign-ins and second-factor failures, administrative actions, the integrity
//! scan's last run and findings, and the scheduled backup's last run — all read from the
//! store and the audit log, so every node shows the same. The HTTP layer adds what only it
//! knows (certificates served, rate-limit hits on this node).

use chrono::{DateTime, Duration, Utc};
use zq_domain::TenantId;
use zq_domain::access::{Action, Grants};
use zq_domain::security::is_administrative;
use zq_store::{AuditRecord, JobRecord, Tenant};

use crate::{Caller, Result, ServiceError, Services};

/// One account and its second factor.
#[derive(Debug, Clone)]
pub struct AccountLine {
    pub login: String,
    pub display_name: String,
    /// Its roles, as a person reads them.
    pub roles: String,
    /// Its roles require a second factor (`security.second_factor_roles`).
    pub required: bool,
    pub enrolled: bool,
    pub disabled: bool,
}

/// The report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The site reported on; `None` for the cluster.
    pub site: Option<Tenant>,
    pub now: DateTime<Utc>,
    pub accounts: Vec<AccountLine>,
    /// Failed sign-ins of these accounts (the cluster: of anyone) in 24 hours and 7 days.
    pub failed_signins: (u64, u64),
    /// Wrong second-factor codes in 7 days.
    pub second_factor_failures: u64,
    /// Administrative actions in 7 days, newest first (at most 50 shown).
    pub admin_actions: Vec<AuditRecord>,
    pub admin_action_count: usize,
    /// Integrity repairs (`integrity.*`) in 30 days.
    pub integrity_findings: Vec<AuditRecord>,
    pub integrity_job: Option<JobRecord>,
    pub backup_job: Option<JobRecord>,
    /// Where uploads are scanned (`security.clamd`); `None`: they are not.
    pub scanner: Option<String>,
    /// Uploads refused for malware (`upload.infected`) in 30 days.
    pub malware_refused: Vec<AuditRecord>,
}

impl Report {
    /// Accounts that must use a second factor, and of them those enrolled.
    pub fn coverage(&self) -> (usize, usize) {
        let required: Vec<&AccountLine> = self
            .accounts
            .iter()
            .filter(|a| a.required && !a.disabled)
            .collect();
        let enrolled = required.iter().filter(|a| a.enrolled).count();
        (required.len(), enrolled)
    }
}

fn role_names(g: &Grants, site: Option<TenantId>) -> String {
    let mut names: Vec<&str> = Vec::new();
    if let Some(c) = g.cluster {
        names.push(match c {
            zq_domain::access::ClusterRole::ClusterAdmin => "集群管理员",
            zq_domain::access::ClusterRole::Operator => "运维",
        });
    }
    for (t, r) in &g.bindings {
        if site.is_none_or(|s| s == *t) {
            names.push(match r {
                zq_domain::access::TenantRole::SiteAdmin => "站点管理员",
                zq_domain::access::TenantRole::Editor => "编辑",
                zq_domain::access::TenantRole::Reviewer => "审核员",
            });
        }
    }
    names.sort_unstable();
    names.dedup();
    names.join("、")
}

/// The report of the site `code` (its site admins and the office) or, with `None`, of the
/// cluster (the office and operators).
pub async fn report(svc: &Services, caller: &Caller, code: Option<&str>) -> Result<Report> {
    let site = match code {
        Some(c) => Some(crate::site(svc, caller, c, Action::ManageTenantUsers).await?),
        None => {
            if caller.grants.cluster.is_none() {
                return Err(ServiceError::forbidden(Action::ManageTenants));
            }
            None
        }
    };
    let store = svc.store();
    let now = svc.now();
    let scope = site.as_ref().map(|t| t.id);
    let users = match &site {
        Some(t) => store
            .tenant_users(t.id)
            .await?
            .into_iter()
            .map(|(u, _)| u)
            .collect(),
        None => store.list_users().await?,
    };
    let mut accounts = Vec::with_capacity(users.len());
    for u in &users {
        let grants = store.grants(u.id).await?;
        accounts.push(AccountLine {
            login: u.login.to_string(),
            display_name: u.display_name.clone(),
            roles: role_names(&grants, scope),
            required: svc.second_factor_roles().required(&grants),
            enrolled: crate::second_factor::enrolled(svc, u.id).await?,
            disabled: u.disabled,
        });
    }
    let week = now - Duration::days(7);
    let day = now - Duration::days(1);
    let recent = store
        .audit_since(scope, now - Duration::days(30), 5000)
        .await?;
    let (failed_signins, second_factor_failures) = match &site {
        Some(_) => {
            let logins: Vec<String> = accounts
                .iter()
                .map(|a| format!("login:{}", a.login))
                .collect();
            let users: Vec<String> = accounts
                .iter()
                .map(|a| format!("user:{}", a.login))
                .collect();
            (
                (
                    store.audit_count_on("login.failed", &logins, day).await?,
                    store.audit_count_on("login.failed", &logins, week).await?,
                ),
                store
                    .audit_count_on("login.second_factor_failed", &users, week)
                    .await?,
            )
        }
        None => {
            let count = |action: &str, since: DateTime<Utc>| {
                recent
                    .iter()
                    .filter(|r| r.entry.action == action && r.at >= since)
                    .count() as u64
            };
            (
                (count("login.failed", day), count("login.failed", week)),
                count("login.second_factor_failed", week),
            )
        }
    };
    let admin: Vec<AuditRecord> = recent
        .iter()
        .filter(|r| r.at >= week && is_administrative(&r.entry.action))
        .cloned()
        .collect();
    let integrity_findings = recent
        .iter()
        .filter(|r| r.entry.action.starts_with("integrity."))
        .cloned()
        .collect();
    let malware_refused = recent
        .iter()
        .filter(|r| r.entry.action == "upload.infected")
        .cloned()
        .collect();
    let jobs = store.job_records().await?;
    let job = |name: &str| jobs.iter().find(|j| j.name == name).cloned();
    Ok(Report {
        site,
        now,
        accounts,
        failed_signins,
        second_factor_failures,
        admin_action_count: admin.len(),
        admin_actions: admin.into_iter().take(50).collect(),
        integrity_findings,
        integrity_job: job("integrity_scan"),
        backup_job: job("scheduled_backup"),
        scanner: svc.clamd().map(|c| c.describe()),
        malware_refused,
    })
}
