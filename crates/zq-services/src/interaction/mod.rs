//! Interaction (互动交流): what the public and the units do with cases. A citizen opens a
//! case through a site's form and follows it with the query code; the owning unit accepts,
//! transfers, asks for corrections, drafts, approves and extends, each step checked against
//! `zq_domain::interaction` (state machine, clock in working days, who may route where) and
//! the caller's permissions, and written by the store with its audit row and event.
//!
//! Personal details are sealed here ([`Sealer`]) before they reach the store and opened only
//! for a caller holding `reveal_personal_data`, as an audited step; everyone else sees them
//! masked.

pub mod figures;
pub mod import;
pub mod notify;
pub mod public;
pub mod reminders;
pub mod requests;
pub mod rules;
pub mod sealer;
pub mod templates;

use chrono::NaiveDate;
use zq_domain::access::{Action, ClusterRole};
use zq_domain::article::FieldError;
use zq_domain::interaction::personal::Personal;
use zq_domain::interaction::{
    CaseActor, CaseError, CaseEvent, CaseFacts, CaseKind, ClockRules, DisclosureAnswer, Outcome,
    may_transfer, transition,
};
use zq_domain::time::beijing_date;
use zq_domain::{TenantCode, TenantStatus};
use zq_store::{
    Case, CaseChange, CaseFile, CaseFilter, CaseStep, Mailbox, NewMailbox, Tenant, Who,
};

pub use figures::*;
pub use import::{PastCase, import_history};
pub use public::*;
pub use requests::*;
pub use rules::{SiteRules, rules_of, set_site_rules, site_rules};
pub use sealer::Sealer;
pub use templates::{
    TemplateForm, delete_reply_template, offered, reply_templates, save_reply_template,
};

use crate::{Caller, Result, ServiceError, Services, site};

/// The cluster's interaction settings the services need.
#[derive(Debug, Clone, Default)]
pub struct InteractionSettings {
    /// The clocks of each case kind.
    pub rules: ClockRules,
    /// The key sealing personal details; `None`: a random key kept in the database (the
    /// embedded demo; production configures one).
    pub sealer: Option<Sealer>,
    /// Days an answered case keeps its writer's personal details after its last change
    /// (`interaction.personal_data_retention_days`); 0 keeps them.
    pub retention_days: u32,
}

/// The sealer: the configured key, or the database's.
pub async fn sealer(svc: &Services) -> Result<Sealer> {
    if let Some(s) = &svc.interaction().sealer {
        return Ok(s.clone());
    }
    let key = svc.store().cluster_secret("personal-data").await?;
    Sealer::from_hex(&key).map_err(|e| ServiceError::Internal(e.to_string()))
}

fn today(svc: &Services) -> NaiveDate {
    beijing_date(svc.now())
}

fn field(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError::new(field, message)
}

fn text_field(
    errors: &mut Vec<FieldError>,
    name: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> String {
    let v = value.trim().to_owned();
    if v.is_empty() {
        errors.push(field(name, format!("请填写{label}")));
    } else if v.chars().count() > max {
        errors.push(field(name, format!("{label}不能超过 {max} 个字")));
    }
    v
}

/// A site's mailboxes (for its interaction page and its form).
pub async fn mailboxes(svc: &Services, tenant: &Tenant) -> Result<Vec<Mailbox>> {
    Ok(svc.store().mailboxes(tenant.id).await?)
}

/// Creates a mailbox on site `code` (its site admin or the office).
pub async fn create_mailbox(
    svc: &Services,
    caller: &Caller,
    code: &str,
    new: NewMailbox,
) -> Result<Mailbox> {
    let t = site(svc, caller, code, Action::EditSettings).await?;
    notify::check_address(new.notify_email.as_deref().unwrap_or(""))?;
    Ok(svc.store().create_mailbox(t.id, new, &caller.who()).await?)
}

/// Changes mailbox `id` of site `code` (its site admin or the office): name, description,
/// order, and whether it takes letters.
pub async fn update_mailbox(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    change: NewMailbox,
    active: bool,
) -> Result<Mailbox> {
    let t = site(svc, caller, code, Action::EditSettings).await?;
    notify::check_address(change.notify_email.as_deref().unwrap_or(""))?;
    Ok(svc
        .store()
        .update_mailbox(t.id, id, change, active, &caller.who())
        .await?)
}

/// A page of site `code`'s cases (handlers of that site, the office, operators).
pub async fn inbox(
    svc: &Services,
    caller: &Caller,
    code: &str,
    filter: &CaseFilter,
    limit: u64,
    offset: u64,
) -> Result<(Tenant, Vec<Case>, u64)> {
    let t = site(svc, caller, code, Action::Read).await?;
    let (cases, total) = svc
        .store()
        .cases(t.id, filter, limit.clamp(1, 200), offset)
        .await?;
    Ok((t, cases, total))
}

/// One case of site `code` with its history; personal details masked unless the caller may
/// reveal them (and even then masked: [`reveal`] opens them, audited).
pub async fn case(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
) -> Result<(Tenant, Case, Vec<CaseStep>, Personal)> {
    let t = site(svc, caller, code, Action::Read).await?;
    let c = svc.store().case(t.id, id).await?;
    let steps = svc.store().steps_of(c.id).await?;
    let personal = if c.personal == zq_store::PERSONAL_ERASED {
        Personal::erased()
    } else {
        personal_of(svc, &c).await?.masked()
    };
    Ok((t, c, steps, personal))
}

async fn personal_of(svc: &Services, c: &Case) -> Result<Personal> {
    if c.personal == zq_store::PERSONAL_ERASED {
        return Err(ServiceError::Conflict(
            "来信人的个人信息已按保存期限删除".into(),
        ));
    }
    sealer(svc).await?.open(&c.personal, &c.submit_key)
}

/// The writer's details in full, for a caller holding `reveal_personal_data` on the owning
/// site; the reveal is a step in the case's history and a row in the audit log.
pub async fn reveal(svc: &Services, caller: &Caller, code: &str, id: i64) -> Result<Personal> {
    let t = site(svc, caller, code, Action::RevealPersonalData).await?;
    let c = svc.store().case(t.id, id).await?;
    let p = personal_of(svc, &c).await?;
    svc.store().record_reveal(t.id, c.id, &caller.who()).await?;
    Ok(p)
}

/// The files attached to a case (names and sizes), for whoever may already see the case.
pub async fn files_of(svc: &Services, c: &Case) -> Result<Vec<CaseFile>> {
    Ok(svc.store().case_files(c.id).await?)
}

/// File `file` the writer attached to case `id` of site `code`, opened, for a handler of the
/// owning unit; every download is a row in the audit log.
pub async fn case_file(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    file: i64,
) -> Result<(CaseFile, Vec<u8>)> {
    let t = site(svc, caller, code, Action::HandleCases).await?;
    let c = svc.store().case(t.id, id).await?;
    let (f, sealed) = svc
        .store()
        .take_case_file(t.id, c.id, file, &caller.who())
        .await?;
    let bind = public::file_binding(&c.submit_key, &f.file_name);
    let bytes = sealer(svc).await?.open_bytes(&sealed, &bind)?;
    Ok((f, bytes))
}

/// A step staff take on a case.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    /// `accept`, `refuse`, `transfer`, `request_correction`, `consult_third_party`,
    /// `third_party_answered`, `draft_reply`, `approve_reply`, `return_reply`, `extend`.
    pub step: String,
    /// The reason, comment, what to correct, or the reply's text.
    pub text: String,
    /// The version the step was decided on (a newer one on the server is a conflict).
    pub version: Option<i32>,
    /// For a transfer: the receiving site's code.
    pub transfer_to: Option<String>,
    /// For a disclosure request's reply: the kind of answer.
    pub answer: Option<String>,
}

/// Takes step `input` on case `id` of site `code`.
pub async fn step(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    input: StepInput,
) -> Result<Case> {
    let t = site(svc, caller, code, Action::Read).await?;
    let text = input.text.trim().to_owned();
    let event = CaseEvent::staff_step(&input.step, text.clone())
        .ok_or_else(|| ServiceError::NotFound(format!("操作 {}", input.step)))?;
    if let CaseActor::Staff(action) = event.actor()
        && !caller.can(action, &t)
    {
        return Err(ServiceError::forbidden(action));
    }
    let c = svc.store().case(t.id, id).await?;
    let facts = CaseFacts {
        kind: c.kind,
        extended: c.extended,
    };
    let outcome = transition(c.state, facts, &event).map_err(refused)?;
    let mut change = plain_change(&c, event.clone(), input.version, None);
    match &event {
        CaseEvent::Transfer => {
            let to = transfer_target(svc, caller, &t, input.transfer_to.as_deref()).await?;
            change.transfer_to = Some(to.id);
            change.note = Some(format!("转至{}", to.name));
        }
        CaseEvent::DraftReply => {
            let mut errors = Vec::new();
            let reply = text_field(&mut errors, "text", "答复内容", &text, MAX_CONTENT_CHARS);
            if c.kind == CaseKind::Disclosure {
                match input.answer.as_deref().map(str::parse::<DisclosureAnswer>) {
                    Some(Ok(a)) => change.answer = Some(a),
                    _ => errors.push(field("answer", "请选择答复类型")),
                }
            }
            if !errors.is_empty() {
                return Err(ServiceError::Fields(errors));
            }
            change.reply_draft = Some(reply);
        }
        CaseEvent::ApproveReply | CaseEvent::Refuse { .. } => {
            change.reply_unit = Some(t.name.clone());
            change.note = (!text.is_empty()).then(|| text.clone());
        }
        _ => change.note = (!text.is_empty()).then(|| text.clone()),
    }
    commit_step(svc, &c, outcome, change, &caller.who()).await
}

/// Applies an allowed transition's effect on the clock (with the calendar, today), sets the
/// new due date and has the store write the step.
async fn commit_step(
    svc: &Services,
    c: &Case,
    outcome: Outcome,
    mut change: CaseChange,
    who: &Who,
) -> Result<Case> {
    let cal = svc.store().working_calendar().await?;
    let day = today(svc);
    let rule = rules_of(svc, c.tenant_id).await?.rule(c.kind);
    change.clock.apply(outcome.clock, &cal, rule, day);
    change.due_on = (outcome.state.is_open() && !outcome.state.is_paused())
        .then(|| change.clock.due(&cal, day));
    Ok(svc
        .store()
        .case_step(c.tenant_id, c.id, c.state, outcome.state, change, who)
        .await?)
}

/// A refused transition as the services report it.
fn refused(e: CaseError) -> ServiceError {
    match e {
        CaseError::TextRequired(_) => ServiceError::Fields(vec![field("text", e.to_string())]),
        other => ServiceError::Conflict(other.to_string()),
    }
}

/// A change that only moves the state (and the clock), with a note for the history.
fn plain_change(
    c: &Case,
    event: CaseEvent,
    version: Option<i32>,
    note: Option<String>,
) -> CaseChange {
    CaseChange {
        event,
        version,
        clock: c.clock,
        due_on: None,
        transfer_to: None,
        reply_draft: None,
        reply_unit: None,
        answer: None,
        note,
    }
}

/// The site a case may be transferred to by `caller` from `from`.
async fn transfer_target(
    svc: &Services,
    caller: &Caller,
    from: &Tenant,
    to: Option<&str>,
) -> Result<Tenant> {
    let to = to
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ServiceError::Fields(vec![field("transfer_to", "请选择承办单位")]))?;
    let not_found = || ServiceError::NotFound(format!("站点 {to}"));
    let code = TenantCode::parse(to).map_err(|_| not_found())?;
    let target = svc
        .store()
        .tenant_by_code(&code)
        .await?
        .ok_or_else(not_found)?;
    if target.status != TenantStatus::Active {
        return Err(ServiceError::Conflict(format!(
            "{}暂停服务，不能转办",
            target.name
        )));
    }
    let office = caller.grants.cluster == Some(ClusterRole::ClusterAdmin);
    let routable = may_transfer(
        svc.store().unit(from.id).await?,
        svc.store().unit(target.id).await?,
    );
    if !office && !routable {
        return Err(ServiceError::Forbidden(format!(
            "不能转办给{}：只能转给本单位的下级单位或退回上级单位",
            target.name
        )));
    }
    if target.id == from.id {
        return Err(ServiceError::Conflict("不能转办给本单位".into()));
    }
    Ok(target)
}
