//! The API's side of participation (征集调查访谈), the same services as the console: a site's
//! consultations (drafts included), one with its entries and a survey's results so far, a new
//! one, a change of its text, a reviewer's step (publish, unpublish, end, outcome), a
//! moderator's decision on an entry or a guest's answer, closing an interview into its
//! transcript and cases, and the export as CSV.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use zq_domain::consult::{EntryState, Question, QuestionTally};
use zq_store::{Consultation, Entry};

use super::{ApiCaller, ApiResult, Body, OptionalBody, Params, bad_request, created, ok, parse_id};
use crate::AppState;
use crate::service::consult::{self, ConsultForm, ConsultStep};
use crate::service::format_local;

#[derive(Debug, Serialize)]
struct ConsultDto {
    id: i64,
    kind: String,
    title: String,
    summary: Option<String>,
    body: String,
    guests: Option<String>,
    questions: Vec<Question>,
    opens_at: String,
    closes_at: String,
    phase: String,
    published_at: Option<String>,
    ended_at: Option<String>,
    outcome: Option<String>,
    article_id: Option<i64>,
    /// Ids of the site's attachments published with it, in order.
    attachments: Vec<i64>,
    version: i32,
}

fn rfc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339()
}

fn dto(c: &Consultation, now: chrono::DateTime<chrono::Utc>) -> ConsultDto {
    ConsultDto {
        id: c.id,
        kind: c.kind.as_str().to_owned(),
        title: c.title.clone(),
        summary: c.summary.clone(),
        body: c.body.clone(),
        guests: c.guests.clone(),
        questions: c.questions.clone(),
        opens_at: rfc(c.opens_at),
        closes_at: rfc(c.closes_at),
        phase: c.phase(now).as_str().to_owned(),
        published_at: c.published_at.map(rfc),
        ended_at: c.ended_at.map(rfc),
        outcome: c.outcome.clone(),
        article_id: c.article_id,
        attachments: c.attachments.clone(),
        version: c.version,
    }
}

#[derive(Debug, Serialize)]
struct EntryDto {
    id: i64,
    state: String,
    nickname: String,
    content: String,
    answer: Option<String>,
    answered_by: Option<String>,
    submitted_at: String,
    case_id: Option<i64>,
}

fn entry_dto(e: &Entry) -> EntryDto {
    EntryDto {
        id: e.id,
        state: e.state.as_str().to_owned(),
        nickname: e.nickname.clone(),
        content: e.content.clone(),
        answer: e.answer.clone(),
        answered_by: e.answered_by.clone(),
        submitted_at: format_local(e.submitted_at, false),
        case_id: e.case_id,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    kind: Option<String>,
}

/// `GET /api/v1/sites/{code}/consultations`.
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Params(q): Params<ListQuery>,
) -> ApiResult {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            k.parse()
                .map_err(|_| bad_request("kind 须为 solicitation、survey 或 interview"))?,
        ),
        None => None,
    };
    let (_, items) = consult::list(state.services(), &c, &code, kind).await?;
    let now = state.services().now();
    ok(items
        .iter()
        .map(|l| {
            serde_json::json!({
                "consultation": dto(&l.consultation, now),
                "responses": l.counts.responses,
                "pending": l.counts.pending,
                "public": l.counts.public,
            })
        })
        .collect::<Vec<_>>())
}

/// `POST /api/v1/sites/{code}/consultations`.
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(form): Body<ConsultForm>,
) -> ApiResult {
    let made = consult::create(state.services(), &c, &code, &form).await?;
    created(dto(&made, state.services().now()))
}

#[derive(Debug, Serialize)]
struct DetailDto {
    consultation: ConsultDto,
    entries: Vec<EntryDto>,
    responses: u64,
    results: Vec<QuestionTally>,
}

/// `GET /api/v1/sites/{code}/consultations/{id}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult {
    let d = consult::detail(state.services(), &c, &code, parse_id(&id)?).await?;
    ok(DetailDto {
        consultation: dto(&d.consultation, state.services().now()),
        entries: d.entries.iter().map(entry_dto).collect(),
        responses: d.responses,
        results: d.results,
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct ConsultChangeInput {
    #[serde(flatten)]
    form: ConsultForm,
    #[serde(default)]
    version: Option<i32>,
}

/// `PUT /api/v1/sites/{code}/consultations/{id}`.
pub(crate) async fn update(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
    Body(input): Body<ConsultChangeInput>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let changed =
        consult::update(state.services(), &c, &code, id, input.version, &input.form).await?;
    ok(dto(&changed, state.services().now()))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct StepInput {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    version: Option<i32>,
}

/// `POST /api/v1/sites/{code}/consultations/{id}/{step}`.
pub(crate) async fn step(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id, step)): Path<(String, String, String)>,
    OptionalBody(input): OptionalBody<StepInput>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let step = ConsultStep::parse(&step, input.text)
        .ok_or_else(|| bad_request("step 须为 publish、unpublish、end 或 outcome"))?;
    let changed = consult::step(state.services(), &c, &code, id, input.version, step).await?;
    ok(dto(&changed, state.services().now()))
}

#[derive(Debug, Deserialize)]
pub(crate) struct EntryInput {
    /// `approved`, `rejected` or `answered`.
    decision: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    guest: String,
}

/// `POST /api/v1/sites/{code}/consultations/{id}/entries/{entry}`.
pub(crate) async fn entry(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id, entry)): Path<(String, String, String)>,
    Body(input): Body<EntryInput>,
) -> ApiResult {
    let (id, entry) = (parse_id(&id)?, parse_id(&entry)?);
    let svc = state.services();
    let e = match input.decision.parse::<EntryState>() {
        Ok(EntryState::Answered) => {
            consult::answer(svc, &c, &code, id, entry, &input.answer, &input.guest).await?
        }
        Ok(to) => consult::moderate(svc, &c, &code, id, entry, to).await?,
        Err(_) => return Err(bad_request("decision 须为 approved、rejected 或 answered")),
    };
    ok(entry_dto(&e))
}

#[derive(Debug, Deserialize)]
pub(crate) struct CloseInput {
    column_id: i64,
}

/// `POST /api/v1/sites/{code}/consultations/{id}/close`.
pub(crate) async fn close(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
    Body(input): Body<CloseInput>,
) -> ApiResult {
    let closed =
        consult::close_interview(state.services(), &c, &code, parse_id(&id)?, input.column_id)
            .await?;
    ok(serde_json::json!({
        "consultation": dto(&closed.consultation, state.services().now()),
        "article_id": closed.article_id,
        "cases": closed.cases.iter().map(|(e, c)| serde_json::json!({"entry": e, "case": c})).collect::<Vec<_>>(),
    }))
}

/// `GET /api/v1/sites/{code}/consultations/{id}/export.csv`.
pub(crate) async fn export(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult {
    let (_, out) = consult::export_csv(state.services(), &c, &code, parse_id(&id)?).await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response())
}
