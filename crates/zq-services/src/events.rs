//! Following what changed. Every write records its events in the same transaction as the
//! change (`zq_store::Event`); after the commit the store hands them here.
//!
//! - **Inline subscribers** (the page cache's generations and the bus to other nodes, wired
//!   by the HTTP layer) get each committed batch at once, before the write returns, in
//!   commit order on this node. They start from "now" when the process starts: what they
//!   keep is rebuilt from the database at start-up.
//! - **Durable subscribers** (a search index, an integrity scan, a freshness monitor) read
//!   the event table from their stored position (`event_positions`) with [`follow`]: woken
//!   by local commits, and polling for other nodes' events; after downtime they catch up
//!   from where they stopped. Their position is saved after each batch they handled, so a
//!   batch may be seen twice after a crash, never skipped: handlers must be idempotent.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use zq_store::Event;

use crate::fetch::BoxFuture;
use crate::{Result, Services};

/// Events read per batch by a durable subscriber.
const BATCH: u64 = 500;

/// Something that follows events.
pub trait Subscriber: Send + Sync + 'static {
    /// The subscriber's name: a durable subscriber's position is stored under it.
    fn name(&self) -> &str;
    /// Handles a batch of events, oldest first.
    fn handle<'a>(&'a self, events: &'a [Event]) -> BoxFuture<'a, Result<()>>;
    /// Where the subscriber stands when it keeps that itself, with what it keeps (a node's
    /// search index records it in its own commits; its `handle` then saves it); `None`:
    /// the position is stored in `event_positions` under the subscriber's name.
    fn own_position(&self) -> Option<i64> {
        None
    }
}

/// The dispatcher the store's event hook feeds.
#[derive(Clone)]
pub struct Events(Arc<Inner>);

struct Inner {
    inline: RwLock<Vec<Arc<dyn Subscriber>>>,
    /// The newest committed event id seen in this process (wakes durable subscribers).
    latest: watch::Sender<i64>,
}

impl Default for Events {
    fn default() -> Self {
        Events(Arc::new(Inner {
            inline: RwLock::new(Vec::new()),
            latest: watch::channel(0).0,
        }))
    }
}

impl Events {
    /// Adds a subscriber told about every batch committed in this process, before the write
    /// returns to its caller.
    pub fn subscribe_inline(&self, s: Arc<dyn Subscriber>) {
        match self.0.inline.write() {
            Ok(mut g) => g.push(s),
            Err(p) => p.into_inner().push(s),
        }
    }

    /// Hands a committed batch to the inline subscribers and wakes the durable ones. A
    /// failing subscriber is logged; the write has happened and stays.
    pub(crate) async fn dispatch(&self, events: Vec<Event>) {
        let subs: Vec<Arc<dyn Subscriber>> = match self.0.inline.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        };
        for s in subs {
            if let Err(e) = s.handle(&events).await {
                tracing::warn!(subscriber = s.name(), error = %e, "an event subscriber failed");
            }
        }
        if let Some(last) = events.last() {
            self.0.latest.send_if_modified(|v| {
                let newer = last.id > *v;
                if newer {
                    *v = last.id;
                }
                newer
            });
        }
    }

    /// A receiver that changes whenever this process commits events.
    pub fn watch(&self) -> watch::Receiver<i64> {
        self.0.latest.subscribe()
    }
}

/// Hands `sub` every event after its stored position until none is left; returns how many
/// it handled. A failing batch leaves the position where it was.
pub async fn catch_up(svc: &Services, sub: &dyn Subscriber) -> Result<usize> {
    let store = svc.store();
    let mut handled = 0;
    loop {
        let own = sub.own_position();
        let position = match own {
            Some(p) => p,
            None => store.subscriber_position(sub.name()).await?.unwrap_or(0),
        };
        let batch = store.events_after(position, BATCH).await?;
        let Some(last) = batch.last().map(|e| e.id) else {
            return Ok(handled);
        };
        sub.handle(&batch).await?;
        if own.is_none() {
            store.save_subscriber_position(sub.name(), last).await?;
        }
        handled += batch.len();
    }
}

/// Runs a durable subscriber until `stop` turns true: catches up from its stored position,
/// then follows new events (woken by this process's commits, polling every `poll` for other
/// nodes'). On stop it finishes the batch in hand and returns; errors are logged and retried
/// on the next wake-up.
pub fn follow(
    svc: Services,
    sub: Arc<dyn Subscriber>,
    poll: Duration,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut woken = svc.events().watch();
        let mut failing = false;
        loop {
            if *stop.borrow() {
                return;
            }
            match catch_up(&svc, sub.as_ref()).await {
                Ok(_) => failing = false,
                Err(e) => {
                    if !std::mem::replace(&mut failing, true) {
                        tracing::warn!(subscriber = sub.name(), error = %e, "following events failed; retrying");
                    }
                }
            }
            tokio::select! {
                _ = stop.changed() => {}
                _ = woken.changed() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    })
}
