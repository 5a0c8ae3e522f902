//! The office's page for reporting channels: every channel with its receiver, senders and
//! columns; rename, switch automatic adoption, open or close; pull a channel's feed now;
//! delete an unused channel; create a channel (optionally pulling an upstream feed). Same
//! service code as `/api/v1/channels`.

use std::collections::HashMap;

use axum::extract::{Form, Path, Query, RawForm, State};
use axum::http::StatusCode;
use zq_domain::TenantKind;
use zq_render::ConsolePage;
use zq_render::console_view::{ChannelForm, ChannelRow, ChannelsView, Choice, ColumnGroup};

use super::admin::admin_frame;
use super::frame::{
    ConsoleCaller, Fields, NoticeQuery, PageResult, Shown, field, html_status, url_pairs,
};
use super::{BASE, see_other};
use crate::AppState;
use crate::service::ServiceError;
use crate::service::reporting::{self, ChannelChange, ChannelInput};

fn kind_label(k: TenantKind) -> &'static str {
    match k {
        TenantKind::Portal => "门户",
        TenantKind::Department => "部门",
        TenantKind::District => "区县",
        TenantKind::Town => "街镇",
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    render(&state, &cc, Shown::fresh(q.notice.as_deref())).await
}

async fn render(state: &AppState, cc: &ConsoleCaller, shown: Shown<'_>) -> PageResult {
    reporting::may_manage_channels(&cc.caller)?;
    let tenants = state.store().list_tenants().await?;
    let name = |id| {
        tenants
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let columns = state.store().all_columns().await?;
    let rows: Vec<ChannelRow> = reporting::channels(state.services())
        .await?
        .iter()
        .map(|c| {
            let senders = match c.sender_parent {
                Some(p) => format!("{}下属{}", name(p), kind_label(c.sender_kind)),
                None => format!("全部{}", kind_label(c.sender_kind)),
            };
            ChannelRow {
                id: c.id,
                name: c.name.clone(),
                receiver: name(c.receiver),
                senders,
                columns: c
                    .columns
                    .iter()
                    .filter_map(|id| columns.iter().find(|col| col.id == *id))
                    .map(|col| col.name.clone())
                    .collect(),
                feed: c.feed_url.clone().unwrap_or_default(),
                auto_adopt: c.auto_adopt,
                active: c.active,
            }
        })
        .collect();
    let mut frame = admin_frame(state, cc, "channels", shown.notice);
    frame.error = shown.error;
    let f = &shown.form;
    let view = ChannelsView {
        frame,
        channels: rows,
        kinds: [
            TenantKind::Department,
            TenantKind::District,
            TenantKind::Town,
        ]
        .iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: kind_label(*k).to_owned(),
        })
        .collect(),
        sites: tenants
            .iter()
            .map(|t| Choice {
                value: t.code.to_string(),
                label: format!("{}（{}）", t.name, t.code),
            })
            .collect(),
        column_groups: tenants
            .iter()
            .map(|t| {
                let own: Vec<zq_store::Column> = columns
                    .iter()
                    .filter(|c| c.tenant_id == t.id)
                    .cloned()
                    .collect();
                ColumnGroup {
                    code: t.code.to_string(),
                    name: t.name.clone(),
                    columns: zq_domain::column::tree_order(
                        &own,
                        |c| c.id.0,
                        |c| c.parent_id.map(|p| p.0),
                    )
                    .into_iter()
                    .filter(|(_, c)| zq_domain::article::column_takes_articles(c.kind))
                    .map(|(depth, c)| Choice {
                        value: format!("{}/{}", t.code, c.slug),
                        label: zq_domain::column::tree_label(depth, &c.name),
                    })
                    .collect(),
                }
            })
            .collect(),
        form: ChannelForm {
            name: field(f, "name"),
            receiver: field(f, "receiver"),
            columns: field(f, "columns")
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            sender_kind: field(f, "sender_kind"),
            sender_parent: field(f, "sender_parent"),
            feed_url: field(f, "feed_url"),
            feed_sender: field(f, "feed_sender"),
        },
    };
    html_status(state, shown.status, ConsolePage::Channels, &view)
}

/// The receiver's column ids for space-separated columns, each `{code}/{slug}` (as the
/// picker sends them) or a bare slug of the receiver.
async fn column_ids(
    state: &AppState,
    receiver: &str,
    slugs: &str,
) -> Result<Vec<i64>, ServiceError> {
    let code = zq_domain::TenantCode::parse(receiver.trim())
        .map_err(|_| ServiceError::NotFound(format!("站点 {receiver}")))?;
    let t = state
        .store()
        .tenant_by_code(&code)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("站点 {receiver}")))?;
    let cols = state.store().columns(t.id).await?;
    if slugs.trim().is_empty() {
        return Err(ServiceError::Invalid("请选择接收栏目".into()));
    }
    slugs
        .split_whitespace()
        .map(|s| {
            let slug = match s.split_once('/') {
                Some((site, slug)) if site == t.code.as_str() => slug,
                Some(_) => {
                    return Err(ServiceError::Invalid(format!(
                        "栏目 {s} 不属于接收站点，请选择接收站点的栏目"
                    )));
                }
                None => s,
            };
            cols.iter()
                .find(|c| c.slug.as_str() == slug)
                .map(|c| c.id.0)
                .ok_or_else(|| ServiceError::Invalid(format!("接收站点没有栏目 {s}")))
        })
        .collect()
}

pub(crate) async fn create(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    RawForm(raw): RawForm,
) -> PageResult {
    // The column picker sends one `columns` per column picked: kept together, space-separated.
    let mut f = Fields::new();
    let mut picked: Vec<String> = Vec::new();
    for (k, v) in url_pairs(&raw) {
        if k == "columns" {
            picked.push(v);
        } else {
            f.insert(k, v);
        }
    }
    f.insert("columns".into(), picked.join(" "));
    cc.check_csrf(&field(&f, "csrf"))?;
    let result = async {
        let columns = column_ids(&state, &field(&f, "receiver"), &field(&f, "columns")).await?;
        let input = ChannelInput {
            name: field(&f, "name"),
            receiver: field(&f, "receiver").trim().to_owned(),
            sender_kind: field(&f, "sender_kind"),
            sender_parent: f.get("sender_parent").cloned(),
            auto_adopt: field(&f, "auto_adopt") == "on",
            columns,
            feed_url: f.get("feed_url").cloned(),
            feed_sender: f.get("feed_sender").cloned(),
        };
        reporting::create_channel(state.services(), &cc.caller, input).await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("{BASE}/admin/channels?notice=channel"))),
        Err(
            e @ (ServiceError::Invalid(_) | ServiceError::NotFound(_) | ServiceError::Conflict(_)),
        ) => {
            render(
                &state,
                &cc,
                Shown::refused(f, &e, StatusCode::UNPROCESSABLE_ENTITY),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn update(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id = channel_id(&id)?;
    let channel = reporting::channel(state.services(), id).await?;
    let change = ChannelChange {
        name: field(&f, "name"),
        auto_adopt: field(&f, "auto_adopt") == "on",
        columns: channel.columns.iter().map(|c| c.0).collect(),
        active: Some(field(&f, "active") == "on"),
    };
    let result = reporting::update_channel(state.services(), &cc.caller, id, change).await;
    after_change(&state, &cc, result.map(|_| "channel")).await
}

/// Back to the list with a notice, or the list again with the reason a change was refused.
async fn after_change(
    state: &AppState,
    cc: &ConsoleCaller,
    result: Result<&str, ServiceError>,
) -> PageResult {
    match result {
        Ok(notice) => Ok(see_other(&format!("{BASE}/admin/channels?notice={notice}"))),
        Err(
            e @ (ServiceError::Invalid(_)
            | ServiceError::Conflict(_)
            | ServiceError::TooLarge(_)
            | ServiceError::NotFound(_)),
        ) => {
            let status = match e {
                ServiceError::Conflict(_) => StatusCode::CONFLICT,
                ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            render(state, cc, Shown::refused(HashMap::new(), &e, status)).await
        }
        Err(e) => Err(e.into()),
    }
}

fn channel_id(id: &str) -> Result<i64, ServiceError> {
    id.parse()
        .map_err(|_| ServiceError::NotFound(format!("渠道 {id}")))
}

/// The buttons beside a channel: `delete` (unused channels only) and `pull` (its feed, now).
pub(crate) async fn act(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let (id, caller) = (channel_id(&id)?, &cc.caller);
    let result = match action.as_str() {
        "delete" => reporting::delete_channel(state.services(), caller, id)
            .await
            .map(|()| "channel_deleted"),
        "pull" => reporting::pull_channel(state.services(), caller, id)
            .await
            .map(|_| "channel_pulled"),
        _ => return Err(ServiceError::NotFound(format!("操作 {action}")).into()),
    };
    after_change(&state, &cc, result).await
}
