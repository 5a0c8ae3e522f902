//! The API's side of a site's interaction settings and the office's figures: changing a
//! mailbox (name, description, order, open or paused, notification address), a site's own
//! time limits (办理时限: read, set shorter than the cluster's, or back to the cluster's), and
//! every unit's figures for a year (the office), as JSON or CSV, and the site's common replies
//! (常用答复). Same services as the console.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use zq_domain::interaction::ClockRules;
use zq_domain::time::beijing_date;
use zq_store::NewMailbox;

use super::super::{ApiCaller, ApiResult, Body, Params, created, ok, parse_id};
use super::MailboxDto;
use crate::AppState;
use crate::service::interaction;

#[derive(Debug, Deserialize)]
pub(crate) struct MailboxChange {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    sort_order: i32,
    active: bool,
    #[serde(default)]
    notify_email: Option<String>,
}

/// `PUT /api/v1/sites/{code}/mailboxes/{id}`.
pub(crate) async fn update_mailbox(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
    Body(input): Body<MailboxChange>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let m = interaction::update_mailbox(
        state.services(),
        &c,
        &code,
        id,
        NewMailbox {
            slug: String::new(),
            name: input.name,
            description: input.description,
            sort_order: input.sort_order,
            notify_email: input.notify_email,
        },
        input.active,
    )
    .await?;
    ok(MailboxDto::from(&m))
}

#[derive(Debug, Serialize)]
struct RulesDto {
    /// What applies to the site's new cases.
    rules: ClockRules,
    /// The cluster's, the upper bound.
    cluster: ClockRules,
    /// The site has set its own.
    own: bool,
}

/// `GET /api/v1/sites/{code}/clock-rules`.
pub(crate) async fn clock_rules(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> ApiResult {
    let r = interaction::site_rules(state.services(), &c, &code).await?;
    ok(RulesDto {
        rules: r.rules,
        cluster: r.cluster,
        own: r.own,
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct RulesInput {
    /// The site's own rules; `null`: back to the cluster's.
    rules: Option<ClockRules>,
}

/// `PUT /api/v1/sites/{code}/clock-rules`.
pub(crate) async fn set_clock_rules(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(input): Body<RulesInput>,
) -> ApiResult {
    interaction::set_site_rules(state.services(), &c, &code, input.rules).await?;
    clock_rules(State(state), ApiCaller(c), Path(code)).await
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct FiguresParams {
    year: Option<i32>,
    format: Option<String>,
}

#[derive(Debug, Serialize)]
struct UnitDto {
    code: String,
    name: String,
    received: u32,
    replied: u32,
    on_time: u32,
    on_time_rate: Option<f64>,
    avg_days: Option<f64>,
    satisfaction: Option<f64>,
    open: u32,
    due_soon: u32,
    overdue: u32,
}

/// `GET /api/v1/cases/figures?year=2026[&format=csv]`: every unit's figures (the office).
pub(crate) async fn figures(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Params(p): Params<FiguresParams>,
) -> ApiResult {
    let year = p
        .year
        .unwrap_or_else(|| beijing_date(state.services().now()).year());
    let rows: Vec<UnitDto> = interaction::unit_figures(state.services(), &c, year)
        .await?
        .into_iter()
        .map(|u| UnitDto {
            code: u.tenant.code.to_string(),
            name: u.tenant.name.clone(),
            received: u.total.received,
            replied: u.total.replied,
            on_time: u.total.on_time,
            on_time_rate: u.total.on_time_rate(),
            avg_days: u.total.avg_days,
            satisfaction: u.total.satisfaction,
            open: u.now.open,
            due_soon: u.now.due_soon,
            overdue: u.now.overdue,
        })
        .collect();
    if p.format.as_deref() == Some("csv") {
        let f = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
        let mut out = String::from(zq_domain::csv::BOM);
        out.push_str(&zq_domain::csv::row(&[
            "code",
            "name",
            "received",
            "replied",
            "on_time",
            "on_time_rate",
            "avg_days",
            "satisfaction",
            "open",
            "due_soon",
            "overdue",
        ]));
        for r in &rows {
            out.push_str(&zq_domain::csv::row(&[
                r.code.to_string(),
                r.name.clone(),
                r.received.to_string(),
                r.replied.to_string(),
                r.on_time.to_string(),
                f(r.on_time_rate),
                f(r.avg_days),
                f(r.satisfaction),
                r.open.to_string(),
                r.due_soon.to_string(),
                r.overdue.to_string(),
            ]));
        }
        return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response());
    }
    ok(serde_json::json!({ "year": year, "units": rows }))
}

#[derive(Debug, Serialize)]
struct TemplateDto {
    id: i64,
    kind: Option<&'static str>,
    title: String,
    body: String,
    sort_order: i32,
}

fn template_dto(t: zq_store::ReplyTemplate) -> TemplateDto {
    TemplateDto {
        id: t.id,
        kind: t.kind.map(|k| k.as_str()),
        title: t.title,
        body: t.body,
        sort_order: t.sort_order,
    }
}

/// `GET /api/v1/sites/{code}/reply-templates`.
pub(crate) async fn reply_templates(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> ApiResult {
    let (_, list) = interaction::reply_templates(state.services(), &c, &code).await?;
    ok(list.into_iter().map(template_dto).collect::<Vec<_>>())
}

/// `POST /api/v1/sites/{code}/reply-templates`.
pub(crate) async fn create_reply_template(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Body(form): Body<interaction::TemplateForm>,
) -> ApiResult {
    let t = interaction::save_reply_template(state.services(), &c, &code, None, &form).await?;
    created(template_dto(t))
}

/// `PUT /api/v1/sites/{code}/reply-templates/{id}`.
pub(crate) async fn update_reply_template(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
    Body(form): Body<interaction::TemplateForm>,
) -> ApiResult {
    let id = parse_id(&id)?;
    let t = interaction::save_reply_template(state.services(), &c, &code, Some(id), &form).await?;
    ok(template_dto(t))
}

/// `DELETE /api/v1/sites/{code}/reply-templates/{id}`.
pub(crate) async fn delete_reply_template(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult {
    let id = parse_id(&id)?;
    interaction::delete_reply_template(state.services(), &c, &code, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}
