//! Inspection (网站检查): the national indicators of each site, computed live from the
//! platform's own data (`zq_domain::inspection`): a site's report for whoever may read the site,
//! and the office's scorecard of every site ranked by what the inspection would give. The facts
//! of every site are read in a few grouped queries, so the scorecard costs the same few queries
//! for 35 sites or 1,000.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use zq_domain::access::Action;
use zq_domain::inspection::{
    ColumnFacts, DutySummary, ErrorFinding, Indicator, OpenLetter, Score, ServedFacts, SiteFacts,
    bonus, duty_summary, evaluate,
};
use zq_domain::{TenantId, TenantKind, TenantStatus};
use zq_store::{Column, ColumnActivity, Finding, Tenant, UnansweredLetter};

use crate::{Caller, Result, ServiceError, Services, site};

pub use export::{scorecard_csv, scorecard_xlsx};

pub mod digest;
mod export;
pub mod lexicon;
pub mod links;
pub mod probes;

/// One site's indicators and score at a moment.
#[derive(Debug, Clone)]
pub struct SiteReport {
    pub tenant: Tenant,
    pub indicators: Vec<Indicator>,
    pub score: Score,
    /// The newest publication on the site.
    pub last_update: Option<DateTime<Utc>>,
    /// Its columns against their update duties (the 工作台 lists them).
    pub duty: DutySummary,
}

/// The sites the link checker has checked, and their broken links.
type LinkFacts = (
    std::collections::HashSet<TenantId>,
    Vec<(TenantId, zq_domain::inspection::links::BrokenLink)>,
);

/// The column's path of names (`政务公开 › 政策文件`).
fn path_of(c: &Column, all: &[Column]) -> String {
    let mut names = vec![c.name.as_str()];
    let mut at = c.parent_id;
    while let Some(p) = at.and_then(|id| all.iter().find(|x| x.id == id)) {
        if names.len() > all.len() {
            break;
        }
        names.push(&p.name);
        at = p.parent_id;
    }
    names.reverse();
    names.join(" › ")
}

/// The facts of every site read for one report, from which each site's are picked.
struct Gathered {
    columns: Vec<Column>,
    activity: Vec<ColumnActivity>,
    letters: Vec<UnansweredLetter>,
    mailboxes: HashMap<TenantId, usize>,
    findings: Option<Vec<Finding>>,
    probes: Vec<(TenantId, zq_domain::inspection::ProbeFacts)>,
    served: HashMap<TenantId, zq_store::Served>,
    links: LinkFacts,
}

fn facts_of(t: &Tenant, g: &Gathered, portal: Option<&Tenant>) -> SiteFacts {
    let Gathered {
        columns,
        activity,
        letters,
        mailboxes,
        findings,
        probes,
        served,
        links,
    } = g;
    let own: Vec<Column> = columns
        .iter()
        .filter(|c| c.tenant_id == t.id)
        .cloned()
        .collect();
    let created_at = own.iter().map(|c| c.created_at).min().unwrap_or_default();
    let column_facts: Vec<ColumnFacts> = own
        .iter()
        .map(|c| {
            let a = activity
                .iter()
                .find(|a| a.tenant_id == t.id && a.column_id == c.id.0);
            ColumnFacts {
                id: c.id.0,
                path: path_of(c, &own),
                kind: c.kind,
                requirement: c.update_requirement,
                is_news: c.is_news,
                top_level: c.parent_id.is_none(),
                has_children: own.iter().any(|x| x.parent_id == Some(c.id)),
                aggregates: c.aggregates.is_some(),
                published: a.map_or(0, |a| a.published),
                last_update: a.and_then(|a| a.last_published),
                created_at: c.created_at,
            }
        })
        .collect();
    SiteFacts {
        home_last_update: column_facts.iter().filter_map(|c| c.last_update).max(),
        created_at,
        columns: column_facts,
        active_mailboxes: mailboxes.get(&t.id).copied().unwrap_or(0),
        open_letters: letters
            .iter()
            .filter(|l| l.tenant_id == t.id)
            .map(|l| OpenLetter {
                id: l.id,
                subject: l.subject.clone(),
                submitted_at: l.submitted_at,
            })
            .collect(),
        serious_errors: findings.as_ref().map(|all| {
            all.iter()
                .filter(|f| f.tenant_id == t.id)
                .map(|f| ErrorFinding {
                    article_id: f.article_id,
                    message: f.message.clone(),
                    context: f.context.clone(),
                })
                .collect()
        }),
        probes: probes
            .iter()
            .find(|(id, _)| *id == t.id)
            .map(|(_, p)| p.clone()),
        served: served.get(&t.id).map(|s| ServedFacts {
            responses: u64::try_from(s.responses).unwrap_or(0),
            server_errors: u64::try_from(s.server_errors).unwrap_or(0),
        }),
        broken_links: links.0.contains(&t.id).then(|| {
            links
                .1
                .iter()
                .filter(|(x, _)| *x == t.id)
                .map(|(_, b)| b.clone())
                .collect()
        }),
        site_id: t.site_id.clone(),
        sponsor: t.sponsor.clone(),
        contact: t.contact.clone(),
        records: t.records.with_portal(portal.map(|p| &p.records)),
    }
}

/// The reports of `tenants` at `now`, from one read of the facts (`only`: of one tenant), the
/// portal's with its bonus (read from every site's report and the items it adopted).
async fn reports(
    svc: &Services,
    tenants: Vec<Tenant>,
    only: Option<TenantId>,
    now: DateTime<Utc>,
) -> Result<Vec<SiteReport>> {
    let mut out = base_reports(svc, tenants, only, now).await?;
    let Some(at) = out.iter().position(|r| r.tenant.kind == TenantKind::Portal) else {
        return Ok(out);
    };
    let others = match only {
        None => None,
        Some(_) => Some(base_reports(svc, svc.store().list_tenants().await?, None, now).await?),
    };
    let all = others.as_deref().unwrap_or(&out);
    let facts = portal_facts(svc, &out[at].tenant, all, now).await?;
    let bonus = bonus::portal_bonus(&out[at].score, &facts);
    out[at].score.add_bonus(bonus);
    Ok(out)
}

/// What the portal's bonus is read from: the other open sites with their verdicts, and the
/// items the portal received from them over the window.
async fn portal_facts(
    svc: &Services,
    portal: &Tenant,
    all: &[SiteReport],
    now: DateTime<Utc>,
) -> Result<bonus::PortalFacts> {
    let level = |k: TenantKind| match k {
        TenantKind::Department => "部门",
        TenantKind::District => "区县",
        TenantKind::Town | TenantKind::Portal => "乡镇（街道）",
    };
    let subsites = all
        .iter()
        .filter(|r| r.tenant.id != portal.id && r.tenant.status == TenantStatus::Active)
        .map(|r| bonus::Subsite {
            code: r.tenant.code.to_string(),
            name: r.tenant.name.clone(),
            level: level(r.tenant.kind),
            passed: r.score.passed,
            verdict: r.score.verdict(),
        })
        .collect();
    let names: HashMap<TenantId, &str> = all
        .iter()
        .map(|r| (r.tenant.id, r.tenant.name.as_str()))
        .collect();
    let since = now - Duration::days(bonus::ADOPTION_WINDOW_DAYS);
    let reported = svc
        .store()
        .reporting_figures(Some(portal.id), since, now)
        .await?
        .into_iter()
        .filter(|u| u.unit != portal.id)
        .map(|u| bonus::Reported {
            name: names
                .get(&u.unit)
                .map_or_else(|| format!("#{}", u.unit.0), |n| (*n).to_owned()),
            submitted: u.submitted,
            adopted: u.adopted,
        })
        .collect();
    Ok(bonus::PortalFacts { subsites, reported })
}

/// The reports of `tenants` at `now` without the portal's bonus.
async fn base_reports(
    svc: &Services,
    tenants: Vec<Tenant>,
    only: Option<TenantId>,
    now: DateTime<Utc>,
) -> Result<Vec<SiteReport>> {
    let store = svc.store();
    let g = Gathered {
        columns: match only {
            Some(t) => store.columns(t).await?,
            None => store.all_columns().await?,
        },
        activity: store.column_activity(only).await?,
        letters: store
            .unanswered_letters(only, now - Duration::days(365))
            .await?,
        mailboxes: store.active_mailbox_counts().await?,
        // Measured once the cluster keeps a lexicon.
        findings: match store.lexicon_version().await?.0 {
            0 => None,
            _ => Some(store.lexicon_findings(only).await?),
        },
        probes: probes::week(svc, only).await?,
        served: store.served_since(only, now - Duration::days(7)).await?,
        links: {
            let (checked, broken) = store.link_findings(only).await?;
            (checked.into_iter().map(|(t, _, _)| t).collect(), broken)
        },
    };
    // Subsites show the portal's record numbers in their footers.
    let portal = match tenants.iter().find(|t| t.kind == TenantKind::Portal) {
        Some(p) => Some(p.clone()),
        None => store
            .list_tenants()
            .await?
            .into_iter()
            .find(|t| t.kind == TenantKind::Portal),
    };
    Ok(tenants
        .into_iter()
        .map(|t| {
            let facts = facts_of(&t, &g, portal.as_ref());
            let indicators = evaluate(&facts, now);
            let score = Score::of(&indicators);
            SiteReport {
                tenant: t,
                indicators,
                score,
                last_update: facts.home_last_update,
                duty: duty_summary(&facts, now),
            }
        })
        .collect())
}

/// Site `code`'s indicators now (anyone who may read the site).
pub async fn site_report(svc: &Services, caller: &Caller, code: &str) -> Result<SiteReport> {
    let t = site(svc, caller, code, Action::ReadFigures).await?;
    let id = t.id;
    reports(svc, vec![t], Some(id), svc.now())
        .await?
        .pop()
        .ok_or_else(|| ServiceError::Internal("no report".into()))
}

/// The reports of `tenants` now, for a page that already checked the caller may see them
/// (the console's start page).
pub async fn reports_of(svc: &Services, tenants: Vec<Tenant>) -> Result<Vec<SiteReport>> {
    let only = match tenants.as_slice() {
        [one] => Some(one.id),
        _ => None,
    };
    reports(svc, tenants, only, svc.now()).await
}

/// Every site's report, worst first: failed veto items, then fewer points, then more
/// warnings (the office and operators).
pub async fn scorecard(svc: &Services, caller: &Caller) -> Result<Vec<SiteReport>> {
    if !caller.sees_everything() {
        return Err(ServiceError::forbidden(Action::Read));
    }
    let tenants = svc.store().list_tenants().await?;
    let mut all = reports(svc, tenants, None, svc.now()).await?;
    all.sort_by_key(|r| {
        (
            std::cmp::Reverse(r.score.vetoes.len()),
            r.score.total,
            std::cmp::Reverse(r.score.warnings),
        )
    });
    Ok(all)
}

/// Writes every site's standing for today (the probe job's rounds call it).
pub async fn record_today(svc: &Services) -> Result<()> {
    let day = zq_domain::time::beijing_date(svc.now());
    let tenants = svc.store().list_tenants().await?;
    let n = |v: usize| i32::try_from(v).unwrap_or(i32::MAX);
    let rows = reports(svc, tenants, None, svc.now())
        .await?
        .into_iter()
        .map(|r| zq_store::DayStanding {
            tenant_id: r.tenant.id,
            day,
            points: i32::try_from(r.score.points).unwrap_or(0),
            vetoes: n(r.score.vetoes.len()),
            warnings: n(r.score.warnings),
        })
        .collect();
    Ok(svc.store().record_standings(rows).await?)
}

/// Weeks shown in a trend.
pub const TREND_WEEKS: usize = 8;

/// The weekly trend of every site (of `only`, when given), by tenant.
pub async fn trends(
    svc: &Services,
    only: Option<TenantId>,
) -> Result<HashMap<TenantId, Vec<zq_domain::inspection::trend::Week>>> {
    let today = zq_domain::time::beijing_date(svc.now());
    let since = zq_domain::inspection::trend::monday_of(today)
        - chrono::Duration::weeks(TREND_WEEKS as i64);
    let mut by_site: HashMap<TenantId, Vec<(chrono::NaiveDate, i32, i32)>> = HashMap::new();
    for s in svc.store().standings(only, since).await? {
        by_site
            .entry(s.tenant_id)
            .or_default()
            .push((s.day, s.points, s.vetoes));
    }
    Ok(by_site
        .into_iter()
        .map(|(t, r)| {
            (
                t,
                zq_domain::inspection::trend::weekly(&r, today, TREND_WEEKS),
            )
        })
        .collect())
}
