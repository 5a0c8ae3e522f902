//! Correcting a published article through review (修订, issue 16): the console's and the
//! API's one way to change what is online without taking it offline. The writer saves and
//! submits a correction; a reviewer approves it (through the same lexicon gate as a first
//! publication) or returns it; an editor who may publish directly may apply it at once.

use zq_domain::ArticleId;
use zq_domain::revision::{RevisionEvent, RevisionState};
use zq_store::{ArticleRevision, ArticleText, EditorialArticle, RevisionDone, Tenant};

use crate::{Caller, Result, Services, article, site};

/// A step on a correction asked for by a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevisionStep {
    Submit,
    Recall,
    /// `reason` lets the correction through despite the lexicon's hits (audited).
    Approve {
        reason: Option<String>,
    },
    Return {
        comment: String,
    },
    Apply {
        reason: Option<String>,
    },
    Discard,
}

impl RevisionStep {
    /// Parses the step's name as it appears in URLs (`/articles/{id}/revision/{step}`).
    pub fn parse(name: &str, comment: Option<String>) -> Option<RevisionStep> {
        Some(match name {
            "submit" => RevisionStep::Submit,
            "recall" => RevisionStep::Recall,
            "approve" => RevisionStep::Approve { reason: comment },
            "return" => RevisionStep::Return {
                comment: comment.unwrap_or_default(),
            },
            "apply" => RevisionStep::Apply { reason: comment },
            "discard" => RevisionStep::Discard,
            _ => return None,
        })
    }

    fn event(self) -> RevisionEvent {
        match self {
            RevisionStep::Submit => RevisionEvent::Submit,
            RevisionStep::Recall => RevisionEvent::Recall,
            RevisionStep::Approve { .. } => RevisionEvent::Approve,
            RevisionStep::Return { comment } => RevisionEvent::Return { comment },
            RevisionStep::Apply { .. } => RevisionEvent::ApplyDirectly,
            RevisionStep::Discard => RevisionEvent::Discard,
        }
    }
}

/// An article of site `code` with its open correction.
pub async fn revision(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
) -> Result<(Tenant, EditorialArticle, Option<ArticleRevision>)> {
    let (t, a) = article(svc, caller, code, id).await?;
    let r = svc.store().article_revision(t.id, a.id).await?;
    Ok((t, a, r))
}

/// Saves the correction of a published article of site `code`.
pub async fn save_revision(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    text: ArticleText,
    minor: bool,
    expected_revision: Option<i32>,
) -> Result<ArticleRevision> {
    let t = site(svc, caller, code, RevisionEvent::Save.required_action()).await?;
    let text = crate::articles::files_stored(text, code);
    Ok(svc
        .store()
        .save_revision(
            t.id,
            ArticleId(id),
            text,
            minor,
            expected_revision,
            &caller.who(),
        )
        .await?)
}

/// Applies a step to the open correction of an article of site `code`.
pub async fn revision_step(
    svc: &Services,
    caller: &Caller,
    code: &str,
    id: i64,
    step: RevisionStep,
) -> Result<RevisionDone> {
    if let RevisionStep::Approve { reason } | RevisionStep::Apply { reason } = &step {
        let (t, a, r) = revision(svc, caller, code, id).await?;
        if let Some(r) = r {
            let text = (r.text.title.as_str(), r.text.body.as_str());
            crate::inspection::lexicon::gate(
                svc,
                caller,
                t.id,
                id,
                a.version + 1,
                text,
                reason.as_deref(),
            )
            .await?;
        }
    }
    let event = step.event();
    let t = site(svc, caller, code, event.required_action()).await?;
    Ok(svc
        .store()
        .revision_event(t.id, ArticleId(id), &event, &caller.who())
        .await?)
}

/// The corrections of site `code` waiting for review.
pub async fn pending_revisions(
    svc: &Services,
    caller: &Caller,
    code: &str,
) -> Result<(Tenant, Vec<ArticleRevision>)> {
    let t = site(svc, caller, code, zq_domain::access::Action::Read).await?;
    let list = svc
        .store()
        .revisions_in(t.id, RevisionState::PendingReview)
        .await?;
    Ok((t, list))
}

/// What may be done to an article's correction by this caller, for the console's buttons.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct RevisionAllowed {
    /// Open a correction, or change the open one.
    pub save: bool,
    pub submit: bool,
    pub recall: bool,
    pub approve: bool,
    pub ret: bool,
    pub apply: bool,
    pub discard: bool,
}

pub fn revision_allowed(
    caller: &Caller,
    tenant: &Tenant,
    article: zq_domain::workflow::WorkflowState,
    open: Option<RevisionState>,
) -> RevisionAllowed {
    let ok = |event: RevisionEvent| {
        caller.can(event.required_action(), tenant)
            && zq_domain::revision::revise(article, open, &event).is_ok()
    };
    RevisionAllowed {
        save: ok(RevisionEvent::Save),
        submit: ok(RevisionEvent::Submit),
        recall: ok(RevisionEvent::Recall),
        approve: ok(RevisionEvent::Approve),
        ret: ok(RevisionEvent::Return {
            comment: "x".into(),
        }),
        apply: ok(RevisionEvent::ApplyDirectly),
        discard: ok(RevisionEvent::Discard),
    }
}

/// The changes a correction makes to the published text, line by line (`columns`: the
/// site's, to name them).
pub fn revision_diff(
    a: &EditorialArticle,
    r: &ArticleRevision,
    columns: &[zq_store::Column],
) -> Vec<crate::DiffLine> {
    let online = zq_store::ArticleVersion {
        version: a.version,
        text: a.text.clone(),
        state: a.state,
        saved_by: a.updated_by,
        saved_at: a.updated_at,
        corrected: false,
        minor: false,
    };
    let corrected = zq_store::ArticleVersion {
        version: a.version + 1,
        text: r.text.clone(),
        state: a.state,
        saved_by: r.updated_by,
        saved_at: r.updated_at,
        corrected: true,
        minor: r.minor,
    };
    crate::diff_versions(&online, &corrected, columns)
}
