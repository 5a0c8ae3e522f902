//! An account's second sign-in factor: its TOTP secret (unconfirmed while being enrolled),
//! the last time step a code was accepted for, and its recovery codes as SHA-256 hashes.
//! Accepting a code or a recovery code is one conditional update, so two nodes given the same
//! code at once accept it once. Enrolment and reset are audited in their own transaction.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use zq_domain::UserId;

use crate::entity::{recovery_code, user_totp};
use crate::{Store, StoreError, Who};

/// An account's TOTP record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totp {
    /// The shared secret, base32 (RFC 4648, no padding).
    pub secret: String,
    /// Whether enrolment was confirmed with a code (only then is it asked at sign-in).
    pub confirmed: bool,
    /// The newest time step a code was accepted for.
    pub last_step: i64,
}

impl Store {
    /// The account's TOTP record, if any.
    pub async fn totp(&self, user: UserId) -> Result<Option<Totp>, StoreError> {
        Ok(user_totp::Entity::find_by_id(user.0)
            .one(&self.db)
            .await?
            .map(|r| Totp {
                secret: r.secret,
                confirmed: r.confirmed_at.is_some(),
                last_step: r.last_step,
            }))
    }

    /// Starts (or restarts) enrolment with a fresh secret; refused while a confirmed factor
    /// exists (it must be reset first).
    pub async fn begin_totp(&self, user: UserId, secret: &str) -> Result<(), StoreError> {
        let existing = user_totp::Entity::find_by_id(user.0).one(&self.db).await?;
        let row = user_totp::ActiveModel {
            user_id: Set(user.0),
            secret: Set(secret.to_owned()),
            confirmed_at: Set(None),
            last_step: Set(0),
            created_at: Set(self.now()),
        };
        match existing {
            Some(r) if r.confirmed_at.is_some() => {
                return Err(StoreError::Conflict(
                    "second factor already enrolled".into(),
                ));
            }
            Some(_) => row.update(&self.db).await?,
            None => row.insert(&self.db).await?,
        };
        Ok(())
    }

    /// Confirms enrolment (a code for `step` was typed) and replaces the recovery codes,
    /// audited as `mfa.enrol` on `object`; `false` if there was no unconfirmed secret.
    pub async fn confirm_totp(
        &self,
        user: UserId,
        step: i64,
        code_hashes: &[String],
        object: String,
        who: &Who,
    ) -> Result<bool, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let done = user_totp::Entity::update_many()
            .col_expr(user_totp::Column::ConfirmedAt, Expr::value(self.now()))
            .col_expr(user_totp::Column::LastStep, Expr::value(step))
            .filter(user_totp::Column::UserId.eq(user.0))
            .filter(user_totp::Column::ConfirmedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
        if done == 0 {
            return Ok(false);
        }
        recovery_code::Entity::delete_many()
            .filter(recovery_code::Column::UserId.eq(user.0))
            .exec(&txn)
            .await?;
        for hash in code_hashes {
            recovery_code::ActiveModel {
                user_id: Set(user.0),
                code_hash: Set(hash.clone()),
                used_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        crate::audit::audit_in(&txn, who.entry(None, object, "mfa.enrol"), self.now()).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Accepts a code for `step` if no code for it or a later step was accepted before.
    pub async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError> {
        let n = user_totp::Entity::update_many()
            .col_expr(user_totp::Column::LastStep, Expr::value(step))
            .filter(user_totp::Column::UserId.eq(user.0))
            .filter(user_totp::Column::ConfirmedAt.is_not_null())
            .filter(user_totp::Column::LastStep.lt(step))
            .exec(&self.db)
            .await?
            .rows_affected;
        Ok(n == 1)
    }

    /// Uses up the recovery code with this hash, if the account has it unused.
    pub async fn use_recovery_code(&self, user: UserId, hash: &str) -> Result<bool, StoreError> {
        let n = recovery_code::Entity::update_many()
            .col_expr(recovery_code::Column::UsedAt, Expr::value(self.now()))
            .filter(recovery_code::Column::UserId.eq(user.0))
            .filter(recovery_code::Column::CodeHash.eq(hash))
            .filter(recovery_code::Column::UsedAt.is_null())
            .exec(&self.db)
            .await?
            .rows_affected;
        Ok(n >= 1)
    }

    /// Unused recovery codes left.
    pub async fn recovery_codes_left(&self, user: UserId) -> Result<u64, StoreError> {
        Ok(recovery_code::Entity::find()
            .filter(recovery_code::Column::UserId.eq(user.0))
            .filter(recovery_code::Column::UsedAt.is_null())
            .count(&self.db)
            .await?)
    }

    /// Removes the account's second factor and recovery codes (a lost phone), audited as
    /// `mfa.reset` on `object`; `false` if it had none.
    pub async fn reset_totp(
        &self,
        user: UserId,
        object: String,
        who: &Who,
    ) -> Result<bool, StoreError> {
        let (_guard, txn) = self.begin_audited().await?;
        let gone = user_totp::Entity::delete_by_id(user.0)
            .exec(&txn)
            .await?
            .rows_affected;
        recovery_code::Entity::delete_many()
            .filter(recovery_code::Column::UserId.eq(user.0))
            .exec(&txn)
            .await?;
        if gone == 0 {
            return Ok(false);
        }
        crate::audit::audit_in(&txn, who.entry(None, object, "mfa.reset"), self.now()).await?;
        txn.commit().await?;
        Ok(true)
    }
}
