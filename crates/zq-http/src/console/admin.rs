//! The console's administration pages: tenants, all accounts and the cluster-wide audit log
//! for the general office (and the audit log for operators); a site's accounts for its site
//! admin (its column tree is in `columns`). Forms go through `crate::service::admin`, like the
//! API.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use zq_domain::access::{Action, TenantRole};
use zq_domain::{TenantKind, TenantStatus};
use zq_render::ConsolePage;
use zq_render::console_view::{
    AdminFrame, AdminTab, Choice, Me, RoleAction, StatusAction, TenantForm, TenantRow, TenantsView,
    UserForm, UserRow, UsersView,
};
use zq_store::{Tenant, User};

use super::frame::{
    ConsoleCaller, Fields, NoticeQuery, PageResult, Shown, field, html_status, notice, site_base,
    site_frame, status_label,
};
use super::{BASE, see_other};
use crate::AppState;
use crate::error::ServiceErrorHttp as _;
use crate::service::ServiceError;
use crate::service::admin::{self, TenantInput, UserInput};

use super::role_label;
use crate::service::format_local;
use crate::service::signin;

/// The frame of the cluster pages: who is signed in and the tabs this account may open.
pub(super) fn admin_frame(
    state: &AppState,
    cc: &ConsoleCaller,
    current: &str,
    notice_code: Option<&str>,
) -> AdminFrame {
    let c = &cc.caller;
    let can = |a| zq_domain::access::allowed(&c.grants, a, None, Default::default());
    let tabs = [
        (Action::ManageTenants, "站点", "tenants"),
        (Action::ManageAllUsers, "账号", "users"),
        (Action::ManageChannels, "报送渠道", "channels"),
        (Action::ManageTenants, "工作日历", "calendar"),
        (Action::ManageTenants, "应急公告", "broadcasts"),
        (Action::ReadFigures, "证书与 HTTPS", "certificates"),
        (Action::ReadFigures, "安全报告", "security"),
        (Action::ReadFigures, "互动交流", "cases"),
        (Action::ReadFigures, "网站检查", "inspection"),
        (Action::ReadFigures, "访问统计", "visits"),
        (Action::ReadFigures, "发稿统计", "statistics"),
        (Action::ReadFigures, "站内搜索", "search"),
        (Action::ReadFigures, "运维监控", "operations"),
        (Action::ReadAudit, "审计日志", "audit"),
    ]
    .into_iter()
    .filter(|(a, _, _)| can(*a))
    .map(|(_, label, name)| AdminTab {
        label,
        url: format!("{BASE}/admin/{name}"),
        current: current == name,
    })
    .collect();
    AdminFrame {
        portal_name: super::portal_name(state),
        base: BASE.to_owned(),
        csrf: cc.csrf.clone(),
        once: super::once::fresh(),
        me: Me {
            display_name: c.display_name.clone(),
            login: c.login.clone(),
        },
        tabs,
        notice: notice(notice_code),
        error: None,
    }
}

// ---- tenants ----

pub(crate) async fn tenants(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    tenants_page(&state, &cc, Shown::fresh(q.notice.as_deref())).await
}

async fn tenants_page(state: &AppState, cc: &ConsoleCaller, shown: Shown<'_>) -> PageResult {
    let Shown {
        form,
        notice: notice_code,
        error,
        status,
    } = shown;
    if !zq_domain::access::allowed(
        &cc.caller.grants,
        Action::ManageTenants,
        None,
        Default::default(),
    ) {
        return Err(ServiceError::Forbidden("管理站点".into()).into());
    }
    let all = state.store().list_tenants().await?;
    let code_of = |id| {
        all.iter()
            .find(|t: &&Tenant| t.id == id)
            .map(|t| t.code.to_string())
    };
    let rows: Vec<TenantRow> = all
        .iter()
        .map(|t| TenantRow {
            code: t.code.to_string(),
            name: t.name.clone(),
            kind_label: t.kind.label(),
            parent: t.parent_id.and_then(code_of).unwrap_or_default(),
            hosts: t.hosts.iter().map(|h| h.to_string()).collect(),
            status_label: status_label(t),
            actions: [
                (TenantStatus::Suspended, "停用（维护）"),
                (TenantStatus::Active, "恢复"),
                (TenantStatus::Archived, "归档"),
            ]
            .iter()
            .filter(|(s, _)| t.status.can_become(*s))
            // The portal is never archived (the service refuses it too).
            .filter(|(s, _)| !(t.kind == TenantKind::Portal && *s == TenantStatus::Archived))
            .map(|(s, l)| StatusAction {
                status: s.as_str(),
                label: if t.status == TenantStatus::Preparing && *s == TenantStatus::Active {
                    "上线"
                } else {
                    l
                },
            })
            .collect(),
        })
        .collect();
    let mut frame = admin_frame(state, cc, "tenants", notice_code);
    frame.error = error;
    let g = |k: &str, default: &str| form.get(k).cloned().unwrap_or_else(|| default.to_owned());
    let view = TenantsView {
        frame,
        host_suffix: state
            .config()
            .host_suffix
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        tenants: rows,
        kinds: TenantKind::ALL
            .iter()
            .filter(|k| **k != TenantKind::Portal)
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: k.label().to_owned(),
            })
            .collect(),
        form: TenantForm {
            code: g("code", ""),
            kind: g("kind", "department"),
            parent: g("parent", ""),
            name: g("name", ""),
            sponsor: g("sponsor", ""),
            hosts: g("hosts", ""),
            site_id: g("site_id", ""),
            contact: g("contact", ""),
        },
    };
    html_status(state, status, ConsolePage::Tenants, &view)
}

pub(crate) async fn create_tenant(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let mut hosts: Vec<String> = field(&f, "hosts")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    // No host name given: `{code}.{cluster domain}`, as on the command line.
    let code = field(&f, "code");
    if hosts.is_empty()
        && !code.trim().is_empty()
        && let Some(suffix) = &state.config().host_suffix
    {
        hosts.push(format!("{}.{suffix}", code.trim()));
    }
    let input = TenantInput {
        code,
        kind: field(&f, "kind"),
        name: field(&f, "name"),
        sponsor: field(&f, "sponsor"),
        parent: f.get("parent").cloned(),
        hosts,
        site_id: f.get("site_id").cloned(),
        contact: f.get("contact").cloned(),
        short_name: f.get("short_name").cloned(),
        // The form's box is ticked by default: a new site is built before it goes online.
        preparing: field(&f, "preparing") == "on",
        template: f.get("template").cloned(),
    };
    match admin::create_tenant(state.services(), &cc.caller, input).await {
        Ok(_) => Ok(see_other(&format!("{BASE}/admin/tenants?notice=tenant"))),
        Err(
            e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_) | ServiceError::NotFound(_)),
        ) => {
            let status = if matches!(e, ServiceError::NotFound(_)) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                e.status()
            };
            tenants_page(&state, &cc, Shown::refused(f, &e, status)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn tenant_status(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    // Who may not change sites learns that first, whatever the form holds.
    let manage = Action::ManageTenants;
    if !zq_domain::access::allowed(&cc.caller.grants, manage, None, Default::default()) {
        let label = crate::service::action_label(manage).to_owned();
        return Err(ServiceError::Forbidden(label).into());
    }
    let status = field(&f, "status");
    let reason = field(&f, "reason")
        .trim()
        .chars()
        .take(200)
        .collect::<String>();
    let refused = |m: &str| ServiceError::Invalid(m.to_owned());
    let check = match status.as_str() {
        "suspended" | "archived" if reason.is_empty() => Err(refused(
            "请填写原因：暂停和归档会让公众无法访问该网站，原因记入审计日志。",
        )),
        "archived" if field(&f, "confirm").trim() != code => {
            Err(refused("归档后不能恢复：请在确认框中输入该站点的代码。"))
        }
        _ => Ok(()),
    };
    if let Err(e) = check {
        let status = e.status();
        return tenants_page(&state, &cc, Shown::refused(Fields::new(), &e, status)).await;
    }
    let reason = Some(reason).filter(|r| !r.is_empty());
    match admin::set_tenant_status(state.services(), &cc.caller, &code, &status, reason).await {
        Ok(_) => Ok(see_other(&format!("{BASE}/admin/tenants?notice=status"))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            let status = e.status();
            tenants_page(&state, &cc, Shown::refused(Fields::new(), &e, status)).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- accounts ----

fn user_row(u: &User, roles: Vec<String>, role_actions: Vec<RoleAction>) -> UserRow {
    UserRow {
        login: u.login.to_string(),
        display_name: u.display_name.clone(),
        disabled: u.disabled,
        roles,
        role_actions,
        waiting_until: None,
        second_factor: false,
        last_sign_in: u
            .last_sign_in_at
            .map_or_else(|| "从未登录".to_owned(), |t| format_local(t, false)),
        must_change: u.must_change_password,
        manageable: true,
    }
}

pub(crate) async fn all_users(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    all_users_page(&state, &cc, Shown::fresh(q.notice.as_deref())).await
}

async fn all_users_page(state: &AppState, cc: &ConsoleCaller, shown: Shown<'_>) -> PageResult {
    let Shown {
        form,
        notice: notice_code,
        error,
        status,
    } = shown;
    let users = admin::all_users(state.services(), &cc.caller).await?;
    let waiting = signin::waiting_accounts(state.services(), &cc.caller).await?;
    let tenants = state.store().list_tenants().await?;
    let mut rows = Vec::new();
    for u in &users {
        let grants = state.store().grants(u.id).await?;
        let mut roles: Vec<String> = grants
            .bindings
            .iter()
            .map(|(t, r)| {
                let name = tenants
                    .iter()
                    .find(|x| x.id == *t)
                    .map(|x| x.name.as_str())
                    .unwrap_or("?");
                format!("{name}·{}", role_label(*r))
            })
            .collect();
        if let Some(c) = u.cluster_role {
            roles.insert(0, super::cluster_role_label(c).to_owned());
        }
        let mut row = user_row(u, roles, Vec::new());
        row.manageable = cc.caller.user_id() != Some(u.id);
        row.second_factor = crate::service::second_factor::enrolled(state.services(), u.id).await?;
        row.waiting_until = waiting
            .iter()
            .find(|(login, _)| login == u.login.as_str())
            .and_then(|(_, until)| chrono::DateTime::from_timestamp(*until, 0))
            .map(|t| format_local(t, false));
        rows.push(row);
    }
    let mut frame = admin_frame(state, cc, "users", notice_code);
    frame.error = error;
    let view = UsersView {
        frame,
        base_template: "console_admin_base.html",
        heading: "全部账号",
        users: rows,
        roles_form: None,
        role_choices: None,
        create_action: format!("{BASE}/admin/users"),
        form: UserForm {
            login: field(&form, "login"),
            display_name: field(&form, "display_name"),
        },
    };
    html_status(state, status, ConsolePage::Users, &view)
}

fn user_input(f: &Fields) -> UserInput {
    UserInput {
        login: field(f, "login"),
        display_name: field(f, "display_name"),
        password: field(f, "password"),
        role: f.get("role").cloned(),
    }
}

pub(crate) async fn create_user(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    match admin::create_user(state.services(), &cc.caller, None, user_input(&f)).await {
        Ok(_) => Ok(see_other(&format!("{BASE}/admin/users?notice=user"))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            let status = e.status();
            all_users_page(&state, &cc, Shown::refused(f, &e, status)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The office lifts the wait strangers' failed sign-ins put on an account.
pub(crate) async fn unlock_user(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(login): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let done = signin::unlock(state.services(), &cc.caller, &login).await;
    account_action_result(&state, &cc, done, "unlocked").await
}

/// The office removes an account's second factor (a lost phone).
pub(crate) async fn reset_second_factor(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(login): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let done = crate::service::second_factor::reset(state.services(), &cc.caller, &login).await;
    account_action_result(&state, &cc, done, "second_factor_reset").await
}

/// The answer to an action on one account of the accounts page: back to the page with
/// `notice`, or the page again saying why not.
async fn account_action_result(
    state: &AppState,
    cc: &ConsoleCaller,
    done: Result<(), ServiceError>,
    notice: &str,
) -> PageResult {
    match done {
        Ok(()) => Ok(see_other(&format!("{BASE}/admin/users?notice={notice}"))),
        Err(e @ ServiceError::Conflict(_)) => {
            let status = e.status();
            all_users_page(state, cc, Shown::refused(Fields::new(), &e, status)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn site_users(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    site_users_page(&state, &cc, &code, Shown::fresh(q.notice.as_deref())).await
}

async fn site_users_page(
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
    let (t, users) = admin::site_users(state.services(), &cc.caller, code).await?;
    let rows: Vec<UserRow> = users
        .iter()
        .map(|(u, roles)| {
            let actions = TenantRole::ALL
                .iter()
                .map(|r| {
                    let has = roles.contains(r);
                    RoleAction {
                        role: r.as_str(),
                        bound: if has { "off" } else { "on" },
                        label: format!("{}{}", if has { "收回" } else { "授予" }, role_label(*r)),
                    }
                })
                .collect();
            let labels: Vec<String> = roles.iter().map(|r| role_label(*r).to_owned()).collect();
            let mut row = user_row(u, labels, actions);
            row.manageable = cc.caller.user_id() != Some(u.id) && u.cluster_role.is_none();
            row
        })
        .collect();
    let mut frame = site_frame(state, cc, &t, "users", notice_code).await?;
    frame.error = error;
    let base = site_base(&t);
    let view = UsersView {
        frame,
        base_template: "console_site_base.html",
        heading: "本站账号",
        users: rows,
        roles_form: Some(format!("{base}/users")),
        role_choices: Some(
            TenantRole::ALL
                .iter()
                .map(|r| Choice {
                    value: r.as_str().to_owned(),
                    label: role_label(*r).to_owned(),
                })
                .collect(),
        ),
        create_action: format!("{base}/users"),
        form: UserForm {
            login: field(&form, "login"),
            display_name: field(&form, "display_name"),
        },
    };
    html_status(state, status, ConsolePage::Users, &view)
}

pub(crate) async fn create_site_user(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    match admin::create_user(state.services(), &cc.caller, Some(&code), user_input(&f)).await {
        Ok(_) => Ok(see_other(&format!("{BASE}/sites/{code}/users?notice=user"))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            let status = e.status();
            site_users_page(&state, &cc, &code, Shown::refused(f, &e, status)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn set_role(
    State(state): State<AppState>,
    cc: ConsoleCaller,
    Path((code, login)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> PageResult {
    cc.check_csrf(&field(&f, "csrf"))?;
    let bound = field(&f, "bound") == "on";
    match admin::set_role(
        state.services(),
        &cc.caller,
        &code,
        &login,
        &field(&f, "role"),
        bound,
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!("{BASE}/sites/{code}/users?notice=role"))),
        Err(e @ ServiceError::Conflict(_)) => {
            let status = e.status();
            site_users_page(
                &state,
                &cc,
                &code,
                Shown::refused(Fields::new(), &e, status),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
