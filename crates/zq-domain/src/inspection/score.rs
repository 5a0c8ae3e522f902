//! The score the inspection would give from the indicators the platform computes: a failed veto
//! item fails the site whatever its points; otherwise 100 points less the deductions below, and
//! under [`PASS_POINTS`] fails. The deductions are the platform's reading of the national table's
//! scored items it can measure (columns behind their duty, slow replies, missing footer
//! information), each with a cap so one item cannot sink a site alone. The portal may add its
//! bonus (`super::bonus`) once it has no failed veto and 80 points.

use serde::Serialize;

use super::bonus::Bonus;
use super::{Indicator, Status, Weight};

/// Points below which a site fails.
pub const PASS_POINTS: i64 = 60;

/// Points per unit and the cap of each scored indicator: (code, per unit, cap).
const DEDUCTIONS: [(&str, i64, i64); 4] = [
    ("columns_duty", 1, 10),
    ("links", 1, 10),
    ("slow_replies", 2, 10),
    ("elements", 2, 10),
];

/// Points taken off for one indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deduction {
    pub code: &'static str,
    pub name: &'static str,
    pub points: i64,
}

/// A site's standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// The veto items failed (their names).
    pub vetoes: Vec<&'static str>,
    pub deductions: Vec<Deduction>,
    /// 100 less the deductions.
    pub points: i64,
    /// No veto failed and the points reach [`PASS_POINTS`].
    pub passed: bool,
    /// Indicators warning now (early warnings).
    pub warnings: usize,
    /// The portal's bonus (`None` for the other sites).
    pub bonus: Option<Bonus>,
    /// The points with the bonus: what the sites are ranked by.
    pub total: i64,
}

impl Score {
    pub fn of(indicators: &[Indicator]) -> Score {
        let vetoes: Vec<&'static str> = indicators
            .iter()
            .filter(|i| i.weight == Weight::Veto && i.status == Status::Fail)
            .map(|i| i.name)
            .collect();
        let deductions: Vec<Deduction> = indicators
            .iter()
            .filter(|i| i.weight == Weight::Scored && i.status == Status::Fail)
            .filter_map(|i| {
                let (_, each, cap) = DEDUCTIONS.iter().find(|(c, _, _)| *c == i.code)?;
                Some(Deduction {
                    code: i.code,
                    name: i.name,
                    points: (i.count * each).min(*cap),
                })
            })
            .filter(|d| d.points > 0)
            .collect();
        let points = 100 - deductions.iter().map(|d| d.points).sum::<i64>();
        Score {
            passed: vetoes.is_empty() && points >= PASS_POINTS,
            vetoes,
            deductions,
            points,
            warnings: indicators
                .iter()
                .filter(|i| i.status == Status::Warn)
                .count(),
            bonus: None,
            total: points,
        }
    }

    /// Adds the portal's bonus.
    pub fn add_bonus(&mut self, bonus: Bonus) {
        self.total = self.points + bonus.points;
        self.bonus = Some(bonus);
    }

    /// 合格 / 不合格（单项否决）/ 不合格.
    pub fn verdict(&self) -> &'static str {
        match (self.vetoes.is_empty(), self.passed) {
            (false, _) => "单项否决",
            (true, true) => "合格",
            (true, false) => "不合格",
        }
    }
}
