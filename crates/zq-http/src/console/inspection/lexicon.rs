//! The office's 错敏词库 in the console (集群管理 → 网站检查 → 错敏词库): the terms, a form to
//! add one, a button to remove one and one to scan published content now, and what the last
//! scan found, each finding linked to its article. Every write goes through
//! `crate::service::inspection::lexicon`.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use zq_domain::inspection::lexicon::TermKind;
use zq_render::ConsolePage;
use zq_render::console_view::{FindingRow, LexiconView, Option_, TermRow};

use super::super::admin::admin_frame;
use super::super::frame::{ConsoleCaller, Fields, NoticeQuery, PageResult, field, html_status};
use super::super::{BASE, see_other};
use crate::AppState;
use crate::service::ServiceError;
use crate::service::inspection::lexicon::{self, TermInput};

async fn page(
    state: &AppState,
    cc: &ConsoleCaller,
    notice: Option<&str>,
    refused: Option<(TermInput, String)>,
) -> PageResult {
    let svc = state.services();
    let terms = lexicon::terms(svc, &cc.caller).await?;
    let findings = lexicon::findings(svc, &cc.caller).await?;
    let tenants = state.store().list_tenants().await?;
    let mut frame = admin_frame(state, cc, "inspection", notice);
    let (typed, status) = match refused {
        Some((input, error)) => {
            frame.error = Some(error);
            (input, StatusCode::UNPROCESSABLE_ENTITY)
        }
        None => (TermInput::default(), StatusCode::OK),
    };
    let view = LexiconView {
        frame,
        can_edit: lexicon::keeps_lexicon(&cc.caller),
        kinds: TermKind::ALL
            .iter()
            .map(|k| Option_ {
                value: k.as_str().to_owned(),
                label: k.label().to_owned(),
            })
            .collect(),
        terms: terms
            .iter()
            .map(|t| TermRow {
                id: t.id,
                kind_label: t.kind.label().to_owned(),
                text: t.text.clone(),
                right: t.right.clone().unwrap_or_default(),
            })
            .collect(),
        findings: findings
            .iter()
            .map(|f| {
                let t = tenants.iter().find(|t| t.id == f.tenant_id);
                FindingRow {
                    site: t.map(|t| t.name.clone()).unwrap_or_default(),
                    article_url: t
                        .map(|t| format!("{BASE}/sites/{}/articles/{}", t.code, f.article_id))
                        .unwrap_or_default(),
                    message: f.message.clone(),
                    context: f.context.clone(),
                }
            })
            .collect(),
        kind: typed.kind,
        text: typed.text,
        right: typed.right.unwrap_or_default(),
    };
    html_status(state, status, ConsolePage::Lexicon, &view)
}

/// `GET /console/admin/lexicon`.
pub(crate) async fn show(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    page(&state, &cc, q.notice.as_deref(), None).await
}

/// `POST /console/admin/lexicon`: adds a term.
pub(crate) async fn add(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let input = TermInput {
        kind: field(&f, "kind"),
        text: field(&f, "text"),
        right: Some(field(&f, "right")),
    };
    match lexicon::add_term(state.services(), &cc.caller, input.clone()).await {
        Ok(_) => Ok(see_other(&format!(
            "{BASE}/admin/lexicon?notice=lexicon_added"
        ))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            page(&state, &cc, None, Some((input, e.to_string()))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /console/admin/lexicon/{id}/delete`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id: i64 = id
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("词条 {id}")))?;
    lexicon::delete_term(state.services(), &cc.caller, id).await?;
    Ok(see_other(&format!(
        "{BASE}/admin/lexicon?notice=lexicon_deleted"
    )))
}

/// `POST /console/admin/lexicon/scan`: scans published content now.
pub(crate) async fn scan(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    lexicon::scan_now(state.services(), &cc.caller).await?;
    Ok(see_other(&format!(
        "{BASE}/admin/lexicon?notice=lexicon_scanned"
    )))
}
