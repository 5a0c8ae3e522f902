//! 征集调查访谈 in the console: a site's solicitations, surveys and interviews. Editors draft
//! and edit them; reviewers publish, withdraw, end them early, moderate the public's comments
//! and questions and publish the outcome; during an interview the case handlers type the
//! guests' answers; closing an interview keeps its transcript as an article submitted for
//! review and turns the unanswered questions into cases. Every change goes through
//! `crate::service::consult` like the API, audited; a refused form is shown again with what
//! was typed and why.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use zq_domain::access::Action;
use zq_domain::consult::{ConsultKind, EntryState, Phase};
use zq_render::ConsolePage;
use zq_render::console_view::{
    ConsultFields, ConsultRow, ConsultView, ConsultsView, EntryRow, FileChoice, Option_, StepButton,
};
use zq_render::consult_view::ResultQuestion;
use zq_store::{Attachment, Tenant};

use super::frame::{
    ConsoleCaller, Fields, NoticeQuery, PageError, PageResult, Shown, field, html_status,
    site_frame,
};
use super::see_other;
use crate::AppState;
use crate::service::consult::{self, ConsultForm, ConsultStep};
use crate::service::{self, ServiceError, format_local};

fn base_of(code: &str) -> String {
    format!("{}/sites/{code}", super::BASE)
}

/// The form's fields; `files` are the site's attachments to choose from (documents, and any
/// already chosen).
fn fields_of(form: &ConsultForm, files: &[Attachment]) -> ConsultFields {
    ConsultFields {
        attachments: files
            .iter()
            .filter(|a| !a.is_image || form.attachments.contains(&a.id))
            .map(|a| FileChoice {
                id: a.id,
                name: a.file_name.clone(),
                checked: form.attachments.contains(&a.id),
            })
            .collect(),
        kind: form.kind.clone(),
        title: form.title.clone(),
        summary: form.summary.clone(),
        body: form.body.clone(),
        guests: form.guests.clone(),
        questions: form.questions.clone(),
        opens_at: form.opens_at.clone(),
        closes_at: form.closes_at.clone(),
    }
}

fn form_of(f: &Fields) -> ConsultForm {
    ConsultForm {
        kind: field(f, "kind"),
        title: field(f, "title"),
        summary: field(f, "summary"),
        body: field(f, "body"),
        guests: field(f, "guests"),
        questions: field(f, "questions"),
        opens_at: field(f, "opens_at"),
        closes_at: field(f, "closes_at"),
        // Check boxes `attachment_{id}`, in the order the files were uploaded.
        attachments: {
            let mut ids: Vec<i64> = f
                .keys()
                .filter_map(|k| k.strip_prefix("attachment_")?.parse().ok())
                .collect();
            ids.sort_unstable();
            ids
        },
    }
}

fn id_of(id: &str) -> Result<i64, ServiceError> {
    id.parse()
        .map_err(|_| ServiceError::NotFound(format!("项目 {id}")))
}

/// The status a refused form is shown again with; `None` for failures shown as an error page.
fn refused_status(e: &ServiceError) -> Option<StatusCode> {
    match e {
        ServiceError::Fields(_) | ServiceError::Invalid(_) => {
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        }
        ServiceError::Conflict(_) => Some(StatusCode::CONFLICT),
        _ => None,
    }
}

async fn list_page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    shown: Shown<'_>,
) -> PageResult {
    let (t, items) = consult::list(state.services(), &cc.caller, code, None).await?;
    let now = state.services().now();
    let mut frame = site_frame(state, cc, &t, "cases", shown.notice).await?;
    frame.error = shown.error;
    let files = service::attachments(state.services(), &cc.caller, code).await?;
    let form = if shown.form.is_empty() {
        ConsultForm {
            kind: ConsultKind::Solicitation.as_str().to_owned(),
            ..Default::default()
        }
    } else {
        form_of(&shown.form)
    };
    let form = fields_of(&form, &files);
    let view = ConsultsView {
        frame,
        can_write: cc.caller.can(Action::WriteArticles, &t),
        items: items
            .into_iter()
            .map(|l| {
                let c = l.consultation;
                let phase = c.phase(now);
                ConsultRow {
                    url: format!("{}/consult/{}", base_of(code), c.id),
                    title: c.title,
                    kind_label: c.kind.label().to_owned(),
                    phase: phase.as_str().to_owned(),
                    phase_label: phase.label(c.kind).to_owned(),
                    opens: format_local(c.opens_at, false),
                    closes: format_local(c.closes_at, false),
                    responses: l.counts.responses,
                    pending: l.counts.pending,
                    public: l.counts.public,
                }
            })
            .collect(),
        kinds: ConsultKind::ALL
            .iter()
            .map(|k| Option_ {
                value: k.as_str().to_owned(),
                label: k.label().to_owned(),
            })
            .collect(),
        form,
        public_url: format!("/sites/{code}/hudong/"),
    };
    html_status(state, shown.status, ConsolePage::Consults, &view)
}

pub(crate) async fn list(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    list_page(&state, &cc, &code, Shown::fresh(q.notice.as_deref())).await
}

pub(crate) async fn create(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    match consult::create(state.services(), &cc.caller, &code, &form_of(&f)).await {
        Ok(c) => Ok(see_other(&format!(
            "{}/consult/{}?notice=saved",
            base_of(&code),
            c.id
        ))),
        Err(e) => match refused_status(&e) {
            Some(status) => list_page(&state, &cc, &code, Shown::refused(f, &e, status)).await,
            None => Err(e.into()),
        },
    }
}

/// The steps a reviewer may take in `phase` (back to a draft only before anyone took part).
fn steps(kind: ConsultKind, phase: Phase, taken_part: bool) -> Vec<StepButton> {
    let b = |name: &str, label: &str| StepButton {
        name: name.to_owned(),
        label: label.to_owned(),
    };
    let unpublish = (!taken_part).then(|| b("unpublish", "撤回为草稿"));
    match phase {
        Phase::Draft => vec![b("publish", "审核通过并发布")],
        Phase::Upcoming => unpublish.into_iter().collect(),
        Phase::Open if kind == ConsultKind::Interview => Vec::new(),
        Phase::Open => std::iter::once(b("end", "提前结束"))
            .chain(unpublish)
            .collect(),
        Phase::Closed => Vec::new(),
    }
}

fn entry_row(
    cc: &ConsoleCaller,
    t: &Tenant,
    code: &str,
    kind: ConsultKind,
    e: zq_store::Entry,
) -> EntryRow {
    let review = cc.caller.can(Action::Review, t);
    let handle = cc.caller.can(Action::HandleCases, t);
    EntryRow {
        id: e.id,
        state: e.state.as_str().to_owned(),
        state_label: e.state.label().to_owned(),
        can_moderate: review && e.state == EntryState::Pending && e.case_id.is_none(),
        can_answer: handle
            && kind == ConsultKind::Interview
            && e.case_id.is_none()
            && e.state.may_become(EntryState::Answered),
        case_url: e.case_id.map(|c| format!("{}/cases/{c}", base_of(code))),
        nickname: e.nickname,
        submitted: format_local(e.submitted_at, false),
        content: e.content,
        answer: e.answer,
        answered_by: e.answered_by,
    }
}

async fn show_page(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    id: i64,
    shown: Shown<'_>,
) -> PageResult {
    let d = consult::detail(state.services(), &cc.caller, code, id).await?;
    let t = &d.tenant;
    let c = &d.consultation;
    let phase = c.phase(state.services().now());
    let mut frame = site_frame(state, cc, t, "cases", shown.notice).await?;
    frame.error = shown.error;
    let form = if shown.form.is_empty() {
        ConsultForm::of(c)
    } else {
        form_of(&shown.form)
    };
    let columns = if c.kind == ConsultKind::Interview {
        state
            .store()
            .columns(t.id)
            .await?
            .into_iter()
            .filter(|col| zq_domain::article::column_takes_articles(col.kind))
            .map(|col| Option_ {
                value: col.id.0.to_string(),
                label: col.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let view = ConsultView {
        id: c.id,
        kind: c.kind.as_str().to_owned(),
        kind_label: c.kind.label().to_owned(),
        title: c.title.clone(),
        phase: phase.as_str().to_owned(),
        phase_label: phase.label(c.kind).to_owned(),
        version: c.version,
        public_url: (phase != Phase::Draft)
            .then(|| format!("/sites/{code}/hudong/{}/{}.html", c.kind.segment(), c.id)),
        can_write: cc.caller.can(Action::WriteArticles, t),
        steps: if cc.caller.can(Action::Review, t) {
            steps(c.kind, phase, !d.entries.is_empty() || d.responses > 0)
        } else {
            Vec::new()
        },
        form: fields_of(
            &form,
            &service::attachments(state.services(), &cc.caller, code).await?,
        ),
        pending: d
            .entries
            .iter()
            .filter(|e| e.state == EntryState::Pending)
            .count(),
        entries: d
            .entries
            .iter()
            .cloned()
            .map(|e| entry_row(cc, t, code, c.kind, e))
            .collect(),
        responses: d.responses,
        results: ResultQuestion::all(&d.results),
        outcome_label: c.kind.outcome_label().to_owned(),
        outcome: c.outcome.clone().unwrap_or_default(),
        can_outcome: phase == Phase::Closed && cc.caller.can(Action::Review, t),
        csv_url: format!("{}/consult/{}/export.csv", base_of(code), c.id),
        can_close: phase != Phase::Draft
            && cc.caller.can(Action::WriteArticles, t)
            && !columns.is_empty(),
        columns,
        article_url: c
            .article_id
            .map(|a| format!("{}/articles/{a}/edit", base_of(code))),
        guest: c
            .guests
            .as_deref()
            .and_then(|g| g.lines().map(str::trim).find(|l| !l.is_empty()))
            .unwrap_or("嘉宾")
            .to_owned(),
        frame,
    };
    html_status(state, shown.status, ConsolePage::Consult, &view)
}

pub(crate) async fn show(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    show_page(
        &state,
        &cc,
        &code,
        id_of(&id)?,
        Shown::fresh(q.notice.as_deref()),
    )
    .await
}

/// After a change: back to the consultation with a notice, or its page again with the reason.
async fn after(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    id: i64,
    f: Fields,
    result: Result<&str, ServiceError>,
) -> PageResult {
    match result {
        Ok(notice) => Ok(see_other(&format!(
            "{}/consult/{id}?notice={notice}",
            base_of(code)
        ))),
        Err(e) => match refused_status(&e) {
            Some(status) => show_page(state, cc, code, id, Shown::refused(f, &e, status)).await,
            None => Err(e.into()),
        },
    }
}

fn version_of(f: &Fields) -> Option<i32> {
    field(f, "version").parse().ok()
}

pub(crate) async fn update(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id = id_of(&id)?;
    let result = consult::update(
        state.services(),
        &cc.caller,
        &code,
        id,
        version_of(&f),
        &form_of(&f),
    )
    .await
    .map(|_| "saved");
    after(&state, &cc, &code, id, f, result).await
}

pub(crate) async fn step(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id = id_of(&id)?;
    let name = field(&f, "step");
    let step = ConsultStep::parse(&name, f.get("outcome").cloned())
        .ok_or_else(|| ServiceError::Invalid("未知的操作".into()))?;
    let result = consult::step(
        state.services(),
        &cc.caller,
        &code,
        id,
        version_of(&f),
        step,
    )
    .await
    .map(|_| match name.as_str() {
        "publish" => "published",
        "unpublish" => "consult_unpublished",
        "end" => "consult_ended",
        _ => "consult_outcome",
    });
    // The step forms keep nothing typed but the outcome; the edit form starts fresh.
    let kept = f
        .get("outcome")
        .map(|o| Fields::from([("outcome".to_owned(), o.clone())]))
        .unwrap_or_default();
    after(&state, &cc, &code, id, kept, result).await
}

pub(crate) async fn entry(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id, entry)): Path<(String, String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id = id_of(&id)?;
    let entry = id_of(&entry)?;
    let svc = state.services();
    let result = match field(&f, "decision").as_str() {
        "answered" => consult::answer(
            svc,
            &cc.caller,
            &code,
            id,
            entry,
            &field(&f, "answer"),
            &field(&f, "guest"),
        )
        .await
        .map(|_| "consult_answered"),
        d => match d.parse::<EntryState>() {
            Ok(to) => consult::moderate(svc, &cc.caller, &code, id, entry, to)
                .await
                .map(|_| "consult_moderated"),
            Err(_) => Err(ServiceError::Invalid("未知的操作".into())),
        },
    };
    after(&state, &cc, &code, id, Fields::new(), result).await
}

pub(crate) async fn close(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id = id_of(&id)?;
    let column = field(&f, "column")
        .parse::<i64>()
        .map_err(|_| ServiceError::Invalid("请选择实录发布栏目".into()))?;
    let result = consult::close_interview(state.services(), &cc.caller, &code, id, column)
        .await
        .map(|_| "consult_closed");
    after(&state, &cc, &code, id, Fields::new(), result).await
}

pub(crate) async fn export(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (c, out) = consult::export_csv(state.services(), &cc.caller, &code, id_of(&id)?).await?;
    Ok(super::frame::csv_download(
        &format!("{}-{}", c.kind.segment(), c.id),
        out,
    ))
}
