//! Who is asking and what they may do: the caller of every operation, the tenant lookup that
//! decides "not found" (not visible) from "forbidden" (visible, not allowed), and the buttons
//! an article's state offers this caller. Permissions themselves are `zq_domain::access`.

use zq_domain::access::{Action, ClusterRole, Grants, TenantPolicy, allowed};
use zq_domain::workflow::{Event, WorkflowState};
use zq_domain::{TenantCode, TenantId, UserId};
use zq_store::{Tenant, Who};

use crate::{Result, ServiceError, Services};

/// Who is asking: the actor (an account, the system or the command line), what it may do
/// (cut down to a token's scope when the request came with a token), and where from.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The actor as the audit log records it.
    pub who: Who,
    pub login: String,
    pub display_name: String,
    pub grants: Grants,
}

impl Caller {
    /// A signed-in account.
    pub fn user(
        id: UserId,
        login: impl Into<String>,
        display_name: impl Into<String>,
        grants: Grants,
        client: Option<String>,
    ) -> Caller {
        let login = login.into();
        Caller {
            who: Who::user(id, login.clone(), client),
            login,
            display_name: display_name.into(),
            grants,
        }
    }

    /// The platform itself (jobs, importers, the demo seeder): may do what the office may.
    pub fn system() -> Caller {
        Caller {
            who: Who::system(),
            login: "system".into(),
            display_name: "系统".into(),
            grants: Grants {
                cluster: Some(ClusterRole::ClusterAdmin),
                bindings: Vec::new(),
            },
        }
    }

    /// An operator at the server's command line (`os_user`): may do what the office may.
    pub fn cli(os_user: impl Into<String>) -> Caller {
        let user = os_user.into();
        Caller {
            who: Who::cli(user.clone()),
            login: format!("cli:{user}"),
            display_name: user,
            grants: Grants {
                cluster: Some(ClusterRole::ClusterAdmin),
                bindings: Vec::new(),
            },
        }
    }

    /// The actor, for the audit log.
    pub fn who(&self) -> Who {
        self.who.clone()
    }

    /// The account, when a person asks.
    pub fn user_id(&self) -> Option<UserId> {
        self.who.user_id()
    }

    /// The account, or "please sign in" for the system and the command line.
    pub(crate) fn account(&self) -> Result<UserId> {
        self.user_id().ok_or(ServiceError::Unauthenticated)
    }

    /// Whether the caller may do `action` on `tenant`.
    pub fn can(&self, action: Action, tenant: &Tenant) -> bool {
        allowed(&self.grants, action, Some(tenant.id), policy(tenant))
    }

    /// Whether the caller sees every site (the office, operators, the system).
    pub fn sees_everything(&self) -> bool {
        self.grants.visible_tenants().is_none()
    }

    fn sees(&self, tenant: TenantId) -> bool {
        self.grants
            .visible_tenants()
            .is_none_or(|v| v.contains(&tenant))
    }
}

/// A tenant's own rules for what its roles may do.
pub fn policy(t: &Tenant) -> TenantPolicy {
    TenantPolicy {
        editors_publish_directly: t.editors_publish_directly,
    }
}

/// The tenant named `code`, if the caller may do `action` there.
pub async fn site(svc: &Services, caller: &Caller, code: &str, action: Action) -> Result<Tenant> {
    let not_found = || ServiceError::NotFound(format!("站点 {code}"));
    let code = TenantCode::parse(code).map_err(|_| not_found())?;
    let tenant = svc
        .store()
        .tenant_by_code(&code)
        .await?
        .ok_or_else(not_found)?;
    if !caller.sees(tenant.id) {
        return Err(not_found());
    }
    if !caller.can(action, &tenant) {
        return Err(ServiceError::forbidden(action));
    }
    Ok(tenant)
}

/// Tenants the caller may open, portal first.
pub async fn sites(svc: &Services, caller: &Caller) -> Result<Vec<Tenant>> {
    Ok(svc
        .store()
        .list_tenants()
        .await?
        .into_iter()
        .filter(|t| caller.sees(t.id))
        .collect())
}

/// What may be done to one article by this caller, for the console's buttons.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Allowed {
    pub edit: bool,
    pub submit: bool,
    pub recall: bool,
    pub approve: bool,
    pub ret: bool,
    pub publish_directly: bool,
    pub withdraw: bool,
}

pub fn allowed_on(caller: &Caller, tenant: &Tenant, s: WorkflowState) -> Allowed {
    use zq_domain::workflow::transition;
    let ok = |event: &Event| {
        event
            .required_action()
            .is_none_or(|a| caller.can(a, tenant))
            && transition(s, event).is_ok()
    };
    let approve = Event::Approve {
        now: 0,
        publish_at: None,
    };
    Allowed {
        edit: ok(&Event::Edit),
        submit: ok(&Event::Submit),
        recall: ok(&Event::Recall),
        approve: ok(&approve),
        ret: ok(&Event::Return {
            comment: "x".into(),
        }),
        publish_directly: ok(&Event::PublishDirectly {
            now: 0,
            publish_at: None,
        }),
        withdraw: ok(&Event::Withdraw),
    }
}
