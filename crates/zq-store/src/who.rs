//! Who acts: the actor every audited write takes. A person (an account and its login), the
//! platform itself (the scheduler, importers, the demo seeder) or an operator at the command
//! line, or someone of the public writing in through a form. The audit log records each the
//! same way it always has: accounts by id and login, the system as "system", the command line
//! as the system with client `cli:{os user}`, the public as the system with `public:{address}`.

use zq_domain::{TenantId, UserId};

use crate::AuditEntry;

/// The kind of actor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in account (console, API token).
    User(UserId, String),
    /// The platform itself: jobs, importers, the demo seeder.
    #[default]
    System,
    /// An operator running `zhanqun` on the server, by operating-system user name.
    Cli(String),
    /// Someone of the public, through a site's forms (a letter, a rating), by address.
    Public,
}

/// Who acts, as the audit log records it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Who {
    pub actor: Actor,
    /// The client's address (people only).
    pub client: Option<String>,
}

impl Who {
    /// A signed-in account, from `client`.
    pub fn user(id: UserId, login: impl Into<String>, client: Option<String>) -> Who {
        Who {
            actor: Actor::User(id, login.into()),
            client,
        }
    }

    /// The platform itself.
    pub fn system() -> Who {
        Who::default()
    }

    /// An operator at the command line (`os_user` is the operating-system account).
    pub fn cli(os_user: impl Into<String>) -> Who {
        Who {
            actor: Actor::Cli(os_user.into()),
            client: None,
        }
    }

    /// Someone of the public writing from `client` (their address).
    pub fn public(client: Option<String>) -> Who {
        Who {
            actor: Actor::Public,
            client,
        }
    }

    /// The account's id, if a person acts.
    pub fn user_id(&self) -> Option<UserId> {
        match &self.actor {
            Actor::User(id, _) => Some(*id),
            _ => None,
        }
    }

    pub(crate) fn user_row_id(&self) -> Option<i64> {
        self.user_id().map(|u| u.0)
    }

    /// The actor as the audit row stores it.
    pub(crate) fn audit_actor(&self) -> Option<(UserId, String)> {
        match &self.actor {
            Actor::User(id, login) => Some((*id, login.clone())),
            _ => None,
        }
    }

    /// The client as the audit row stores it: the address, or `cli:{user}` at the command line.
    pub(crate) fn audit_client(&self) -> Option<String> {
        match &self.actor {
            Actor::Cli(user) => Some(format!("cli:{user}")),
            Actor::Public => Some(format!(
                "public:{}",
                self.client.as_deref().unwrap_or("unknown")
            )),
            _ => self.client.clone(),
        }
    }

    /// An audit entry of this actor (no content hashes).
    pub fn entry(
        &self,
        tenant: Option<TenantId>,
        object: impl Into<String>,
        action: &str,
    ) -> AuditEntry {
        AuditEntry {
            actor: self.audit_actor(),
            tenant,
            object: object.into(),
            action: action.to_owned(),
            client: self.audit_client(),
            before_hash: None,
            after_hash: None,
            note: None,
        }
    }
}
