//! The console's case pages (互动交流): a site's inbox (filters by kind, state and clock; the
//! due-soon and overdue counts first), one case with its history, the writer's details masked
//! (revealed in full only by an audited post), and a form for every step this person may take
//! now, derived from the state machine (`zq_domain::interaction::transition`) and their
//! permissions, so a button is never shown that the services would refuse. Every step goes
//! through `crate::service::interaction::step`, like the API; a step decided on an old version
//! of the case is refused with a conflict (two handlers replying at once: one wins).

pub(crate) mod files;
pub(crate) mod mailboxes;
mod steps;
mod units;

pub(crate) use units::{units, units_csv};

use steps::step_forms;

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use zq_domain::TenantStatus;
use zq_domain::access::{Action, ClusterRole};
use zq_domain::calendar::WorkingCalendar;
use zq_domain::interaction::personal::Personal;
use zq_domain::interaction::{
    CaseKind, CaseState, ClockStatus, DisclosureAnswer, LetterKind, SiteErrorKind, may_transfer,
};
use zq_domain::time::beijing_date;
use zq_render::ConsolePage;
use zq_render::console_view::{
    CaseFilterView, CaseLine, CaseView, CasesView, Fact, Option_, StepLine,
};
use zq_store::{Case, CaseFilter, CaseStep, Tenant};

use super::frame::{
    ConsoleCaller, Fields, NoticeQuery, PageResult, field, html, html_status, site_frame,
};
use super::see_other;
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::interaction::{self, DisclosureDetails, StepInput};
use crate::service::{ServiceError, format_local};
use crate::site::interaction_paragraphs as paragraphs;

/// Cases per inbox page.
const PAGE: u64 = 50;

#[derive(Debug, Deserialize, Default)]
pub(crate) struct CasesQuery {
    kind: Option<String>,
    state: Option<String>,
    due: Option<String>,
    page: Option<u64>,
    notice: Option<String>,
}

pub(super) fn option(value: &str, label: &str) -> Option_ {
    Option_ {
        value: value.to_owned(),
        label: label.to_owned(),
    }
}

/// Where a case's clock stands, in words, and its class for the badge.
pub(crate) fn clock_text(
    c: &Case,
    cal: &WorkingCalendar,
    today: NaiveDate,
) -> (String, &'static str) {
    match c.clock.status(cal, today) {
        ClockStatus::Overdue { late, .. } if c.state.is_open() => {
            (format!("超期 {late} 个工作日"), "overdue")
        }
        ClockStatus::Running { left, .. } if c.state.is_open() => match left {
            0 => ("今天到期".into(), "soon"),
            1 => ("剩 1 个工作日".into(), "soon"),
            n => (format!("剩 {n} 个工作日"), "ok"),
        },
        ClockStatus::Paused { since } => (format!("{since} 起暂停计时"), "paused"),
        ClockStatus::Stopped { used, on_time, .. } => (
            format!(
                "用时 {used} 个工作日，{}",
                if on_time {
                    "按期答复"
                } else {
                    "超期答复"
                }
            ),
            "done",
        ),
        _ => (String::new(), "done"),
    }
}

pub(super) fn base_of(code: &str) -> String {
    format!("{}/sites/{code}", super::BASE)
}

pub(crate) async fn inbox(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<CasesQuery>,
) -> PageResult {
    let svc = state.services();
    let cal = state.store().working_calendar().await?;
    let today = beijing_date(svc.now());
    let due_by = match q.due.as_deref() {
        Some("overdue") => today.pred_opt(),
        Some("soon") => Some(cal.next_working_day(today.succ_opt().unwrap_or(today))),
        _ => None,
    };
    let filter = CaseFilter {
        kind: q.kind.as_deref().and_then(|k| k.parse().ok()),
        state: q.state.as_deref().and_then(|s| s.parse().ok()),
        due_by,
        mailbox: None,
        open: false,
    };
    let page = q.page.unwrap_or(1).max(1);
    let (t, cases, total) =
        interaction::inbox(svc, &cc.caller, &code, &filter, PAGE, (page - 1) * PAGE).await?;
    let counts = interaction::open_counts_of(svc, &cc.caller, &code).await?;
    let tenants = state.store().list_tenants().await?;
    let name_of = |id| {
        tenants
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let base = base_of(&code);
    let query = |p: u64| {
        let mut s = format!("{base}/cases?page={p}");
        for (k, v) in [("kind", &q.kind), ("state", &q.state), ("due", &q.due)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                s.push_str(&format!("&{k}={v}"));
            }
        }
        s
    };
    let items = cases
        .iter()
        .map(|c| {
            let (clock, clock_class) = clock_text(c, &cal, today);
            CaseLine {
                id: c.id,
                url: format!("{base}/cases/{}", c.id),
                kind_label: c.kind.label().to_owned(),
                subject: c.subject.clone(),
                state: c.state.as_str().to_owned(),
                state_label: c.state.label().to_owned(),
                submitted: format_local(c.submitted_at, false),
                due: c.due_on.map(|d| d.to_string()).unwrap_or_default(),
                clock,
                clock_class,
                origin: (c.origin_tenant_id != c.tenant_id).then(|| name_of(c.origin_tenant_id)),
            }
        })
        .collect();
    let view = CasesView {
        frame: site_frame(&state, &cc, &t, "cases", q.notice.as_deref()).await?,
        kinds: CaseKind::ALL
            .iter()
            .map(|k| option(k.as_str(), k.label()))
            .collect(),
        states: CaseState::ALL
            .iter()
            .map(|s| option(s.as_str(), s.label()))
            .collect(),
        filter: CaseFilterView {
            kind: q.kind.clone().unwrap_or_default(),
            state: q.state.clone().unwrap_or_default(),
            due: q.due.clone().unwrap_or_default(),
        },
        items,
        total,
        open: counts.open,
        due_soon: counts.due_soon,
        overdue: counts.overdue,
        prev_url: (page > 1).then(|| query(page - 1)),
        next_url: (page * PAGE < total).then(|| query(page + 1)),
    };
    html(&state, ConsolePage::Cases, &view)
}

pub(crate) async fn show(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = case_id(&id)?;
    let shown = Shown {
        notice: q.notice.as_deref(),
        ..Shown::default()
    };
    case_page(&state, &cc, &code, id, shown).await
}

fn case_id(id: &str) -> Result<i64, ServiceError> {
    id.parse()
        .map_err(|_| ServiceError::NotFound(format!("事项 {id}")))
}

/// How the case page is shown: after a redirect, after a refused step, or with the details
/// revealed.
#[derive(Default)]
struct Shown<'a> {
    notice: Option<&'a str>,
    error: Option<String>,
    status: Option<StatusCode>,
    revealed: Option<Personal>,
}

fn personal_facts(p: &Personal) -> Vec<Fact> {
    let mut out = vec![
        fact("姓名", p.name.clone()),
        fact("联系电话", p.phone.clone()),
    ];
    for (label, v) in [
        ("电子邮箱", &p.email),
        ("证件号码", &p.id_number),
        ("地址", &p.address),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            out.push(fact(label, v.to_owned()));
        }
    }
    out
}

fn fact(label: &str, value: String) -> Fact {
    Fact {
        label: label.to_owned(),
        value,
    }
}

fn category_label(c: &Case) -> Option<String> {
    let cat = c.category.as_deref()?;
    Some(match c.kind {
        CaseKind::Letter => cat.parse::<LetterKind>().ok()?.label().to_owned(),
        CaseKind::SiteError => cat.parse::<SiteErrorKind>().ok()?.label().to_owned(),
        _ => return None,
    })
}

async fn facts_of(
    state: &AppState,
    c: &Case,
    tenants: &[Tenant],
) -> Result<Vec<Fact>, ServiceError> {
    let name_of = |id| {
        tenants
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let mut f = vec![fact("收到时间", format_local(c.submitted_at, false))];
    if c.origin_tenant_id != c.tenant_id {
        f.push(fact("来源网站", name_of(c.origin_tenant_id)));
    }
    if let Some(m) = c.mailbox_id {
        let boxes = state.store().mailboxes(c.origin_tenant_id).await?;
        if let Some(b) = boxes.into_iter().find(|b| b.id == m) {
            f.push(fact("信箱", b.name));
        }
    }
    if let Some(cat) = category_label(c) {
        f.push(fact(
            if c.kind == CaseKind::SiteError {
                "错误类型"
            } else {
                "来信类型"
            },
            cat,
        ));
    }
    if let Some(u) = &c.page_url {
        f.push(fact("出错页面", u.clone()));
    }
    if let Some(d) = c
        .details
        .as_deref()
        .and_then(|d| serde_json::from_str::<DisclosureDetails>(d).ok())
    {
        f.push(fact("申请人类型", d.applicant));
        f.push(fact("载体形式", d.medium));
        f.push(fact("获取方式", d.delivery));
        if let Some(p) = d.purpose {
            f.push(fact("用途", p));
        }
    }
    if let Some(a) = c.accepted_at {
        f.push(fact("受理时间", format_local(a, false)));
    }
    if let Some(d) = c.due_on {
        f.push(fact("答复期限", d.to_string()));
    }
    if c.extended {
        f.push(fact("延期", "已延期一次".into()));
    }
    if let Some(r) = c.replied_at {
        f.push(fact("答复时间", format_local(r, false)));
    }
    if let Some(u) = &c.reply_unit {
        f.push(fact("答复单位", u.clone()));
    }
    if let Some(a) = c.answer {
        f.push(fact("答复类型", a.label().to_owned()));
    }
    if c.kind == CaseKind::Letter {
        let p = if c.publish_allowed {
            "同意公开"
        } else {
            "不同意公开"
        };
        f.push(fact("信件选登", p.into()));
    }
    if let Some(r) = c.rating {
        let comment = c.rating_comment.as_deref().unwrap_or("");
        f.push(fact(
            "来信人评价",
            format!("{r} 分 {comment}").trim().to_owned(),
        ));
    }
    Ok(f)
}

async fn case_page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    id: i64,
    shown: Shown<'_>,
) -> PageResult {
    let svc = state.services();
    let (t, c, steps, masked) = interaction::case(svc, &cc.caller, code, id).await?;
    let tenants = state.store().list_tenants().await?;
    let cal = state.store().working_calendar().await?;
    let today = beijing_date(svc.now());
    let (clock, clock_class) = clock_text(&c, &cal, today);
    let can = |a| cc.caller.can(a, &t);
    let office = cc.caller.grants.cluster == Some(ClusterRole::ClusterAdmin);
    let from = state.store().unit(t.id).await?;
    let mut targets = Vec::new();
    for x in tenants
        .iter()
        .filter(|x| x.id != t.id && x.status == TenantStatus::Active)
    {
        if office || may_transfer(from, state.store().unit(x.id).await?) {
            targets.push(option(x.code.as_str(), &x.name));
        }
    }
    let mut frame = site_frame(state, cc, &t, "cases", shown.notice).await?;
    frame.error = shown.error;
    let revealed = shown.revealed.is_some();
    let steps_allowed = if c.state.is_open() {
        step_forms(&c, can)
    } else {
        Vec::new()
    };
    let own_templates = state.store().reply_templates(t.id).await?;
    let view = CaseView {
        frame,
        id: c.id,
        version: c.version,
        kind_label: c.kind.label().to_owned(),
        subject: c.subject.clone(),
        state_label: c.state.label().to_owned(),
        clock,
        clock_class,
        facts: facts_of(state, &c, &tenants).await?,
        content: paragraphs(&c.content),
        personal: personal_facts(shown.revealed.as_ref().unwrap_or(&masked)),
        revealed,
        can_reveal: can(Action::RevealPersonalData),
        draft: c
            .reply_draft
            .as_deref()
            .filter(|_| c.state == CaseState::ReplyDrafted)
            .map(paragraphs),
        reply: c
            .reply
            .as_deref()
            .filter(|_| c.state.is_answered())
            .map(paragraphs),
        history: steps.iter().map(step_line).collect(),
        files: files::lines(state, cc, &t, &c).await?,
        steps: steps_allowed
            .into_iter()
            .filter(|s| s.step != "transfer" || !targets.is_empty())
            .collect(),
        targets,
        answers: DisclosureAnswer::ALL
            .iter()
            .map(|a| option(a.as_str(), a.label()))
            .collect(),
        templates: interaction::offered(&own_templates, c.kind)
            .into_iter()
            .map(|(title, text)| option(&text, &title))
            .collect(),
    };
    let status = shown.status.unwrap_or(StatusCode::OK);
    html_status(state, status, ConsolePage::Case, &view)
}

fn step_line(s: &CaseStep) -> StepLine {
    StepLine {
        at: format_local(s.at, false),
        label: interaction::step_label(&s.step).to_owned(),
        actor: s.actor.clone(),
        note: s.note.clone(),
    }
}

/// A step on a case, from its form.
pub(crate) async fn step(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id, step)): Path<(String, String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id = case_id(&id)?;
    let input = StepInput {
        step: step.clone(),
        text: field(&f, "text"),
        version: f.get("version").and_then(|v| v.trim().parse().ok()),
        transfer_to: f.get("transfer_to").cloned(),
        answer: f.get("answer").cloned().filter(|a| !a.is_empty()),
    };
    match interaction::step(state.services(), &cc.caller, &code, id, input).await {
        // A transferred case is no longer this site's: back to the inbox.
        Ok(_) if step == "transfer" => Ok(see_other(&format!(
            "{}/cases?notice=case_transferred",
            base_of(&code)
        ))),
        Ok(_) => Ok(see_other(&format!(
            "{}/cases/{id}?notice=case_step",
            base_of(&code)
        ))),
        Err(
            e @ (ServiceError::Conflict(_)
            | ServiceError::Fields(_)
            | ServiceError::Invalid(_)
            | ServiceError::Forbidden(_)),
        ) => {
            let shown = Shown {
                error: Some(e.to_string()),
                status: Some(e.status()),
                ..Shown::default()
            };
            case_page(&state, &cc, &code, id, shown).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The writer's details in full (an audited step), shown on the case page.
pub(crate) async fn reveal(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id = case_id(&id)?;
    let p = interaction::reveal(state.services(), &cc.caller, &code, id).await?;
    let shown = Shown {
        revealed: Some(p),
        ..Shown::default()
    };
    case_page(&state, &cc, &code, id, shown).await
}

/// The site of `code` as the caller may read it (for the tab count).
pub(crate) async fn open_count(state: &AppState, t: &Tenant) -> Result<u64, ServiceError> {
    let filter = CaseFilter {
        open: true,
        ..CaseFilter::default()
    };
    Ok(state.store().cases(t.id, &filter, 1, 0).await?.1)
}
