//! Correcting a published article (修订) in the console: the editor opened on the article's
//! correction (the published text stays online meanwhile), what it shows a reviewer (the
//! changes against what is online) and the correction's steps (submit, recall, approve,
//! return, apply directly, discard). The rules and the writes are `zq_services::revisions`'.

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use zq_store::{ArticleRevision, EditorialArticle, RevisionDone, Tenant};

use super::editor::{EditorPage, FormValues, editor_page, parse_article_id, save_article};
use super::frame::*;
use super::see_other;
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::revisions::{RevisionAllowed, RevisionStep, revision_diff, revision_step};
use crate::service::{self, ServiceError, format_local};

/// The correction as the editor shows it in 修订 mode.
#[derive(Debug, serde::Serialize)]
pub(super) struct RevisionPanel {
    /// Where its steps are posted: `{article}/revision`.
    url: String,
    /// `None` until the first save.
    state: Option<&'static str>,
    state_label: &'static str,
    review_comment: Option<String>,
    /// The version online now.
    online_version: i32,
    updated: Option<String>,
    allowed: RevisionAllowed,
    /// Its changes against the published text (for the reviewer).
    diff: Vec<zq_render::console_view::DiffLine>,
}

pub(super) fn panel(
    a: &EditorialArticle,
    open: Option<&ArticleRevision>,
    allowed: RevisionAllowed,
    article_url: &str,
    columns: &[zq_store::Column],
) -> RevisionPanel {
    RevisionPanel {
        url: format!("{article_url}/revision"),
        state: open.map(|r| r.state.as_str()),
        state_label: open.map_or("新修订", |r| r.state.label()),
        review_comment: open.and_then(|r| r.review_comment.clone()),
        online_version: a.version,
        updated: open.map(|r| format_local(r.updated_at, false)),
        allowed,
        diff: open
            .map(|r| {
                revision_diff(a, r, columns)
                    .into_iter()
                    .map(|l| zq_render::console_view::DiffLine {
                        tag: l.tag,
                        text: l.text,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// On a published article's page: its open correction, with a link.
#[derive(Debug, serde::Serialize)]
pub(super) struct OpenRevision {
    state_label: &'static str,
    url: String,
}

impl OpenRevision {
    pub(super) fn of(r: &ArticleRevision, article_url: &str) -> OpenRevision {
        OpenRevision {
            state_label: r.state.label(),
            url: format!("{article_url}/revision"),
        }
    }
}

/// 修订: the editor on the article's correction (a new one starts from the published text).
pub(crate) async fn show(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let id = parse_article_id(&id)?;
    let (t, a, r) = service::revisions::revision(state.services(), &cc.caller, &code, id).await?;
    if !a.state.is_public() && r.is_none() {
        // Nothing to correct: a draft or withdrawn article is edited in place.
        return Ok(see_other(&format!("{}/articles/{}", site_base(&t), a.id)));
    }
    page(
        &state,
        &cc,
        &t,
        &a,
        r.as_ref(),
        None,
        q.notice.as_deref(),
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    cc: &ConsoleCaller,
    t: &Tenant,
    a: &EditorialArticle,
    r: Option<&ArticleRevision>,
    error: Option<String>,
    notice: Option<&str>,
    status: StatusCode,
) -> PageResult {
    editor_page(
        state,
        cc,
        EditorPage {
            tenant: t,
            article: Some(a),
            form: FormValues::of_revision(a, r),
            field_errors: Vec::new(),
            error,
            notice,
            revising: true,
        },
        status,
    )
    .await
}

/// Saves the correction from the editor's form (and submits or applies it when asked).
pub(crate) async fn save(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    multipart: Multipart,
) -> PageResult {
    let (t, a) =
        service::article(state.services(), &cc.caller, &code, parse_article_id(&id)?).await?;
    save_article(&state, &cc, &t, Some(a), true, multipart).await
}

/// After the correction was saved: the step the button asked for, then back to it.
pub(super) async fn after_save(
    state: &AppState,
    cc: &ConsoleCaller,
    t: &Tenant,
    a: &EditorialArticle,
    then: Option<&str>,
) -> PageResult {
    let step = match then {
        Some("submit") => Some(RevisionStep::Submit),
        Some("apply") => Some(RevisionStep::Apply { reason: None }),
        _ => None,
    };
    let done = match step {
        None => "revision_saved",
        Some(step) => {
            match revision_step(state.services(), &cc.caller, t.code.as_str(), a.id.0, step).await {
                Ok(d) => notice_of(&d, then),
                Err(e) => {
                    // The text is saved; say why the next step did not happen.
                    let (_, a, r) = service::revisions::revision(
                        state.services(),
                        &cc.caller,
                        t.code.as_str(),
                        a.id.0,
                    )
                    .await?;
                    let error = Some(format!("修订稿已保存，但未能继续：{e}"));
                    return page(state, cc, t, &a, r.as_ref(), error, None, e.status()).await;
                }
            }
        }
    };
    Ok(see_other(&landing(t, a, done)))
}

fn notice_of(done: &RevisionDone, step: Option<&str>) -> &'static str {
    match (done, step) {
        (RevisionDone::Applied(_), _) => "revision_applied",
        (RevisionDone::Discarded, _) => "revision_discarded",
        (RevisionDone::Open(_), Some("submit")) => "revision_submitted",
        (RevisionDone::Open(_), Some("recall")) => "revision_recalled",
        (RevisionDone::Open(_), Some("return")) => "revision_returned",
        (RevisionDone::Open(_), _) => "revision_saved",
    }
}

/// Where a step lands: the article itself once the correction is applied or dropped.
fn landing(t: &Tenant, a: &EditorialArticle, done: &str) -> String {
    let base = format!("{}/articles/{}", site_base(t), a.id);
    match done {
        "revision_applied" | "revision_discarded" => format!("{base}?notice={done}"),
        _ => format!("{base}/revision?notice={done}"),
    }
}

/// A step on the correction from its page's buttons.
pub(crate) async fn step(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id, step)): Path<(String, String, String)>,
    Form(f): Form<super::editor::StepForm>,
) -> PageResult {
    let id = parse_article_id(&id)?;
    cc.check_csrf(&f.csrf)?;
    let comment = f.comment.filter(|c| !c.trim().is_empty());
    let parsed = RevisionStep::parse(&step, comment)
        .ok_or_else(|| ServiceError::NotFound(format!("操作 {step}")))?;
    match revision_step(state.services(), &cc.caller, &code, id, parsed).await {
        Ok(done) => {
            let (t, a) = service::article(state.services(), &cc.caller, &code, id).await?;
            Ok(see_other(&landing(&t, &a, notice_of(&done, Some(&step)))))
        }
        Err(e @ (ServiceError::Conflict(_) | ServiceError::Invalid(_))) => {
            let (t, a, r) =
                service::revisions::revision(state.services(), &cc.caller, &code, id).await?;
            page(
                &state,
                &cc,
                &t,
                &a,
                r.as_ref(),
                Some(e.to_string()),
                None,
                e.status(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
