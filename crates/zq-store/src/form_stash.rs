//! Forms sent after their session ended: the console keeps their text fields (never files,
//! never a password form's) under a random token for a day. The account that signs in next in
//! that browser claims the token, and only that account reads the fields back, on the page the
//! form came from. Like a session, this is bookkeeping, not content: no audit row. Entries
//! older than a day are dropped whenever a new one is kept.

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use zq_domain::UserId;

use crate::entity::form_stash;
use crate::{Store, StoreError, random_token};

/// How long a kept form waits for its writer.
const KEEP_HOURS: i64 = 24;

impl Store {
    /// Keeps a form's fields (JSON) sent from `page`; returns the token.
    pub async fn stash_form(&self, page: &str, fields: &str) -> Result<String, StoreError> {
        let now = self.now();
        form_stash::Entity::delete_many()
            .filter(form_stash::Column::CreatedAt.lt(now - Duration::hours(KEEP_HOURS)))
            .exec(&self.db)
            .await?;
        let token = random_token()?;
        form_stash::ActiveModel {
            token: Set(token.clone()),
            user_id: Set(None),
            page: Set(page.to_owned()),
            fields: Set(fields.to_owned()),
            created_at: Set(now),
        }
        .insert(&self.db)
        .await?;
        Ok(token)
    }

    /// Gives a kept form to `user`, who just signed in; returns its page (`None`: no such
    /// form, too old, or already someone else's).
    pub async fn claim_stash(
        &self,
        token: &str,
        user: UserId,
    ) -> Result<Option<String>, StoreError> {
        let since = self.now() - Duration::hours(KEEP_HOURS);
        form_stash::Entity::update_many()
            .col_expr(form_stash::Column::UserId, Expr::value(user.0))
            .filter(form_stash::Column::Token.eq(token))
            .filter(form_stash::Column::UserId.is_null())
            .exec(&self.db)
            .await?;
        Ok(form_stash::Entity::find_by_id(token.to_owned())
            .filter(form_stash::Column::UserId.eq(user.0))
            .filter(form_stash::Column::CreatedAt.gte(since))
            .one(&self.db)
            .await?
            .map(|r| r.page))
    }

    /// The fields of a kept form, for the account that claimed it.
    pub async fn stashed_fields(
        &self,
        token: &str,
        user: UserId,
    ) -> Result<Option<String>, StoreError> {
        let since = self.now() - Duration::hours(KEEP_HOURS);
        Ok(form_stash::Entity::find_by_id(token.to_owned())
            .filter(form_stash::Column::UserId.eq(user.0))
            .filter(form_stash::Column::CreatedAt.gte(since))
            .one(&self.db)
            .await?
            .map(|r| r.fields))
    }
}
