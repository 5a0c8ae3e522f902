//! The cluster's secrets: random keys made once and shared by every node through the
//! database (e.g. the key that signs public form tokens, so a form served by one node can be
//! posted to another). Never logged, never shown.

use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, Set};

use crate::entity::secret;
use crate::sessions::random_token;
use crate::{Store, StoreError};

impl Store {
    /// The secret named `name` (64 hex characters), made on first use.
    pub async fn cluster_secret(&self, name: &str) -> Result<String, StoreError> {
        if let Some(s) = secret::Entity::find_by_id(name.to_owned())
            .one(&self.db)
            .await?
        {
            return Ok(s.value);
        }
        // Two nodes may race to make it: the first insert wins, both read the winner's.
        secret::Entity::insert(secret::ActiveModel {
            name: Set(name.to_owned()),
            value: Set(random_token()?),
            created_at: Set(self.now()),
        })
        .on_conflict(
            OnConflict::column(secret::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .try_insert()
        .exec_without_returning(&self.db)
        .await?;
        secret::Entity::find_by_id(name.to_owned())
            .one(&self.db)
            .await?
            .map(|s| s.value)
            .ok_or_else(|| StoreError::Corrupt(format!("secret {name} vanished")))
    }
}
