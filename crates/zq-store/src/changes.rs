//! Change notification: every write that alters public pages bumps the affected tenants'
//! generations inside its own transaction, and after the commit tells the registered hook
//! (the cache and the bus, wired by the binary). The store knows nothing about caches.

use std::sync::{Arc, RwLock};

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use zq_domain::{TenantId, TenantKind};

use crate::entity::tenant;
use crate::{ChangeEvent, Store, StoreError};

/// Called (and awaited) after each committed change, before the write returns to its caller.
pub type ChangeHook = Arc<dyn Fn(ChangeEvent) -> BoxFuture + Send + Sync>;

/// The future a change hook returns.
pub type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// The hook slot, shared by every clone of a `Store`.
#[derive(Clone, Default)]
pub(crate) struct HookSlot(Arc<RwLock<Option<ChangeHook>>>);

impl std::fmt::Debug for HookSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HookSlot")
    }
}

impl Store {
    /// Registers the function told about every committed change (replacing any earlier one).
    pub fn set_change_hook(&self, hook: ChangeHook) {
        match self.hook.0.write() {
            Ok(mut g) => *g = Some(hook),
            Err(p) => *p.into_inner() = Some(hook),
        }
    }

    pub(crate) async fn notify(&self, event: ChangeEvent) {
        let hook = match self.hook.0.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        };
        if let Some(h) = hook {
            h(event).await;
        }
    }

    /// Tells the hook that these tenants' pages changed (nothing if the list is empty).
    pub(crate) async fn notify_pages(&self, generations: Vec<(TenantId, u64)>) {
        if !generations.is_empty() {
            self.notify(ChangeEvent {
                generations,
                sites_changed: false,
            })
            .await;
        }
    }

    /// Every tenant's current generation, for nodes resynchronising after missed messages.
    pub async fn generations(&self) -> Result<Vec<(TenantId, u64)>, StoreError> {
        Ok(tenant::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| (TenantId(t.id), u64::try_from(t.generation).unwrap_or(0)))
            .collect())
    }
}

/// Bumps the generations of `ids` (and of the portal when `with_portal`) inside the caller's
/// transaction and returns the new values.
pub(crate) async fn bump<C: ConnectionTrait>(
    conn: &C,
    ids: &[TenantId],
    with_portal: bool,
) -> Result<Vec<(TenantId, u64)>, StoreError> {
    let mut filter = tenant::Column::Id.is_in(ids.iter().map(|t| t.0));
    if with_portal {
        filter = filter.or(tenant::Column::Kind.eq(TenantKind::Portal.as_str()));
    }
    bump_where(conn, Some(filter)).await
}

/// Bumps every tenant: for changes every page shows (the portal's name and hosts in the header).
pub(crate) async fn bump_all<C: ConnectionTrait>(
    conn: &C,
) -> Result<Vec<(TenantId, u64)>, StoreError> {
    bump_where(conn, None).await
}

async fn bump_where<C: ConnectionTrait>(
    conn: &C,
    filter: Option<sea_orm::sea_query::SimpleExpr>,
) -> Result<Vec<(TenantId, u64)>, StoreError> {
    let mut update = tenant::Entity::update_many().col_expr(
        tenant::Column::Generation,
        Expr::col(tenant::Column::Generation).add(1),
    );
    let mut select = tenant::Entity::find();
    if let Some(f) = filter {
        update = update.filter(f.clone());
        select = select.filter(f);
    }
    update.exec(conn).await?;
    Ok(select
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (TenantId(t.id), u64::try_from(t.generation).unwrap_or(0)))
        .collect())
}
