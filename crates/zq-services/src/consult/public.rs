//! Public participation, the public's side: a site's published consultations, one with its
//! approved comments or answered questions and (a closed survey) its results; a comment or a
//! question taken from the form (pending until moderated; the same post twice is one
//! entry); a survey response (one per browser, a few per address). Nothing here reads or
//! stores personal details: a nickname the writer chose, hashes of the voter cookie and of
//! the address.

use zq_domain::TenantStatus;
use zq_domain::article::FieldError;
use zq_domain::consult::{ConsultKind, EntryState, Phase, QuestionTally, check_response, tally};
use zq_store::{Consultation, Entry, NewEntry, NewResponse, SurveyResponse, Tenant, Who};

use super::MAX_ENTRY_CHARS;
use crate::{Result, ServiceError, Services};

/// Most responses to one survey from one address (a household, an office behind one router).
pub const RESPONSES_PER_ADDRESS: u64 = 50;
/// Longest nickname, in characters.
pub const MAX_NICKNAME_CHARS: usize = 20;

/// A site's published consultations of `kind`, newest first.
pub async fn published(
    svc: &Services,
    tenant: &Tenant,
    kind: Option<ConsultKind>,
) -> Result<Vec<Consultation>> {
    Ok(svc.store().consultations(tenant.id, kind, false).await?)
}

/// What the public page of a consultation shows.
#[derive(Debug, Clone)]
pub struct PublicConsultation {
    pub consultation: Consultation,
    pub phase: Phase,
    /// Approved comments, answered (and approved, unanswered) questions.
    pub entries: Vec<Entry>,
    pub responses: u64,
    /// A survey's results, once it has closed.
    pub results: Option<Vec<QuestionTally>>,
}

/// Published consultation `id` of `tenant` (a draft is not found).
pub async fn public_consultation(
    svc: &Services,
    tenant: &Tenant,
    id: i64,
) -> Result<PublicConsultation> {
    let c = svc.store().consultation(tenant.id, id).await?;
    let phase = c.phase(svc.now());
    if phase == Phase::Draft {
        return Err(ServiceError::NotFound("征集调查".into()));
    }
    let entries = svc
        .store()
        .entries(tenant.id, id, &[EntryState::Approved, EntryState::Answered])
        .await?;
    let (responses, results) = if c.kind == ConsultKind::Survey {
        let all = svc.store().responses(tenant.id, id).await?;
        let results = (phase == Phase::Closed)
            .then(|| tally(&c.questions, all.iter().map(|r| r.answers.as_slice())));
        (all.len() as u64, results)
    } else {
        (0, None)
    };
    Ok(PublicConsultation {
        consultation: c,
        phase,
        entries,
        responses,
        results,
    })
}

/// A consultation open to the public's contributions of its kind now.
async fn taking(svc: &Services, tenant: &Tenant, id: i64) -> Result<Consultation> {
    if tenant.status != TenantStatus::Active {
        return Err(ServiceError::Conflict("本网站暂停服务".into()));
    }
    let c = svc.store().consultation(tenant.id, id).await?;
    match c.phase(svc.now()) {
        Phase::Draft => Err(ServiceError::NotFound("征集调查".into())),
        p if p.takes(c.kind) => Ok(c),
        Phase::Upcoming => Err(ServiceError::Conflict("尚未开始，请在开始后参与".into())),
        _ => Err(ServiceError::Conflict("已经结束，不再接收".into())),
    }
}

/// An entry just taken (or found again), with the query code an interview question's case
/// will carry.
#[derive(Debug, Clone)]
pub struct Taken {
    pub consultation: Consultation,
    pub entry: Entry,
    pub fresh: bool,
    pub query_code: Option<String>,
}

/// Takes a comment on a solicitation or a question to an interview from the public form;
/// `submit_key` identifies the form submission.
pub async fn submit_entry(
    svc: &Services,
    tenant: &Tenant,
    id: i64,
    nickname: &str,
    content: &str,
    submit_key: &str,
    client: Option<String>,
) -> Result<Taken> {
    let c = taking(svc, tenant, id).await?;
    if c.kind == ConsultKind::Survey {
        return Err(ServiceError::Invalid("网上调查请填写问卷".into()));
    }
    let mut errors = Vec::new();
    let content = content.trim();
    if content.is_empty() {
        errors.push(FieldError::new(
            "content",
            format!("请填写{}", c.kind.contribution()),
        ));
    } else if content.chars().count() > MAX_ENTRY_CHARS {
        errors.push(FieldError::new(
            "content",
            format!("{}不能超过 {MAX_ENTRY_CHARS} 个字", c.kind.contribution()),
        ));
    }
    let nickname = nickname.trim();
    if nickname.chars().count() > MAX_NICKNAME_CHARS {
        errors.push(FieldError::new(
            "nickname",
            format!("昵称不能超过 {MAX_NICKNAME_CHARS} 个字"),
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let nickname = if nickname.is_empty() {
        "网友"
    } else {
        nickname
    };
    let key = zq_store::content_hash(format!("consult:{submit_key}").as_bytes());
    let (entry, fresh) = svc
        .store()
        .add_entry(
            &c,
            NewEntry {
                nickname: nickname.to_owned(),
                content: content.to_owned(),
                submit_key: key.clone(),
            },
            &Who::public(client),
        )
        .await?;
    let query_code = if c.kind == ConsultKind::Interview {
        Some(crate::interaction::query_code_for(svc, &key).await?)
    } else {
        None
    };
    Ok(Taken {
        consultation: c,
        entry,
        fresh,
        query_code,
    })
}

fn voter_key(survey: i64, voter: &str) -> String {
    zq_store::content_hash(format!("voter:{survey}:{voter}").as_bytes())
}

/// Whether the browser with voter cookie `voter` has answered survey `id`.
pub async fn responded(svc: &Services, tenant: &Tenant, id: i64, voter: &str) -> Result<bool> {
    if voter.is_empty() {
        return Ok(false);
    }
    Ok(svc
        .store()
        .has_responded(tenant.id, id, &voter_key(id, voter))
        .await?)
}

/// Takes a survey response: `raw[i]` holds the values posted for question `i`; `voter` is
/// the browser's voter cookie, `client` its address.
pub async fn respond(
    svc: &Services,
    tenant: &Tenant,
    id: i64,
    raw: &[Vec<String>],
    voter: &str,
    client: Option<String>,
) -> Result<(Consultation, SurveyResponse)> {
    let c = taking(svc, tenant, id).await?;
    if c.kind != ConsultKind::Survey {
        return Err(ServiceError::Invalid("这不是网上调查".into()));
    }
    if voter.len() < 16 {
        return Err(ServiceError::Invalid(
            "请允许浏览器保存本站 Cookie 后再提交问卷（用于保证每人只答一次）".into(),
        ));
    }
    let answers = check_response(&c.questions, raw).map_err(ServiceError::Fields)?;
    let address = client.clone().unwrap_or_default();
    let response = svc
        .store()
        .add_response(
            &c,
            NewResponse {
                voter_key: voter_key(id, voter),
                client_key: zq_store::content_hash(format!("client:{id}:{address}").as_bytes()),
                per_client: RESPONSES_PER_ADDRESS,
                answers,
            },
            &Who::public(client),
        )
        .await?;
    Ok((c, response))
}
