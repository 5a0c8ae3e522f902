//! Public participation in the database: each tenant's consultations (solicitations, surveys,
//! interviews), the public's entries on them (comments, interview questions) and survey
//! responses. Reads are scoped by tenant; every write takes a `Who` and writes its audit row
//! and its event in one transaction; changes the public pages show bump the tenant's cache
//! generation. Nothing here holds personal details: entries carry a nickname the writer
//! chose, responses a hash of the browser's voter cookie and of its address.

mod consultations;
mod entries;
mod phases;
mod responses;

pub use responses::ALREADY_RESPONDED;

use chrono::{DateTime, Utc};
use zq_domain::TenantId;
use zq_domain::consult::{Answer, ConsultKind, EntryState, Phase, Question};

pub use consultations::ConsultChange;

use sea_orm::DatabaseTransaction;
use zq_domain::event::EventKind;

use crate::changes::bump;
use crate::events::{Event, record_in};
use crate::{ChangeEvent, StoreError};

/// The event of a change to consultation `object` of `tenant`, after bumping the site's cache
/// generation when the public sees the change.
pub(super) async fn changed(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
    tenant: TenantId,
    object: String,
    public: bool,
) -> Result<Event, StoreError> {
    let generations = if public {
        bump(txn, &[tenant], false).await?
    } else {
        Vec::new()
    };
    record_in(
        txn,
        now,
        EventKind::ConsultationChanged,
        Some(tenant),
        object,
        ChangeEvent {
            generations,
            sites_changed: false,
        },
    )
    .await
}

/// A consultation as the site keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consultation {
    pub id: i64,
    pub tenant_id: TenantId,
    pub kind: ConsultKind,
    pub title: String,
    pub summary: Option<String>,
    /// Sanitized HTML: the draft document, the survey's introduction, the interview's topic.
    pub body: String,
    /// An interview's guests, one per line (name and post).
    pub guests: Option<String>,
    /// A survey's questions (empty for the other kinds).
    pub questions: Vec<Question>,
    /// When contributions open (an interview: when it starts).
    pub opens_at: DateTime<Utc>,
    /// When they close (an interview: when it ends).
    pub closes_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    /// Ended by hand before `closes_at`.
    pub ended_at: Option<DateTime<Utc>>,
    /// 采纳情况 (solicitation), a note on the results (survey), a summary (interview).
    pub outcome: Option<String>,
    pub outcome_at: Option<DateTime<Utc>>,
    /// An interview's transcript, kept as an article of the site.
    pub article_id: Option<i64>,
    /// The site's attachments shown with it, in order (the draft document, its explanation).
    pub attachments: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl Consultation {
    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        Phase::at(
            self.published_at.is_some(),
            self.ended_at.is_some(),
            self.opens_at,
            self.closes_at,
            now,
        )
    }
}

/// What a clerk writes: everything but the moments it was published, ended or answered.
#[derive(Debug, Clone)]
pub struct ConsultText {
    pub kind: ConsultKind,
    pub title: String,
    pub summary: Option<String>,
    /// HTML as typed; sanitized when stored.
    pub body: String,
    pub guests: Option<String>,
    pub questions: Vec<Question>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// Ids of the site's attachments to show with it (checked by the services to be the
    /// site's own).
    pub attachments: Vec<i64>,
}

/// A public entry: a comment on a solicitation or a question to an interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub consultation_id: i64,
    pub tenant_id: TenantId,
    pub state: EntryState,
    /// The name the writer chose to show (网友 when none).
    pub nickname: String,
    pub content: String,
    /// A guest's answer to an interview question.
    pub answer: Option<String>,
    /// The guest who answered.
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Unique per form submission: the same post twice is one entry (also the seed of the
    /// query code an unanswered interview question's case is followed with).
    pub submit_key: String,
    pub submitted_at: DateTime<Utc>,
    pub moderated_at: Option<DateTime<Utc>>,
    /// The case an unanswered interview question became.
    pub case_id: Option<i64>,
}

/// An entry from a public form.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub nickname: String,
    pub content: String,
    pub submit_key: String,
}

/// A moderator's (or a guest's) decision on an entry.
#[derive(Debug, Clone)]
pub struct EntryDecision {
    pub to: EntryState,
    /// For `Answered`: the answer and who gave it.
    pub answer: Option<(String, String)>,
}

/// A survey response, anonymous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyResponse {
    pub id: i64,
    pub answers: Vec<Answer>,
    pub submitted_at: DateTime<Utc>,
}

/// A response as the form gives it, with what identifies its sender.
#[derive(Debug, Clone)]
pub struct NewResponse {
    /// Hash of the browser's voter cookie and the survey: one response each.
    pub voter_key: String,
    /// Hash of the sender's address: at most `per_client` responses each.
    pub client_key: String,
    pub per_client: u64,
    pub answers: Vec<Answer>,
}

/// Counts shown beside a consultation in lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsultCounts {
    pub responses: u64,
    pub pending: u64,
    pub public: u64,
}
