//! The files a writer attached to a case, in the console: listed on the case page (a link
//! for those who handle cases, the name alone for others) and downloaded one at a time, each
//! download a row in the audit log. Always saved, never shown inline under the console's
//! address.

use axum::extract::{Path, State};
use axum::response::Response;
use zq_domain::access::Action;
use zq_render::console_view::CaseFileLine;
use zq_services::interaction;
use zq_store::{Case, Tenant};

use super::{base_of, case_id};
use crate::AppState;
use crate::console::frame::{ConsoleCaller, PageError};
use crate::service::ServiceError;

/// The lines of the case page's 附件 list.
pub(super) async fn lines(
    state: &AppState,
    cc: &ConsoleCaller,
    t: &Tenant,
    c: &Case,
) -> Result<Vec<CaseFileLine>, ServiceError> {
    let may = cc.caller.can(Action::HandleCases, t);
    Ok(interaction::files_of(state.services(), c)
        .await?
        .into_iter()
        .map(|f| CaseFileLine {
            url: may.then(|| format!("{}/cases/{}/files/{}", base_of(t.code.as_str()), c.id, f.id)),
            size: zq_render::human_size(f.size),
            name: f.file_name,
        })
        .collect())
}

/// `GET /console/sites/{code}/cases/{id}/files/{file}`: the file, opened and audited.
pub(crate) async fn download(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id, file)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let id = case_id(&id)?;
    let file: i64 = file
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("附件 {file}")))?;
    let (f, bytes) = interaction::case_file(state.services(), &cc.caller, &code, id, file).await?;
    let mut res = crate::file_response(bytes, &f.content_type, &f.file_name, false)
        .ok_or_else(|| ServiceError::Internal("附件的类型无法作为响应头".into()))?;
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
