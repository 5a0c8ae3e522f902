//! The daily digest (每日检查简报) a site's office gets by email: what fails or warns today, with
//! the first pieces of evidence and where to act, sent once a Beijing day from [`DIGEST_HOUR`],
//! and only to sites with something to say (a clean site gets no mail).

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

use super::{Indicator, Score, Status};
use crate::time::beijing;

/// Beijing hour from which the day's digest goes out.
pub const DIGEST_HOUR: u32 = 8;
/// Pieces of evidence listed per indicator.
const EVIDENCE: usize = 3;

/// `yyyymmdd` of a day, as the digest's position is stored.
pub fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

/// Whether the digest of the day of `now` is due, the last one having gone out on day `last`
/// (`yyyymmdd`).
pub fn due(last: Option<i64>, now: DateTime<Utc>) -> bool {
    let local = now.with_timezone(&beijing());
    local.hour() >= DIGEST_HOUR && last.is_none_or(|l| l < day_number(local.date_naive()))
}

/// One site's digest: a subject and a plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub subject: String,
    pub body: String,
}

/// The digest of site `name` (its console page at `page`), or `None` when nothing fails or
/// warns.
pub fn digest(name: &str, page: &str, score: &Score, indicators: &[Indicator]) -> Option<Digest> {
    let open: Vec<&Indicator> = indicators
        .iter()
        .filter(|i| matches!(i.status, Status::Fail | Status::Warn))
        .collect();
    if open.is_empty() {
        return None;
    }
    let mut body = format!(
        "{name}今日网站检查情况：{}，{} 分（60 分合格）。\n\n",
        score.verdict(),
        score.points
    );
    for i in &open {
        body.push_str(&format!(
            "【{}】{}：{}（标准：{}）\n",
            i.status.label(),
            i.name,
            i.value,
            i.threshold
        ));
        for e in i.evidence.iter().take(EVIDENCE) {
            body.push_str(&format!("  · {}：{}\n", e.what, e.detail));
        }
        if i.evidence.len() > EVIDENCE {
            body.push_str(&format!("  · 等共 {} 处\n", i.evidence.len()));
        }
    }
    body.push_str(&format!(
        "\n请登录站群管理平台查看证据并处理：{page}\n\n（本邮件由系统每天自动发送，网站无预警时不发送。）\n"
    ));
    let fails = open.iter().filter(|i| i.status == Status::Fail).count();
    Some(Digest {
        subject: format!(
            "【{name}】网站检查简报：{} 项不达标，{} 项预警",
            fails,
            open.len() - fails
        ),
        body,
    })
}
