//! What can go wrong in storage, and whose fault it is.

use sea_orm::{DbErr, SqlErr};
use zq_domain::ParseError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or gave no connection in time (upstream's fault).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The requested object does not exist in the tenant (client's fault).
    #[error("{0} not found")]
    NotFound(String),
    /// The write conflicts with existing data, e.g. a taken code or host (client's fault).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A value failed domain validation (client's fault).
    #[error(transparent)]
    Invalid(#[from] ParseError),
    /// The operation is not allowed in the object's current state (client's fault).
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// A stored value does not parse: the database holds something the code never writes (ours).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Any other database error (ours or upstream's).
    #[error("database error: {0}")]
    Db(DbErr),
}

impl StoreError {
    pub(crate) fn from_connect(e: DbErr) -> Self {
        StoreError::Unavailable(e.to_string())
    }

    /// Whether the fault lies with the database being unreachable.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(msg)) = e.sql_err() {
            return StoreError::Conflict(msg);
        }
        match e {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => StoreError::Unavailable(e.to_string()),
            DbErr::Exec(ref r) | DbErr::Query(ref r) if is_connection_fault(r) => {
                StoreError::Unavailable(e.to_string())
            }
            e => StoreError::Db(e),
        }
    }
}

/// Converts a database error, describing a unique-constraint violation in the caller's words.
pub(crate) fn conflict_as(e: DbErr, message: impl FnOnce() -> String) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(message()),
        other => other,
    }
}

/// Parses a stored enum value, reporting corruption rather than panicking.
pub(crate) fn parse_stored<T: std::str::FromStr<Err = ParseError>>(
    s: &str,
) -> Result<T, StoreError> {
    s.parse::<T>()
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Whether a query failed because the connection broke (server gone, network cut) rather than
/// because of the query itself.
fn is_connection_fault(r: &sea_orm::RuntimeErr) -> bool {
    use sea_orm::sqlx::Error as X;
    match r {
        sea_orm::RuntimeErr::SqlxError(e) => matches!(
            e.as_ref(),
            X::Io(_)
                | X::Tls(_)
                | X::Protocol(_)
                | X::PoolTimedOut
                | X::PoolClosed
                | X::WorkerCrashed
        ),
        _ => false,
    }
}
