//! Generations: every write that alters public pages bumps the affected tenants'
//! generations inside its own transaction and records them in its event (`crate::events`),
//! so the page cache (keyed by generation) drops stale pages on every node. The store knows
//! nothing about caches.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use zq_domain::{TenantId, TenantKind};

use crate::entity::tenant;
use crate::{Store, StoreError};

impl Store {
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
