//! The portal's bonus (加分指标): the third part of the national indicators, up to
//! [`BONUS_MAX`] points on top of the 100, for the government portal only, and only read once
//! the portal has no failed veto item and at least [`BONUS_FROM_POINTS`] points. Most of the
//! table is judged by the inspectors (innovation, policy interpretation, service quality); the
//! platform scores the three things it measures itself, each worth up to
//! [`ITEM_MAX`] points:
//!
//! - 集约共享: the region's department, district and town sites built on the one platform,
//!   with the portal's header, sign-on and search (a level with a site on it counts);
//! - 信息协同: the portal adopting the cluster's sites' reported items (信息报送) over the last
//!   [`ADOPTION_WINDOW_DAYS`] days;
//! - 整体达标: the cluster's other sites passing the same inspection (no veto, 60 points).
//!
//! The thresholds are the platform's reading, stated on the page with the evidence; what the
//! platform cannot measure is left to the inspectors and said so.

use serde::Serialize;

use super::{Evidence, Score};

/// The most bonus points.
pub const BONUS_MAX: i64 = 30;
/// Points from which the bonus is read.
pub const BONUS_FROM_POINTS: i64 = 80;
/// The most points of one item.
pub const ITEM_MAX: i64 = 10;
/// Days of reported items counted for 信息协同.
pub const ADOPTION_WINDOW_DAYS: i64 = 90;
/// Adopted items for full points of 信息协同, and for half of them.
pub const ADOPTED_FULL: u64 = 30;
pub const ADOPTED_HALF: u64 = 10;
/// Share of the other sites passing, in percent, for half the points of 整体达标 (all of
/// them for full points).
pub const PASSING_HALF_PERCENT: usize = 90;

/// A site of the cluster other than the portal, as the bonus sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subsite {
    pub code: String,
    pub name: String,
    /// 部门, 区县, 乡镇（街道）.
    pub level: &'static str,
    /// Its own inspection: no failed veto and at least [`super::PASS_POINTS`].
    pub passed: bool,
    /// Its verdict, worded.
    pub verdict: &'static str,
}

/// Items the portal received from one sending site over the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub name: String,
    pub submitted: u64,
    pub adopted: u64,
}

/// What the bonus is read from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortalFacts {
    /// The cluster's open sites other than the portal.
    pub subsites: Vec<Subsite>,
    /// Reported items by sender, over [`ADOPTION_WINDOW_DAYS`].
    pub reported: Vec<Reported>,
}

/// One item of the bonus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BonusItem {
    pub code: &'static str,
    pub name: &'static str,
    /// What earns the points, as the platform reads the item.
    pub rule: &'static str,
    pub points: i64,
    pub max: i64,
    /// The measured value, worded.
    pub value: String,
    pub evidence: Vec<Evidence>,
}

/// The portal's bonus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bonus {
    /// Read at all: no failed veto and at least [`BONUS_FROM_POINTS`].
    pub eligible: bool,
    /// The items (also when not eligible, to show what they would give).
    pub items: Vec<BonusItem>,
    /// The points added (0 when not eligible), at most [`BONUS_MAX`].
    pub points: i64,
}

fn evidence(what: String, detail: String, object: String) -> Evidence {
    Evidence {
        what,
        detail,
        object,
    }
}

fn intensive(f: &PortalFacts) -> BonusItem {
    let levels: [(&str, i64); 3] = [("部门", 4), ("区县", 3), ("乡镇（街道）", 3)];
    let mut points = 0;
    let mut parts = Vec::new();
    let mut ev = Vec::new();
    for (level, worth) in levels {
        let n = f.subsites.iter().filter(|s| s.level == level).count();
        parts.push(format!("{level}网站 {n} 个"));
        if n > 0 {
            points += worth;
        }
        ev.push(evidence(
            format!("{level}网站"),
            if n > 0 {
                format!("{n} 个建在本平台，+{worth}")
            } else {
                "没有建在本平台的网站".into()
            },
            "sites".into(),
        ));
    }
    BonusItem {
        code: "intensive",
        name: "集约共享",
        rule: "本地区部门、区县、乡镇（街道）网站集约建设在统一平台上，统一标识、统一用户、统一检索；每一层级有网站建在平台上即得分（部门 4 分、区县 3 分、乡镇 3 分）",
        points,
        max: ITEM_MAX,
        value: parts.join("，"),
        evidence: ev,
    }
}

fn coordination(f: &PortalFacts) -> BonusItem {
    let adopted: u64 = f.reported.iter().map(|r| r.adopted).sum();
    let submitted: u64 = f.reported.iter().map(|r| r.submitted).sum();
    let points = if adopted >= ADOPTED_FULL {
        ITEM_MAX
    } else if adopted >= ADOPTED_HALF {
        ITEM_MAX / 2
    } else {
        0
    };
    let mut senders: Vec<&Reported> = f.reported.iter().filter(|r| r.submitted > 0).collect();
    senders.sort_by(|a, b| b.adopted.cmp(&a.adopted).then(a.name.cmp(&b.name)));
    BonusItem {
        code: "coordination",
        name: "信息协同",
        rule: "门户网站采用本地区各网站报送的信息，上下联动、信息共享：近 90 天采用 30 条及以上得 10 分，10 条及以上得 5 分",
        points,
        max: ITEM_MAX,
        value: format!(
            "近 {ADOPTION_WINDOW_DAYS} 天收到报送 {submitted} 条，采用 {adopted} 条（来自 {} 个网站）",
            senders.len()
        ),
        evidence: senders
            .into_iter()
            .take(10)
            .map(|r| {
                evidence(
                    r.name.clone(),
                    format!("报送 {} 条，采用 {} 条", r.submitted, r.adopted),
                    "reporting".into(),
                )
            })
            .collect(),
    }
}

fn overall(f: &PortalFacts) -> BonusItem {
    let total = f.subsites.len();
    let passing = f.subsites.iter().filter(|s| s.passed).count();
    let points = if total == 0 {
        0
    } else if passing == total {
        ITEM_MAX
    } else if passing * 100 >= total * PASSING_HALF_PERCENT {
        ITEM_MAX / 2
    } else {
        0
    };
    BonusItem {
        code: "overall",
        name: "整体达标",
        rule: "本地区其他政府网站按同一指标检查全部合格（无单项否决、60 分以上）得 10 分，合格率 90% 及以上得 5 分",
        points,
        max: ITEM_MAX,
        value: format!("{total} 个网站中 {passing} 个合格"),
        evidence: f
            .subsites
            .iter()
            .filter(|s| !s.passed)
            .map(|s| {
                evidence(
                    s.name.clone(),
                    s.verdict.to_owned(),
                    format!("site:{}", s.code),
                )
            })
            .collect(),
    }
}

/// The portal's bonus on top of `score`.
pub fn portal_bonus(score: &Score, f: &PortalFacts) -> Bonus {
    let items = vec![intensive(f), coordination(f), overall(f)];
    let eligible = score.vetoes.is_empty() && score.points >= BONUS_FROM_POINTS;
    let points = if eligible {
        items.iter().map(|i| i.points).sum::<i64>().min(BONUS_MAX)
    } else {
        0
    };
    Bonus {
        eligible,
        items,
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(points: i64, vetoes: Vec<&'static str>) -> Score {
        Score {
            passed: vetoes.is_empty() && points >= super::super::PASS_POINTS,
            vetoes,
            deductions: Vec::new(),
            points,
            warnings: 0,
            bonus: None,
            total: points,
        }
    }

    fn site(level: &'static str, passed: bool) -> Subsite {
        Subsite {
            code: format!("{level}-{passed}"),
            name: format!("{level}网站"),
            level,
            passed,
            verdict: if passed { "合格" } else { "单项否决" },
        }
    }

    fn sent(adopted: u64) -> Reported {
        Reported {
            name: "发改委".into(),
            submitted: adopted + 3,
            adopted,
        }
    }

    #[test]
    fn each_item_scores_by_its_thresholds() {
        let dept = || site("部门", true);
        let district = || site("区县", true);
        let town = || site("乡镇（街道）", true);
        // (subsites, reported, [intensive, coordination, overall])
        type Case = (Vec<Subsite>, Vec<Reported>, [i64; 3]);
        let cases: Vec<Case> = vec![
            (vec![], vec![], [0, 0, 0]),
            (vec![dept()], vec![sent(9)], [4, 0, 10]),
            (vec![dept(), district()], vec![sent(10)], [7, 5, 10]),
            (
                vec![dept(), district(), town()],
                vec![sent(29)],
                [10, 5, 10],
            ),
            (
                vec![dept(), district(), town()],
                vec![sent(20), sent(10)],
                [10, 10, 10],
            ),
            // 9 of 10 passing is 90 %: half; 8 of 10: none.
            (
                [vec![site("部门", false)], (0..9).map(|_| dept()).collect()].concat(),
                vec![],
                [4, 0, 5],
            ),
            (
                [
                    vec![site("部门", false), site("区县", false)],
                    (0..8).map(|_| dept()).collect(),
                ]
                .concat(),
                vec![],
                [7, 0, 0],
            ),
        ];
        for (n, (subsites, reported, want)) in cases.into_iter().enumerate() {
            let b = portal_bonus(&score(95, vec![]), &PortalFacts { subsites, reported });
            let got: Vec<i64> = b.items.iter().map(|x| x.points).collect();
            assert_eq!(got, want, "case {n}");
            assert!(b.eligible);
            assert_eq!(b.points, want.iter().sum::<i64>(), "case {n}");
        }
    }

    #[test]
    fn the_bonus_is_read_only_from_80_points_without_a_veto_and_caps_at_30() {
        let full = PortalFacts {
            subsites: vec![
                site("部门", true),
                site("区县", true),
                site("乡镇（街道）", true),
            ],
            reported: vec![sent(40)],
        };
        for (points, vetoes, eligible, added) in [
            (100, vec![], true, 30),
            (80, vec![], true, 30),
            (79, vec![], false, 0),
            (100, vec!["首页更新"], false, 0),
        ] {
            let s = score(points, vetoes);
            let b = portal_bonus(&s, &full);
            assert_eq!((b.eligible, b.points), (eligible, added), "{points}");
            // The items still say what they would give.
            assert_eq!(b.items.iter().map(|i| i.points).sum::<i64>(), 30);
            let mut s = s;
            s.add_bonus(b);
            assert_eq!(s.total, points + added);
        }
    }

    #[test]
    fn failing_sites_and_senders_are_the_evidence() {
        let f = PortalFacts {
            subsites: vec![site("部门", true), site("区县", false)],
            reported: vec![sent(2)],
        };
        let b = portal_bonus(&score(90, vec![]), &f);
        let overall = &b.items[2];
        assert_eq!(overall.value, "2 个网站中 1 个合格");
        assert_eq!(overall.evidence.len(), 1);
        assert_eq!(overall.evidence[0].object, "site:区县-false");
        assert_eq!(b.items[1].evidence[0].detail, "报送 5 条，采用 2 条");
    }
}
