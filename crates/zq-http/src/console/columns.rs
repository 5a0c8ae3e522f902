//! A site's column tree (栏目) for its site admin: the columns in tree order with their kind,
//! update duty and responsible unit; creating, renaming, moving and re-ordering columns.
//! Deleting one is the recycle bin's (`console::recycle`). Forms go through
//! `crate::service::admin`, like the API.

use axum::extract::{Form, Path, Query, State};
use zq_domain::access::Action;
use zq_domain::{ColumnId, ColumnKind, UpdateRequirement};
use zq_render::ConsolePage;
use zq_render::console_view::{Choice, ColumnForm, ColumnRow, ColumnsView, Named};
use zq_store::ColumnChange;

use super::frame::{
    ConsoleCaller, Fields, NoticeQuery, PageResult, Shown, field, html_status, site_frame,
};
use super::{BASE, see_other};
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::admin::{self, ColumnInput};
use crate::service::{ServiceError, site};

pub(crate) async fn columns(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    columns_page(&state, &cc, &code, Shown::fresh(q.notice.as_deref())).await
}

fn kind_label(k: ColumnKind) -> &'static str {
    match k {
        ColumnKind::ArticleList => "信息列表",
        ColumnKind::SinglePage => "单页",
        ColumnKind::ExternalLink => "外部链接",
    }
}

pub(super) async fn columns_page(
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
    let t = site(state.services(), &cc.caller, code, Action::ManageColumns).await?;
    let cols = state.store().columns(t.id).await?;
    let ordered = zq_domain::column::tree_order(&cols, |c| c.id.0, |c| c.parent_id.map(|p| p.0));
    let rows: Vec<ColumnRow> = ordered
        .iter()
        .map(|(depth, c)| ColumnRow {
            id: c.id.0,
            indent: "— ".repeat(*depth),
            slug: c.slug.to_string(),
            kind_label: kind_label(c.kind),
            name: c.name.clone(),
            parent_id: c.parent_id.map(|p| p.0),
            update_requirement: c.update_requirement.as_str(),
            responsible_unit: c.responsible_unit.clone().unwrap_or_default(),
            sort_order: c.sort_order,
            is_news: c.is_news,
        })
        .collect();
    let mut frame = site_frame(state, cc, &t, "columns", notice_code).await?;
    frame.error = error;
    let view = ColumnsView {
        frame,
        columns: rows,
        parents: cols
            .iter()
            .map(|c| Named {
                id: c.id.0,
                name: c.name.clone(),
            })
            .collect(),
        requirements: UpdateRequirement::ALL
            .iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: r.label().to_owned(),
            })
            .collect(),
        kinds: ColumnKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: kind_label(*k).to_owned(),
            })
            .collect(),
        form: ColumnForm {
            name: field(&form, "name"),
            slug: field(&form, "slug"),
            responsible_unit: field(&form, "responsible_unit"),
            external_url: field(&form, "external_url"),
        },
    };
    html_status(state, status, ConsolePage::Columns, &view)
}

fn parent_of(f: &Fields) -> Result<Option<i64>, ServiceError> {
    match f
        .get("parent_id")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => Ok(None),
        Some(p) => p
            .parse()
            .map(Some)
            .map_err(|_| ServiceError::Invalid("上级栏目无效".into())),
    }
}

fn sort_of(f: &Fields) -> Result<i32, ServiceError> {
    let s = field(f, "sort_order");
    if s.trim().is_empty() {
        return Ok(0);
    }
    s.trim()
        .parse()
        .map_err(|_| ServiceError::Invalid("排序须为整数".into()))
}

pub(crate) async fn create_column(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let input = || -> Result<ColumnInput, ServiceError> {
        Ok(ColumnInput {
            slug: field(&f, "slug"),
            name: field(&f, "name"),
            kind: field(&f, "kind"),
            parent_id: parent_of(&f)?,
            external_url: f.get("external_url").cloned(),
            update_requirement: field(&f, "update_requirement"),
            responsible_unit: f.get("responsible_unit").cloned(),
            sort_order: sort_of(&f)?,
            is_news: field(&f, "is_news") == "on",
            aggregates: f.get("aggregates").cloned(),
        })
    };
    let result = match input() {
        Ok(i) => admin::create_column(state.services(), &cc.caller, &code, i).await,
        Err(e) => Err(e),
    };
    column_result(&state, &cc, &code, f, result.map(|_| ())).await
}

pub(crate) async fn update_column(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id: i64 = id
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("栏目 {id}")))?;
    let change = || -> Result<ColumnChange, ServiceError> {
        Ok(ColumnChange {
            name: field(&f, "name"),
            parent_id: parent_of(&f)?.map(ColumnId),
            update_requirement: field(&f, "update_requirement")
                .parse()
                .map_err(|e: zq_domain::ParseError| ServiceError::Invalid(e.to_string()))?,
            responsible_unit: f.get("responsible_unit").cloned(),
            sort_order: sort_of(&f)?,
            is_news: field(&f, "is_news") == "on",
            aggregates: f.get("aggregates").cloned(),
        })
    };
    let result = match change() {
        Ok(c) => admin::update_column(state.services(), &cc.caller, &code, id, c).await,
        Err(e) => Err(e),
    };
    column_result(&state, &cc, &code, Fields::new(), result.map(|_| ())).await
}

async fn column_result(
    state: &AppState,
    cc: &ConsoleCaller,
    code: &str,
    form: Fields,
    result: Result<(), ServiceError>,
) -> PageResult {
    match result {
        Ok(()) => Ok(see_other(&format!(
            "{BASE}/sites/{code}/columns?notice=column"
        ))),
        Err(
            e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_) | ServiceError::Fields(_)),
        ) => {
            let status = e.status();
            columns_page(state, cc, code, Shown::refused(form, &e, status)).await
        }
        Err(e) => Err(e.into()),
    }
}
