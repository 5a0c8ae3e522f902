//! The public side of interaction (互动交流) on every tenant site, on the form path
//! (`site::forms`: rate limit, body limit, signed per-form token, never cached):
//!
//! - `/forms/letter`: the letter form (写信) listing the site's mailboxes; a taken post answers
//!   with the query page showing the new query code once;
//! - `/forms/query`: the query page (办理查询): the code in, the case's state, dates and
//!   reply out (never personal details); a replied case can be rated there;
//! - `/forms/rate`: the rating's post, answered with the query page.
//!
//! The code travels only in POST bodies, never in a URL, so it stays out of logs and
//! referrers. The other forms (site-error report, disclosure request, the writer's 补正 and
//! complaint) are in `requests`; the cached pages (interaction page, registry, statistics) in
//! `pages`.

pub(crate) mod pages;
pub(crate) mod requests;

use axum::http::StatusCode;
use axum::response::Response;
use zq_domain::interaction::personal::Personal;
use zq_domain::interaction::{CaseState, LetterKind};
use zq_domain::time::format_local;
use zq_render::interaction_view::{
    CaseStatus, Choice, FieldProblem, HistoryLine, LetterFormView, LetterInput, MailboxChoice,
    QueryView,
};
use zq_store::{Case, CaseStep};

use super::extract::SiteCtx;
use super::forms::{Fields, html};
use crate::service::interaction::{self, LetterForm, MAX_CONTENT_CHARS, MAX_SUBJECT_CHARS};
use crate::service::{Fault, ServiceError};
use crate::{AppState, SiteError};

/// Largest letter post.
pub(crate) const LETTER_MAX_BYTES: usize = 64 * 1024;
/// Largest query or rating post.
pub(crate) const QUERY_MAX_BYTES: usize = 4 * 1024;

pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn rating_label(r: i16) -> &'static str {
    match r {
        5 => "非常满意",
        4 => "满意",
        3 => "基本满意",
        2 => "不满意",
        _ => "非常不满意",
    }
}

/// The letter form, empty or as typed with the problems of a refused post.
pub(crate) async fn letter_page(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    form: LetterInput,
    errors: Vec<FieldProblem>,
) -> Result<Response, SiteError> {
    let mailboxes = interaction::mailboxes(state.services(), &ctx.site.tenant)
        .await
        .map_err(service_error)?
        .into_iter()
        .filter(|m| m.active)
        .map(|m| MailboxChoice {
            slug: m.slug,
            name: m.name,
        })
        .collect();
    let heading = "我要写信".to_owned();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let token = ctx.form_token(state, key, "letter")?;
    let captcha = ctx.captcha(state, key, &token);
    let view = LetterFormView {
        chrome: ctx.form_chrome(&heading),
        heading,
        action: ctx.links.url("/forms/letter"),
        token,
        captcha,
        mailboxes,
        categories: LetterKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: k.label().to_owned(),
            })
            .collect(),
        form,
        error_fields: errors.iter().map(|e| e.field.clone()).collect(),
        errors,
        max_subject: MAX_SUBJECT_CHARS,
        max_content: MAX_CONTENT_CHARS,
        query_url: ctx.links.url("/forms/query"),
    };
    html(status, state.renderer().letter_form(&view)?)
}

/// Takes a letter post (already past the guards, token checked).
pub(crate) async fn post_letter(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    f: &Fields,
    client: Option<String>,
    unverified: Option<FieldProblem>,
) -> Result<Response, SiteError> {
    let input = LetterInput {
        mailbox: f.get("mailbox"),
        category: f.get("category"),
        subject: f.get("subject"),
        content: f.get("content"),
        name: f.get("name"),
        phone: f.get("phone"),
        email: f.get("email"),
        publish: f.get("publish") == "on",
    };
    if let Some(p) = unverified {
        return letter_page(state, ctx, key, input, vec![p]).await;
    }
    let form = LetterForm {
        mailbox: input.mailbox.clone(),
        category: input.category.clone(),
        subject: input.subject.clone(),
        content: input.content.clone(),
        personal: Personal {
            name: input.name.clone(),
            phone: input.phone.clone(),
            email: Some(input.email.clone()),
            id_number: None,
            address: None,
        },
        publish_allowed: input.publish,
        files: f.files(),
    };
    match interaction::submit_letter(
        state.services(),
        &ctx.site.tenant,
        form,
        &f.get("token"),
        client,
    )
    .await
    {
        Ok(opened) => opened_page(state, ctx, key, opened).await,
        Err(ServiceError::Fields(errors)) => {
            letter_page(state, ctx, key, input, requests::problems(errors)).await
        }
        Err(e) => Err(service_error(e)),
    }
}

/// The answer to a taken form: the query page with the new case and its code, shown once.
pub(crate) async fn opened_page(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    opened: interaction::Opened,
) -> Result<Response, SiteError> {
    let steps = state
        .store()
        .steps_of(opened.case.id)
        .await
        .map_err(|e| service_error(e.into()))?;
    let code = opened.query_code.clone();
    query_page(
        state,
        ctx,
        key,
        code,
        None,
        Some((opened.case, steps)),
        true,
    )
    .await
}

/// The query page: the code form, or the case the code opens.
pub(crate) async fn query_page(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    code: String,
    error: Option<String>,
    case: Option<(Case, Vec<CaseStep>)>,
    received: bool,
) -> Result<Response, SiteError> {
    let heading = "办理查询".to_owned();
    let status = match (&error, &case) {
        (None, _) => StatusCode::OK,
        (Some(_), None) => StatusCode::NOT_FOUND,
        (Some(_), Some(_)) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let case = match case {
        Some((c, steps)) => {
            let mut status = status_of(&c, &steps);
            status.files = interaction::files_of(state.services(), &c)
                .await
                .map_err(service_error)?
                .into_iter()
                .map(|f| f.file_name)
                .collect();
            Some(status)
        }
        None => None,
    };
    let view = QueryView {
        chrome: ctx.form_chrome(&heading),
        heading,
        action: ctx.links.url("/forms/query"),
        token: ctx.form_token(state, key, "query")?,
        query_code: if received {
            code.clone()
        } else {
            String::new()
        },
        code,
        error,
        case,
        received,
        rate_action: ctx.links.url("/forms/rate"),
        rate_token: ctx.form_token(state, key, "rate")?,
        ratings: (1..=5)
            .rev()
            .map(|r| Choice {
                value: r.to_string(),
                label: rating_label(r).to_owned(),
            })
            .collect(),
        correct_action: ctx.links.url("/forms/correct"),
        correct_token: ctx.form_token(state, key, "correct")?,
        complain_action: ctx.links.url("/forms/complain"),
        complain_token: ctx.form_token(state, key, "complain")?,
    };
    html(status, state.renderer().case_query(&view)?)
}

/// Steps whose note the writer sees (the others' notes are internal comments).
const PUBLIC_NOTES: [&str; 7] = [
    "refuse",
    "transfer",
    "request_correction",
    "corrected",
    "extend",
    "reopen",
    "rate",
];

fn status_of(c: &Case, steps: &[CaseStep]) -> CaseStatus {
    let history = interaction::public_history(steps);
    let correction_asked = (c.state == CaseState::AwaitingWriter)
        .then(|| {
            history
                .iter()
                .rev()
                .find(|s| s.step == "request_correction")
                .and_then(|s| s.note.clone())
        })
        .flatten();
    CaseStatus {
        kind_label: c.kind.label().to_owned(),
        files: Vec::new(),
        subject: c.subject.clone(),
        page_url: c.page_url.clone(),
        answer: c
            .answer
            .filter(|_| c.state.is_answered())
            .map(|a| a.label().to_owned()),
        history: history
            .iter()
            .map(|s| HistoryLine {
                at: format_local(s.at, false),
                label: interaction::step_label(&s.step).to_owned(),
                note: s
                    .note
                    .clone()
                    .filter(|_| PUBLIC_NOTES.contains(&s.step.as_str())),
            })
            .collect(),
        correction_asked,
        can_complain: matches!(c.state, CaseState::Replied | CaseState::Closed),
        state_label: c.state.label().to_owned(),
        submitted: format_local(c.submitted_at, false),
        accepted: c.accepted_at.map(|t| format_local(t, false)),
        due: c.due_on.map(|d| d.format("%Y-%m-%d").to_string()),
        replied: c.replied_at.map(|t| format_local(t, false)),
        reply_unit: c.reply_unit.clone(),
        content: paragraphs(&c.content),
        reply: c
            .reply
            .as_deref()
            .filter(|_| c.state.is_answered())
            .map(paragraphs),
        can_rate: c.state == CaseState::Replied && c.rating.is_none(),
        rating: c.rating.map(|r| rating_label(r).to_owned()),
    }
}

/// The case the code opens with its history, if it can be followed on this site.
pub(crate) async fn found(
    state: &AppState,
    ctx: &SiteCtx,
    code: &str,
) -> Result<Option<(Case, Vec<CaseStep>)>, SiteError> {
    Ok(interaction::by_code(state.services(), code)
        .await
        .map_err(service_error)?
        .filter(|(c, _)| interaction::followed_on(c, ctx.site.tenant.id)))
}

/// The query page for `code` after a writer's post was refused with `e`.
pub(crate) async fn refused_post(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    code: String,
    e: ServiceError,
) -> Result<Response, SiteError> {
    match e {
        ServiceError::Fields(_) | ServiceError::Conflict(_) => {
            let message = match &e {
                ServiceError::Fields(f) => f
                    .iter()
                    .map(|f| f.message.as_str())
                    .collect::<Vec<_>>()
                    .join("；"),
                other => other.to_string(),
            };
            let shown = found(state, ctx, &code).await?;
            query_page(state, ctx, key, code, Some(message), shown, false).await
        }
        ServiceError::NotFound(_) => not_found(state, ctx, key, code).await,
        e => Err(service_error(e)),
    }
}

async fn not_found(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    code: String,
) -> Result<Response, SiteError> {
    let e = Some("没有找到这个查询码对应的事项，请核对后重新输入。".to_owned());
    query_page(state, ctx, key, code, e, None, false).await
}

/// Takes a query post: shows the case the code opens (only a case written to this site or
/// now owned by it), or says no case has that code.
pub(crate) async fn post_query(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    f: &Fields,
) -> Result<Response, SiteError> {
    let code = f.get("code").trim().to_owned();
    match found(state, ctx, &code).await? {
        Some(c) => query_page(state, ctx, key, code, None, Some(c), false).await,
        None => not_found(state, ctx, key, code).await,
    }
}

/// Takes a rating post and shows the case again.
pub(crate) async fn post_rate(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    f: &Fields,
    client: Option<String>,
) -> Result<Response, SiteError> {
    let code = f.get("code").trim().to_owned();
    if found(state, ctx, &code).await?.is_none() {
        return not_found(state, ctx, key, code).await;
    }
    let rating = f.get("rating").parse::<i16>().unwrap_or(0);
    let comment = Some(f.get("comment"));
    match interaction::rate(state.services(), &code, rating, comment, client).await {
        Ok(_) => {
            let shown = found(state, ctx, &code).await?;
            query_page(state, ctx, key, code, None, shown, false).await
        }
        Err(e) => refused_post(state, ctx, key, code, e).await,
    }
}

/// A service failure as the public site shows it.
pub(crate) fn service_error(e: ServiceError) -> SiteError {
    match e.fault() {
        Fault::NotFound => SiteError::NotFound,
        Fault::Client | Fault::Conflict => SiteError::Refused(e.to_string()),
        Fault::Upstream => SiteError::Unavailable(e.to_string()),
        Fault::Internal => SiteError::Internal(e.to_string()),
    }
}
