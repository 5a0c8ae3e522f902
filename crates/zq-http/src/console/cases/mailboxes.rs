//! 信箱和时限: a site's mailboxes and time limits in the console. Everyone who handles the
//! site's cases sees them; its admin (or the office) renames, reorders, pauses or reopens the
//! mailboxes and opens new ones, and shortens the site's time limits below the cluster's (or
//! goes back to the cluster's), and keeps the site's common replies (常用答复), through
//! `crate::service::interaction` like the API, each change audited.

use axum::extract::{Form, Path, Query, State};
use zq_domain::access::Action;
use zq_domain::interaction::{CaseKind, ClockRule};
use zq_render::ConsolePage;
use zq_render::console_view::{MailboxRow, MailboxesView, Option_, RuleRow, TemplateRow};
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
    let r = interaction::site_rules(state.services(), &cc.caller, &code).await?;
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
                notify_email: m.notify_email.unwrap_or_default(),
            })
            .collect(),
        letter_url: format!("/sites/{code}/forms/letter"),
        rules: CaseKind::ALL
            .iter()
            .map(|k| {
                let (own, max) = (r.rules.rule(*k), r.cluster.rule(*k));
                RuleRow {
                    kind: k.as_str().to_owned(),
                    label: k.label().to_owned(),
                    days: own.days,
                    extension: own.extension,
                    max_days: max.days,
                    max_extension: max.extension,
                }
            })
            .collect(),
        rules_own: r.own,
        templates: state
            .store()
            .reply_templates(t.id)
            .await?
            .into_iter()
            .map(|x| TemplateRow {
                id: x.id,
                kind: x.kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
                title: x.title,
                body: x.body,
                sort_order: x.sort_order,
            })
            .collect(),
        case_kinds: CaseKind::ALL
            .iter()
            .map(|k| Option_ {
                value: k.as_str().to_owned(),
                label: k.label().to_owned(),
            })
            .collect(),
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
        notify_email: Some(field(f, "notify_email")),
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

/// The site's time limits: saved (each kind's days and extension from the form) or reset to
/// the cluster's.
pub(crate) async fn clock_rules(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let rules = if field(&f, "action") == "reset" {
        None
    } else {
        let mut rules = interaction::site_rules(state.services(), &cc.caller, &code)
            .await?
            .rules;
        for k in CaseKind::ALL {
            let number = |suffix: &str| {
                field(&f, &format!("{}_{suffix}", k.as_str()))
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| {
                        ServiceError::Invalid(format!("请填写{}的时限（整数）", k.label()))
                    })
            };
            rules.set(
                *k,
                ClockRule {
                    days: number("days")?,
                    extension: number("extension")?,
                },
            );
        }
        Some(rules)
    };
    interaction::set_site_rules(state.services(), &cc.caller, &code, rules).await?;
    Ok(see_other(&format!(
        "{}/mailboxes?notice=clock_rules",
        base_of(&code)
    )))
}

fn template_form(f: &Fields) -> interaction::TemplateForm {
    interaction::TemplateForm {
        kind: field(f, "kind"),
        title: field(f, "title"),
        body: field(f, "body"),
        sort_order: field(f, "sort_order").trim().parse().unwrap_or(-1),
    }
}

/// A new common reply.
pub(crate) async fn create_template(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    interaction::save_reply_template(
        state.services(),
        &cc.caller,
        &code,
        None,
        &template_form(&f),
    )
    .await?;
    Ok(see_other(&format!(
        "{}/mailboxes?notice=reply_template",
        base_of(&code)
    )))
}

/// A common reply saved (`action=save`) or removed (`action=delete`).
pub(crate) async fn update_template(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, id)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let id: i64 = id
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("常用答复 {id}")))?;
    if field(&f, "action") == "delete" {
        interaction::delete_reply_template(state.services(), &cc.caller, &code, id).await?;
    } else {
        interaction::save_reply_template(
            state.services(),
            &cc.caller,
            &code,
            Some(id),
            &template_form(&f),
        )
        .await?;
    }
    Ok(see_other(&format!(
        "{}/mailboxes?notice=reply_template",
        base_of(&code)
    )))
}
