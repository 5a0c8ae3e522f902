//! Administration: tenants (the general office), accounts and role bindings (the office for
//! everyone, site admins for their own site), the column tree (site admins), and the audit
//! log across the cluster. Every change is audited in its own transaction by the store.

use serde::Deserialize;
use zq_domain::access::{Action, ClusterRole, TenantRole, allowed};
use zq_domain::security::LoginName;
use zq_domain::{ColumnId, ColumnKind, ColumnSlug, Host, TenantCode, TenantKind, TenantStatus};
use zq_store::{AuditRecord, Column, ColumnChange, NewColumn, NewTenant, NewUser, Tenant, User};

use crate::error::action_label;
use crate::{Caller, Result, ServiceError, Services, site};

fn invalid(e: impl ToString) -> ServiceError {
    ServiceError::Invalid(e.to_string())
}

pub(crate) fn cluster_only(caller: &Caller, action: Action) -> Result<()> {
    if allowed(&caller.grants, action, None, Default::default()) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(action_label(action).to_owned()))
    }
}

/// The account with this login, or "账号 … 不存在" (a malformed login too).
pub async fn account_by_login(svc: &Services, login: &str) -> Result<zq_store::User> {
    let missing = || ServiceError::NotFound(format!("账号 {login}"));
    let parsed = LoginName::parse(login).map_err(|_| missing())?;
    svc.store()
        .user_by_login(&parsed)
        .await?
        .ok_or_else(missing)
}

/// A new tenant as the office enters it.
#[derive(Debug, Clone, Deserialize)]
pub struct TenantInput {
    pub code: String,
    pub kind: String,
    pub name: String,
    pub sponsor: String,
    #[serde(default)]
    pub parent: Option<String>,
    /// Host names; empty means `{code}.{suffix}` is not assumed here: at least one is needed.
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub site_id: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    /// The unit's short name for tags on aggregated lists (e.g. 发展和改革委员会).
    #[serde(default)]
    pub short_name: Option<String>,
    /// Start in 筹建 (not public) until the office puts it online.
    #[serde(default)]
    pub preparing: bool,
    /// The code of a site whose column tree the new site starts with (without content).
    #[serde(default)]
    pub template: Option<String>,
}

pub async fn create_tenant(svc: &Services, caller: &Caller, input: TenantInput) -> Result<Tenant> {
    cluster_only(caller, Action::ManageTenants)?;
    let opt = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let new = NewTenant {
        code: TenantCode::parse(input.code.trim()).map_err(invalid)?,
        kind: input.kind.trim().parse::<TenantKind>().map_err(invalid)?,
        name: input.name,
        sponsor: input.sponsor,
        site_id: opt(input.site_id),
        contact: opt(input.contact),
        parent: opt(input.parent)
            .map(|p| TenantCode::parse(&p))
            .transpose()
            .map_err(invalid)?,
        hosts: input
            .hosts
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
            .map(Host::parse)
            .collect::<std::result::Result<_, _>>()
            .map_err(invalid)?,
        short_name: opt(input.short_name),
        preparing: input.preparing,
    };
    // The template site is checked before anything is created.
    let template = match opt(input.template) {
        Some(code) => {
            let c = TenantCode::parse(&code)
                .map_err(|_| ServiceError::NotFound(format!("栏目模板站点 {code}")))?;
            Some(
                svc.store()
                    .tenant_by_code(&c)
                    .await?
                    .ok_or_else(|| ServiceError::NotFound(format!("栏目模板站点 {code}")))?,
            )
        }
        None => None,
    };
    if new
        .short_name
        .as_ref()
        .is_some_and(|n| n.chars().count() > 40)
    {
        return Err(invalid("简称不能超过 40 个字"));
    }
    let t = svc.store().create_tenant(new, &caller.who()).await?;
    if let Some(from) = template {
        copy_columns(svc, caller, &from, &t).await?;
    }
    Ok(t)
}

/// Gives `to` the column tree of `from` (names, addresses, kinds, update duties, order; no
/// content), parents before children, each column audited as created.
async fn copy_columns(svc: &Services, caller: &Caller, from: &Tenant, to: &Tenant) -> Result<()> {
    let columns = svc.store().columns(from.id).await?;
    let mut made: std::collections::HashMap<ColumnId, ColumnId> = Default::default();
    let mut left: Vec<&Column> = columns.iter().collect();
    while !left.is_empty() {
        let before = left.len();
        let mut next = Vec::new();
        for c in left {
            let parent = match c.parent_id {
                None => None,
                Some(p) => match made.get(&p) {
                    Some(id) => Some(*id),
                    None => {
                        next.push(c);
                        continue;
                    }
                },
            };
            let new = NewColumn {
                parent_id: parent,
                slug: c.slug.clone(),
                name: c.name.clone(),
                kind: c.kind,
                external_url: c.external_url.clone(),
                update_requirement: c.update_requirement,
                responsible_unit: None,
                sort_order: c.sort_order,
                is_news: c.is_news,
                aggregates: c.aggregates,
            };
            let created = svc.store().create_column(to.id, new, &caller.who()).await?;
            made.insert(c.id, created.id);
        }
        if next.len() == before {
            break;
        }
        left = next;
    }
    Ok(())
}

/// Suspends, resumes or archives a site, with the reason typed to confirm it (kept in the
/// audit row). The portal is never archived: every site's header and footer lead to it.
pub async fn set_tenant_status(
    svc: &Services,
    caller: &Caller,
    code: &str,
    status: &str,
    reason: Option<String>,
) -> Result<Tenant> {
    cluster_only(caller, Action::ManageTenants)?;
    let parsed =
        TenantCode::parse(code).map_err(|_| ServiceError::NotFound(format!("站点 {code}")))?;
    let status = status.parse::<TenantStatus>().map_err(invalid)?;
    if status == TenantStatus::Archived {
        let t = svc
            .store()
            .tenant_by_code(&parsed)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("站点 {code}")))?;
        if t.kind == TenantKind::Portal {
            return Err(ServiceError::Conflict(
                "门户网站不能归档：每个网站的页头和页脚都链接到门户网站。如需临时关闭，请使用“暂停（维护）”。"
                    .into(),
            ));
        }
    }
    Ok(svc
        .store()
        .set_tenant_status_noted(&parsed, status, &caller.who(), reason)
        .await?)
}

/// Every account (the office).
pub async fn all_users(svc: &Services, caller: &Caller) -> Result<Vec<User>> {
    cluster_only(caller, Action::ManageAllUsers)?;
    Ok(svc.store().list_users().await?)
}

/// The accounts with a role on a site, with their roles (its site admin, or the office).
pub async fn site_users(
    svc: &Services,
    caller: &Caller,
    code: &str,
) -> Result<(Tenant, Vec<(User, Vec<TenantRole>)>)> {
    let t = site(svc, caller, code, Action::ManageTenantUsers).await?;
    let users = svc.store().tenant_users(t.id).await?;
    Ok((t, users))
}

/// A new account as an administrator enters it.
#[derive(Debug, Clone, Deserialize)]
pub struct UserInput {
    pub login: String,
    pub display_name: String,
    /// The initial password, checked by the password policy.
    pub password: String,
    /// A first role on the site the account is created for.
    #[serde(default)]
    pub role: Option<String>,
}

/// Creates an account: the office anywhere (without a site), a site admin on their site
/// (with a first role there).
pub async fn create_user(
    svc: &Services,
    caller: &Caller,
    code: Option<&str>,
    input: UserInput,
) -> Result<User> {
    let site_role = match code {
        Some(code) => {
            let t = site(svc, caller, code, Action::ManageTenantUsers).await?;
            let role = input
                .role
                .as_deref()
                .filter(|r| !r.is_empty())
                .map(str::parse::<TenantRole>)
                .transpose()
                .map_err(invalid)?;
            Some((t, role))
        }
        None => {
            cluster_only(caller, Action::ManageAllUsers)?;
            None
        }
    };
    let login = LoginName::parse(&input.login).map_err(invalid)?;
    let display_name = zq_domain::security::display_name(&input.display_name).map_err(invalid)?;
    let user = svc
        .store()
        .create_user(
            NewUser {
                login,
                display_name,
                password: input.password,
                cluster_role: None,
                // A person chose it for someone else: changed at the first sign-in.
                must_change_password: caller.user_id().is_some(),
            },
            &caller.who(),
        )
        .await?;
    if let Some((t, Some(role))) = site_role {
        svc.store()
            .set_binding(user.id, t.id, role, true, &caller.who())
            .await?;
    }
    Ok(user)
}

/// Creates an account holding a cluster role (the general office's administrators and
/// operators): the office, or the command line's first `admin create`.
pub async fn create_cluster_user(
    svc: &Services,
    caller: &Caller,
    login: &str,
    display_name: &str,
    password: String,
    role: ClusterRole,
) -> Result<User> {
    cluster_only(caller, Action::ManageAllUsers)?;
    let login = LoginName::parse(login).map_err(invalid)?;
    let display_name = zq_domain::security::display_name(display_name).map_err(invalid)?;
    if svc.store().user_by_login(&login).await?.is_some() {
        return Err(ServiceError::Conflict(format!("登录名 {login} 已被使用")));
    }
    Ok(svc
        .store()
        .create_user(
            NewUser {
                login,
                display_name,
                password,
                cluster_role: Some(role),
                must_change_password: caller.user_id().is_some(),
            },
            &caller.who(),
        )
        .await?)
}

/// Gives or takes away a role of an account on a site: the office for any account, a site
/// admin for the accounts that already hold a role on their site.
pub async fn set_role(
    svc: &Services,
    caller: &Caller,
    code: &str,
    login: &str,
    role: &str,
    bound: bool,
) -> Result<()> {
    let t = site(svc, caller, code, Action::ManageTenantUsers).await?;
    let role = role
        .parse::<TenantRole>()
        .map_err(|_| ServiceError::NotFound(format!("角色 {role}")))?;
    let missing = || ServiceError::NotFound(format!("账号 {login}"));
    let user = account_by_login(svc, login).await?;
    // A site admin acts on the accounts of their own site only: an account that holds no
    // role here is answered exactly like one that does not exist, so a site admin cannot
    // probe which logins the cluster has. The office binds accounts across sites.
    let office = cluster_only(caller, Action::ManageAllUsers).is_ok();
    if !office {
        let here = svc.store().tenant_users(t.id).await?;
        if !here.iter().any(|(u, _)| u.id == user.id) {
            return Err(missing());
        }
    }
    if !bound && caller.user_id() == Some(user.id) && role == TenantRole::SiteAdmin {
        return Err(ServiceError::Conflict(
            "不能取消自己的网站管理员角色，请由其他管理员操作".into(),
        ));
    }
    Ok(svc
        .store()
        .set_binding(user.id, t.id, role, bound, &caller.who())
        .await?)
}

/// A new column as a site admin enters it.
#[derive(Debug, Clone, Deserialize)]
pub struct ColumnInput {
    pub slug: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub external_url: Option<String>,
    pub update_requirement: String,
    #[serde(default)]
    pub responsible_unit: Option<String>,
    #[serde(default)]
    pub sort_order: i32,
    #[serde(default)]
    pub is_news: bool,
    /// `department` or `district`: the column gathers that kind of unit's news.
    #[serde(default)]
    pub aggregates: Option<String>,
}

/// An optional kind of unit as a form or JSON gives it (empty: none).
fn opt_kind(v: Option<String>) -> Result<Option<TenantKind>> {
    v.map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s != "none")
        .map(|s| s.parse::<TenantKind>().map_err(invalid))
        .transpose()
}

pub async fn create_column(
    svc: &Services,
    caller: &Caller,
    code: &str,
    input: ColumnInput,
) -> Result<Column> {
    let t = site(svc, caller, code, Action::ManageColumns).await?;
    let kind = input.kind.parse::<ColumnKind>().map_err(invalid)?;
    let external_url = input
        .external_url
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    if let Some(u) = &external_url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        return Err(invalid("外部链接须以 http:// 或 https:// 开头"));
    }
    let new = NewColumn {
        parent_id: input.parent_id.map(ColumnId),
        slug: ColumnSlug::parse(input.slug.trim()).map_err(invalid)?,
        name: input.name.trim().to_owned(),
        kind,
        external_url,
        update_requirement: input.update_requirement.parse().map_err(invalid)?,
        responsible_unit: input
            .responsible_unit
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty()),
        sort_order: input.sort_order,
        is_news: input.is_news,
        aggregates: opt_kind(input.aggregates)?,
    };
    if new.name.is_empty() || new.name.chars().count() > 40 {
        return Err(invalid("栏目名称需要 1-40 个字"));
    }
    Ok(svc.store().create_column(t.id, new, &caller.who()).await?)
}

pub async fn update_column(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    change: ColumnChange,
) -> Result<Column> {
    let t = site(svc, caller, code, Action::ManageColumns).await?;
    Ok(svc
        .store()
        .update_column(t.id, ColumnId(id), change, &caller.who())
        .await?)
}

/// The newest audit rows of the whole cluster (the office and operators).
pub async fn cluster_audit(
    svc: &Services,
    caller: &Caller,
    limit: u64,
) -> Result<Vec<AuditRecord>> {
    cluster_only(caller, Action::ReadAudit)?;
    Ok(svc.store().audit_log(None, limit.min(500)).await?)
}
