//! Inspection (网站检查): the national indicators (政府网站与政务新媒体检查指标, 国办秘函〔2019〕19号)
//! computed from what the platform knows of a site, before the inspector measures it. Each
//! [`Indicator`] names the rule it implements, its value, its threshold and the evidence (which
//! columns, which letters), so a site admin can act on it; a veto item that fails fails the site
//! whatever its score. Indicators whose facts the platform does not gather yet say so
//! ([`Status::NotAvailable`]) instead of passing.
//!
//! Everything here is pure: the caller gathers [`SiteFacts`] at a moment `now` and gets the
//! indicators ([`evaluate`]) and the score ([`Score::of`]). Days are calendar days (the rules
//! count weeks and months), in Beijing time.

pub mod bonus;
pub mod digest;
mod freshness;
pub mod lexicon;
pub mod links;
mod score;
#[cfg(test)]
mod tests;
pub mod trend;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::column::{ColumnKind, UpdateRequirement};

pub use freshness::{
    BLANK_VETO, DutyColumn, DutySummary, HOME_STALE_DAYS, LONG_STALE_DAYS, NEWS_STALE_DAYS,
    POLICY_STALE_DAYS, STALE_VETO, WARN_DAYS, duty_days, duty_summary,
};
pub use score::{Deduction, PASS_POINTS, Score};

/// How an indicator stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Within the rule.
    Pass,
    /// Within the rule today, past it within [`WARN_DAYS`] unless someone acts (an early
    /// warning), or a deduction short of a veto.
    Warn,
    /// Past the rule: a veto item failed, or points are deducted.
    Fail,
    /// The platform does not gather these facts yet.
    NotAvailable,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "达标",
            Status::Warn => "预警",
            Status::Fail => "不达标",
            Status::NotAvailable => "暂不可用",
        }
    }
}

/// A veto item (单项否决) or a scored item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    Veto,
    Scored,
}

/// One thing an indicator points at: a column, a letter, a field of the site's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// What it is (a column's path, a letter's subject…).
    pub what: String,
    /// Why it counts (`38 天未更新`, `已 95 天未答复`…).
    pub detail: String,
    /// The object it is about, for a link: `column:12`, `case:7`, `settings`.
    pub object: String,
}

/// One indicator of one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    /// Stable code: `home_stale`, `columns_stale`, …
    pub code: &'static str,
    /// 首页更新, 栏目更新…
    pub name: &'static str,
    pub weight: Weight,
    /// The rule it implements, as the inspection table words it.
    pub rule: &'static str,
    pub status: Status,
    /// The measured value, worded (`16 天`, `6 个栏目`).
    pub value: String,
    /// The measured value as a number (days, columns, letters), for scores and charts.
    pub count: i64,
    /// The threshold, worded (`14 天`, `5 个`).
    pub threshold: String,
    pub evidence: Vec<Evidence>,
}

/// A column of the site as the inspection sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnFacts {
    pub id: i64,
    /// Its path of names (`政务公开 › 政策文件`).
    pub path: String,
    pub kind: ColumnKind,
    pub requirement: UpdateRequirement,
    /// The site's main news column.
    pub is_news: bool,
    pub top_level: bool,
    /// It has columns under it (a parent shows its children, not content of its own).
    pub has_children: bool,
    /// A column that gathers other units' news (filled by them, not by this site).
    pub aggregates: bool,
    /// Published articles in it.
    pub published: u64,
    /// Its newest publication or change of published content.
    pub last_update: Option<DateTime<Utc>>,
    /// When the column was made (a new column is not stale before it existed).
    pub created_at: DateTime<Utc>,
}

/// A consultation message the site has not answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenLetter {
    pub id: i64,
    pub subject: String,
    pub submitted_at: DateTime<Utc>,
}

/// The availability probes of a site over the monitoring week.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProbeFacts {
    pub total: u64,
    pub failed: u64,
    /// The newest failures: (when, page, why), worded.
    pub failures: Vec<(String, String, String)>,
}

/// The responses a site served over the monitoring week (every node's count) and how many were
/// server errors (5xx): what visitors met besides the probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServedFacts {
    pub responses: u64,
    pub server_errors: u64,
}

/// The share of served responses that were server errors from which availability warns, in
/// per mille (1 %): the veto counts probes, but visitors meeting errors is the same failure
/// seen from inside.
pub const SERVED_ERRORS_WARN_PER_MILLE: u64 = 10;

/// Probes a week needs before the share means anything: 20 a day.
pub const PROBES_PER_WEEK: u64 = 7 * 20;
/// The share of failed probes that vetoes a site, in per mille.
pub const PROBE_VETO_PER_MILLE: u64 = 50;

/// A serious error found in a published article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorFinding {
    pub article_id: i64,
    /// `“中华人民共合国”应为“中华人民共和国”`.
    pub message: String,
    pub context: String,
}

/// What the platform knows of a site at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFacts {
    /// The newest change of anything the home page shows (its newest published article).
    pub home_last_update: Option<DateTime<Utc>>,
    /// When the site was set up.
    pub created_at: DateTime<Utc>,
    pub columns: Vec<ColumnFacts>,
    /// Mailboxes taking letters (a working consultation channel).
    pub active_mailboxes: usize,
    /// Letters (consultations) not answered yet, in the year before now.
    pub open_letters: Vec<OpenLetter>,
    /// What the last scan of published content found (`None`: the cluster keeps no lexicon,
    /// so nothing is measured).
    pub serious_errors: Option<Vec<ErrorFinding>>,
    /// The availability probes of the last week (`None`: the probe job has not run).
    pub probes: Option<ProbeFacts>,
    /// The responses served in the last week (`None`: visit counting is off).
    pub served: Option<ServedFacts>,
    /// The broken links of its published articles (`None`: the link checker has not run).
    pub broken_links: Option<Vec<links::BrokenLink>>,
    /// 网站标识码, 主办单位, 联系方式 as set.
    pub site_id: Option<String>,
    pub sponsor: String,
    pub contact: Option<String>,
    /// The footer's records as shown (the portal's record numbers where the site has none).
    pub records: crate::records::SiteRecords,
}

/// Whole days from `from` to `now` (0 when `from` is later).
pub fn days_between(from: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - from).num_days().max(0)
}

/// Every indicator of a site at `now`, veto items first.
pub fn evaluate(f: &SiteFacts, now: DateTime<Utc>) -> Vec<Indicator> {
    let mut out = vec![
        freshness::home(f, now),
        freshness::stale_columns(f, now),
        freshness::long_stale(f, now),
        freshness::blank(f),
        interaction(f, now),
        availability(f),
        serious_errors(f),
        not_available(
            "services",
            "服务实用",
            Weight::Veto,
            "无在线办事服务，或办事指南缺少事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、联系电话、办理流程等要素",
        ),
        freshness::duty(f, now),
        slow_replies(f, now),
        elements(f),
        links::indicator(f.broken_links.as_deref()),
    ];
    out.sort_by_key(|i| i.weight != Weight::Veto);
    out
}

fn not_available(
    code: &'static str,
    name: &'static str,
    weight: Weight,
    rule: &'static str,
) -> Indicator {
    Indicator {
        code,
        name,
        weight,
        rule,
        status: Status::NotAvailable,
        value: "暂未监测".into(),
        count: 0,
        threshold: String::new(),
        evidence: Vec::new(),
    }
}

const AVAILABILITY_RULE: &str =
    "连续监测 1 周，每天不少于 20 次，超过 15 秒网站仍打不开的次数比例累计达到 5%";

/// `n / total` in per mille, worded with one decimal (`1.5%`).
fn percent(per_mille: u64) -> String {
    format!("{}.{}%", per_mille / 10, per_mille % 10)
}

/// 网站不能访问: the share of probes that failed over the week; a served 5xx rate of
/// [`SERVED_ERRORS_WARN_PER_MILLE`] or more warns (the probes alone decide the veto).
fn availability(f: &SiteFacts) -> Indicator {
    let served = f.served.filter(|s| s.responses > 0).map(|s| {
        let per_mille = (s.server_errors * 1000)
            .checked_div(s.responses)
            .unwrap_or(0);
        (s, per_mille)
    });
    let served_evidence = served
        .filter(|(s, _)| s.server_errors > 0)
        .map(|(s, pm)| Evidence {
            what: "服务器错误".into(),
            detail: format!(
                "近 7 天 {} 次访问中 {} 次返回服务器错误（5xx，{}）",
                s.responses,
                s.server_errors,
                percent(pm)
            ),
            object: "served".into(),
        });
    let served_warns = served.is_some_and(|(_, pm)| pm >= SERVED_ERRORS_WARN_PER_MILLE);
    let Some(p) = &f.probes else {
        let mut i = not_available(
            "availability",
            "网站可用性",
            Weight::Veto,
            AVAILABILITY_RULE,
        );
        if served_warns {
            i.status = Status::Warn;
            i.value = "尚未探测，访问中服务器错误偏多".into();
        }
        i.evidence.extend(served_evidence);
        return i;
    };
    let per_mille = (p.failed * 1000).checked_div(p.total).unwrap_or(0);
    let probed = if p.total < PROBES_PER_WEEK / 7 {
        Status::NotAvailable
    } else if per_mille >= PROBE_VETO_PER_MILLE {
        Status::Fail
    } else if per_mille * 2 >= PROBE_VETO_PER_MILLE {
        Status::Warn
    } else {
        Status::Pass
    };
    let status = match probed {
        Status::Pass | Status::NotAvailable if served_warns => Status::Warn,
        s => s,
    };
    let mut evidence: Vec<Evidence> = p
        .failures
        .iter()
        .map(|(at, page, why)| Evidence {
            what: page.clone(),
            detail: format!("{at}：{why}"),
            object: "home".into(),
        })
        .collect();
    evidence.extend(served_evidence);
    Indicator {
        code: "availability",
        name: "网站可用性",
        weight: Weight::Veto,
        rule: AVAILABILITY_RULE,
        status,
        value: if probed == Status::NotAvailable {
            format!("已监测 {} 次，数据不足", p.total)
        } else {
            format!(
                "{} 次中 {} 次打不开（{}）",
                p.total,
                p.failed,
                percent(per_mille)
            )
        },
        count: i64::try_from(per_mille).unwrap_or(i64::MAX),
        threshold: "5%".into(),
        evidence,
    }
}

const SERIOUS_RULE: &str = "出现严重表述错误，泄露国家秘密，发布或链接反动、暴力、色情等内容";

/// 严重表述错误: any finding of the lexicon in published content.
fn serious_errors(f: &SiteFacts) -> Indicator {
    let Some(found) = &f.serious_errors else {
        return not_available("serious_errors", "严重表述错误", Weight::Veto, SERIOUS_RULE);
    };
    Indicator {
        code: "serious_errors",
        name: "严重表述错误",
        weight: Weight::Veto,
        rule: SERIOUS_RULE,
        status: if found.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        value: format!("{} 处", found.len()),
        count: found.len() as i64,
        threshold: "0 处".into(),
        evidence: found
            .iter()
            .map(|e| Evidence {
                what: e.message.clone(),
                detail: format!("“…{}…”", e.context),
                object: format!("article:{}", e.article_id),
            })
            .collect(),
    }
}

/// Days after which an unanswered consultation vetoes the site.
pub const UNANSWERED_VETO_DAYS: i64 = 90;
/// Days after which an unanswered consultation costs points.
pub const UNANSWERED_DEDUCT_DAYS: i64 = 60;

fn letters_older_than(f: &SiteFacts, now: DateTime<Utc>, days: i64) -> Vec<Evidence> {
    f.open_letters
        .iter()
        .filter(|l| days_between(l.submitted_at, now) > days)
        .map(|l| Evidence {
            what: l.subject.clone(),
            detail: format!("已 {} 天未答复", days_between(l.submitted_at, now)),
            object: format!("case:{}", l.id),
        })
        .collect()
}

/// 互动回应差: no working consultation channel, or a message unanswered for over 3 months.
fn interaction(f: &SiteFacts, now: DateTime<Utc>) -> Indicator {
    let late = letters_older_than(f, now, UNANSWERED_VETO_DAYS);
    let no_channel = f.active_mailboxes == 0;
    let mut evidence = late;
    if no_channel {
        evidence.insert(
            0,
            Evidence {
                what: "信箱".into(),
                detail: "没有正在接收来信的信箱".into(),
                object: "mailboxes".into(),
            },
        );
    }
    let soon = f
        .open_letters
        .iter()
        .filter(|l| {
            let d = days_between(l.submitted_at, now);
            d > UNANSWERED_VETO_DAYS - WARN_DAYS && d <= UNANSWERED_VETO_DAYS
        })
        .count();
    Indicator {
        code: "interaction",
        name: "互动回应",
        weight: Weight::Veto,
        rule: "无有效的在线咨询渠道，或检查前 1 年内咨询类栏目存在超过 3 个月未回应的有效留言",
        status: if !evidence.is_empty() {
            Status::Fail
        } else if soon > 0 {
            Status::Warn
        } else {
            Status::Pass
        },
        value: if no_channel {
            "无在线咨询渠道".into()
        } else {
            format!(
                "{} 件超过 3 个月未答复",
                evidence.iter().filter(|e| e.object != "mailboxes").count()
            )
        },
        threshold: "0 件".into(),
        count: evidence.iter().filter(|e| e.object != "mailboxes").count() as i64
            + i64::from(no_channel),
        evidence,
    }
}

/// 互动回应不及时: messages unanswered for over 2 months (a deduction).
fn slow_replies(f: &SiteFacts, now: DateTime<Utc>) -> Indicator {
    let late: Vec<Evidence> = letters_older_than(f, now, UNANSWERED_DEDUCT_DAYS)
        .into_iter()
        .collect();
    Indicator {
        code: "slow_replies",
        name: "留言答复时效",
        weight: Weight::Scored,
        rule: "咨询类留言超过 2 个月未答复的，每件扣分",
        status: if late.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        value: format!("{} 件", late.len()),
        count: late.len() as i64,
        threshold: "0 件".into(),
        evidence: late,
    }
}

/// 基本信息: the footer's required elements (网站标识码, 主办单位, 联系方式, ICP 备案号,
/// 公安机关备案号); a missing one fails and costs points. The 党政机关网站标识 is shown where the
/// site has one: its absence only warns. The 找错 entry is in every footer by construction.
fn elements(f: &SiteFacts) -> Indicator {
    let r = &f.records;
    let missing: Vec<Evidence> = [
        ("网站标识码", f.site_id.as_deref()),
        ("主办单位", Some(f.sponsor.as_str())),
        ("联系方式", f.contact.as_deref()),
        ("ICP 备案号", r.icp.as_deref()),
        ("公安机关备案号", r.police.as_deref()),
    ]
    .into_iter()
    .filter(|(_, v)| v.is_none_or(|v| v.trim().is_empty()))
    .map(|(what, _)| Evidence {
        what: what.into(),
        detail: "未设置，页面底部不显示".into(),
        object: "settings".into(),
    })
    .collect();
    let no_mark = r.conac_id.is_none();
    let mut evidence = missing.clone();
    if no_mark {
        evidence.push(Evidence {
            what: "党政机关网站标识".into(),
            detail: "未设置标识编号，页面底部不显示标识".into(),
            object: "settings".into(),
        });
    }
    let status = if !missing.is_empty() {
        Status::Fail
    } else if no_mark {
        Status::Warn
    } else {
        Status::Pass
    };
    Indicator {
        code: "elements",
        name: "基本信息",
        weight: Weight::Scored,
        rule: "网站页面底部应标注网站标识码、主办单位、联系方式、ICP 备案号、公安机关备案号和党政机关网站标识",
        status,
        value: format!("缺少 {} 项", missing.len()),
        count: missing.len() as i64,
        threshold: "0 项".into(),
        evidence,
    }
}
