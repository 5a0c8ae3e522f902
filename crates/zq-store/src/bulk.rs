//! Moving an article to another column of its site: the one write of the lists' bulk actions
//! that the workflow does not already have. It keeps the article's state (a published one
//! stays online, now under the new column), records the move as a new version so the history
//! shows it, carries an open correction along, and invalidates the public pages of both
//! columns, in one audited transaction.

use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use zq_domain::event::EventKind;
use zq_domain::{ArticleId, ColumnId, TenantId};

use crate::articles::bump_if_public;
use crate::audit::audit_in;
use crate::editorial::{
    EditorialError, article_written, check_column, fingerprint, insert_version, is_news_column,
    load_for_update, to_editorial,
};
use crate::entity::{article_revision, site_column};
use crate::{EditorialArticle, Store, Who};

impl Store {
    /// Moves an article of the tenant into column `to` (one of the tenant's columns that takes
    /// articles). Moving it where it already is changes nothing and writes nothing.
    pub async fn move_article(
        &self,
        tenant: TenantId,
        id: ArticleId,
        to: ColumnId,
        who: &Who,
    ) -> Result<EditorialArticle, EditorialError> {
        let (_guard, txn) = self.begin_audited().await?;
        let row = load_for_update(&txn, tenant, id).await?;
        let before = to_editorial(row.clone())?;
        if row.column_id == to.0 {
            return Ok(before);
        }
        let to_news = check_column(&txn, tenant, to).await?;
        let from_news = is_news_column(&txn, row.column_id).await?;
        let name = |c: Option<site_column::Model>| c.map(|c| c.name).unwrap_or_default();
        let from_name = name(
            site_column::Entity::find_by_id(row.column_id)
                .one(&txn)
                .await?,
        );
        let to_name = name(site_column::Entity::find_by_id(to.0).one(&txn).await?);
        let now = self.now();
        let mut active: crate::entity::article::ActiveModel = row.clone().into();
        active.column_id = Set(to.0);
        active.version = Set(row.version + 1);
        active.updated_by = Set(who.user_row_id());
        active.updated_at = Set(now);
        let row = active.update(&txn).await?;
        insert_version(&txn, &row, who.user_row_id()).await?;
        if let Some(rev) = crate::revisions::open_revision(&txn, tenant, id).await? {
            let mut rev: article_revision::ActiveModel = rev.into();
            rev.column_id = Set(to.0);
            rev.update(&txn).await?;
        }
        let after = to_editorial(row)?;
        let mut entry = who
            .entry(Some(tenant), format!("article:{id}"), "article.move")
            .with_note(Some(format!("从「{from_name}」移到「{to_name}」")));
        entry.before_hash = Some(fingerprint(&before));
        entry.after_hash = Some(fingerprint(&after));
        audit_in(&txn, entry, now).await?;
        let generations =
            bump_if_public(&txn, tenant, after.state.is_public(), from_news || to_news).await?;
        let event =
            article_written(&txn, now, EventKind::ArticleUpdated, &after, generations).await?;
        txn.commit().await?;
        self.committed(vec![event]).await;
        Ok(after)
    }
}
