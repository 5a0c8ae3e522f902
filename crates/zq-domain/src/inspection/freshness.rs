//! Freshness (内容更新): the home page and the columns against the inspection's thresholds and
//! against each column's own update duty. A column counts when editors fill it: a leaf (no
//! columns under it) that lists articles or shows one page, neither filled by a system
//! (`automatic`) nor gathering other units' news. A column with content is judged by its last
//! update; one that never had any is blank, and counted only as blank.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ColumnFacts, Evidence, Indicator, SiteFacts, Status, Weight, days_between};
use crate::column::{ColumnKind, UpdateRequirement};

/// Days before a threshold when the platform warns.
pub const WARN_DAYS: i64 = 3;
/// The home page: no update for 2 weeks.
pub const HOME_STALE_DAYS: i64 = 14;
/// News and dynamic columns: no update for 2 weeks.
pub const NEWS_STALE_DAYS: i64 = 14;
/// Notice and policy columns: no update for 6 months.
pub const POLICY_STALE_DAYS: i64 = 183;
/// "Should be updated but has not been for a long time": a year.
pub const LONG_STALE_DAYS: i64 = 365;
/// Stale news or policy columns that veto a site.
pub const STALE_VETO: usize = 5;
/// Long-stale columns that veto a site.
pub const LONG_STALE_VETO: usize = 10;
/// Blank columns that veto a site.
pub const BLANK_VETO: usize = 5;

/// The most days a column may go without an update under its duty; `None` for a column
/// updated as needed or by a system.
pub fn duty_days(r: UpdateRequirement) -> Option<i64> {
    Some(match r {
        UpdateRequirement::Daily => 1,
        UpdateRequirement::TwiceWeekly => 4,
        UpdateRequirement::Weekly => 7,
        UpdateRequirement::Monthly => 31,
        UpdateRequirement::Quarterly => 92,
        UpdateRequirement::AsNeeded | UpdateRequirement::Automatic => return None,
    })
}

/// Whether editors fill the column (the columns the inspection counts).
fn counted(c: &ColumnFacts) -> bool {
    !c.has_children
        && !c.aggregates
        && matches!(c.kind, ColumnKind::ArticleList | ColumnKind::SinglePage)
        && c.requirement != UpdateRequirement::Automatic
}

/// The threshold a column with content is held to by the veto rule (1): 2 weeks for news and
/// dynamic columns (the site's news column, or a duty of a week or less), 6 months for notice
/// and policy columns (a monthly or quarterly duty); none for the rest.
fn stale_after(c: &ColumnFacts) -> Option<i64> {
    match c.requirement {
        _ if c.is_news => Some(NEWS_STALE_DAYS),
        UpdateRequirement::Daily | UpdateRequirement::TwiceWeekly | UpdateRequirement::Weekly => {
            Some(NEWS_STALE_DAYS)
        }
        UpdateRequirement::Monthly | UpdateRequirement::Quarterly => Some(POLICY_STALE_DAYS),
        _ => None,
    }
}

/// Days since the column last changed, for a column with content.
fn idle(c: &ColumnFacts, now: DateTime<Utc>) -> Option<i64> {
    (c.published > 0).then(|| days_between(c.last_update.unwrap_or(c.created_at), now))
}

fn column_evidence(c: &ColumnFacts, detail: String) -> Evidence {
    Evidence {
        what: c.path.clone(),
        detail,
        object: format!("column:{}", c.id),
    }
}

fn status_of(failed: usize, veto: usize, warned: usize) -> Status {
    if failed >= veto {
        Status::Fail
    } else if failed + warned >= veto || failed > 0 {
        Status::Warn
    } else {
        Status::Pass
    }
}

/// A veto counting columns: `failed` are past the rule, `warned` cross it within
/// [`WARN_DAYS`] (listed after them as evidence).
fn column_veto(
    (code, name, rule): (&'static str, &'static str, &'static str),
    veto: usize,
    mut failed: Vec<Evidence>,
    warned: Vec<Evidence>,
) -> Indicator {
    let status = status_of(failed.len(), veto, warned.len());
    let (value, count) = (format!("{} 个栏目", failed.len()), failed.len() as i64);
    failed.extend(warned);
    Indicator {
        code,
        name,
        weight: Weight::Veto,
        rule,
        status,
        value,
        count,
        threshold: format!("{veto} 个"),
        evidence: failed,
    }
}

/// 首页不更新: no new information on the home page for 2 weeks.
pub(super) fn home(f: &SiteFacts, now: DateTime<Utc>) -> Indicator {
    let days = days_between(f.home_last_update.unwrap_or(f.created_at), now);
    let status = if days >= HOME_STALE_DAYS {
        Status::Fail
    } else if days >= HOME_STALE_DAYS - WARN_DAYS {
        Status::Warn
    } else {
        Status::Pass
    };
    let evidence = match status {
        Status::Pass => Vec::new(),
        _ => vec![Evidence {
            what: "首页".into(),
            detail: match f.home_last_update {
                Some(_) => format!("最近一次更新在 {days} 天前"),
                None => "从未发布信息".into(),
            },
            object: "home".into(),
        }],
    };
    Indicator {
        code: "home_stale",
        name: "首页更新",
        weight: Weight::Veto,
        rule: "监测时间点前 2 周内首页没有更新",
        status,
        value: format!("{days} 天未更新"),
        count: days,
        threshold: format!("{HOME_STALE_DAYS} 天"),
        evidence,
    }
}

/// 栏目不更新 (1): 5 or more news columns stale for 2 weeks or policy columns for 6 months.
pub(super) fn stale_columns(f: &SiteFacts, now: DateTime<Utc>) -> Indicator {
    let (mut failed, mut warned) = (Vec::new(), Vec::new());
    for c in f.columns.iter().filter(|c| counted(c)) {
        let (Some(limit), Some(days)) = (stale_after(c), idle(c, now)) else {
            continue;
        };
        if days >= limit {
            failed.push(column_evidence(
                c,
                format!("{days} 天未更新（限 {limit} 天）"),
            ));
        } else if days >= limit - WARN_DAYS {
            warned.push(column_evidence(
                c,
                format!("{days} 天未更新，{} 天后超过 {limit} 天", limit - days),
            ));
        }
    }
    column_veto(
        (
            "columns_stale",
            "栏目更新",
            "动态、要闻类栏目 2 周未更新，通知公告、政策文件类栏目 6 个月未更新，累计 5 个及以上",
        ),
        STALE_VETO,
        failed,
        warned,
    )
}

/// 栏目不更新 (2): 10 or more columns that should be updated left for a long time.
pub(super) fn long_stale(f: &SiteFacts, now: DateTime<Utc>) -> Indicator {
    let mut failed = Vec::new();
    for c in f.columns.iter().filter(|c| counted(c)) {
        if duty_days(c.requirement).is_none() {
            continue;
        }
        if let Some(days) = idle(c, now).filter(|d| *d >= LONG_STALE_DAYS) {
            failed.push(column_evidence(c, format!("{days} 天未更新")));
        }
    }
    column_veto(
        (
            "columns_long_stale",
            "栏目长期未更新",
            "应更新但长期（1 年以上）未更新的栏目数量累计达 10 个及以上",
        ),
        LONG_STALE_VETO,
        failed,
        Vec::new(),
    )
}

/// 栏目不更新 (3): 5 or more blank columns.
pub(super) fn blank(f: &SiteFacts) -> Indicator {
    let blank: Vec<Evidence> = f
        .columns
        .iter()
        .filter(|c| counted(c) && c.published == 0)
        .map(|c| column_evidence(c, "没有任何已发布的信息".into()))
        .collect();
    column_veto(
        (
            "columns_blank",
            "空白栏目",
            "空白栏目（栏目有名称但无任何信息）数量累计达 5 个及以上",
        ),
        BLANK_VETO,
        blank,
        Vec::new(),
    )
}

/// A column with an update duty that needs attention: behind it, or due within
/// [`WARN_DAYS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DutyColumn {
    pub id: i64,
    /// Its path of names (`政务公开 › 政策文件`).
    pub path: String,
    pub requirement: UpdateRequirement,
    /// Days since its last update.
    pub idle_days: i64,
    /// Days left before it falls behind (0 or less: behind by that many days).
    pub days_left: i64,
}

impl DutyColumn {
    pub fn is_behind(&self) -> bool {
        self.days_left < 0
    }

    /// "每周更新，已 9 天未更新" or "每周更新，2 天内需要更新".
    pub fn detail(&self) -> String {
        let label = self.requirement.label();
        if self.is_behind() {
            format!("{label}，已 {} 天未更新", self.idle_days)
        } else {
            format!("{label}，{} 天内需要更新", self.days_left + 1)
        }
    }
}

/// A site's columns against their own update duties: how many have one, which are behind it
/// (longest behind first) and which fall behind within [`WARN_DAYS`] (soonest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DutySummary {
    pub with_duty: usize,
    pub behind: Vec<DutyColumn>,
    pub due: Vec<DutyColumn>,
}

/// The duty summary of a site at `now` (the 工作台 and the `columns_duty` indicator).
pub fn duty_summary(f: &SiteFacts, now: DateTime<Utc>) -> DutySummary {
    let mut out = DutySummary::default();
    for c in f.columns.iter().filter(|c| counted(c)) {
        let Some(limit) = duty_days(c.requirement) else {
            continue;
        };
        out.with_duty += 1;
        let Some(days) = idle(c, now) else {
            continue;
        };
        let d = DutyColumn {
            id: c.id,
            path: c.path.clone(),
            requirement: c.requirement,
            idle_days: days,
            days_left: limit - days,
        };
        if days > limit {
            out.behind.push(d);
        } else if limit > WARN_DAYS && days > limit - WARN_DAYS {
            out.due.push(d);
        }
    }
    out.behind.sort_by_key(|d| (d.days_left, d.id));
    out.due.sort_by_key(|d| (d.days_left, d.id));
    out
}

/// The columns behind their own update duty (a deduction), and those due within
/// [`WARN_DAYS`] (an early warning).
pub(super) fn duty(f: &SiteFacts, now: DateTime<Utc>) -> Indicator {
    let summary = duty_summary(f, now);
    let evidence = |d: &DutyColumn| Evidence {
        what: d.path.clone(),
        detail: d.detail(),
        object: format!("column:{}", d.id),
    };
    let mut behind: Vec<Evidence> = summary.behind.iter().map(evidence).collect();
    let due: Vec<Evidence> = summary.due.iter().map(evidence).collect();
    let status = if !behind.is_empty() {
        Status::Fail
    } else if !due.is_empty() {
        Status::Warn
    } else {
        Status::Pass
    };
    let (value, count) = (format!("{} 个栏目", behind.len()), behind.len() as i64);
    behind.extend(due);
    Indicator {
        code: "columns_duty",
        name: "栏目更新要求",
        weight: Weight::Scored,
        rule: "栏目应按其更新要求（每日、每周、每月等）及时更新，更新不及时的扣分",
        status,
        value,
        count,
        threshold: "0 个".into(),
        evidence: behind,
    }
}
