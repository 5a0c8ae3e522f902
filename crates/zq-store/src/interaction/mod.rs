//! Interaction cases in the database: each tenant's mailboxes, the cases the public opens and
//! every step taken on them. Reads are scoped by the owning tenant (or, for the writer, by the
//! hash of the query code); every write takes a `Who`, writes its audit row, its step row and
//! its event in one transaction, and a step on a case applies only to the version it was
//! decided on (two handlers replying at once: one wins, the other gets a conflict).
//!
//! Personal details arrive sealed (`NewCase::personal`, encrypted by the services with the
//! cluster's key); this crate stores and returns the sealed text and never sees them in clear.

mod cases;
pub(crate) use cases::actor_label;
mod figures;
mod files;
mod import;
mod mailboxes;
mod retention;
mod rules;
mod steps;
mod templates;

use chrono::{DateTime, NaiveDate, Utc};
use zq_domain::TenantId;
use zq_domain::interaction::{CaseClock, CaseEvent, CaseKind, CaseState, DisclosureAnswer};

pub use cases::CaseFilter;
pub use figures::{CaseFigure, Reminder};
pub use import::{HistoricCase, HistoricStep};
pub use retention::PERSONAL_ERASED;
pub use steps::StepRow;
pub use templates::{NewReplyTemplate, ReplyTemplate};

/// A mailbox of a tenant (领导信箱, 部门信箱).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub id: i64,
    pub tenant_id: TenantId,
    /// Its address on the site: `/hudong/xinxiang/{slug}/`.
    pub slug: String,
    /// 区长信箱, 教育局局长信箱…
    pub name: String,
    pub description: Option<String>,
    pub sort_order: i32,
    pub active: bool,
    /// Where its case notifications go (an office's shared inbox), if anywhere.
    pub notify_email: Option<String>,
}

/// What a new mailbox needs.
#[derive(Debug, Clone)]
pub struct NewMailbox {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub sort_order: i32,
    /// Checked by the services (an email address) before it arrives here.
    pub notify_email: Option<String>,
}

/// A case as the owning unit sees it (personal details still sealed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: i64,
    /// The unit that owns it now.
    pub tenant_id: TenantId,
    /// The site it was written to.
    pub origin_tenant_id: TenantId,
    pub kind: CaseKind,
    pub mailbox_id: Option<i64>,
    pub state: CaseState,
    pub subject: String,
    pub content: String,
    /// Letter kind, error kind (as stored names), or none.
    pub category: Option<String>,
    /// The page a site-error report is about.
    pub page_url: Option<String>,
    /// Kind-specific details as JSON (a disclosure request's description, purpose, delivery).
    pub details: Option<String>,
    /// The writer's details, sealed (bound to `submit_key`).
    pub personal: String,
    /// The hash identifying the form submission that opened the case.
    pub submit_key: String,
    /// The writer allows the letter and its reply in the public registry.
    pub publish_allowed: bool,
    pub submitted_at: DateTime<Utc>,
    pub clock: CaseClock,
    pub extended: bool,
    /// When the answer is due (none while paused or once answered).
    pub due_on: Option<NaiveDate>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub reply_draft: Option<String>,
    pub reply: Option<String>,
    /// The unit that answered, by name, as the registry shows it.
    pub reply_unit: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub answer: Option<DisclosureAnswer>,
    /// 1 (very dissatisfied) – 5 (very satisfied).
    pub rating: Option<i16>,
    pub rating_comment: Option<String>,
    /// Increases with every step; a step names the version it was decided on.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// The due date the handlers were last reminded of (due tomorrow).
    pub due_soon_noticed_for: Option<NaiveDate>,
    /// The due date last reported as missed.
    pub overdue_noticed_for: Option<NaiveDate>,
}

/// A new case from a public form.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The unit that owns it (for a site-error report: the site whose page it is).
    pub tenant_id: TenantId,
    /// The site whose form it came through (where the writer follows it).
    pub origin_tenant_id: TenantId,
    pub kind: CaseKind,
    pub mailbox_id: Option<i64>,
    pub subject: String,
    pub content: String,
    pub category: Option<String>,
    pub page_url: Option<String>,
    pub details: Option<String>,
    pub personal: String,
    pub publish_allowed: bool,
    /// SHA-256 (hex) of the query code given to the writer.
    pub query_code_hash: String,
    /// Unique per form submission (the form token's hash): sending the same form twice opens
    /// one case.
    pub submit_key: String,
    pub clock: CaseClock,
    /// The due date on the day it arrived.
    pub due_on: NaiveDate,
    /// The files the writer attached, sealed by the services.
    pub files: Vec<NewCaseFile>,
}

/// A file a writer attached, as the services sealed it.
#[derive(Debug, Clone)]
pub struct NewCaseFile {
    pub file_name: String,
    pub content_type: String,
    /// Size of the file itself (not of the sealed bytes).
    pub size: i64,
    pub sealed: Vec<u8>,
}

/// A file attached to a case (its bytes stay sealed in the database until downloaded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    pub id: i64,
    pub case_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

/// One step in a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStep {
    pub id: i64,
    /// The event's name (`accept`, `transfer`, …) or `submit`, `reveal`, `rate`.
    pub step: String,
    /// Login of the person, or `公众` / `系统`.
    pub actor: String,
    pub note: Option<String>,
    pub to_tenant: Option<TenantId>,
    pub at: DateTime<Utc>,
}

/// A step decided by staff or the writer, with what it writes besides the state.
#[derive(Debug, Clone)]
pub struct CaseChange {
    pub event: CaseEvent,
    /// The version the step was decided on; a newer one is a conflict.
    pub version: Option<i32>,
    /// The clock after the step (computed by the services with the calendar).
    pub clock: CaseClock,
    pub due_on: Option<NaiveDate>,
    /// For a transfer: the receiving unit.
    pub transfer_to: Option<TenantId>,
    /// For a drafted reply: its text; for an approved one, the unit's name.
    pub reply_draft: Option<String>,
    pub reply_unit: Option<String>,
    pub answer: Option<DisclosureAnswer>,
    /// The note kept in the history (reason, comment, what to correct).
    pub note: Option<String>,
}
