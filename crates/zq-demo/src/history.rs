//! A year of reporting history (信息报送) for the demo cluster, so the figures and the ranking
//! mean something from the first start: every unit allowed to send on a channel sends a
//! realistic number of items (active departments several a month, quiet ones one every month or
//! two, towns fewer), and the receiving board adopts most of them, returns some (most come back
//! revised), rejects some and has not yet decided the newest; a few are withdrawn. Times are
//! China Standard Time working hours on working days; boards decide within hours to a few days.
//!
//! Everything is drawn from the seed, relative to "now": the same seed gives the same kind of
//! history on any day, and exactly the same history for the same "now".

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use fastrand::Rng;
use zq_domain::TenantKind;
use zq_domain::reporting::{SubmissionState, Unit, may_send};
use zq_services::{Caller, ServiceError, Services};
use zq_store::{HistoricItem, HistoryImport, Tenant};

use super::DemoError;
use super::content::{self, ArticleSpec};

/// How much reporting history the demo gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryOptions {
    /// Months of history before "now"; 0 for none.
    pub months: u32,
}

impl HistoryOptions {
    /// No history: channels only (what most tests want, so their own figures are exact).
    pub const NONE: HistoryOptions = HistoryOptions { months: 0 };
}

impl Default for HistoryOptions {
    /// A full year, as `serve --demo` seeds it.
    fn default() -> Self {
        Self { months: 12 }
    }
}

/// China Standard Time is UTC+8 all year.
const CST_HOURS: i64 = 8;

/// Relative volume per calendar month: the Spring Festival and National Day are quiet, the
/// year's end is busy with summaries.
pub(crate) const SEASON: [f64; 12] = [0.9, 0.6, 1.1, 1.0, 1.0, 1.1, 1.0, 0.9, 1.1, 0.8, 1.1, 1.2];

/// Comments of a board sending an item back.
const RETURNS: &[&str] = &[
    "请补充活动现场图片后重新报送",
    "文中数据请核实后重新报送",
    "标题过长，请精简后重新报送",
    "请补充工作成效和具体数据",
    "请按信息报送格式要求修改后重报",
    "文中领导姓名和职务请核实",
    "请压缩篇幅、突出重点后重新报送",
];

/// Reasons of a board declining an item.
const REJECTS: &[&str] = &[
    "内容与本栏目定位不符",
    "信息时效性不足，未予采用",
    "与已采用信息内容重复",
    "属于内部工作安排，不宜公开发布",
    "信息内容较为简单，未予采用",
    "同类信息近期已有报道",
];

/// How one sending unit behaves on one channel.
struct Profile {
    /// Items a month, on average.
    per_month: f64,
    /// Share of its items the board adopts.
    adopt: f64,
}

impl Profile {
    fn draw(kind: TenantKind, rng: &mut Rng) -> Profile {
        let between = |rng: &mut Rng, a: f64, b: f64| a + rng.f64() * (b - a);
        let per_month = match kind {
            TenantKind::Department => match rng.u32(0..100) {
                0..30 => between(rng, 3.0, 6.0),
                30..70 => between(rng, 1.0, 3.0),
                _ => between(rng, 0.2, 1.0),
            },
            TenantKind::District => between(rng, 2.5, 6.0),
            TenantKind::Town | TenantKind::Portal => between(rng, 0.4, 2.0),
        };
        Profile {
            per_month,
            adopt: between(rng, 0.55, 0.75),
        }
    }
}

/// Seeds `opts.months` of history before `now` on every channel, deterministically from `seed`.
pub(crate) async fn seed_history(
    svc: &Services,
    city: &str,
    seed: u64,
    opts: HistoryOptions,
    now: DateTime<Utc>,
) -> Result<HistoryImport, DemoError> {
    if opts.months == 0 {
        return Ok(HistoryImport::default());
    }
    let store = svc.store();
    let channels = store.channels().await.map_err(ServiceError::from)?;
    let tenants = store.list_tenants().await.map_err(ServiceError::from)?;
    let items = plan(&channels, &tenants, city, seed, opts, now);
    Ok(zq_services::reporting::import_history(svc, &Caller::system(), items).await?)
}

/// The history as items, oldest first.
fn plan(
    channels: &[zq_store::Channel],
    tenants: &[Tenant],
    city: &str,
    seed: u64,
    opts: HistoryOptions,
    now: DateTime<Utc>,
) -> Vec<HistoricItem> {
    // A stream of its own, so the articles' generator and this one do not disturb each other.
    let mut rng = Rng::with_seed(seed ^ 0x9e37_79b9_7f4a_7c15);
    let now_local = now.naive_utc() + Duration::hours(CST_HOURS);
    let days = i64::from(opts.months) * 365 / 12;
    let start = now_local - Duration::days(days);
    let mut items = Vec::new();
    let mut channels: Vec<&zq_store::Channel> = channels.iter().collect();
    channels.sort_by_key(|c| c.id);
    for channel in channels {
        for t in tenants {
            let unit = Unit {
                id: t.id,
                kind: t.kind,
                parent: t.parent_id,
            };
            if !may_send(channel.senders(), channel.receiver, unit) {
                continue;
            }
            let profile = Profile::draw(t.kind, &mut rng);
            let sent = send_times(&profile, start, now_local, opts.months, &mut rng);
            let spec = ArticleSpec {
                unit_name: &t.name,
                tenant_kind: t.kind.as_str(),
                column_name: "信息报送",
                city,
            };
            let dates: Vec<(i32, u32, u32)> = sent
                .iter()
                .map(|s| (s.year(), s.month(), s.day()))
                .collect();
            let reports = content::report_items(&spec, &dates, &mut rng);
            let mut own: Vec<HistoricItem> = Vec::with_capacity(sent.len());
            for (n, (&at, report)) in sent.iter().zip(reports).enumerate() {
                let mut o = outcome(&profile, at, now_local, &mut rng);
                // Every unit counts in the figures: not all of its items are withdrawn ones.
                if n + 1 == sent.len() && own.iter().all(|i| i.state == SubmissionState::Withdrawn)
                {
                    while o.state == SubmissionState::Withdrawn {
                        o = outcome(&profile, at, now_local, &mut rng);
                    }
                }
                own.push(HistoricItem {
                    channel_id: channel.id,
                    sender: t.id,
                    client_key: format!("demo-history-{}-{:04}", channel.id, n + 1),
                    title: report.title,
                    body: report.body_html,
                    source: None,
                    note: o.note.map(str::to_owned).or(report.note),
                    state: o.state,
                    submitted_at: utc(o.submitted),
                    decided_at: o.decided.map(utc),
                    decision_comment: o.comment.map(str::to_owned),
                    updated_at: Some(utc(o.updated)),
                    column: None,
                });
            }
            items.extend(own);
        }
    }
    items.sort_by_key(|i| i.submitted_at);
    items
}

fn utc(local: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&(local - Duration::hours(CST_HOURS)))
}

/// When a unit sends its items: month by month, a Poisson number of items on working days,
/// mostly in office hours; at least two over the whole period.
fn send_times(
    profile: &Profile,
    start: NaiveDateTime,
    now: NaiveDateTime,
    months: u32,
    rng: &mut Rng,
) -> Vec<NaiveDateTime> {
    let span = now - start;
    let months = i32::try_from(months.max(1)).unwrap_or(12);
    let mut out = Vec::new();
    for k in 0..months {
        let from = start + span * k / months;
        let to = start + span * (k + 1) / months;
        let season = SEASON[(from + (to - from) / 2).month0() as usize];
        for _ in 0..poisson(profile.per_month * season, rng) {
            out.extend(send_time(from, to.min(now), rng));
        }
    }
    while out.len() < 2 {
        match send_time(start, now, rng) {
            Some(t) => out.push(t),
            None => break,
        }
    }
    out.sort();
    out
}

/// A moment on a working day in `[from, to)`, mostly in office hours, some in the evening.
fn send_time(from: NaiveDateTime, to: NaiveDateTime, rng: &mut Rng) -> Option<NaiveDateTime> {
    let days: Vec<NaiveDate> = from
        .date()
        .iter_days()
        .take_while(|d| *d <= to.date())
        .filter(|d| is_workday(*d))
        .collect();
    for _ in 0..8 {
        let day = *days.get(rng.usize(..days.len().max(1)))?;
        let minute = if rng.u32(0..100) < 85 {
            rng.u32(510..1050) // 8:30–17:30
        } else {
            rng.u32(1050..1260) // 17:30–21:00
        };
        let at = day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
        if at >= from && at < to {
            return Some(at);
        }
    }
    None
}

/// A Poisson-distributed count with mean `mean` (Knuth's method; means here are small).
pub(crate) fn poisson(mean: f64, rng: &mut Rng) -> u32 {
    let limit = (-mean.max(0.0)).exp();
    let (mut k, mut p) = (0, rng.f64());
    while p > limit && k < 100 {
        k += 1;
        p *= rng.f64();
    }
    k
}

/// Where an item stands now, and when each step happened (local time).
struct Outcome {
    state: SubmissionState,
    submitted: NaiveDateTime,
    decided: Option<NaiveDateTime>,
    comment: Option<&'static str>,
    updated: NaiveDateTime,
    note: Option<&'static str>,
}

/// Plays an item sent at `sent` through the board's hands up to `now`.
fn outcome(profile: &Profile, sent: NaiveDateTime, now: NaiveDateTime, rng: &mut Rng) -> Outcome {
    let pending = |submitted, note| Outcome {
        state: SubmissionState::Submitted,
        submitted,
        decided: None,
        comment: None,
        updated: submitted,
        note,
    };
    let roll = rng.f64();
    // Withdrawn by the sender soon after sending (3%).
    if roll < 0.03 {
        let at = sent + Duration::minutes(rng.i64(20..240));
        if at > now {
            return pending(sent, None);
        }
        return Outcome {
            state: SubmissionState::Withdrawn,
            submitted: sent,
            decided: None,
            comment: None,
            updated: at,
            note: None,
        };
    }
    // Returned first (12%): most come back revised and are decided again, some are left.
    if roll < 0.15 {
        let returned = decision_time(sent, rng);
        if returned > now {
            return pending(sent, None);
        }
        let comment = RETURNS[rng.usize(..RETURNS.len())];
        let left = Outcome {
            state: SubmissionState::Returned,
            submitted: sent,
            decided: Some(returned),
            comment: Some(comment),
            updated: returned,
            note: None,
        };
        if rng.u32(0..100) >= 75 {
            return left;
        }
        let resent = after_workdays(returned.date(), rng.u32(1..4), rng);
        if resent > now {
            return left;
        }
        let revised = Some("已根据退回意见修改");
        return final_decision(resent, (profile.adopt + 0.15).min(0.95), now, revised, rng)
            .unwrap_or_else(|| pending(resent, revised));
    }
    let adopt = (profile.adopt / 0.97).min(0.95);
    final_decision(sent, adopt, now, None, rng).unwrap_or_else(|| pending(sent, None))
}

/// Adopted (with probability `adopt`) or rejected, if decided by `now`.
fn final_decision(
    sent: NaiveDateTime,
    adopt: f64,
    now: NaiveDateTime,
    note: Option<&'static str>,
    rng: &mut Rng,
) -> Option<Outcome> {
    let decided = decision_time(sent, rng);
    if decided > now {
        return None;
    }
    let (state, comment) = if rng.f64() < adopt {
        (SubmissionState::Adopted, None)
    } else {
        (
            SubmissionState::Rejected,
            Some(REJECTS[rng.usize(..REJECTS.len())]),
        )
    };
    Some(Outcome {
        state,
        submitted: sent,
        decided: Some(decided),
        comment,
        updated: decided,
        note,
    })
}

/// When the board decides an item sent at `sent`: within hours the same day, or in office
/// hours one to a few working days later.
fn decision_time(sent: NaiveDateTime, rng: &mut Rng) -> NaiveDateTime {
    let days = match rng.u32(0..100) {
        0..35 => 0,
        35..70 => 1,
        70..85 => 2,
        85..95 => 3,
        _ => rng.u32(4..8),
    };
    if days == 0 {
        let at = sent + Duration::minutes(rng.i64(30..300));
        let minute = at
            .time()
            .signed_duration_since(NaiveTime::MIN)
            .num_minutes();
        if at.date() == sent.date() && is_workday(at.date()) && (510..=1065).contains(&minute) {
            return at;
        }
    }
    after_workdays(sent.date(), days.max(1), rng)
}

/// A moment in office hours (8:30–17:30) `n` working days after `day`.
fn after_workdays(day: NaiveDate, n: u32, rng: &mut Rng) -> NaiveDateTime {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d = d.succ_opt().unwrap_or(d);
        if is_workday(d) {
            left -= 1;
        }
    }
    d.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(rng.u32(510..1050)))
}

/// Monday to Friday, except the public holidays that close offices for days: New Year's Day,
/// the Spring Festival week, Labour Day and National Day.
fn is_workday(d: NaiveDate) -> bool {
    use chrono::Weekday::{Sat, Sun};
    if matches!(d.weekday(), Sat | Sun) {
        return false;
    }
    let (m, day) = (d.month(), d.day());
    let fixed = (m == 1 && day == 1) || (m == 5 && day <= 5) || (m == 10 && day <= 7);
    // The first day of the Spring Festival holiday and its length, per year.
    let spring = match d.year() {
        2024 => Some((2, 10, 8)),
        2025 => Some((1, 28, 8)),
        2026 => Some((2, 15, 9)),
        2027 => Some((2, 5, 7)),
        2028 => Some((1, 25, 7)),
        2029 => Some((2, 12, 7)),
        2030 => Some((2, 2, 7)),
        _ => None,
    };
    let in_spring = spring
        .and_then(|(sm, sd, len)| {
            let first = NaiveDate::from_ymd_opt(d.year(), sm, sd)?;
            Some(d >= first && d < first + Duration::days(len))
        })
        .unwrap_or(false);
    !fixed && !in_spring
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn decisions_fall_in_office_hours_on_working_days_after_sending() {
        let mut rng = Rng::with_seed(3);
        for i in 0..2000 {
            let sent = at("2026-03-02 08:30") + Duration::minutes(i * 97);
            let d = decision_time(sent, &mut rng);
            let minute = d.time().signed_duration_since(NaiveTime::MIN).num_minutes();
            assert!(d > sent, "{sent} → {d}");
            assert!(
                is_workday(d.date()) && (510..=1065).contains(&minute),
                "{d}"
            );
            assert!((d - sent).num_days() <= 14, "{sent} → {d}");
        }
    }

    #[test]
    fn holidays_and_weekends_are_not_working_days() {
        for day in [
            "2026-10-01",
            "2026-10-07",
            "2026-02-16",
            "2026-05-04",
            "2026-11-21",
        ] {
            let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
            assert!(!is_workday(d), "{day}");
        }
        let d = NaiveDate::parse_from_str("2026-11-23", "%Y-%m-%d").unwrap();
        assert!(is_workday(d));
    }

    #[test]
    fn volumes_follow_the_profile() {
        let mut rng = Rng::with_seed(9);
        let (start, now) = (at("2025-11-23 10:00"), at("2026-11-23 10:00"));
        let count = |per_month: f64, rng: &mut Rng| {
            let p = Profile {
                per_month,
                adopt: 0.6,
            };
            send_times(&p, start, now, 12, rng)
        };
        let busy: usize = (0..20).map(|_| count(4.5, &mut rng).len()).sum();
        let quiet: usize = (0..20).map(|_| count(0.5, &mut rng).len()).sum();
        assert!((900..1250).contains(&busy), "{busy}");
        assert!((100..220).contains(&quiet), "{quiet}");
        for t in count(3.0, &mut rng) {
            assert!(t >= start && t < now && is_workday(t.date()), "{t}");
        }
    }

    #[test]
    fn outcomes_are_consistent_and_mostly_adoptions() {
        let mut rng = Rng::with_seed(11);
        let p = Profile {
            per_month: 3.0,
            adopt: 0.65,
        };
        let now = at("2026-11-23 10:00");
        let (mut adopted, mut n) = (0u32, 0u32);
        for i in 0..3000 {
            let sent = at("2025-12-01 09:00") + Duration::hours(i * 2);
            if sent >= now {
                break;
            }
            n += 1;
            let o = outcome(&p, sent, now, &mut rng);
            let decided = matches!(
                o.state,
                SubmissionState::Adopted | SubmissionState::Rejected | SubmissionState::Returned
            );
            assert_eq!(decided, o.decided.is_some());
            assert!(o.submitted >= sent && o.updated >= o.submitted && o.updated <= now);
            assert!(o.decided.is_none_or(|d| d >= o.submitted && d <= now));
            adopted += u32::from(o.state == SubmissionState::Adopted);
        }
        let share = f64::from(adopted) / f64::from(n);
        assert!((0.55..0.75).contains(&share), "{share}");
    }
}
