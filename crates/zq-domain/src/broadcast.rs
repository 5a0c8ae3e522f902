//! The office's cluster-wide broadcasts: an emergency notice (应急公告: typhoon, flood,
//! public-health warnings) at the top of every site or of chosen sites, and the greyscale
//! mourning mode (全站变灰) that national days of mourning require. Each runs from a start to
//! an end time and ends by itself; which ones a site shows at an instant is a pure function of
//! the broadcasts and the time, so every node answers the same and the page cache keys each
//! page by the broadcasts it shows (`Shown::tag`).

use chrono::{DateTime, Duration, Utc};

use crate::TenantId;

crate::named_enum!(
    /// What a broadcast does.
    BroadcastKind, "公告类型" {
        /// A notice at the top of every page (应急公告).
        Notice = "notice",
        /// Every page in greyscale (全站变灰).
        Mourning = "mourning",
    }
);

crate::named_enum!(
    /// How grave a notice is: the colours of the national early-warning signals.
    Level, "预警级别" {
        Blue = "blue",
        Yellow = "yellow",
        Orange = "orange",
        Red = "red",
    }
);

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Blue => "蓝色预警",
            Level::Yellow => "黄色预警",
            Level::Orange => "橙色预警",
            Level::Red => "红色预警",
        }
    }
}

/// Longest a broadcast may run: a warning is renewed, not left up for a season.
pub const MAX_RUN_DAYS: i64 = 31;
/// Longest title and text of a notice, in characters.
pub const MAX_TITLE: usize = 60;
pub const MAX_TEXT: usize = 500;

/// A broadcast as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    pub id: i64,
    pub kind: BroadcastKind,
    pub level: Level,
    pub title: String,
    pub text: String,
    /// The sites it is shown on; empty for every site.
    pub sites: Vec<TenantId>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Ended early by the office.
    pub cancelled: bool,
}

impl Broadcast {
    /// Whether it shows on `site` at `now`.
    pub fn shows(&self, site: TenantId, now: DateTime<Utc>) -> bool {
        !self.cancelled
            && self.starts_at <= now
            && now < self.ends_at
            && (self.sites.is_empty() || self.sites.contains(&site))
    }
}

/// Why a broadcast cannot be made, as the office reads it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BroadcastError {
    #[error("请填写公告标题")]
    NoTitle,
    #[error("公告标题不能超过 {MAX_TITLE} 个字")]
    TitleTooLong,
    #[error("公告内容不能超过 {MAX_TEXT} 个字")]
    TextTooLong,
    #[error("结束时间必须晚于开始时间和当前时间")]
    EndsTooEarly,
    #[error("持续时间不能超过 {MAX_RUN_DAYS} 天")]
    TooLong,
}

/// Checks a new broadcast at `now`: a notice needs a title; the end lies after the start and
/// after now, at most `MAX_RUN_DAYS` after the start. A mourning broadcast without a title is
/// named 全国哀悼日.
pub fn check(mut b: Broadcast, now: DateTime<Utc>) -> Result<Broadcast, BroadcastError> {
    b.title = b.title.trim().to_owned();
    b.text = b.text.trim().to_owned();
    if b.title.is_empty() {
        match b.kind {
            BroadcastKind::Notice => return Err(BroadcastError::NoTitle),
            BroadcastKind::Mourning => b.title = "全国哀悼日".into(),
        }
    }
    if b.title.chars().count() > MAX_TITLE {
        return Err(BroadcastError::TitleTooLong);
    }
    if b.text.chars().count() > MAX_TEXT {
        return Err(BroadcastError::TextTooLong);
    }
    if b.ends_at <= b.starts_at || b.ends_at <= now {
        return Err(BroadcastError::EndsTooEarly);
    }
    if b.ends_at - b.starts_at > Duration::days(MAX_RUN_DAYS) {
        return Err(BroadcastError::TooLong);
    }
    b.sites.sort();
    b.sites.dedup();
    Ok(b)
}

/// What a site shows at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Shown<'a> {
    /// The notices, gravest first, then newest.
    pub notices: Vec<&'a Broadcast>,
    /// Greyscale.
    pub mourning: bool,
    /// When the greyscale ends (the latest end of the mourning broadcasts shown).
    pub mourning_ends: Option<DateTime<Utc>>,
}

impl Shown<'_> {
    /// The page cache's tag of what is shown ("" when nothing is): the ids in order.
    pub fn tag(&self) -> String {
        let mut tag = String::new();
        if self.mourning {
            tag.push('m');
        }
        for n in &self.notices {
            tag.push_str(&format!("n{}", n.id));
        }
        tag
    }
}

/// What `site` shows at `now` of `all`.
pub fn shown(all: &[Broadcast], site: TenantId, now: DateTime<Utc>) -> Shown<'_> {
    let mut out = Shown::default();
    for b in all.iter().filter(|b| b.shows(site, now)) {
        match b.kind {
            BroadcastKind::Notice => out.notices.push(b),
            BroadcastKind::Mourning => {
                out.mourning = true;
                out.mourning_ends = out.mourning_ends.max(Some(b.ends_at));
            }
        }
    }
    out.notices
        .sort_by_key(|n| std::cmp::Reverse((n.level.rank(), n.id)));
    out
}

impl Level {
    /// Gravity: blue lowest, red highest.
    fn rank(self) -> u8 {
        match self {
            Level::Blue => 0,
            Level::Yellow => 1,
            Level::Orange => 2,
            Level::Red => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + h * 3600, 0).unwrap()
    }

    fn b(
        id: i64,
        kind: BroadcastKind,
        level: Level,
        sites: &[i64],
        from: i64,
        to: i64,
    ) -> Broadcast {
        Broadcast {
            id,
            kind,
            level,
            title: format!("公告{id}"),
            text: String::new(),
            sites: sites.iter().map(|s| TenantId(*s)).collect(),
            starts_at: at(from),
            ends_at: at(to),
            cancelled: false,
        }
    }

    #[test]
    fn a_site_shows_what_runs_now_for_it_gravest_first() {
        use BroadcastKind::*;
        let mut cancelled = b(5, Notice, Level::Red, &[], 0, 10);
        cancelled.cancelled = true;
        let all = vec![
            b(1, Notice, Level::Blue, &[], 0, 10),
            b(2, Notice, Level::Red, &[7], 0, 10),
            b(3, Mourning, Level::Blue, &[], 2, 4),
            b(4, Notice, Level::Orange, &[], 5, 6),
            cancelled,
        ];
        // (site, hour) → (notice ids, mourning, tag)
        let cases = [
            (7, 1, vec![2, 1], false, "n2n1"),
            (8, 1, vec![1], false, ""),
            (8, 3, vec![1], true, ""),
            (7, 4, vec![2, 1], false, ""),
            (8, 5, vec![4, 1], false, ""),
            (8, 10, vec![], false, ""),
            (8, -1, vec![], false, ""),
        ];
        for (site, hour, ids, mourning, tag) in cases {
            let s = shown(&all, TenantId(site), at(hour));
            let got: Vec<i64> = s.notices.iter().map(|n| n.id).collect();
            assert_eq!((got, s.mourning), (ids, mourning), "site {site} at {hour}");
            if !tag.is_empty() {
                assert_eq!(s.tag(), tag);
            }
        }
        assert_eq!(shown(&all, TenantId(8), at(3)).tag(), "mn1");
        assert_eq!(shown(&all, TenantId(8), at(11)).tag(), "");
    }

    #[test]
    fn a_broadcast_is_checked_before_it_is_made() {
        use BroadcastKind::*;
        let now = at(0);
        let ok = b(0, Notice, Level::Red, &[3, 2, 3], 0, 24);
        assert_eq!(
            check(ok, now).unwrap().sites,
            vec![TenantId(2), TenantId(3)]
        );
        let mut untitled = b(0, Mourning, Level::Blue, &[], 0, 24);
        untitled.title = " ".into();
        assert_eq!(check(untitled.clone(), now).unwrap().title, "全国哀悼日");
        untitled.kind = Notice;
        let long_title = Broadcast {
            title: "台".repeat(MAX_TITLE + 1),
            ..b(0, Notice, Level::Red, &[], 0, 1)
        };
        let long_text = Broadcast {
            text: "风".repeat(MAX_TEXT + 1),
            ..b(0, Notice, Level::Red, &[], 0, 1)
        };
        let cases = [
            (untitled, BroadcastError::NoTitle),
            (long_title, BroadcastError::TitleTooLong),
            (long_text, BroadcastError::TextTooLong),
            (
                b(0, Notice, Level::Red, &[], 5, 5),
                BroadcastError::EndsTooEarly,
            ),
            (
                b(0, Notice, Level::Red, &[], -5, -1),
                BroadcastError::EndsTooEarly,
            ),
            (
                b(0, Notice, Level::Red, &[], 0, 24 * 32),
                BroadcastError::TooLong,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(check(input, now), Err(want));
        }
    }
}
