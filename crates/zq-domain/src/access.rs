//! Who may do what, where: the role × action × tenant matrix of the console and the API.
//!
//! One account works across the cluster. It may hold a cluster role (`cluster_admin`: the
//! general office, everything; `operator`: the health and figures of every site and the audit
//! logs, but no content — least privilege — and changes nothing) and, per tenant,
//! `site_admin`, `editor` and `reviewer` bindings. A binding on a tenant gives nothing on any
//! other tenant — not on its children, not on its parent.

use crate::{TenantId, named_enum};

named_enum!(
    /// A role over the whole cluster.
    ClusterRole, "集群角色" {
        /// The general office: every action on every tenant.
        ClusterAdmin = "cluster_admin",
        /// Watches every tenant's health and figures and the audit logs; sees no content
        /// (drafts, letters, reporting items) and never writes.
        Operator = "operator",
    }
);

named_enum!(
    /// A role bound to one tenant.
    TenantRole, "站点角色" {
        /// Runs the site: settings, columns, the tenant's users; also edits and reviews.
        SiteAdmin = "site_admin",
        /// Writes articles and submits them for review.
        Editor = "editor",
        /// Approves, returns and withdraws articles.
        Reviewer = "reviewer",
    }
);

named_enum!(
    /// Something a person asks to do in the console or the API.
    Action, "操作" {
        /// See a tenant's console pages, articles, columns, queue.
        Read = "read",
        /// See a tenant's health and figures — 网站检查, 访问统计, reporting ranking and figures,
        /// open case counts — without its content (what operators may).
        ReadFigures = "read_figures",
        /// Create, suspend, resume, archive tenants.
        ManageTenants = "manage_tenants",
        /// Create accounts and bind roles on any tenant; cluster roles.
        ManageAllUsers = "manage_all_users",
        /// Bind and unbind roles of one tenant's users.
        ManageTenantUsers = "manage_tenant_users",
        /// Site name, sponsor, contact, identification code, logo, theme, review policy.
        EditSettings = "edit_settings",
        /// Create, move, rename columns; set requirements and responsible units.
        ManageColumns = "manage_columns",
        /// Create and edit drafts, upload attachments, submit for review.
        WriteArticles = "write_articles",
        /// Publish without review, where the tenant allows it.
        PublishDirectly = "publish_directly",
        /// Approve (publish or schedule) and return articles under review.
        Review = "review",
        /// Take a published article off the public site.
        Withdraw = "withdraw",
        /// Read the tenant's audit log.
        ReadAudit = "read_audit",
        /// Manage cross-tenant reporting channels.
        ManageChannels = "manage_channels",
        /// Take, refuse, transfer, ask for corrections on and draft replies to the tenant's
        /// interaction cases (letters, site-error reports, disclosure requests).
        HandleCases = "handle_cases",
        /// Approve or return a drafted reply before it goes to the writer.
        ApproveReplies = "approve_replies",
        /// Extend a case's deadline (延期, once per case).
        ApproveExtension = "approve_extension",
        /// See a writer's name, phone, email and identity number in full (an audited action;
        /// everyone else sees them masked).
        RevealPersonalData = "reveal_personal_data",
    }
);

impl Action {
    /// Actions that change nothing.
    pub fn is_read_only(self) -> bool {
        matches!(self, Action::Read | Action::ReadFigures | Action::ReadAudit)
    }

    /// Actions that exist only cluster-wide (no tenant binding can grant them).
    pub fn is_cluster_only(self) -> bool {
        matches!(
            self,
            Action::ManageTenants | Action::ManageAllUsers | Action::ManageChannels
        )
    }
}

/// A tenant's own rule that changes what its roles may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TenantPolicy {
    /// Editors may publish without review (off by default: nothing goes public unreviewed).
    pub editors_publish_directly: bool,
}

/// Everything one account holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grants {
    pub cluster: Option<ClusterRole>,
    pub bindings: Vec<(TenantId, TenantRole)>,
}

impl Grants {
    /// The account's roles on one tenant.
    pub fn roles_on(&self, tenant: TenantId) -> impl Iterator<Item = TenantRole> + '_ {
        self.bindings
            .iter()
            .filter(move |(t, _)| *t == tenant)
            .map(|(_, r)| *r)
    }

    /// Tenants the account may open in the console (`None`: all of them).
    pub fn visible_tenants(&self) -> Option<Vec<TenantId>> {
        if self.cluster.is_some() {
            return None;
        }
        let mut ids: Vec<TenantId> = self.bindings.iter().map(|(t, _)| *t).collect();
        ids.sort();
        ids.dedup();
        Some(ids)
    }
}

/// What an API token may do: one role on one tenant, or a cluster role. A token never
/// holds more than its owner: its grants are the owner's, cut down to the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    Tenant(TenantId, TenantRole),
    Cluster(ClusterRole),
}

impl Grants {
    /// The grants a token of `scope` carries for an owner holding `self`: empty when the
    /// owner no longer holds that role.
    pub fn restrict_to(&self, scope: TokenScope) -> Grants {
        match scope {
            TokenScope::Cluster(role) => match (self.cluster, role) {
                (Some(ClusterRole::ClusterAdmin), _) => Grants {
                    cluster: Some(role),
                    bindings: Vec::new(),
                },
                (Some(ClusterRole::Operator), ClusterRole::Operator) => Grants {
                    cluster: Some(ClusterRole::Operator),
                    bindings: Vec::new(),
                },
                _ => Grants::default(),
            },
            TokenScope::Tenant(tenant, role) => {
                let holds = self.cluster == Some(ClusterRole::ClusterAdmin)
                    || self.bindings.contains(&(tenant, role));
                Grants {
                    cluster: None,
                    bindings: if holds {
                        vec![(tenant, role)]
                    } else {
                        Vec::new()
                    },
                }
            }
        }
    }
}

/// What one tenant role allows on its own tenant.
fn role_allows(role: TenantRole, action: Action, policy: TenantPolicy) -> bool {
    use Action::*;
    match role {
        TenantRole::SiteAdmin => {
            matches!(
                action,
                Read | ReadFigures
                    | ManageTenantUsers
                    | EditSettings
                    | ManageColumns
                    | WriteArticles
                    | Review
                    | Withdraw
                    | ReadAudit
                    | HandleCases
                    | ApproveReplies
                    | ApproveExtension
                    | RevealPersonalData
            ) || (action == PublishDirectly && policy.editors_publish_directly)
        }
        TenantRole::Editor => {
            matches!(
                action,
                Read | ReadFigures | WriteArticles | HandleCases | RevealPersonalData
            ) || (action == PublishDirectly && policy.editors_publish_directly)
        }
        TenantRole::Reviewer => {
            matches!(
                action,
                Read | ReadFigures | Review | Withdraw | ApproveReplies
            )
        }
    }
}

/// Decides whether `grants` allow `action` on `tenant` (`None` for cluster-wide actions).
pub fn allowed(
    grants: &Grants,
    action: Action,
    tenant: Option<TenantId>,
    policy: TenantPolicy,
) -> bool {
    match grants.cluster {
        Some(ClusterRole::ClusterAdmin) => return true,
        Some(ClusterRole::Operator)
            if matches!(action, Action::ReadFigures | Action::ReadAudit) =>
        {
            return true;
        }
        _ => {}
    }
    if action.is_cluster_only() {
        return false;
    }
    match tenant {
        Some(t) => grants.roles_on(t).any(|r| role_allows(r, action, policy)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: TenantId = TenantId(1);
    const B: TenantId = TenantId(2);

    fn tenant_grants(role: TenantRole) -> Grants {
        Grants {
            cluster: None,
            bindings: vec![(A, role)],
        }
    }

    /// The expected matrix on the role's own tenant, with review required (the default).
    fn expected(role: TenantRole, action: Action) -> bool {
        use Action::*;
        use TenantRole::*;
        match (role, action) {
            (_, ManageTenants | ManageAllUsers | ManageChannels | PublishDirectly) => false,
            (_, Read | ReadFigures) => true,
            (SiteAdmin, _) => true,
            (Editor, WriteArticles | HandleCases | RevealPersonalData) => true,
            (Editor, _) => false,
            (Reviewer, Review | Withdraw | ApproveReplies) => true,
            (Reviewer, _) => false,
        }
    }

    #[test]
    fn tenant_roles_follow_the_matrix_on_their_own_tenant_and_grant_nothing_elsewhere() {
        let policy = TenantPolicy::default();
        for role in TenantRole::ALL {
            let g = tenant_grants(*role);
            for action in Action::ALL {
                let own = if action.is_cluster_only() {
                    None
                } else {
                    Some(A)
                };
                assert_eq!(
                    allowed(&g, *action, own, policy),
                    expected(*role, *action),
                    "{role} {action} on own tenant"
                );
                assert!(
                    !allowed(&g, *action, Some(B), policy),
                    "{role} {action} on another tenant"
                );
                assert!(
                    !allowed(&g, *action, None, policy),
                    "{role} {action} cluster-wide"
                );
            }
        }
    }

    #[test]
    fn direct_publishing_needs_the_tenant_to_allow_it() {
        let open = TenantPolicy {
            editors_publish_directly: true,
        };
        assert!(allowed(
            &tenant_grants(TenantRole::Editor),
            Action::PublishDirectly,
            Some(A),
            open
        ));
        assert!(allowed(
            &tenant_grants(TenantRole::SiteAdmin),
            Action::PublishDirectly,
            Some(A),
            open
        ));
        assert!(!allowed(
            &tenant_grants(TenantRole::Reviewer),
            Action::PublishDirectly,
            Some(A),
            open
        ));
        assert!(!allowed(
            &tenant_grants(TenantRole::Editor),
            Action::PublishDirectly,
            Some(A),
            TenantPolicy::default()
        ));
    }

    #[test]
    fn cluster_admins_may_do_everything_and_operators_only_read_figures_and_logs() {
        let admin = Grants {
            cluster: Some(ClusterRole::ClusterAdmin),
            bindings: vec![],
        };
        let operator = Grants {
            cluster: Some(ClusterRole::Operator),
            bindings: vec![],
        };
        for action in Action::ALL {
            for tenant in [Some(A), Some(B), None] {
                assert!(
                    allowed(&admin, *action, tenant, TenantPolicy::default()),
                    "admin {action}"
                );
                assert_eq!(
                    allowed(&operator, *action, tenant, TenantPolicy::default()),
                    matches!(action, Action::ReadFigures | Action::ReadAudit),
                    "operator {action}: figures and logs, never content"
                );
            }
        }
        assert_eq!(admin.visible_tenants(), None);
        assert_eq!(operator.visible_tenants(), None);
    }

    #[test]
    fn roles_on_several_tenants_add_up_per_tenant() {
        let g = Grants {
            cluster: None,
            bindings: vec![
                (A, TenantRole::Editor),
                (B, TenantRole::Reviewer),
                (A, TenantRole::Reviewer),
            ],
        };
        let p = TenantPolicy::default();
        assert!(allowed(&g, Action::WriteArticles, Some(A), p));
        assert!(allowed(&g, Action::Review, Some(A), p));
        assert!(allowed(&g, Action::Review, Some(B), p));
        assert!(!allowed(&g, Action::WriteArticles, Some(B), p));
        assert_eq!(g.visible_tenants(), Some(vec![A, B]));
    }

    #[test]
    fn an_account_without_grants_may_do_nothing() {
        let g = Grants::default();
        for action in Action::ALL {
            assert!(!allowed(&g, *action, Some(A), TenantPolicy::default()));
        }
        assert_eq!(g.visible_tenants(), Some(vec![]));
    }

    #[test]
    fn a_token_never_holds_more_than_its_owner() {
        let a = TenantId(1);
        let b = TenantId(2);
        let editor = Grants {
            cluster: None,
            bindings: vec![(a, TenantRole::Editor), (a, TenantRole::Reviewer)],
        };
        let scoped = editor.restrict_to(TokenScope::Tenant(a, TenantRole::Editor));
        assert!(allowed(
            &scoped,
            Action::WriteArticles,
            Some(a),
            TenantPolicy::default()
        ));
        assert!(!allowed(
            &scoped,
            Action::Review,
            Some(a),
            TenantPolicy::default()
        ));
        // A role the owner does not hold, or another tenant: nothing.
        let other = editor.restrict_to(TokenScope::Tenant(b, TenantRole::Editor));
        assert!(other.bindings.is_empty());
        assert_eq!(
            editor.restrict_to(TokenScope::Cluster(ClusterRole::Operator)),
            Grants::default()
        );
        let admin = Grants {
            cluster: Some(ClusterRole::ClusterAdmin),
            bindings: vec![],
        };
        let ops = admin.restrict_to(TokenScope::Cluster(ClusterRole::Operator));
        assert!(allowed(
            &ops,
            Action::ReadFigures,
            Some(b),
            TenantPolicy::default()
        ));
        assert!(!allowed(
            &ops,
            Action::Read,
            Some(b),
            TenantPolicy::default()
        ));
        assert!(!allowed(
            &ops,
            Action::WriteArticles,
            Some(b),
            TenantPolicy::default()
        ));
        let operator = Grants {
            cluster: Some(ClusterRole::Operator),
            bindings: vec![],
        };
        assert_eq!(
            operator.restrict_to(TokenScope::Cluster(ClusterRole::ClusterAdmin)),
            Grants::default()
        );
    }
}
