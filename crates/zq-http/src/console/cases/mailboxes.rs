//! 信箱设置: a site's mailboxes in the console. Everyone who handles the site's cases sees
//! them; its admin (or the office) renames them, reorders them, pauses or reopens them and
//! opens new ones, through `crate::service::interaction` like the API, each change audited.

use axum::extract::{Form, Path, Query, State};
use zq_domain::access::Action;
use zq_render::ConsolePage;
use zq_render::console_view::{MailboxRow, MailboxesView};
use zq_store::NewMailbox;

use super::super::frame::{
    ConsoleCaller, Fields, NoticeQuery, PageResult, field, html, site_frame,
};
use super::super::see_other;
use super::base_of;
use crate::AppState;
use crate::service::interaction;
use crate::service::{ServiceError, site};

pub(crate) async fn page(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let t = site(state.services(), &cc.caller, &code, Action::Read).await?;
    let items = interaction::mailboxes(state.services(), &t).await?;
    let view = MailboxesView {
        frame: site_frame(&state, &cc, &t, "cases", q.notice.as_deref()).await?,
        can_edit: cc.caller.can(Action::EditSettings, &t),
        items: items
            .into_iter()
            .map(|m| MailboxRow {
                id: m.id,
                slug: m.slug,
                name: m.name,
                description: m.description.unwrap_or_default(),
                sort_order: m.sort_order,
                active: m.active,
            })
            .collect(),
        letter_url: format!("/sites/{code}/forms/letter"),
    };
    html(&state, ConsolePage::Mailboxes, &view)
}

fn input(f: &Fields) -> Result<NewMailbox, ServiceError> {
    let order = field(f, "sort_order");
    let sort_order = match order.trim() {
        "" => 0,
        v => v
            .parse::<i32>()
            .ok()
            .filter(|n| (0..=9999).contains(n))
            .ok_or_else(|| ServiceError::Invalid("排序号须为 0–9999 的整数".into()))?,
    };
    Ok(NewMailbox {
        slug: field(f, "slug"),
        name: field(f, "name"),
        description: Some(field(f, "description")),
        sort_order,
    })
}

pub(crate) async fn create(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    interaction::create_mailbox(state.services(), &cc.caller, &code, input(&f)?).await?;
    Ok(see_other(&format!(
        "{}/mailboxes?notice=mailbox",
        base_of(&code)
    )))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id: i64 = id
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("信箱 {id}")))?;
    let active = field(&f, "active") == "on";
    interaction::update_mailbox(state.services(), &cc.caller, &code, id, input(&f)?, active)
        .await?;
    Ok(see_other(&format!(
        "{}/mailboxes?notice=mailbox",
        base_of(&code)
    )))
}
