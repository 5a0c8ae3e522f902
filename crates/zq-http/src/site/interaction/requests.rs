//! The other public forms of interaction, on the same form path as the letter:
//!
//! - `/forms/error`: 我为政府网站找错, a report about a page of any site of the cluster (the
//!   address is resolved to the site whose page it is, which handles it); the form is
//!   prefilled with the page the citizen came from (the `Referer`, when it is a page of this
//!   cluster);
//! - `/forms/disclosure`: 政府信息公开申请, a disclosure request to this site's organ;
//! - `/forms/correct` and `/forms/complain`: the writer's completion (补正) and complaint about
//!   the reply, posted from the query page with the query code.
//!
//! Each taken post answers with the query page (a new case's code shown once).

use axum::http::{StatusCode, Uri};
use axum::response::Response;
use zq_domain::Host;
use zq_domain::article::FieldError;
use zq_domain::interaction::personal::Personal;
use zq_domain::interaction::{CaseKind, SiteErrorKind};
use zq_domain::route::split_alias;
use zq_render::InteractionPage;
use zq_render::interaction_view::{
    Choice, DisclosureFormView, DisclosureInput, FieldProblem, SiteErrorFormView, SiteErrorInput,
};
use zq_store::Tenant;

use super::super::extract::SiteCtx;
use super::super::forms::{Fields, html};
use super::{opened_page, refused_post, service_error};
use crate::service::ServiceError;
use crate::service::interaction::{
    self, APPLICANT_KINDS, DELIVERIES, DisclosureForm, MAX_CONTENT_CHARS, MAX_SUBJECT_CHARS, MEDIA,
    SiteErrorForm, WriterStep,
};
use crate::{AppState, SiteError};

/// Largest site-error or disclosure post.
pub(crate) const REQUEST_MAX_BYTES: usize = 64 * 1024;

/// Field problems as the forms list them.
pub(crate) fn problems(errors: Vec<FieldError>) -> Vec<FieldProblem> {
    errors
        .into_iter()
        .map(|e| FieldProblem {
            field: e.field.to_owned(),
            message: e.message,
        })
        .collect()
}

fn choices(list: &[(&str, &str)]) -> Vec<Choice> {
    list.iter()
        .map(|(v, l)| Choice {
            value: (*v).to_owned(),
            label: (*l).to_owned(),
        })
        .collect()
}

fn status(errors: &[FieldProblem]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The site of the cluster a page address belongs to: by the `/sites/{code}/` alias, else by
/// its host.
pub(crate) fn site_of_url(ctx: &SiteCtx, url: &str) -> Option<Tenant> {
    let uri: Uri = url.trim().parse().ok()?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return None;
    }
    if let Some((code, _)) = split_alias(uri.path()) {
        return ctx.snap.by_code(code).map(|s| s.tenant.clone());
    }
    let host = Host::parse(uri.authority()?.as_str()).ok()?;
    ctx.snap.by_host(&host).map(|s| s.tenant.clone())
}

/// The site-error form, empty (prefilled with the referring page) or as typed.
pub(crate) async fn error_page(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    form: SiteErrorInput,
    errors: Vec<FieldProblem>,
) -> Result<Response, SiteError> {
    let heading = "我为政府网站找错".to_owned();
    let token = ctx.form_token(state, key, "error")?;
    let captcha = ctx.captcha(state, key, &token);
    let view = SiteErrorFormView {
        chrome: ctx.form_chrome(&heading),
        heading,
        action: ctx.links.url("/forms/error"),
        token,
        captcha,
        kinds: SiteErrorKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: k.label().to_owned(),
            })
            .collect(),
        form,
        error_fields: errors.iter().map(|e| e.field.clone()).collect(),
        max_content: MAX_CONTENT_CHARS,
        query_url: ctx.links.url("/forms/query"),
        errors,
    };
    let body = state
        .renderer()
        .interaction_page(InteractionPage::SiteErrorForm, &view)?;
    html(status(&view.errors), body)
}

/// The page a citizen came from, when it is a page of this cluster (not a form).
pub(crate) fn referring_page(ctx: &SiteCtx, referer: Option<&str>) -> String {
    referer
        .filter(|r| !r.contains("/forms/") && r.len() <= interaction::MAX_URL_CHARS)
        .filter(|r| site_of_url(ctx, r).is_some())
        .map(str::to_owned)
        .unwrap_or_default()
}

/// Takes a site-error post.
pub(crate) async fn post_error(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    f: &Fields,
    client: Option<String>,
    unverified: Option<FieldProblem>,
) -> Result<Response, SiteError> {
    let input = SiteErrorInput {
        page_url: f.get("page_url"),
        kind: f.get("kind"),
        content: f.get("content"),
        name: f.get("name"),
        phone: f.get("phone"),
        email: f.get("email"),
    };
    if let Some(p) = unverified {
        return error_page(state, ctx, key, input, vec![p]).await;
    }
    let owner = site_of_url(ctx, &input.page_url);
    let form = SiteErrorForm {
        page_url: input.page_url.clone(),
        kind: input.kind.clone(),
        content: input.content.clone(),
        personal: Personal {
            name: input.name.clone(),
            phone: input.phone.clone(),
            email: Some(input.email.clone()),
            id_number: None,
            address: None,
        },
        files: f.files(),
    };
    let submitted = interaction::submit_site_error(
        state.services(),
        &ctx.site.tenant,
        owner.as_ref(),
        form,
        &f.get("token"),
        client,
    )
    .await;
    match submitted {
        Ok(opened) => opened_page(state, ctx, key, opened).await,
        Err(ServiceError::Fields(errors)) => {
            error_page(state, ctx, key, input, problems(errors)).await
        }
        Err(e) => Err(service_error(e)),
    }
}

/// The disclosure request form, empty or as typed.
pub(crate) async fn disclosure_page(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    form: DisclosureInput,
    errors: Vec<FieldProblem>,
) -> Result<Response, SiteError> {
    let heading = "政府信息公开申请".to_owned();
    let token = ctx.form_token(state, key, "disclosure")?;
    let captcha = ctx.captcha(state, key, &token);
    let view = DisclosureFormView {
        chrome: ctx.form_chrome(&heading),
        heading,
        action: ctx.links.url("/forms/disclosure"),
        token,
        captcha,
        applicants: choices(&APPLICANT_KINDS),
        media: choices(&MEDIA),
        deliveries: choices(&DELIVERIES),
        form,
        error_fields: errors.iter().map(|e| e.field.clone()).collect(),
        max_subject: MAX_SUBJECT_CHARS,
        max_content: MAX_CONTENT_CHARS,
        query_url: ctx.links.url("/forms/query"),
        days: interaction::rules_of(state.services(), ctx.site.tenant.id)
            .await
            .map_err(service_error)?
            .rule(CaseKind::Disclosure)
            .days,
        errors,
    };
    let body = state
        .renderer()
        .interaction_page(InteractionPage::DisclosureForm, &view)?;
    html(status(&view.errors), body)
}

/// Takes a disclosure post.
pub(crate) async fn post_disclosure(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    f: &Fields,
    client: Option<String>,
    unverified: Option<FieldProblem>,
) -> Result<Response, SiteError> {
    let input = DisclosureInput {
        applicant: f.get("applicant"),
        name: f.get("name"),
        id_number: f.get("id_number"),
        organization: f.get("organization"),
        credit_code: f.get("credit_code"),
        phone: f.get("phone"),
        email: f.get("email"),
        address: f.get("address"),
        subject: f.get("subject"),
        content: f.get("content"),
        purpose: f.get("purpose"),
        medium: f.get("medium"),
        delivery: f.get("delivery"),
    };
    if let Some(p) = unverified {
        return disclosure_page(state, ctx, key, input, vec![p]).await;
    }
    let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
    let form = DisclosureForm {
        applicant: input.applicant.clone(),
        organization: input.organization.clone(),
        credit_code: input.credit_code.clone(),
        subject: input.subject.clone(),
        content: input.content.clone(),
        purpose: input.purpose.clone(),
        medium: input.medium.clone(),
        delivery: input.delivery.clone(),
        personal: Personal {
            name: input.name.clone(),
            phone: input.phone.clone(),
            email: opt(&input.email),
            id_number: opt(&input.id_number),
            address: opt(&input.address),
        },
        files: f.files(),
    };
    let submitted = interaction::submit_disclosure(
        state.services(),
        &ctx.site.tenant,
        form,
        &f.get("token"),
        client,
    )
    .await;
    match submitted {
        Ok(opened) => opened_page(state, ctx, key, opened).await,
        Err(ServiceError::Fields(errors)) => {
            disclosure_page(state, ctx, key, input, problems(errors)).await
        }
        Err(e) => Err(service_error(e)),
    }
}

/// Takes the writer's completion (`correct`) or complaint (`complain`) and shows the case
/// again.
pub(crate) async fn post_writer_step(
    state: &AppState,
    ctx: &SiteCtx,
    key: &ring::hmac::Key,
    name: &str,
    f: &Fields,
    client: Option<String>,
) -> Result<Response, SiteError> {
    let code = f.get("code").trim().to_owned();
    if super::found(state, ctx, &code).await?.is_none() {
        return refused_post(
            state,
            ctx,
            key,
            code,
            ServiceError::NotFound("查询码".into()),
        )
        .await;
    }
    let text = f.get("text");
    let step = if name == "correct" {
        WriterStep::Correct(text)
    } else {
        WriterStep::Complain(text)
    };
    match interaction::writer_step(state.services(), &code, step, client).await {
        Ok(_) => {
            let shown = super::found(state, ctx, &code).await?;
            super::query_page(state, ctx, key, code, None, shown, false).await
        }
        Err(e) => refused_post(state, ctx, key, code, e).await,
    }
}
