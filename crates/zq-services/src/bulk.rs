//! Bulk actions of the article lists (批量送审、审核通过、撤回、移动): one step applied to
//! the articles a clerk ticked. Each article goes through the same audited write as when it is
//! handled alone (its own transaction, its own audit row, the workflow's and the lexicon's
//! rules), so one refusal does not hold back the others; the outcome says, per article, what
//! was done and why the rest was not.

use zq_domain::ColumnId;
use zq_domain::access::Action;
use zq_domain::workflow::move_needs;
use zq_store::Tenant;

use crate::articles::{Step, step};
use crate::{Caller, Fault, Result, ServiceError, Services, site};

/// The most articles one bulk action takes (a list page shows 30).
pub const MAX_BULK: usize = 200;

/// What to do with every ticked article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    Submit,
    Approve,
    Withdraw,
    /// Into this column of the same site.
    Move(ColumnId),
}

impl BulkAction {
    /// The action as the console's form names it (`submit`, `approve`, `withdraw`, `move`).
    pub fn parse(name: &str, column: Option<i64>) -> Result<BulkAction> {
        Ok(match name {
            "submit" => BulkAction::Submit,
            "approve" => BulkAction::Approve,
            "withdraw" => BulkAction::Withdraw,
            "move" => BulkAction::Move(ColumnId(
                column.ok_or_else(|| ServiceError::Invalid("请选择要移到的栏目".into()))?,
            )),
            "" => return Err(ServiceError::Invalid("请选择要做的操作".into())),
            _ => return Err(ServiceError::Invalid(format!("没有「{name}」这种批量操作"))),
        })
    }

    /// What was done, in the words of the outcome's message.
    pub fn done_label(self) -> &'static str {
        match self {
            BulkAction::Submit => "送审",
            BulkAction::Approve => "审核通过",
            BulkAction::Withdraw => "撤回",
            BulkAction::Move(_) => "移动",
        }
    }
}

/// One ticked article that was not handled, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRefusal {
    pub id: i64,
    pub title: String,
    pub why: String,
}

/// What a bulk action did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    /// Ids of the articles handled.
    pub done: Vec<i64>,
    pub refused: Vec<BulkRefusal>,
}

/// Applies `action` to the articles `ids` of site `code`, each on its own.
pub async fn bulk(
    svc: &Services,
    caller: &Caller,
    code: &str,
    action: BulkAction,
    ids: &[i64],
) -> Result<(Tenant, BulkOutcome)> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(ServiceError::Invalid("请先勾选要处理的信息".into()));
    }
    if ids.len() > MAX_BULK {
        return Err(ServiceError::Invalid(format!(
            "一次最多处理 {MAX_BULK} 条信息"
        )));
    }
    let t = site(svc, caller, code, Action::Read).await?;
    let mut out = BulkOutcome::default();
    for id in ids {
        let article = match svc
            .store()
            .editorial_article(t.id, zq_domain::ArticleId(id))
            .await
        {
            Ok(a) => a,
            Err(e) => {
                let why = ServiceError::from(e).to_string();
                out.refused.push(BulkRefusal {
                    id,
                    title: format!("编号 {id}"),
                    why,
                });
                continue;
            }
        };
        match one(svc, caller, code, &t, action, &article).await {
            Ok(()) => out.done.push(id),
            Err(e) => {
                if matches!(e.fault(), Fault::Internal | Fault::Upstream) {
                    tracing::error!(error = ?e, id, "bulk action on an article failed");
                }
                out.refused.push(BulkRefusal {
                    id,
                    title: article.text.title,
                    why: e.to_string(),
                });
            }
        }
    }
    Ok((t, out))
}

async fn one(
    svc: &Services,
    caller: &Caller,
    code: &str,
    t: &Tenant,
    action: BulkAction,
    a: &zq_store::EditorialArticle,
) -> Result<()> {
    let s = match action {
        BulkAction::Submit => Step::Submit,
        BulkAction::Approve => Step::Approve {
            publish_at: None,
            reason: None,
        },
        BulkAction::Withdraw => Step::Withdraw,
        BulkAction::Move(to) => {
            let needs = move_needs(a.state);
            if !needs.iter().any(|n| caller.can(*n, t)) {
                return Err(ServiceError::forbidden(needs[0]));
            }
            svc.store()
                .move_article(t.id, a.id, to, &caller.who())
                .await?;
            return Ok(());
        }
    };
    step(svc, caller, code, a.id.0, s).await.map(|_| ())
}
