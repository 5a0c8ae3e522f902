//! Survey responses: one per voter (a hash of the browser's voter cookie, unique per survey)
//! and at most a few per address (a hash of it), taken in one transaction with their audit
//! row so that none is lost and none is counted twice.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use zq_domain::TenantId;

use super::{Consultation, NewResponse, SurveyResponse};
use crate::audit::audit_in;
use crate::entity::consult_response;
use crate::{Store, StoreError, Who};

/// The refusal of a second response from the same browser.
pub const ALREADY_RESPONDED: &str = "您已参与过本次调查，感谢您的参与";

impl Store {
    /// Takes a response to survey `c`. A second one from the same voter, or one more than
    /// `per_client` from the same address, is a conflict.
    pub async fn add_response(
        &self,
        c: &Consultation,
        new: NewResponse,
        who: &Who,
    ) -> Result<SurveyResponse, StoreError> {
        let answers =
            serde_json::to_string(&new.answers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (_guard, txn) = self.begin_audited().await?;
        let now = self.now();
        let same = |col: consult_response::Column, v: &str| {
            consult_response::Entity::find()
                .filter(consult_response::Column::ConsultationId.eq(c.id))
                .filter(col.eq(v.to_owned()))
        };
        if same(consult_response::Column::VoterKey, &new.voter_key)
            .count(&txn)
            .await?
            > 0
        {
            return Err(StoreError::Conflict(ALREADY_RESPONDED.into()));
        }
        if same(consult_response::Column::ClientKey, &new.client_key)
            .count(&txn)
            .await?
            >= new.per_client
        {
            return Err(StoreError::Conflict(
                "本网络已提交较多答卷，暂不再接收，感谢您的参与".into(),
            ));
        }
        let row = consult_response::ActiveModel {
            consultation_id: Set(c.id),
            tenant_id: Set(c.tenant_id.0),
            voter_key: Set(new.voter_key),
            client_key: Set(new.client_key),
            answers: Set(answers),
            submitted_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| crate::error::conflict_as(e, || ALREADY_RESPONDED.into()))?;
        audit_in(
            &txn,
            who.entry(
                Some(c.tenant_id),
                format!("consult_response:{}", row.id),
                "consult_response.submit",
            ),
            now,
        )
        .await?;
        let event = super::changed(
            &txn,
            now,
            c.tenant_id,
            format!("consultation:{}", c.id),
            false,
        )
        .await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(SurveyResponse {
            id: row.id,
            answers: new.answers,
            submitted_at: row.submitted_at,
        })
    }

    /// Whether the voter `voter_key` has answered survey `id` of `tenant`.
    pub async fn has_responded(
        &self,
        tenant: TenantId,
        id: i64,
        voter_key: &str,
    ) -> Result<bool, StoreError> {
        Ok(consult_response::Entity::find()
            .filter(consult_response::Column::TenantId.eq(tenant.0))
            .filter(consult_response::Column::ConsultationId.eq(id))
            .filter(consult_response::Column::VoterKey.eq(voter_key.to_owned()))
            .count(&self.db)
            .await?
            > 0)
    }

    /// Every response to survey `id` of `tenant`, oldest first.
    pub async fn responses(
        &self,
        tenant: TenantId,
        id: i64,
    ) -> Result<Vec<SurveyResponse>, StoreError> {
        consult_response::Entity::find()
            .filter(consult_response::Column::TenantId.eq(tenant.0))
            .filter(consult_response::Column::ConsultationId.eq(id))
            .order_by_asc(consult_response::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| {
                Ok(SurveyResponse {
                    id: r.id,
                    answers: serde_json::from_str(&r.answers)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    submitted_at: r.submitted_at,
                })
            })
            .collect()
    }
}
