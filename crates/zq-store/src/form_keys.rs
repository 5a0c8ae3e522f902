//! One-time keys of the console's creating forms: the first submit with a key claims it, and
//! records where it led once it is done; a repeated submit with the same key (a double click,
//! a resend after a slow answer, the back button) finds the claim and is sent to that outcome
//! instead of creating the thing twice. A claim whose submit failed is released, so the
//! corrected form can be sent again. This is bookkeeping beside the audited write it guards
//! (like a session), not a change of content: it writes no audit row. Keys older than a day
//! are dropped when their owner claims the next one.

use chrono::Duration;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, TryInsertResult};
use zq_domain::UserId;

use crate::entity::form_key;
use crate::{Store, StoreError};

/// How long a key is remembered.
const KEEP_HOURS: i64 = 24;

/// What claiming a form key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormClaim {
    /// This submit is the first: go on, then settle or release the key.
    First,
    /// An earlier submit with this key led here.
    Done(String),
    /// An earlier submit with this key is still running.
    Running,
}

impl Store {
    /// Claims `key` for `user`'s submit.
    pub async fn claim_form_key(&self, user: UserId, key: &str) -> Result<FormClaim, StoreError> {
        let now = self.now();
        form_key::Entity::delete_many()
            .filter(form_key::Column::UserId.eq(user.0))
            .filter(form_key::Column::CreatedAt.lt(now - Duration::hours(KEEP_HOURS)))
            .exec(&self.db)
            .await?;
        let inserted = form_key::Entity::insert(form_key::ActiveModel {
            user_id: Set(user.0),
            key: Set(key.to_owned()),
            outcome: Set(None),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([form_key::Column::UserId, form_key::Column::Key])
                .do_nothing()
                .to_owned(),
        )
        .try_insert()
        .exec_without_returning(&self.db)
        .await?;
        if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
            return Ok(FormClaim::First);
        }
        let row = form_key::Entity::find_by_id((user.0, key.to_owned()))
            .one(&self.db)
            .await?;
        Ok(match row.and_then(|r| r.outcome) {
            Some(url) => FormClaim::Done(url),
            None => FormClaim::Running,
        })
    }

    /// Records where the first submit with `key` led.
    pub async fn settle_form_key(
        &self,
        user: UserId,
        key: &str,
        outcome: &str,
    ) -> Result<(), StoreError> {
        form_key::Entity::update_many()
            .col_expr(form_key::Column::Outcome, Expr::value(outcome))
            .filter(form_key::Column::UserId.eq(user.0))
            .filter(form_key::Column::Key.eq(key))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Forgets a claim whose submit failed, so the form can be sent again with the same key.
    pub async fn release_form_key(&self, user: UserId, key: &str) -> Result<(), StoreError> {
        form_key::Entity::delete_many()
            .filter(form_key::Column::UserId.eq(user.0))
            .filter(form_key::Column::Key.eq(key))
            .filter(form_key::Column::Outcome.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
