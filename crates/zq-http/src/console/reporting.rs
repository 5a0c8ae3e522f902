//! The console's reporting pages (信息报送): a site sends items up its channels and follows
//! them; a receiving site's board works through its inbox (filters, batch decisions) and
//! sees the ranking of units with a bar chart and a CSV export. Everything goes through
//! `crate::service::reporting`, like the API.

use axum::extract::{Form, Path, Query, RawForm, State};
use axum::http::StatusCode;
use serde::Deserialize;
use zq_domain::access::{Action, allowed};
use zq_domain::reporting::{SubmissionState, may_send};
use zq_domain::workflow::WorkflowState;
use zq_domain::{ArticleId, TenantId};
use zq_render::ConsolePage;
use zq_render::console_view::{
    InboxFilter, InboxView, ItemView, Named, OutboxView, SendForm, StateChoice, SubmissionDetail,
    SubmissionLine,
};
use zq_store::{Channel, NewSubmission, Submission, SubmissionFilter, Tenant};

use super::frame::{
    ConsoleCaller, Fields, NoticeQuery, PageResult, Shown, field, html, html_status, site_frame,
    url_pairs,
};
use super::period::day;
use super::see_other;
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::{self, ServiceError, format_local, reporting, site};

pub(crate) struct Names {
    tenants: Vec<Tenant>,
    channels: Vec<Channel>,
}

impl Names {
    pub(super) async fn load(state: &AppState) -> Result<Names, ServiceError> {
        Ok(Names {
            tenants: state.store().list_tenants().await?,
            channels: reporting::channels(state.services()).await?,
        })
    }

    pub(super) fn tenant(&self, id: TenantId) -> String {
        self.tenants
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    }

    fn channel(&self, id: i64) -> String {
        self.channels
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }
}

fn row(s: &Submission, names: &Names) -> SubmissionLine {
    SubmissionLine {
        id: s.id,
        title: s.title.clone(),
        sender: names.tenant(s.sender),
        receiver: names.tenant(s.receiver),
        channel: names.channel(s.channel_id),
        submitted: format_local(s.submitted_at, false),
        state: s.state.as_str(),
        state_label: s.state.label(),
        comment: s.decision_comment.clone().unwrap_or_default(),
    }
}

pub(super) fn receives(t: &Tenant, names: &Names) -> bool {
    names.channels.iter().any(|c| c.receiver == t.id)
}

pub(crate) async fn outbox(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    outbox_page(&state, &cc, &code, Shown::fresh(q.notice.as_deref())).await
}

async fn outbox_page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    shown: Shown<'_>,
) -> PageResult {
    let Shown {
        form,
        notice: notice_code,
        error,
        status,
    } = shown;
    let t = site(state.services(), &cc.caller, code, Action::Read).await?;
    let names = Names::load(state).await?;
    let items = reporting::submissions(
        state.services(),
        &cc.caller,
        code,
        true,
        &SubmissionFilter::default(),
    )
    .await?;
    let unit = state.store().unit(t.id).await?;
    let open: Vec<&Channel> = names
        .channels
        .iter()
        .filter(|c| may_send(c.senders(), c.receiver, unit))
        .collect();
    let channels: Vec<Named> = open
        .iter()
        .map(|c| Named {
            id: c.id,
            name: c.name.clone(),
        })
        .collect();
    let all_columns = state.store().all_columns().await?;
    let targets: Vec<Named> = open
        .iter()
        .flat_map(|c| {
            c.columns
                .iter()
                .filter_map(|id| all_columns.iter().find(|col| col.id == *id))
                .map(|col| Named {
                    id: col.id.0,
                    name: format!("{} · {}", names.tenant(c.receiver), col.name),
                })
        })
        .collect();
    let published = state
        .store()
        .editorial_list(t.id, Some(WorkflowState::Published), 30, 0)
        .await?
        .0;
    let can_write = allowed(
        &cc.caller.grants,
        Action::WriteArticles,
        Some(t.id),
        service::policy(&t),
    );
    let mut frame = site_frame(state, cc, &t, "reporting", notice_code).await?;
    frame.error = error;
    let view = OutboxView {
        frame,
        can_write,
        can_receive: receives(&t, &names),
        channels,
        targets,
        published: published
            .iter()
            .map(|a| Named {
                id: a.id.0,
                name: a.title.clone(),
            })
            .collect(),
        client_key: zq_store::random_token()?,
        form: SendForm {
            channel_id: field(&form, "channel_id").parse::<i64>().unwrap_or(0),
            title: field(&form, "title"),
            body: field(&form, "body"),
            note: field(&form, "note"),
        },
        items: items.iter().map(|s| row(s, &names)).collect(),
    };
    html_status(state, status, ConsolePage::ReportingOut, &view)
}

pub(crate) async fn send(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let parse = |k: &str| -> Result<Option<i64>, ServiceError> {
        match f.get(k).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ServiceError::Invalid(format!("{k} 无效"))),
        }
    };
    let new = (|| -> Result<NewSubmission, ServiceError> {
        Ok(NewSubmission {
            channel_id: parse("channel_id")?
                .ok_or_else(|| ServiceError::Invalid("请选择报送渠道".into()))?,
            client_key: field(&f, "client_key"),
            title: field(&f, "title"),
            body: field(&f, "body"),
            source: None,
            original_article: parse("original_article")?.map(ArticleId),
            suggested_column: parse("suggested_column")?.map(zq_domain::ColumnId),
            note: f.get("note").cloned(),
        })
    })();
    let result = match new {
        Ok(new) => reporting::submit(state.services(), &cc.caller, &code, new)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "{}/reporting/?notice=submitted_report",
            base_of(&code)
        ))),
        Err(
            e @ (ServiceError::Fields(_)
            | ServiceError::Invalid(_)
            | ServiceError::Conflict(_)
            | ServiceError::NotFound(_)),
        ) => {
            let status = if matches!(e, ServiceError::NotFound(_)) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                e.status()
            };
            outbox_page(&state, &cc, &code, Shown::refused(f, &e, status)).await
        }
        Err(e) => Err(e.into()),
    }
}

fn base_of(code: &str) -> String {
    format!("{}/sites/{code}", super::BASE)
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct InboxQuery {
    sender: Option<String>,
    channel: Option<String>,
    state: Option<String>,
    from: Option<String>,
    to: Option<String>,
    notice: Option<String>,
}

fn opt_i64(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

pub(crate) async fn inbox(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<InboxQuery>,
) -> PageResult {
    let t = site(state.services(), &cc.caller, &code, Action::Read).await?;
    let names = Names::load(&state).await?;
    let filter = SubmissionFilter {
        sender: opt_i64(&q.sender).map(TenantId),
        channel: opt_i64(&q.channel),
        state: q
            .state
            .as_deref()
            .and_then(|s| s.parse::<SubmissionState>().ok()),
        from: day(&q.from, false),
        to: day(&q.to, true),
    };
    let items = reporting::submissions(state.services(), &cc.caller, &code, false, &filter).await?;
    let mine: Vec<&Channel> = names
        .channels
        .iter()
        .filter(|c| c.receiver == t.id)
        .collect();
    let senders: Vec<Named> = names
        .tenants
        .iter()
        .filter(|u| {
            let unit = zq_domain::reporting::Unit {
                id: u.id,
                kind: u.kind,
                parent: u.parent_id,
            };
            mine.iter().any(|c| may_send(c.senders(), c.receiver, unit))
        })
        .map(|u| Named {
            id: u.id.0,
            name: u.name.clone(),
        })
        .collect();
    let can = |a| allowed(&cc.caller.grants, a, Some(t.id), service::policy(&t));
    let view = InboxView {
        frame: site_frame(&state, &cc, &t, "reporting", q.notice.as_deref()).await?,
        can_decide: can(Action::Review) || can(Action::WriteArticles),
        units: senders,
        channels: mine
            .iter()
            .map(|c| Named {
                id: c.id,
                name: c.name.clone(),
            })
            .collect(),
        states: SubmissionState::ALL
            .iter()
            .map(|s| StateChoice {
                value: s.as_str(),
                label: s.label(),
            })
            .collect(),
        filter: InboxFilter {
            sender: opt_i64(&q.sender),
            channel: opt_i64(&q.channel),
            state: q.state.clone().unwrap_or_default(),
            from: q.from.clone().unwrap_or_default(),
            to: q.to.clone().unwrap_or_default(),
        },
        items: items.iter().map(|s| row(s, &names)).collect(),
    };
    html(&state, ConsolePage::ReportingIn, &view)
}

pub(crate) async fn item(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id: i64 = id
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("报送信息 {id}")))?;
    item_page(
        &state,
        &cc,
        &code,
        id,
        q.notice.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn item_page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    id: i64,
    notice_code: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let s = reporting::submission(state.services(), &cc.caller, code, id).await?;
    let t = site(state.services(), &cc.caller, code, Action::Read).await?;
    let names = Names::load(state).await?;
    let receiving = s.receiver == t.id;
    let can = |a| allowed(&cc.caller.grants, a, Some(t.id), service::policy(&t));
    let channel = names.channels.iter().find(|c| c.id == s.channel_id);
    let columns = state.store().columns(s.receiver).await?;
    let channel_columns: Vec<Named> = channel
        .map(|c| {
            columns
                .iter()
                .filter(|col| c.columns.contains(&col.id))
                .map(|col| Named {
                    id: col.id.0,
                    name: col.name.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let receiver_code = names
        .tenants
        .iter()
        .find(|x| x.id == s.receiver)
        .map(|x| x.code.to_string())
        .unwrap_or_default();
    let mut frame = site_frame(state, cc, &t, "reporting", notice_code).await?;
    frame.error = error;
    let view = ItemView {
        frame,
        can_decide: receiving && (can(Action::Review) || can(Action::WriteArticles)),
        columns: channel_columns,
        item: SubmissionDetail {
            id: s.id,
            title: s.title.clone(),
            sender: names.tenant(s.sender),
            source: s.source.clone(),
            channel: names.channel(s.channel_id),
            submitted: format_local(s.submitted_at, false),
            decided: s.decided_at.map(|d| format_local(d, false)),
            published_at_source: s.external_published_at.map(|d| format_local(d, false)),
            note: s.note.clone(),
            comment: s.decision_comment.clone(),
            state: s.state.as_str(),
            state_label: s.state.label(),
            body: s.body.clone(),
            suggested_column: s.suggested_column.map(|c| c.0),
            article_url: s
                .adopted_article
                .map(|a| format!("/sites/{receiver_code}/art/{a}.html")),
        },
    };
    html_status(state, status, ConsolePage::ReportingItem, &view)
}

pub(crate) async fn step(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id, step)): Path<(String, String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id: i64 = id
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("报送信息 {id}")))?;
    let column = f.get("column_id").and_then(|c| c.trim().parse().ok());
    let result = reporting::step(
        state.services(),
        &cc.caller,
        &code,
        id,
        &step,
        f.get("comment").cloned(),
        column,
    )
    .await;
    let notice = match step.as_str() {
        "withdraw" => "report_withdrawn",
        "resubmit" => "report_resubmitted",
        "adopt" => "report_adopted",
        "return" => "report_returned",
        _ => "report_rejected",
    };
    match result {
        Ok(_) if matches!(step.as_str(), "withdraw" | "resubmit") => Ok(see_other(&format!(
            "{}/reporting/?notice={notice}",
            base_of(&code)
        ))),
        Ok(_) => Ok(see_other(&format!(
            "{}/reporting/{id}?notice={notice}",
            base_of(&code)
        ))),
        Err(
            e @ (ServiceError::Conflict(_) | ServiceError::Fields(_) | ServiceError::Invalid(_)),
        ) => {
            let status = e.status();
            item_page(&state, &cc, &code, id, None, Some(e.to_string()), status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Several items of the inbox at once: one decision for each; the first refusal stops and
/// is reported (earlier ones stay decided: each decision is its own transaction).
pub(crate) async fn batch(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    RawForm(raw): RawForm,
) -> PageResult {
    let pairs = url_pairs(&raw);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    cc.check_csrf(&get("csrf").unwrap_or_default())?;
    let step = get("step").unwrap_or_default();
    if !matches!(step.as_str(), "adopt" | "return" | "reject") {
        return Err(ServiceError::Invalid("请选择处理方式".into()).into());
    }
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(n, _)| n == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if ids.is_empty() {
        return Err(ServiceError::Invalid("请先勾选要处理的报送信息".into()).into());
    }
    for id in ids {
        reporting::step(
            state.services(),
            &cc.caller,
            &code,
            id,
            &step,
            get("comment"),
            None,
        )
        .await?;
    }
    Ok(see_other(&format!(
        "{}/reporting/inbox?notice=batch",
        base_of(&code)
    )))
}
