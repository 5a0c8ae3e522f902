//! The operations of Zhanqun: one function per thing a person, a job or an importer can do,
//! used alike by the console and the JSON API (zq-http), the command line and the demo
//! seeder (the binary) and the background jobs. Each takes the [`Caller`], decides
//! permission through `zq_domain::access`, and calls the store, whose writes run in one
//! transaction with their audit row and their event.
//!
//! This crate knows nothing of HTTP (CI checks it reaches neither axum nor hyper): errors say
//! whose fault they are ([`ServiceError::fault`]) and the HTTP layer maps them to statuses;
//! outgoing HTTP is the [`Fetch`] trait, the metrics are the [`Telemetry`] trait.
//!
//! Tenants are named by code in every call. A tenant the caller cannot see at all answers
//! "not found" (its existence is not disclosed); one the caller can see but not change in
//! this way answers "forbidden". Objects are always looked up within the named tenant, so an
//! id of another tenant finds nothing.

pub mod accounts;
pub mod admin;
pub mod articles;
pub mod audit;
pub mod autosave;
pub mod broadcasts;
pub mod bulk;
pub mod calendar;
mod caller;
pub mod consult;
pub mod desk;
mod diff;
mod error;
pub mod events;
pub mod fetch;
pub mod inspection;
pub mod integrity;
pub mod interaction;
pub mod jobs;
pub mod malware;
pub mod operations;
pub mod recycle;
pub mod reporting;
pub mod revisions;
pub mod search;
pub mod second_factor;
pub mod security_mail;
pub mod security_report;
pub mod signin;
pub mod statistics;
pub mod telemetry;
pub mod tls;
pub mod tokens;
pub mod visits;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use zq_store::{Clock, Store};

pub use articles::*;
pub use caller::{Allowed, Caller, allowed_on, policy, site, sites};
pub use diff::{DiffLine, diff_versions};
pub use error::{Fault, Result, ServiceError, action_label};
pub use events::{Events, Subscriber};
pub use fetch::{FeedError, Fetch, NoFetch};
pub use telemetry::{NoTelemetry, Telemetry};
pub use tokens::*;

/// What every operation works with: the store (and through it the one clock), outgoing
/// HTTP, the metrics sink and the event dispatcher. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    store: Store,
    fetch: Arc<dyn Fetch>,
    telemetry: Arc<dyn Telemetry>,
    events: Events,
    interaction: Arc<interaction::InteractionSettings>,
    lexicon: Arc<inspection::lexicon::LexiconCache>,
    visits: Arc<visits::Tally>,
    second_factor_roles: Arc<zq_domain::second_factor::RequiredRoles>,
    password_max_age_days: u32,
    recycle_keep_days: u32,
    clamd: Option<Arc<malware::Clamd>>,
    search: Option<Arc<search::SearchHandle>>,
}

impl Services {
    /// Services over `store`, without outgoing HTTP or metrics (add them with
    /// [`Services::with_fetch`] and [`Services::with_telemetry`]). Registers the event
    /// dispatcher as the store's event hook.
    pub fn new(store: Store) -> Services {
        let events = Events::default();
        let dispatcher = events.clone();
        store.set_event_hook(Arc::new(move |batch| {
            let d = dispatcher.clone();
            Box::pin(async move { d.dispatch(batch).await })
        }));
        Services {
            store,
            fetch: Arc::new(NoFetch),
            telemetry: Arc::new(NoTelemetry),
            events,
            interaction: Arc::default(),
            lexicon: Arc::default(),
            visits: Arc::default(),
            second_factor_roles: Arc::default(),
            password_max_age_days: 0,
            recycle_keep_days: zq_domain::recycle::DEFAULT_KEEP_DAYS,
            clamd: None,
            search: None,
        }
    }

    /// The same services requiring a second sign-in factor of these roles
    /// (`security.second_factor_roles`; by default nobody's).
    pub fn with_second_factor_roles(
        mut self,
        roles: zq_domain::second_factor::RequiredRoles,
    ) -> Services {
        self.second_factor_roles = Arc::new(roles);
        self
    }

    /// The same services making passwords older than `days` be changed at sign-in
    /// (`security.password_max_age_days`; 0, the default: never).
    pub fn with_password_max_age(mut self, days: u32) -> Services {
        self.password_max_age_days = days;
        self
    }

    /// The same services scanning every upload with this clamd (`security.clamd`).
    pub fn with_clamd(mut self, clamd: malware::Clamd) -> Services {
        self.clamd = Some(Arc::new(clamd));
        self
    }

    /// The same services answering questions from this node's search index.
    pub fn with_search(mut self, handle: Arc<search::SearchHandle>) -> Services {
        self.search = Some(handle);
        self
    }

    /// This node's search index, when search is on.
    pub fn search(&self) -> Option<&Arc<search::SearchHandle>> {
        self.search.as_ref()
    }

    /// The clamd uploads are scanned with, when the cluster has one.
    pub fn clamd(&self) -> Option<&malware::Clamd> {
        self.clamd.as_deref()
    }

    /// The same services keeping deleted things `days` in the 回收站 (`jobs.recycle_keep_days`).
    pub fn with_recycle_keep_days(mut self, days: u32) -> Services {
        self.recycle_keep_days = days;
        self
    }

    /// Days a deleted article or column stays restorable.
    pub fn recycle_keep_days(&self) -> u32 {
        self.recycle_keep_days
    }

    /// Days a password may be used before it must be changed (0: no limit).
    pub fn password_max_age_days(&self) -> u32 {
        self.password_max_age_days
    }

    /// The roles that must sign in with a second factor.
    pub fn second_factor_roles(&self) -> &zq_domain::second_factor::RequiredRoles {
        &self.second_factor_roles
    }

    /// The same services with the cluster's interaction settings (clocks, the personal-data
    /// key).
    pub fn with_interaction(mut self, settings: interaction::InteractionSettings) -> Services {
        self.interaction = Arc::new(settings);
        self
    }

    /// The cluster's interaction settings.
    pub fn interaction(&self) -> &interaction::InteractionSettings {
        &self.interaction
    }

    /// The lexicon's automaton, rebuilt when the terms change.
    pub(crate) fn lexicon_cache(&self) -> &inspection::lexicon::LexiconCache {
        &self.lexicon
    }

    /// This node's running count of page views (flushed by [`visits::flush`]).
    pub fn visits(&self) -> &visits::Tally {
        &self.visits
    }

    /// The same services fetching through `fetch`.
    pub fn with_fetch(mut self, fetch: Arc<dyn Fetch>) -> Services {
        self.fetch = fetch;
        self
    }

    /// The same services reporting to `telemetry`.
    pub fn with_telemetry(mut self, telemetry: Arc<dyn Telemetry>) -> Services {
        self.telemetry = telemetry;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The one clock (the store's): every "now" of an operation.
    pub fn clock(&self) -> &Clock {
        self.store.clock()
    }

    /// The current time by the clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.store.clock().now()
    }

    pub fn fetcher(&self) -> &dyn Fetch {
        self.fetch.as_ref()
    }

    pub fn telemetry(&self) -> &dyn Telemetry {
        self.telemetry.as_ref()
    }

    pub fn events(&self) -> &Events {
        &self.events
    }
}
