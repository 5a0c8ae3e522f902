//! Importing past cases (the demo's year of interaction): the office (or the system) hands
//! over cases as they stand, with the writers' details in clear; they are sealed here with the
//! cluster's key like any new case, each gets a query code's hash from its own submission key,
//! and the store writes them all in one audited transaction.

use zq_domain::access::{Action, allowed};
use zq_domain::interaction::personal::Personal;
use zq_store::{HistoricCase, Who};

use super::public::{code_hash, query_code};
use super::sealer;
use crate::{Caller, Result, ServiceError, Services};

/// A past case with its writer's details in clear (sealed on import).
#[derive(Debug, Clone)]
pub struct PastCase {
    /// `personal` and `query_code_hash` of `case.new` are filled in here; `submit_key` must
    /// be unique (the demo uses `demo-case-{n}`).
    pub case: HistoricCase,
    pub personal: Personal,
}

/// Imports `cases` (oldest first); how many were stored.
pub async fn import_history(
    svc: &Services,
    caller: &Caller,
    cases: Vec<PastCase>,
) -> Result<usize> {
    if !allowed(
        &caller.grants,
        Action::ManageTenants,
        None,
        Default::default(),
    ) {
        return Err(ServiceError::forbidden(Action::ManageTenants));
    }
    let sealer = sealer(svc).await?;
    let mut out = Vec::with_capacity(cases.len());
    for PastCase { mut case, personal } in cases {
        let key = zq_store::content_hash(format!("submit:{}", case.new.submit_key).as_bytes());
        let code = query_code(svc, &key).await?;
        case.new.personal = sealer.seal(&personal, &key)?;
        case.new.query_code_hash = code_hash(&code);
        case.new.submit_key = key;
        out.push(case);
    }
    let who: Who = caller.who();
    Ok(svc.store().import_cases(out, &who).await?)
}
