//! Public participation on every site (意见征集, 网上调查, 在线访谈): the cached pages
//! (`pages`) and the forms on the form path (`site::forms`: rate limit, body limit, signed
//! per-form token, never cached):
//!
//! - `/forms/comment?item={id}`: a comment on an open solicitation (shown once approved);
//! - `/forms/ask?item={id}`: a question to an interview, announced or running (answered live
//!   by the guests; the answer to a post shows the query code its case will carry if the
//!   interview ends with it unanswered);
//! - `/forms/survey?item={id}`: a survey's questionnaire. The page gives the browser a voter
//!   cookie (`zq_voter`, random, HttpOnly, a year) and a post without it is refused: one
//!   response per browser, at most `RESPONSES_PER_ADDRESS` per address.
//!
//! The consultation travels as `item` (a query parameter on the page, a hidden field in the
//! post); the token names the submission, so the same post twice is one comment.

pub(crate) mod pages;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use zq_domain::consult::survey::MAX_TEXT_CHARS;
use zq_domain::consult::{ConsultKind, Phase, QuestionKind, field_name};
use zq_render::consult_view::{ConsultFormView, EntryInput, FormOption, FormQuestion, TakenView};
use zq_render::interaction_view::FieldProblem;
use zq_store::Consultation;

use super::extract::SiteCtx;
use super::forms::{Fields, html};
use super::interaction::requests::problems;
use super::interaction::service_error;
use super::pages::minute;
use crate::auth::{cookie, set_cookie};
use crate::service::ServiceError;
use crate::service::consult::{self, MAX_ENTRY_CHARS, MAX_NICKNAME_CHARS};
use crate::{AppState, SiteError};

/// Largest post of the participation forms (a survey of 30 questions with text answers).
pub(crate) const CONSULT_MAX_BYTES: usize = 64 * 1024;
/// The browser's voter cookie.
const VOTER_COOKIE: &str = "zq_voter";
/// How long the voter cookie lives, in seconds.
const VOTER_MAX_AGE: i64 = 366 * 24 * 3600;

/// The form taking contributions to consultations of `kind`.
pub(crate) fn form_name(kind: ConsultKind) -> &'static str {
    match kind {
        ConsultKind::Solicitation => "comment",
        ConsultKind::Survey => "survey",
        ConsultKind::Interview => "ask",
    }
}

fn kind_of(form: &str) -> ConsultKind {
    match form {
        "comment" => ConsultKind::Solicitation,
        "survey" => ConsultKind::Survey,
        _ => ConsultKind::Interview,
    }
}

/// The consultation a page request names in its query (`?item=12`).
pub(crate) fn item_of(query: Option<&str>) -> Option<i64> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "item")
        .and_then(|(_, v)| v.parse().ok())
}

/// The browser's voter cookie, if it has a well-formed one.
pub(crate) fn voter_of(headers: &HeaderMap) -> Option<String> {
    cookie(headers, VOTER_COOKIE).filter(|v| crate::auth::is_token(v))
}

/// What a form page shows besides the consultation.
#[derive(Default)]
struct FormState {
    form: EntryInput,
    /// The values posted per survey question.
    raw: Vec<Vec<String>>,
    errors: Vec<FieldProblem>,
    taken: Option<TakenView>,
    closed: Option<String>,
}

/// The form of consultation `id` (a draft, another kind or another site's: not found).
async fn load(
    state: &AppState,
    ctx: &SiteCtx,
    form: &str,
    id: Option<i64>,
) -> Result<Consultation, SiteError> {
    let id = id.ok_or(SiteError::NotFound)?;
    let c = state
        .store()
        .consultation(ctx.site.tenant.id, id)
        .await
        .map_err(|e| service_error(e.into()))?;
    if c.kind != kind_of(form) || c.phase(state.services().now()) == Phase::Draft {
        return Err(SiteError::NotFound);
    }
    Ok(c)
}

fn questions(c: &Consultation, raw: &[Vec<String>]) -> Vec<FormQuestion> {
    c.questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let name = field_name(i).to_owned();
            let posted: &[String] = raw.get(i).map(Vec::as_slice).unwrap_or(&[]);
            FormQuestion {
                number: i + 1,
                prompt: q.prompt.clone(),
                kind: q.kind.as_str().to_owned(),
                kind_label: q.kind.marker().to_owned(),
                options: q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(k, label)| FormOption {
                        id: format!("{name}-{k}"),
                        value: k.to_string(),
                        label: label.clone(),
                        checked: posted.iter().any(|v| *v == k.to_string()),
                    })
                    .collect(),
                value: if q.kind == QuestionKind::Text {
                    posted.first().cloned().unwrap_or_default()
                } else {
                    String::new()
                },
                max_chars: MAX_TEXT_CHARS,
                name,
            }
        })
        .collect()
}

/// Why consultation `c` takes nothing now, if so.
fn not_taking(state: &AppState, c: &Consultation) -> Option<String> {
    match c.phase(state.services().now()) {
        p if p.takes(c.kind) => None,
        Phase::Upcoming => Some(format!("{}尚未开始，请在开始后参与。", c.kind.label())),
        _ => Some(format!(
            "{}已经结束，不再接收{}。",
            c.kind.label(),
            c.kind.contribution()
        )),
    }
}

async fn render(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    name: &str,
    c: &Consultation,
    s: FormState,
    status: StatusCode,
) -> Result<Response, SiteError> {
    let heading = match c.kind {
        ConsultKind::Solicitation => "发表意见",
        ConsultKind::Survey => "参与调查",
        ConsultKind::Interview => "我要提问",
    }
    .to_owned();
    let view = ConsultFormView {
        chrome: ctx.form_chrome(&heading),
        heading,
        mode: name.to_owned(),
        title: c.title.clone(),
        page_url: ctx
            .links
            .url(&format!("/hudong/{}/{}.html", c.kind.segment(), c.id)),
        closes: minute(c.closes_at),
        action: ctx.links.url(&format!("/forms/{name}")),
        token: ctx.form_token(state, key, name)?,
        item: c.id,
        contribution: c.kind.contribution().to_owned(),
        form: s.form,
        questions: questions(c, &s.raw),
        error_fields: s.errors.iter().map(|e| e.field.clone()).collect(),
        errors: s.errors,
        max_content: MAX_ENTRY_CHARS,
        max_nickname: MAX_NICKNAME_CHARS,
        taken: s.taken,
        closed: s.closed,
    };
    html(
        status,
        state
            .renderer()
            .interaction_page(zq_render::InteractionPage::ConsultForm, &view)?,
    )
}

/// The form page; a survey's gives the browser its voter cookie if it has none.
pub(crate) async fn form_page(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    name: &str,
    item: Option<i64>,
    headers: &HeaderMap,
) -> Result<Response, SiteError> {
    let c = load(state, ctx, name, item).await?;
    let mut s = FormState {
        closed: not_taking(state, &c),
        ..Default::default()
    };
    let mut new_voter = None;
    if c.kind == ConsultKind::Survey && s.closed.is_none() {
        match voter_of(headers) {
            Some(v) => {
                if consult::responded(state.services(), &ctx.site.tenant, c.id, &v)
                    .await
                    .map_err(service_error)?
                {
                    s.closed = Some(zq_store::ALREADY_RESPONDED.to_owned() + "。");
                }
            }
            None => {
                new_voter = Some(zq_store::random_token().map_err(|e| service_error(e.into()))?)
            }
        }
    }
    let mut res = render(state, ctx, key, name, &c, s, StatusCode::OK).await?;
    if let Some(v) = new_voter {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(state, VOTER_COOKIE, &v, Some(VOTER_MAX_AGE)),
        );
    }
    Ok(res)
}

/// Takes a post of a participation form (past the guards, token checked).
pub(crate) async fn post(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    name: &str,
    f: &Fields,
    voter: Option<String>,
    client: Option<String>,
) -> Result<Response, SiteError> {
    let c = load(state, ctx, name, f.get("item").parse().ok()).await?;
    let svc = state.services();
    let tenant = &ctx.site.tenant;
    let mut s = FormState::default();
    let result = if c.kind == ConsultKind::Survey {
        s.raw = (0..c.questions.len())
            .map(|i| f.get_all(field_name(i)))
            .collect();
        consult::respond(
            svc,
            tenant,
            c.id,
            &s.raw,
            voter.as_deref().unwrap_or(""),
            client,
        )
        .await
        .map(|_| TakenView {
            message: "问卷已提交，感谢您的参与！调查结束后将在本页公布结果。".into(),
            query_code: None,
            query_url: String::new(),
        })
    } else {
        s.form = EntryInput {
            nickname: f.get("nickname"),
            content: f.get("content"),
        };
        let submit_key = f.get("token");
        consult::submit_entry(
            svc,
            tenant,
            c.id,
            &s.form.nickname,
            &s.form.content,
            &submit_key,
            client,
        )
        .await
        .map(|t| TakenView {
            message: match c.kind {
                ConsultKind::Interview => {
                    "您的提问已收到，经审核后显示在访谈页面，嘉宾将在访谈中答复。".into()
                }
                _ => {
                    "您的意见已收到，经审核后公开显示。征集结束后将公布意见采纳情况，感谢您的参与！"
                        .into()
                }
            },
            query_code: t.query_code,
            query_url: ctx.links.url("/forms/query"),
        })
    };
    let status = match result {
        Ok(taken) => {
            s.taken = Some(taken);
            StatusCode::OK
        }
        Err(ServiceError::Fields(errors)) => {
            s.errors = problems(errors);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(ServiceError::Conflict(m)) => {
            s.closed = Some(m);
            StatusCode::CONFLICT
        }
        Err(ServiceError::Invalid(m)) => {
            s.closed = Some(m);
            StatusCode::BAD_REQUEST
        }
        Err(e) => return Err(service_error(e)),
    };
    let mut res = render(state, ctx, key, name, &c, s, status).await?;
    if c.kind == ConsultKind::Survey && voter.is_none() {
        // A browser that lost its cookie gets one for the next try.
        let v = zq_store::random_token().map_err(|e| service_error(e.into()))?;
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(state, VOTER_COOKIE, &v, Some(VOTER_MAX_AGE)),
        );
    }
    Ok(res)
}
