//! The public's side of cases: opening one from a site's form (a letter, a site-error report,
//! a disclosure request), following it with the query code, completing it when asked (补正),
//! complaining about the reply (which reopens it) and rating it. The writer is identified only
//! by the query code; the code is an HMAC of the form submission, so the same post always
//! gets the same code and opens one case.

use ring::hmac;
use zq_domain::TenantId;
use zq_domain::TenantStatus;
use zq_domain::interaction::personal::Personal;
use zq_domain::interaction::{
    CaseActor, CaseClock, CaseEvent, CaseFacts, CaseKind, CaseState, LetterKind, transition,
};
use zq_store::{Case, CaseStep, Mailbox, NewCase, NewCaseFile, Tenant, Who};

use super::{commit_step, field, plain_change, refused, sealer, text_field, today};
use crate::{Result, ServiceError, Services};

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
    /// Files attached to the form.
    pub files: Vec<Upload>,
}

/// A file attached to a public form, as posted.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A file that passed the checks, ready to seal.
#[derive(Debug, Clone)]
pub(super) struct CheckedFile {
    name: String,
    mime: &'static str,
    bytes: Vec<u8>,
}

/// Checks the files of a form as a whole, then scans each (when the cluster scans uploads);
/// a refusal is a problem on the `attachment` field; a scanner that cannot answer refuses
/// the whole form as unavailable (nothing is stored unscanned).
pub(super) async fn checked_files(
    svc: &Services,
    tenant: TenantId,
    client: Option<&str>,
    files: Vec<Upload>,
    errors: &mut Vec<zq_domain::article::FieldError>,
) -> Result<Vec<CheckedFile>> {
    let pairs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|u| (u.name.trim(), u.bytes.as_slice()))
        .collect();
    let types = match zq_domain::interaction::files::check_files(&pairs) {
        Ok(types) => types,
        Err(e) => {
            errors.push(field("attachment", e.to_string()));
            return Ok(Vec::new());
        }
    };
    let who = Who::public(client.map(str::to_owned));
    let mut checked = Vec::with_capacity(files.len());
    for (u, ty) in files.into_iter().zip(types) {
        let name = u.name.trim().to_owned();
        if let Some(refused) = crate::malware::screen(svc, tenant, &who, &name, &u.bytes).await? {
            errors.push(field("attachment", refused));
            continue;
        }
        checked.push(CheckedFile {
            name,
            mime: ty.mime,
            bytes: u.bytes,
        });
    }
    Ok(checked)
}

/// What a case's file is sealed to: the case's submission and the file's name.
pub(super) fn file_binding(submit_key: &str, name: &str) -> String {
    format!("{submit_key}:file:{name}")
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

/// The query code of a submission: an HMAC of the form submission's key with the cluster's
/// secret, so the same post always gets the same code and nobody can derive it.
pub(super) async fn query_code(svc: &Services, submit_key: &str) -> Result<String> {
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
    let files = checked_files(svc, tenant.id, client.as_deref(), form.files, &mut errors).await?;
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
            owner: None,
            page_url: None,
            details: None,
            files,
        },
        submit_key,
        client,
    )
    .await
}

/// What every kind of case is opened with.
pub(super) struct Draft {
    pub(super) kind: CaseKind,
    pub(super) mailbox: Option<Mailbox>,
    pub(super) subject: String,
    pub(super) content: String,
    pub(super) category: Option<String>,
    pub(super) personal: Personal,
    pub(super) publish_allowed: bool,
    /// The owning unit when it is not the site of the form (a site-error report about
    /// another site's page).
    pub(super) owner: Option<TenantId>,
    pub(super) page_url: Option<String>,
    pub(super) details: Option<String>,
    pub(super) files: Vec<CheckedFile>,
}

pub(super) async fn open(
    svc: &Services,
    tenant: &Tenant,
    d: Draft,
    submit_key: &str,
    client: Option<String>,
) -> Result<Opened> {
    let submit_key = zq_store::content_hash(format!("submit:{submit_key}").as_bytes());
    let code = query_code(svc, &submit_key).await?;
    let sealer = sealer(svc).await?;
    let sealed = sealer.seal(&d.personal, &submit_key)?;
    let files = d
        .files
        .into_iter()
        .map(|f| {
            Ok(NewCaseFile {
                sealed: sealer.seal_bytes(&f.bytes, &file_binding(&submit_key, &f.name))?,
                size: i64::try_from(f.bytes.len()).unwrap_or(i64::MAX),
                file_name: f.name,
                content_type: f.mime.to_owned(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let cal = svc.store().working_calendar().await?;
    let day = today(svc);
    let owner = d.owner.unwrap_or(tenant.id);
    let clock = CaseClock::start(day, super::rules_of(svc, owner).await?.rule(d.kind));
    let (case, fresh) = svc
        .store()
        .open_case(
            NewCase {
                tenant_id: d.owner.unwrap_or(tenant.id),
                origin_tenant_id: tenant.id,
                kind: d.kind,
                mailbox_id: d.mailbox.map(|m| m.id),
                subject: d.subject,
                content: d.content,
                category: d.category,
                page_url: d.page_url,
                details: d.details,
                personal: sealed,
                publish_allowed: d.publish_allowed,
                query_code_hash: code_hash(&code),
                submit_key,
                due_on: clock.due(&cal, day),
                clock,
                files,
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

/// What the writer does with the query code besides reading and rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriterStep {
    /// Completes the case as asked (补正): the text is the completion.
    Correct(String),
    /// Complains about the reply: the case is handled again with a fresh clock.
    Complain(String),
}

/// Takes the writer's step on the case the code opens.
pub async fn writer_step(
    svc: &Services,
    code: &str,
    step: WriterStep,
    client: Option<String>,
) -> Result<Case> {
    let (event, label, text) = match step {
        WriterStep::Correct(t) => (CaseEvent::Corrected, "补正内容", t),
        WriterStep::Complain(t) => (
            CaseEvent::Reopen {
                complaint: t.trim().to_owned(),
            },
            "对答复的意见",
            t,
        ),
    };
    let mut errors = Vec::new();
    let text = text_field(&mut errors, "text", label, &text, MAX_CONTENT_CHARS);
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let c = svc
        .store()
        .case_by_code(&code_hash(code))
        .await?
        .ok_or_else(|| ServiceError::NotFound("查询码对应的事项".into()))?;
    debug_assert_eq!(event.actor(), CaseActor::Writer);
    let facts = CaseFacts {
        kind: c.kind,
        extended: c.extended,
    };
    let outcome = transition(c.state, facts, &event).map_err(refused)?;
    let change = plain_change(&c, event, Some(c.version), Some(text));
    commit_step(svc, &c, outcome, change, &Who::public(client)).await
}

/// The steps of a case its writer may see, in order: no reveals, drafts, returned drafts or
/// reminders, and no names of the staff who took them.
pub fn public_history(steps: &[CaseStep]) -> Vec<&CaseStep> {
    const SHOWN: [&str; 11] = [
        "submit",
        "accept",
        "refuse",
        "transfer",
        "request_correction",
        "corrected",
        "extend",
        "approve_reply",
        "reopen",
        "rate",
        "consult_third_party",
    ];
    steps
        .iter()
        .filter(|s| SHOWN.contains(&s.step.as_str()))
        .collect()
}

/// Whether the case the code opens can be followed on site `site`: written to it or now
/// owned by it.
pub fn followed_on(c: &Case, site: TenantId) -> bool {
    c.origin_tenant_id == site || c.tenant_id == site
}

/// The Chinese label of a step in a case's history.
pub fn step_label(step: &str) -> &'static str {
    match step {
        "submit" => "提交",
        "accept" => "受理",
        "refuse" => "不予受理",
        "transfer" => "转办",
        "request_correction" => "要求补正",
        "corrected" => "已补正",
        "consult_third_party" => "征求第三方意见",
        "third_party_answered" => "第三方意见已回复",
        "draft_reply" => "拟写答复",
        "approve_reply" => "答复",
        "return_reply" => "退回答复",
        "extend" => "延期",
        "close" => "办结",
        "reopen" => "对答复提出异议，重新办理",
        "rate" => "评价",
        "reveal" => "查看个人信息",
        "due_soon" => "到期提醒",
        "overdue" => "超期提醒",
        _ => "其他",
    }
}

/// The query code a case opened from form submission `submit_key` will carry: given to the
/// asker of an interview question when they ask, valid once the question becomes a case.
pub async fn query_code_for(svc: &Services, submit_key: &str) -> Result<String> {
    let key = zq_store::content_hash(format!("submit:{submit_key}").as_bytes());
    query_code(svc, &key).await
}

/// Opens the case a question left unanswered by an online interview becomes (5 working days
/// by default), for the interview's site; `submit_key` is the question's, so the asker's
/// query code opens it. Opening it again finds the same case.
pub async fn open_interview_question(
    svc: &Services,
    tenant: &Tenant,
    interview: &str,
    question: &str,
    nickname: &str,
    submit_key: &str,
) -> Result<Opened> {
    let subject: String = format!("在线访谈“{interview}”遗留问题")
        .chars()
        .take(MAX_SUBJECT_CHARS)
        .collect();
    open(
        svc,
        tenant,
        Draft {
            kind: CaseKind::InterviewQuestion,
            mailbox: None,
            subject,
            content: question.to_owned(),
            category: None,
            personal: Personal {
                name: nickname.to_owned(),
                ..Default::default()
            },
            publish_allowed: true,
            owner: None,
            page_url: None,
            details: None,
            files: Vec::new(),
        },
        submit_key,
        None,
    )
    .await
}
