//! Interaction (互动交流) through the API, for the units handling cases: a site's mailboxes,
//! its case inbox with filters, one case with its history (personal details masked), the
//! audited reveal, and each handling step. Same service code as the console.

pub(crate) mod settings;

use axum::extract::{Path, State};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use zq_domain::interaction::personal::Personal;
use zq_domain::interaction::{CaseKind, CaseState};
use zq_store::{Case, CaseFilter, CaseStep, Mailbox, NewMailbox};

use super::{
    ApiCaller, ApiError, ApiResult, Body, OptionalBody, Params, bad_request, created, ok, parse_id,
};
use crate::AppState;
use crate::service::interaction::{self, StepInput};

/// A mailbox.
#[derive(Debug, Serialize)]
pub(crate) struct MailboxDto<'a> {
    id: i64,
    slug: &'a str,
    name: &'a str,
    description: &'a Option<String>,
    sort_order: i32,
    active: bool,
    notify_email: &'a Option<String>,
}

impl<'a> From<&'a Mailbox> for MailboxDto<'a> {
    fn from(m: &'a Mailbox) -> Self {
        MailboxDto {
            id: m.id,
            slug: &m.slug,
            name: &m.name,
            description: &m.description,
            sort_order: m.sort_order,
            active: m.active,
            notify_email: &m.notify_email,
        }
    }
}

/// A case as handlers see it: never the sealed details, never the query code.
#[derive(Debug, Serialize)]
pub(crate) struct CaseDto<'a> {
    id: i64,
    kind: CaseKind,
    state: CaseState,
    state_label: &'static str,
    mailbox_id: Option<i64>,
    subject: &'a str,
    content: &'a str,
    category: &'a Option<String>,
    page_url: &'a Option<String>,
    publish_allowed: bool,
    submitted_at: chrono::DateTime<chrono::Utc>,
    due_on: Option<NaiveDate>,
    extended: bool,
    reply_draft: &'a Option<String>,
    reply: &'a Option<String>,
    reply_unit: &'a Option<String>,
    replied_at: Option<chrono::DateTime<chrono::Utc>>,
    answer: Option<zq_domain::interaction::DisclosureAnswer>,
    rating: Option<i16>,
    version: i32,
}

impl<'a> From<&'a Case> for CaseDto<'a> {
    fn from(c: &'a Case) -> Self {
        CaseDto {
            id: c.id,
            kind: c.kind,
            state: c.state,
            state_label: c.state.label(),
            mailbox_id: c.mailbox_id,
            subject: &c.subject,
            content: &c.content,
            category: &c.category,
            page_url: &c.page_url,
            publish_allowed: c.publish_allowed,
            submitted_at: c.submitted_at,
            due_on: c.due_on,
            extended: c.extended,
            reply_draft: &c.reply_draft,
            reply: &c.reply,
            reply_unit: &c.reply_unit,
            replied_at: c.replied_at,
            answer: c.answer,
            rating: c.rating,
            version: c.version,
        }
    }
}

#[derive(Debug, Serialize)]
struct StepDto<'a> {
    step: &'a str,
    actor: &'a str,
    note: &'a Option<String>,
    at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize)]
struct CaseDetail<'a> {
    #[serde(flatten)]
    case: CaseDto<'a>,
    /// Masked (张**, 138****5678); `POST …/reveal` gives them in full, audited.
    writer: &'a Personal,
    steps: Vec<StepDto<'a>>,
    /// The files the writer attached; `GET …/files/{file}` downloads one, audited.
    files: Vec<CaseFileDto>,
}

#[derive(Debug, Serialize)]
struct CaseFileDto {
    id: i64,
    name: String,
    content_type: String,
    size: i64,
}

fn steps(s: &[CaseStep]) -> Vec<StepDto<'_>> {
    s.iter()
        .map(|s| StepDto {
            step: &s.step,
            actor: &s.actor,
            note: &s.note,
            at: s.at,
        })
        .collect()
}

pub(crate) async fn mailboxes(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> ApiResult {
    let t =
        crate::service::site(state.services(), &c, &code, zq_domain::access::Action::Read).await?;
    let list = interaction::mailboxes(state.services(), &t).await?;
    ok(list.iter().map(MailboxDto::from).collect::<Vec<_>>())
}

#[derive(Debug, Deserialize)]
pub(crate) struct MailboxInput {
    slug: String,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    sort_order: i32,
    #[serde(default)]
    notify_email: Option<String>,
}

pub(crate) async fn create_mailbox(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<MailboxInput>,
) -> ApiResult {
    let m = interaction::create_mailbox(
        state.services(),
        &c,
        &code,
        NewMailbox {
            slug: input.slug,
            name: input.name,
            description: input.description,
            sort_order: input.sort_order,
            notify_email: input.notify_email,
        },
    )
    .await?;
    created(MailboxDto::from(&m))
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct CaseParams {
    kind: Option<String>,
    state: Option<String>,
    /// `overdue` (due before today) or `due` (due by the next working day).
    due: Option<String>,
    #[serde(default = "default_limit")]
    limit: u64,
    #[serde(default)]
    offset: u64,
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

fn default_limit() -> u64 {
    50
}

pub(crate) async fn cases(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Params(p): Params<CaseParams>,
) -> ApiResult {
    let today = zq_domain::time::beijing_date(state.services().now());
    let cal = state
        .services()
        .store()
        .working_calendar()
        .await
        .map_err(|e| ApiError(e.into()))?;
    let filter = CaseFilter {
        kind: nonempty(p.kind.as_deref())
            .map(str::parse::<CaseKind>)
            .transpose()
            .map_err(|e| bad_request(e.to_string()))?,
        state: nonempty(p.state.as_deref())
            .map(str::parse::<CaseState>)
            .transpose()
            .map_err(|e| bad_request(e.to_string()))?,
        due_by: match nonempty(p.due.as_deref()) {
            None => None,
            Some("overdue") => today.pred_opt(),
            Some("due") => Some(cal.next_working_day(today)),
            Some(other) => {
                return Err(bad_request(format!(
                    "due 须为 overdue 或 due，收到 {other:?}"
                )));
            }
        },
        mailbox: None,
        open: false,
    };
    let (_, list, total) =
        interaction::inbox(state.services(), &c, &code, &filter, p.limit, p.offset).await?;
    ok(serde_json::json!({
        "total": total,
        "items": list.iter().map(CaseDto::from).collect::<Vec<_>>(),
    }))
}

pub(crate) async fn case(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult {
    let (_, case, history, writer) =
        interaction::case(state.services(), &c, &code, parse_id(&id)?).await?;
    let files = interaction::files_of(state.services(), &case)
        .await?
        .into_iter()
        .map(|f| CaseFileDto {
            id: f.id,
            name: f.file_name,
            content_type: f.content_type,
            size: f.size,
        })
        .collect();
    ok(CaseDetail {
        case: CaseDto::from(&case),
        writer: &writer,
        steps: steps(&history),
        files,
    })
}

/// `GET /api/v1/sites/{code}/cases/{id}/files/{file}`: a file the writer attached, for a
/// handler of the owning site; every download is audited.
pub(crate) async fn case_file(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id, file)): Path<(String, String, String)>,
) -> ApiResult {
    let (f, bytes) = interaction::case_file(
        state.services(),
        &c,
        &code,
        parse_id(&id)?,
        parse_id(&file)?,
    )
    .await?;
    let mut res = crate::file_response(bytes, &f.content_type, &f.file_name, false)
        .ok_or_else(|| crate::service::ServiceError::Internal("附件的类型无法作为响应头".into()))?;
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

pub(crate) async fn reveal(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult {
    let p = interaction::reveal(state.services(), &c, &code, parse_id(&id)?).await?;
    ok(p)
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct CaseStepInput {
    #[serde(default)]
    text: String,
    #[serde(default)]
    version: Option<i32>,
    #[serde(default)]
    transfer_to: Option<String>,
    #[serde(default)]
    answer: Option<String>,
}

pub(crate) async fn step(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id, step)): Path<(String, String, String)>,
    OptionalBody(input): OptionalBody<CaseStepInput>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let case = interaction::step(
        state.services(),
        &c,
        &code,
        id,
        StepInput {
            step,
            text: input.text,
            version: input.version,
            transfer_to: input.transfer_to,
            answer: input.answer,
        },
    )
    .await?;
    ok(CaseDto::from(&case))
}
