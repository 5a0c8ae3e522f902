//! The office's broadcasts in the console (集群管理 → 应急公告): the form for an emergency
//! notice or the mourning mode (Beijing times, every site or chosen ones) and the list with a
//! button to end one now. Every write goes through `crate::service::broadcasts`.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use zq_domain::broadcast::{Broadcast, BroadcastKind, Level};
use zq_render::ConsolePage;
use zq_render::console_view::{BroadcastRow, BroadcastsView, Option_};

use super::admin::admin_frame;
use super::frame::{ConsoleCaller, NoticeQuery, PageResult, html_status};
use super::{BASE, see_other};
use crate::AppState;
use crate::service::broadcasts::{self, BroadcastInput};
use crate::service::{ServiceError, format_local, parse_local};

/// What the form holds (as typed).
#[derive(Debug, Default, Clone)]
struct Typed {
    kind: String,
    level: String,
    title: String,
    text: String,
    sites: Vec<String>,
    starts_at: String,
    ends_at: String,
}

fn state_of(b: &Broadcast, now: DateTime<Utc>) -> (&'static str, bool) {
    if b.cancelled {
        ("已提前结束", false)
    } else if now < b.starts_at {
        ("未开始", true)
    } else if now < b.ends_at {
        ("生效中", true)
    } else {
        ("已结束", false)
    }
}

async fn page(
    state: &AppState,
    cc: &ConsoleCaller,
    notice: Option<&str>,
    refused: Option<(Typed, String)>,
) -> PageResult {
    let svc = state.services();
    let list = broadcasts::recent(svc, &cc.caller).await?;
    let tenants = state.store().list_tenants().await?;
    let now = svc.now();
    let can_announce =
        cc.caller.grants.cluster == Some(zq_domain::access::ClusterRole::ClusterAdmin);
    let mut frame = admin_frame(state, cc, "broadcasts", notice);
    let (typed, status) = match refused {
        Some((typed, error)) => {
            frame.error = Some(error);
            (typed, StatusCode::UNPROCESSABLE_ENTITY)
        }
        None => (
            Typed {
                kind: "notice".into(),
                level: "yellow".into(),
                ends_at: format_local(now + chrono::Duration::hours(24), true),
                ..Typed::default()
            },
            StatusCode::OK,
        ),
    };
    let rows = list
        .iter()
        .map(|b| {
            let (state, can_cancel) = state_of(b, now);
            let can_cancel = can_cancel && can_announce;
            BroadcastRow {
                id: b.id,
                kind_label: match b.kind {
                    BroadcastKind::Notice => "应急公告",
                    BroadcastKind::Mourning => "全站变灰",
                },
                level: b.level.as_str(),
                level_label: b.level.label(),
                title: b.title.clone(),
                text: b.text.clone(),
                sites: if b.sites.is_empty() {
                    "全部站点".into()
                } else {
                    b.sites
                        .iter()
                        .filter_map(|id| tenants.iter().find(|t| t.id == *id))
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                },
                starts_at: format_local(b.starts_at, false),
                ends_at: format_local(b.ends_at, false),
                state,
                can_cancel,
            }
        })
        .collect();
    let view = BroadcastsView {
        frame,
        can_announce,
        levels: Level::ALL
            .iter()
            .map(|l| Option_ {
                value: l.as_str().to_owned(),
                label: l.label().to_owned(),
            })
            .collect(),
        sites: tenants
            .iter()
            .map(|t| Option_ {
                value: t.code.to_string(),
                label: t.name.clone(),
            })
            .collect(),
        rows,
        kind: typed.kind,
        level: typed.level,
        title: typed.title,
        text: typed.text,
        chosen: typed.sites,
        starts_at: typed.starts_at,
        ends_at: typed.ends_at,
    };
    html_status(state, status, ConsolePage::Broadcasts, &view)
}

/// `GET /console/admin/broadcasts`.
pub(crate) async fn show(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    page(&state, &cc, q.notice.as_deref(), None).await
}

/// The form's fields as the service's input, or the Chinese reason it cannot be.
fn input(t: &Typed) -> Result<BroadcastInput, String> {
    let kind = t
        .kind
        .parse::<BroadcastKind>()
        .map_err(|_| "请选择应急公告或全站变灰".to_owned())?;
    let level = t
        .level
        .parse::<Level>()
        .map_err(|_| "请选择预警级别".to_owned())?;
    let ends_at = parse_local(&t.ends_at)?.ok_or_else(|| "请填写结束时间".to_owned())?;
    Ok(BroadcastInput {
        kind,
        level,
        title: t.title.clone(),
        text: t.text.clone(),
        sites: t.sites.clone(),
        starts_at: parse_local(&t.starts_at)?,
        ends_at,
    })
}

/// The first value of field `k` of a form that may repeat fields (the sites' checkboxes).
fn first(f: &[(String, String)], k: &str) -> String {
    f.iter()
        .find(|(name, _)| name == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// `POST /console/admin/broadcasts`: makes a broadcast.
pub(crate) async fn announce(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(f): Form<Vec<(String, String)>>,
) -> PageResult {
    let one = |k: &str| first(&f, k);
    cc.check_csrf(&one("csrf"))?;
    let typed = Typed {
        kind: one("kind"),
        level: one("level"),
        title: one("title"),
        text: one("text"),
        sites: f
            .iter()
            .filter(|(name, _)| name == "sites")
            .map(|(_, v)| v.clone())
            .collect(),
        starts_at: one("starts_at"),
        ends_at: one("ends_at"),
    };
    let made = match input(&typed) {
        Ok(i) => broadcasts::announce(state.services(), &cc.caller, i).await,
        Err(reason) => Err(ServiceError::Invalid(reason)),
    };
    match made {
        Ok(_) => Ok(see_other(&format!(
            "{BASE}/admin/broadcasts?notice=broadcast_made"
        ))),
        Err(ServiceError::Invalid(reason)) => page(&state, &cc, None, Some((typed, reason))).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /console/admin/broadcasts/{id}/cancel`: ends one now.
pub(crate) async fn cancel(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> PageResult {
    cc.check_csrf(&first(&f, "csrf"))?;
    let id: i64 = id
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("应急公告 {id}")))?;
    broadcasts::cancel(state.services(), &cc.caller, id).await?;
    Ok(see_other(&format!(
        "{BASE}/admin/broadcasts?notice=broadcast_ended"
    )))
}
