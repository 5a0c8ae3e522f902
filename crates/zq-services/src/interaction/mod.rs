//! Interaction (互动交流): what the public and the units do with cases. A citizen opens a
//! case through a site's form and follows it with the query code; the owning unit accepts,
//! transfers, asks for corrections, drafts, approves and extends, each step checked against
//! `zq_domain::interaction` (state machine, clock in working days, who may route where) and
//! the caller's permissions, and written by the store with its audit row and event.
//!
//! Personal details are sealed here ([`Sealer`]) before they reach the store and opened only
//! for a caller holding `reveal_personal_data`, as an audited step; everyone else sees them
//! masked.

pub mod sealer;

use chrono::NaiveDate;
use ring::hmac;
use zq_domain::access::{Action, ClusterRole};
use zq_domain::article::FieldError;
use zq_domain::interaction::personal::Personal;
use zq_domain::interaction::{
    CaseActor, CaseClock, CaseError, CaseEvent, CaseFacts, CaseKind, CaseState, ClockRules,
    DisclosureAnswer, LetterKind, may_transfer, transition,
};
use zq_domain::time::beijing_date;
use zq_domain::{TenantCode, TenantStatus};
use zq_store::{Case, CaseChange, CaseFilter, CaseStep, Mailbox, NewCase, NewMailbox, Tenant, Who};

pub use sealer::Sealer;

use crate::{Caller, Result, ServiceError, Services, site};

/// Longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 100;
/// Longest letter or reply, in characters.
pub const MAX_CONTENT_CHARS: usize = 5000;

/// A letter as the public form gives it.
#[derive(Debug, Clone, Default)]
pub struct LetterForm {
    /// The mailbox's slug on the site.
    pub mailbox: String,
    /// `consultation`, `complaint`, `suggestion`, `help` or `other`.
    pub category: String,
    pub subject: String,
    pub content: String,
    pub personal: Personal,
    /// The writer allows the letter and its reply in the public registry.
    pub publish_allowed: bool,
}

/// A case just opened (or found again: the same form posted twice), with its query code.
#[derive(Debug, Clone)]
pub struct Opened {
    pub case: Case,
    /// The code the writer follows the case with (shown once on the answer page; the same
    /// form posted again shows it again).
    pub query_code: String,
    pub fresh: bool,
}

/// The cluster's interaction settings the services need.
#[derive(Debug, Clone, Default)]
pub struct InteractionSettings {
    /// The clocks of each case kind.
    pub rules: ClockRules,
    /// The key sealing personal details; `None`: a random key kept in the database (the
    /// embedded demo; production configures one).
    pub sealer: Option<Sealer>,
}

/// The sealer: the configured key, or the database's.
pub async fn sealer(svc: &Services) -> Result<Sealer> {
    if let Some(s) = &svc.interaction().sealer {
        return Ok(s.clone());
    }
    let key = svc.store().cluster_secret("personal-data").await?;
    Sealer::from_hex(&key).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// The query code of a submission: an HMAC of the form submission's key with the cluster's
/// secret, so the same post always gets the same code and nobody can derive it.
async fn query_code(svc: &Services, submit_key: &str) -> Result<String> {
    let secret = svc.store().cluster_secret("query-code").await?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let tag = hmac::sign(&key, submit_key.as_bytes());
    // 12 characters of an alphabet without look-alikes (no 0/O, 1/I/L): 60 bits.
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let code: String = tag
        .as_ref()
        .iter()
        .take(12)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    Ok(format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..]))
}

/// The stored hash of a query code, from what a citizen typed (case and dashes ignored).
pub fn code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    zq_store::content_hash(format!("query-code:{normal}").as_bytes())
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

/// Opens a letter to mailbox `form.mailbox` of `tenant` from the public form. `submit_key`
/// identifies the form submission (the hash of its signed token): posting it again opens
/// nothing new and answers with the same case and code.
pub async fn submit_letter(
    svc: &Services,
    tenant: &Tenant,
    form: LetterForm,
    submit_key: &str,
    client: Option<String>,
) -> Result<Opened> {
    if tenant.status != TenantStatus::Active {
        return Err(ServiceError::Conflict(
            "本网站暂停服务，暂不接收来信".into(),
        ));
    }
    let mailbox = svc.store().mailbox(tenant.id, &form.mailbox).await?;
    if !mailbox.active {
        return Err(ServiceError::Conflict(format!(
            "“{}”暂停接收来信",
            mailbox.name
        )));
    }
    let mut errors = Vec::new();
    let category = match form.category.parse::<LetterKind>() {
        Ok(k) => Some(k.as_str().to_owned()),
        Err(_) => {
            errors.push(field("category", "请选择来信类型"));
            None
        }
    };
    let subject = text_field(
        &mut errors,
        "subject",
        "标题",
        &form.subject,
        MAX_SUBJECT_CHARS,
    );
    let content = text_field(
        &mut errors,
        "content",
        "来信内容",
        &form.content,
        MAX_CONTENT_CHARS,
    );
    let personal = match form.personal.checked(false) {
        Ok(p) => Some(p),
        Err(es) => {
            errors.extend(es.into_iter().map(|e| field(e.field, e.message)));
            None
        }
    };
    let Some(personal) = personal.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Fields(errors));
    };
    open(
        svc,
        tenant,
        Draft {
            kind: CaseKind::Letter,
            mailbox: Some(mailbox),
            subject,
            content,
            category,
            personal,
            publish_allowed: form.publish_allowed,
        },
        submit_key,
        client,
    )
    .await
}

/// What every kind of case is opened with.
struct Draft {
    kind: CaseKind,
    mailbox: Option<Mailbox>,
    subject: String,
    content: String,
    category: Option<String>,
    personal: Personal,
    publish_allowed: bool,
}

async fn open(
    svc: &Services,
    tenant: &Tenant,
    d: Draft,
    submit_key: &str,
    client: Option<String>,
) -> Result<Opened> {
    let submit_key = zq_store::content_hash(format!("submit:{submit_key}").as_bytes());
    let code = query_code(svc, &submit_key).await?;
    let sealed = sealer(svc).await?.seal(&d.personal, &submit_key)?;
    let cal = svc.store().working_calendar().await?;
    let day = today(svc);
    let clock = CaseClock::start(day, svc.interaction().rules.rule(d.kind));
    let (case, fresh) = svc
        .store()
        .open_case(
            NewCase {
                tenant_id: tenant.id,
                kind: d.kind,
                mailbox_id: d.mailbox.map(|m| m.id),
                subject: d.subject,
                content: d.content,
                category: d.category,
                page_url: None,
                details: None,
                personal: sealed,
                publish_allowed: d.publish_allowed,
                query_code_hash: code_hash(&code),
                submit_key,
                due_on: clock.due(&cal, day),
                clock,
            },
            &Who::public(client),
        )
        .await?;
    Ok(Opened {
        case,
        query_code: code,
        fresh,
    })
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
    Ok(svc.store().create_mailbox(t.id, new, &caller.who()).await?)
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
    let personal = personal_of(svc, &c).await?.masked();
    Ok((t, c, steps, personal))
}

async fn personal_of(svc: &Services, c: &Case) -> Result<Personal> {
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
    let outcome = transition(c.state, facts, &event).map_err(|e| match e {
        CaseError::TextRequired(_) => ServiceError::Fields(vec![field("text", e.to_string())]),
        other => ServiceError::Conflict(other.to_string()),
    })?;
    let mut change = CaseChange {
        event: event.clone(),
        version: input.version,
        clock: c.clock,
        due_on: None,
        transfer_to: None,
        reply_draft: None,
        reply_unit: None,
        answer: None,
        note: None,
    };
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
    let cal = svc.store().working_calendar().await?;
    let day = today(svc);
    let rule = svc.interaction().rules.rule(c.kind);
    change.clock.apply(outcome.clock, &cal, rule, day);
    change.due_on = (outcome.state.is_open() && !outcome.state.is_paused())
        .then(|| change.clock.due(&cal, day));
    Ok(svc
        .store()
        .case_step(t.id, c.id, c.state, outcome.state, change, &caller.who())
        .await?)
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

/// What the writer sees of their case by its query code: the case (never personal details)
/// and its history.
pub async fn by_code(svc: &Services, code: &str) -> Result<Option<(Case, Vec<CaseStep>)>> {
    let Some(c) = svc.store().case_by_code(&code_hash(code)).await? else {
        return Ok(None);
    };
    let steps = svc.store().steps_of(c.id).await?;
    Ok(Some((c, steps)))
}

/// The writer rates the reply (1–5) and the case is closed.
pub async fn rate(
    svc: &Services,
    code: &str,
    rating: i16,
    comment: Option<String>,
    client: Option<String>,
) -> Result<Case> {
    if !(1..=5).contains(&rating) {
        return Err(ServiceError::Fields(vec![field(
            "rating",
            "请选择 1 到 5 分",
        )]));
    }
    let comment = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 500) {
        return Err(ServiceError::Fields(vec![field(
            "comment",
            "评价意见不能超过 500 个字",
        )]));
    }
    let c = svc
        .store()
        .case_by_code(&code_hash(code))
        .await?
        .ok_or_else(|| ServiceError::NotFound("查询码对应的事项".into()))?;
    if c.state != CaseState::Replied {
        return Err(ServiceError::Conflict("答复之后才能评价".into()));
    }
    // Rated and closed in one transaction (the store checks it is still replied).
    Ok(svc
        .store()
        .rate_case(c.id, rating, comment, &Who::public(client))
        .await?)
}

/// Replied letters of a site that their writers allowed to publish (信件选登), newest first.
pub async fn registry(
    svc: &Services,
    tenant: &Tenant,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Case>, u64)> {
    Ok(svc
        .store()
        .published_cases(tenant.id, CaseKind::Letter, limit.clamp(1, 100), offset)
        .await?)
}
