//! Automatic 索引号: the next number of a tenant's per-year counter, taken inside the
//! publishing transaction (an upsert that increments and returns, atomic on both databases),
//! so numbers are unique per tenant and year and never reused. Until the disclosure
//! catalogue's scheme (issue 18) the format is `{CODE}-{year}-{nnnnn}` (`zq_domain::article::
//! index_number`).

use chrono::{DateTime, Datelike, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, Statement};
use zq_domain::TenantId;

use crate::StoreError;
use crate::entity::tenant;

/// The next index number of `tenant` for the year of `at` (Beijing time).
pub(crate) async fn next_index_number(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    at: DateTime<Utc>,
) -> Result<String, StoreError> {
    let code = tenant::Entity::find_by_id(tenant.0)
        .one(txn)
        .await?
        .map(|t| t.code)
        .ok_or_else(|| StoreError::NotFound(format!("tenant {tenant}")))?;
    let year = at.with_timezone(&zq_domain::time::beijing()).year();
    let backend = txn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO index_sequences (tenant_id, year, last_value) VALUES ($1, $2, 1) \
             ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = index_sequences.last_value + 1 \
             RETURNING last_value"
        }
        _ => {
            "INSERT INTO index_sequences (tenant_id, year, last_value) VALUES (?, ?, 1) \
             ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = index_sequences.last_value + 1 \
             RETURNING last_value"
        }
    };
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [tenant.0.into(), year.into()],
        ))
        .await?
        .ok_or_else(|| StoreError::Corrupt("index_sequences returned nothing".into()))?;
    let n: i64 = row.try_get("", "last_value")?;
    Ok(zq_domain::article::index_number(&code, year, n))
}
