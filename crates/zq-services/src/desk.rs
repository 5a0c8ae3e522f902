//! The 工作台 (my to-do list), the console's landing page: what is waiting for this person
//! across the sites they work on — their drafts and returned articles, articles waiting for
//! their review, reporting items returned to their sites or waiting for their decision — and,
//! per site, the last update, the columns behind their update duty or close to it, and the
//! pending counts. The office sees every site this way, the portal first. Read-only; each
//! list is cut to the sites where the person may act on it (`zq_domain::access`).

use std::collections::HashMap;

use zq_domain::access::{Action, ClusterRole};
use zq_domain::reporting::SubmissionState;
use zq_domain::workflow::WorkflowState;
use zq_domain::{TenantId, TenantKind};
use zq_store::{DeskArticle, DeskQuery, Submission, Tenant};

use crate::inspection::{SiteReport, reports_of};
use crate::{Caller, Result, Services, sites};

/// How many lines each list of the 工作台 shows (the total links to the full list).
pub const DESK_LINES: u64 = 10;

/// A list cut to [`DESK_LINES`], with how many there are in all.
#[derive(Debug, Clone)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub total: u64,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Listed {
            items: Vec::new(),
            total: 0,
        }
    }
}

impl<T> From<(Vec<T>, u64)> for Listed<T> {
    fn from((items, total): (Vec<T>, u64)) -> Self {
        Listed { items, total }
    }
}

/// One site as the 工作台 shows it.
#[derive(Debug, Clone)]
pub struct DeskSite {
    pub tenant: Tenant,
    /// Its inspection report now (last update, duty columns, warnings); `None` when the
    /// report could not be read (the page still opens).
    pub report: Option<SiteReport>,
    pub drafts: u64,
    pub pending_review: u64,
    pub returned: u64,
    /// Reporting items sent to it and not decided yet.
    pub reports_waiting: u64,
}

/// Everything on one person's 工作台.
#[derive(Debug, Clone)]
pub struct Desk {
    /// My drafts (and my withdrawn articles, which wait for me too).
    pub drafts: Listed<DeskArticle>,
    /// My articles the reviewer returned.
    pub returned: Listed<DeskArticle>,
    /// Articles waiting for review where I may review (the personal lists cover the sites I
    /// am bound to, and the portal for the office).
    pub to_review: Listed<DeskArticle>,
    /// Reporting items the receivers returned to my sites (where I may write).
    pub reports_returned: Listed<Submission>,
    /// Reporting items sent to my sites, waiting for a decision I may take.
    pub reports_waiting: Listed<Submission>,
    /// My sites, the portal first, then departments, districts and towns.
    pub sites: Vec<DeskSite>,
    /// The sites the personal lists cover for writing and for review.
    pub write_sites: Vec<TenantId>,
    pub review_sites: Vec<TenantId>,
}

impl Desk {
    /// The site of a tenant id on this desk (for names in the lists).
    pub fn site(&self, id: TenantId) -> Option<&Tenant> {
        self.sites.iter().map(|s| &s.tenant).find(|t| t.id == id)
    }

    /// Columns with an update duty, and how many of them are behind it, over all my sites.
    pub fn duty_totals(&self) -> (usize, usize) {
        self.sites
            .iter()
            .filter_map(|s| s.report.as_ref())
            .fold((0, 0), |(with, behind), r| {
                (with + r.duty.with_duty, behind + r.duty.behind.len())
            })
    }
}

/// Where a kind of site comes in the office's lists.
fn kind_rank(t: &Tenant) -> u8 {
    match t.kind {
        TenantKind::Portal => 0,
        TenantKind::Department => 1,
        TenantKind::District => 2,
        TenantKind::Town => 3,
    }
}

/// The caller's 工作台 now.
pub async fn desk(svc: &Services, caller: &Caller) -> Result<Desk> {
    let store = svc.store();
    let mut mine = sites(svc, caller).await?;
    mine.sort_by_key(|t| (kind_rank(t), t.id));
    // The personal lists cover the sites the person is bound to, and for the office the
    // portal (it runs the portal; the cluster table below counts every other site's items).
    let personal = |t: &Tenant| {
        caller.grants.roles_on(t.id).next().is_some()
            || (caller.grants.cluster == Some(ClusterRole::ClusterAdmin)
                && t.kind == TenantKind::Portal)
    };
    let ids_where = |ok: &dyn Fn(&Tenant) -> bool| -> Vec<TenantId> {
        mine.iter()
            .filter(|t| personal(t) && ok(t))
            .map(|t| t.id)
            .collect()
    };
    let writes = ids_where(&|t| caller.can(Action::WriteArticles, t));
    let reviews = ids_where(&|t| caller.can(Action::Review, t));
    // Reporting decisions: a reviewer adopts and publishes, a writer adopts for review.
    let decides =
        ids_where(&|t| caller.can(Action::Review, t) || caller.can(Action::WriteArticles, t));
    let lines = |tenants, states, author| DeskQuery {
        tenants,
        states,
        author,
        limit: DESK_LINES,
    };
    let me = caller.user_id();
    let (drafts, returned) = match me {
        Some(u) => (
            store
                .desk_articles(lines(
                    &writes,
                    &[WorkflowState::Draft, WorkflowState::Withdrawn],
                    Some(u),
                ))
                .await?
                .into(),
            store
                .desk_articles(lines(&writes, &[WorkflowState::Returned], Some(u)))
                .await?
                .into(),
        ),
        None => (Listed::default(), Listed::default()),
    };
    let to_review = store
        .desk_articles(lines(&reviews, &[WorkflowState::PendingReview], None))
        .await?
        .into();
    let reports_returned = store
        .desk_submissions(&writes, true, SubmissionState::Returned, DESK_LINES)
        .await?
        .into();
    let reports_waiting = store
        .desk_submissions(&decides, false, SubmissionState::Submitted, DESK_LINES)
        .await?
        .into();
    let all: Vec<TenantId> = mine.iter().map(|t| t.id).collect();
    let counts = store.article_counts(&all).await?;
    let waiting = store
        .received_counts(&all, SubmissionState::Submitted)
        .await?;
    // The page opens without the inspection's figures when they cannot be read.
    let mut reports: HashMap<TenantId, SiteReport> = reports_of(svc, mine.clone())
        .await
        .map(|rs| rs.into_iter().map(|r| (r.tenant.id, r)).collect())
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "reading the inspection for the 工作台 failed");
            HashMap::new()
        });
    let count = |t: TenantId, s: WorkflowState| counts.get(&(t, s)).copied().unwrap_or(0);
    let sites = mine
        .into_iter()
        .map(|t| DeskSite {
            report: reports.remove(&t.id),
            drafts: count(t.id, WorkflowState::Draft),
            pending_review: count(t.id, WorkflowState::PendingReview),
            returned: count(t.id, WorkflowState::Returned),
            reports_waiting: waiting.get(&t.id).copied().unwrap_or(0),
            tenant: t,
        })
        .collect();
    Ok(Desk {
        drafts,
        returned,
        to_review,
        reports_returned,
        reports_waiting,
        sites,
        write_sites: writes,
        review_sites: reviews,
    })
}
