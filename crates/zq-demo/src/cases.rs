//! A year of interaction for the demo cluster (互动交流), so the registry, the statistics, the
//! inboxes and the office's table show real figures from the first start: letters to every
//! site's mailbox (the portal and the districts get most; some are transferred to a department
//! or a town, which answers), site-error reports filed on the portal about pages of every
//! site, and disclosure requests to departments and districts. Most are answered on time, some
//! late, a few refused or extended; the newest are still open, and a handful are overdue now.
//! Everything is drawn from the seed, relative to "now", and imported in one audited
//! transaction (`zq_services::interaction::import_history`).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use fastrand::Rng;
use zq_domain::calendar::WorkingCalendar;
use zq_domain::interaction::personal::Personal;
use zq_domain::interaction::{CaseClock, CaseKind, CaseState, DisclosureAnswer};
use zq_domain::time::{beijing, beijing_date};
use zq_domain::{TenantId, TenantKind};
use zq_services::interaction::PastCase;
use zq_services::{Caller, ServiceError, Services};
use zq_store::{HistoricCase, HistoricStep, NewCase, Tenant};

use super::DemoError;
use super::cases_text::{DISCLOSURES, GIVEN, LETTERS, REFUSALS, SITE_ERRORS, SURNAMES};
use super::history::{SEASON, poisson};

/// Letters a month to a site's mailbox, by kind of site.
fn letters_per_month(kind: TenantKind) -> f64 {
    match kind {
        TenantKind::Portal => 9.0,
        TenantKind::District => 4.0,
        TenantKind::Department => 1.5,
        TenantKind::Town => 1.0,
    }
}

/// One case being drawn: what happened, day by day (Beijing local dates and times).
struct Draw<'a> {
    cal: &'a WorkingCalendar,
    today: NaiveDate,
    now: DateTime<Utc>,
    rng: &'a mut Rng,
}

impl Draw<'_> {
    /// A time on `day` in office hours.
    fn office_time(&mut self, day: NaiveDate) -> DateTime<Utc> {
        let minutes = 9 * 60 + self.rng.u32(0..8 * 60);
        at(day, minutes)
    }

    /// `n` working days after `day`.
    fn after(&self, day: NaiveDate, n: u32) -> NaiveDate {
        self.cal.add_working_days(day, n)
    }

    fn writer(&mut self) -> Personal {
        let name = format!(
            "{}{}",
            SURNAMES[self.rng.usize(..SURNAMES.len())],
            GIVEN[self.rng.usize(..GIVEN.len())]
        );
        Personal {
            name,
            phone: format!("13{}{:08}", self.rng.u8(3..10), self.rng.u32(..100_000_000)),
            email: None,
            id_number: None,
            address: None,
        }
    }
}

fn at(day: NaiveDate, minutes: u32) -> DateTime<Utc> {
    let t = NaiveTime::from_hms_opt(minutes / 60 % 24, minutes % 60, 0).unwrap_or_default();
    beijing()
        .from_local_datetime(&day.and_time(t))
        .single()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_default()
}

fn step(step: &str, actor: &str, note: Option<String>, at: DateTime<Utc>) -> HistoricStep {
    HistoricStep {
        step: step.into(),
        actor: actor.into(),
        note,
        to_tenant: None,
        at,
    }
}

/// What a case needs to be drawn.
struct Spec<'a> {
    kind: CaseKind,
    origin: &'a Tenant,
    owner: &'a Tenant,
    mailbox: Option<i64>,
    subject: String,
    content: String,
    category: Option<String>,
    page_url: Option<String>,
    details: Option<String>,
    reply: String,
    answer: Option<DisclosureAnswer>,
    publish: bool,
    /// Working days to answer (the rule), and what an extension adds.
    days: u32,
    extension: u32,
}

/// Plays a case written on `day` through its unit's hands up to today.
fn play(
    d: &mut Draw<'_>,
    n: usize,
    day: NaiveDate,
    s: Spec<'_>,
    writer: Personal,
) -> Option<PastCase> {
    let submitted = at(day, 7 * 60 + d.rng.u32(0..15 * 60));
    if submitted > d.now {
        return None;
    }
    let rule = zq_domain::interaction::ClockRule {
        days: s.days,
        extension: s.extension,
    };
    let mut clock = CaseClock::start(day, rule);
    let handler = format!("{}.handler", s.owner.code);
    let origin_handler = format!("{}.handler", s.origin.code);
    let mut steps = vec![step("submit", "公众", None, submitted)];
    let wait = d.rng.u32(0..2);
    let accept_day = d.after(day, wait).max(day);
    let accepted = d
        .office_time(accept_day)
        .max(submitted + Duration::minutes(30));
    // How long the unit takes: mostly within the rule, sometimes late, rarely extended.
    let roll = d.rng.f64();
    // The last fortnight is busier than usual: a few of its cases are overdue now.
    let recent = (d.today - day).num_days() <= 14;
    let late = if recent { 0.4 } else { 0.16 };
    let (used, extended) = if roll < 0.06 {
        (s.days + d.rng.u32(1..=s.extension.max(1)), true)
    } else if roll < late && recent {
        (s.days + d.rng.u32(3..9), false)
    } else if roll < late {
        (s.days + d.rng.u32(1..4), false)
    } else {
        (d.rng.u32(1..=s.days), false)
    };
    let reply_day = d.after(day, used);
    let refused = s.kind == CaseKind::Letter && d.rng.f64() < 0.03;
    let transfer = s.owner.id != s.origin.id;
    let mut state;
    let mut c = HistoricCase {
        new: NewCase {
            tenant_id: s.owner.id,
            origin_tenant_id: s.origin.id,
            kind: s.kind,
            mailbox_id: s.mailbox,
            subject: s.subject,
            content: s.content,
            category: s.category,
            page_url: s.page_url,
            details: s.details,
            personal: String::new(),
            publish_allowed: s.publish,
            query_code_hash: String::new(),
            submit_key: format!("demo-case-{n}"),
            clock,
            due_on: clock.due(d.cal, day),
            files: Vec::new(),
        },
        state: CaseState::Submitted,
        submitted_at: submitted,
        accepted_at: None,
        replied_at: None,
        reply: None,
        reply_unit: None,
        answer: None,
        rating: None,
        extended: false,
        due_on: None,
        steps: Vec::new(),
    };
    if accept_day > d.today || accepted > d.now {
        c.due_on = Some(clock.due(d.cal, d.today));
        c.steps = steps;
        return Some(PastCase {
            case: c,
            personal: writer,
        });
    }
    if refused {
        steps.push(step(
            "refuse",
            &origin_handler,
            Some(REFUSALS[d.rng.usize(..REFUSALS.len())].into()),
            accepted,
        ));
        clock.stop(d.cal, accept_day);
        c.state = CaseState::NotAccepted;
        c.reply = steps.last().and_then(|s| s.note.clone());
        c.reply_unit = Some(s.origin.name.clone());
        c.replied_at = Some(accepted);
        c.new.clock = clock;
        c.steps = steps;
        return Some(PastCase {
            case: c,
            personal: writer,
        });
    }
    steps.push(step("accept", &origin_handler, None, accepted));
    c.accepted_at = Some(accepted);
    if transfer {
        let mut t = step(
            "transfer",
            &origin_handler,
            Some(format!("转至{}", s.owner.name)),
            accepted + Duration::minutes(20),
        );
        t.to_tenant = Some(s.owner.id);
        steps.push(t);
        steps.push(step(
            "accept",
            &handler,
            None,
            accepted + Duration::hours(2),
        ));
    }
    state = CaseState::Accepted;
    if extended {
        let ext_day = d.after(day, s.days.saturating_sub(1)).min(d.today);
        if ext_day <= d.today && ext_day >= accept_day {
            steps.push(step(
                "extend",
                &handler,
                Some("涉及多个部门，需会同核实".into()),
                d.office_time(ext_day),
            ));
            clock.extend(rule);
            c.extended = true;
        }
    }
    let replied = d.office_time(reply_day).max(accepted + Duration::hours(3));
    if reply_day > d.today || replied > d.now {
        // Still being handled.
        if d.rng.bool() {
            state = CaseState::InProgress;
        }
        c.state = state;
        c.due_on = Some(clock.due(d.cal, d.today));
        c.new.clock = clock;
        c.steps = steps;
        return Some(PastCase {
            case: c,
            personal: writer,
        });
    }
    steps.push(step(
        "draft_reply",
        &handler,
        None,
        replied - Duration::hours(2),
    ));
    steps.push(step(
        "approve_reply",
        &format!("{}.reviewer", s.owner.code),
        None,
        replied,
    ));
    clock.stop(d.cal, reply_day);
    state = CaseState::Replied;
    c.reply = Some(s.reply);
    c.reply_unit = Some(s.owner.name.clone());
    c.replied_at = Some(replied);
    c.answer = s.answer;
    if d.rng.f64() < 0.6 && reply_day < d.today {
        let r: i16 = match d.rng.u8(0..20) {
            0 => 2,
            1..=2 => 3,
            3..=8 => 4,
            _ => 5,
        };
        let wait = d.rng.u32(0..3);
        let rate_day = d.after(reply_day, wait).min(d.today);
        let rated = at(rate_day, 20 * 60).max(replied + Duration::hours(1));
        if rated <= d.now {
            steps.push(step("rate", "公众", Some(format!("{r} 分")), rated));
            c.rating = Some(r);
            state = CaseState::Closed;
        }
    }
    c.state = state;
    c.new.clock = clock;
    c.steps = steps;
    Some(PastCase {
        case: c,
        personal: writer,
    })
}

/// No step after "now" (a step drawn later today happens at most now).
fn clamp(mut c: PastCase, now: DateTime<Utc>) -> PastCase {
    for s in &mut c.case.steps {
        s.at = s.at.min(now);
    }
    for t in [&mut c.case.accepted_at, &mut c.case.replied_at] {
        *t = t.map(|t| t.min(now));
    }
    c
}

/// Seeds `months` of interaction before "now"; how many cases.
pub(crate) async fn seed_cases(
    svc: &Services,
    city: &str,
    seed: u64,
    months: u32,
    now: DateTime<Utc>,
) -> Result<usize, DemoError> {
    if months == 0 {
        return Ok(0);
    }
    let store = svc.store();
    let tenants = store.list_tenants().await.map_err(ServiceError::from)?;
    let cal = store.working_calendar().await.map_err(ServiceError::from)?;
    let rules = svc.interaction().rules;
    let mut rng = Rng::with_seed(seed ^ 0x51a7_c0de_2026);
    let today = beijing_date(now);
    let start = today - Duration::days(i64::from(months) * 365 / 12);
    let mut cases = Vec::new();
    let children = |id: TenantId| -> Vec<&Tenant> {
        tenants.iter().filter(|t| t.parent_id == Some(id)).collect()
    };
    let portal = tenants.iter().find(|t| t.kind == TenantKind::Portal);
    let mut d = Draw {
        cal: &cal,
        today,
        now,
        rng: &mut rng,
    };
    for t in &tenants {
        let mailbox = store
            .mailboxes(t.id)
            .await
            .map_err(ServiceError::from)?
            .into_iter()
            .next()
            .map(|m| m.id);
        let kids = children(t.id);
        let mut month = start;
        while month <= today {
            let season = SEASON[month.month0() as usize];
            for _ in 0..poisson(letters_per_month(t.kind) * season, d.rng) {
                let day = month + Duration::days(i64::from(d.rng.u32(0..30)));
                if day > today || !cal.is_working_day(day) && d.rng.f64() < 0.7 {
                    continue;
                }
                let (cat, subject, content, reply) = LETTERS[d.rng.usize(..LETTERS.len())];
                // The portal and districts hand about a third to a department or a town.
                let owner = if !kids.is_empty() && d.rng.f64() < 0.35 {
                    kids[d.rng.usize(..kids.len())]
                } else {
                    t
                };
                let short = owner.name.replace(city, "");
                let spec = Spec {
                    kind: CaseKind::Letter,
                    origin: t,
                    owner,
                    mailbox,
                    subject: subject.into(),
                    content: content.into(),
                    category: Some(cat.into()),
                    page_url: None,
                    details: None,
                    reply: format!("{reply}\n\n{short}"),
                    answer: None,
                    publish: d.rng.f64() < 0.7,
                    days: rules.letter.days,
                    extension: rules.letter.extension,
                };
                let writer = d.writer();
                cases.extend(play(&mut d, cases.len(), day, spec, writer).map(|c| clamp(c, now)));
            }
            // Disclosure requests to departments and districts, about one every two months.
            if matches!(t.kind, TenantKind::Department | TenantKind::District) && d.rng.f64() < 0.5
            {
                let day = month + Duration::days(i64::from(d.rng.u32(0..28)));
                if day <= today && cal.is_working_day(day) {
                    let (subject, content, answer, reply) =
                        DISCLOSURES[d.rng.usize(..DISCLOSURES.len())];
                    let spec = Spec {
                        kind: CaseKind::Disclosure,
                        origin: t,
                        owner: t,
                        mailbox: None,
                        subject: subject.into(),
                        content: content.into(),
                        category: Some("citizen".into()),
                        page_url: None,
                        details: Some(r#"{"applicant":"公民","purpose":null,"medium":"电子文件","delivery":"电子邮件"}"#.into()),
                        reply: reply.into(),
                        answer: answer.parse().ok(),
                        publish: false,
                        days: rules.disclosure.days,
                        extension: rules.disclosure.extension,
                    };
                    let mut writer = d.writer();
                    writer.id_number = Some(format!(
                        "3301021980{:02}{:02}{:04}",
                        d.rng.u8(1..13),
                        d.rng.u8(1..29),
                        d.rng.u16(1000..10000)
                    ));
                    writer.email = Some(format!("demo{}@example.cn", cases.len()));
                    cases.extend(
                        play(&mut d, cases.len(), day, spec, writer).map(|c| clamp(c, now)),
                    );
                }
            }
            month += Duration::days(30);
        }
    }
    // Site-error reports filed on the portal about pages of every site.
    if let Some(portal) = portal {
        let mut day = start;
        while day <= today {
            day += Duration::days(i64::from(d.rng.u32(5..16)));
            if day > today {
                break;
            }
            let owner = &tenants[d.rng.usize(..tenants.len())];
            let (kind, content, reply) = SITE_ERRORS[d.rng.usize(..SITE_ERRORS.len())];
            let url = format!(
                "https://{}/col/gzdt/",
                owner.hosts.first().map(|h| h.as_str()).unwrap_or("www")
            );
            let label = kind
                .parse::<zq_domain::interaction::SiteErrorKind>()
                .map(|k| k.label())
                .unwrap_or("其他");
            let spec = Spec {
                kind: CaseKind::SiteError,
                origin: portal,
                owner,
                mailbox: None,
                subject: format!("{label}：{url}"),
                content: content.into(),
                category: Some(kind.into()),
                page_url: Some(url),
                details: None,
                reply: reply.into(),
                answer: None,
                publish: false,
                days: rules.site_error.days,
                extension: rules.site_error.extension,
            };
            let writer = d.writer();
            cases.extend(play(&mut d, cases.len(), day, spec, writer).map(|c| clamp(c, now)));
        }
    }
    cases.sort_by_key(|c| c.case.submitted_at);
    let n = zq_services::interaction::import_history(svc, &Caller::system(), cases).await?;
    Ok(n)
}
