//! Background jobs with leases. Every node runs the same runner; time is cut into ticks of
//! each job's period (tick `n` = wall-clock milliseconds / period), every node wakes at each
//! tick boundary and asks the database for the tick's lease (`Store::claim_job_tick`): one
//! node wins it and runs the job, the others skip it. So on several nodes each job runs once
//! per tick (on SQLite, with one node, the same code simply always wins).
//!
//! Stopping is graceful: [`JobRunner::stop`] lets a run in progress finish, then ends the
//! loops (no task is aborted). Each run's duration and outcome go to the lease row and to the
//! telemetry (the metrics).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

use crate::fetch::BoxFuture;
use crate::reporting::feed::{PullHealth, pull_all};
use crate::{Result, Services};

/// A job the runner runs once per tick across the cluster.
pub trait Job: Send + Sync + 'static {
    /// Its name (the lease row's key, the metrics' label).
    fn name(&self) -> &str;
    /// How often it runs.
    fn every(&self) -> Duration;
    /// One run.
    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>>;
}

/// The running loops of every job.
pub struct JobRunner {
    stop: watch::Sender<bool>,
    loops: Vec<JoinHandle<()>>,
}

/// A name for this node in the lease rows: host name (when known), process id and a random
/// part, so two processes on one machine differ.
pub fn node_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
    format!("{host}-{}-{:04x}", std::process::id(), fastrand::u16(..))
}

fn millis_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl JobRunner {
    /// Starts one loop per job, as node `node`.
    pub fn start(svc: &Services, jobs: Vec<Arc<dyn Job>>, node: impl Into<String>) -> JobRunner {
        let node: Arc<str> = node.into().into();
        let (stop, stopped) = watch::channel(false);
        let loops = jobs
            .into_iter()
            .map(|job| tokio::spawn(run_loop(svc.clone(), job, node.clone(), stopped.clone())))
            .collect();
        JobRunner { stop, loops }
    }

    /// Stops every loop after its current run (if any) has finished, and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for l in self.loops {
            if let Err(e) = l.await {
                tracing::error!(error = %e, "a job loop ended abnormally");
            }
        }
    }
}

async fn run_loop(
    svc: Services,
    job: Arc<dyn Job>,
    node: Arc<str>,
    mut stop: watch::Receiver<bool>,
) {
    let period = u64::try_from(job.every().as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    let mut lease_failing = false;
    loop {
        // Sleep to the next tick boundary; every node wakes at the same boundaries.
        let now = millis_now();
        let wait = period - now % period;
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
        let tick = i64::try_from(millis_now() / period).unwrap_or(i64::MAX);
        match svc.store().claim_job_tick(job.name(), tick, &node).await {
            Ok(true) => lease_failing = false,
            Ok(false) => continue,
            Err(e) => {
                if !std::mem::replace(&mut lease_failing, true) {
                    tracing::warn!(job = job.name(), error = %e, "cannot take a job's lease; retrying every tick");
                }
                continue;
            }
        }
        let started = Instant::now();
        let result = job.run(&svc).await;
        let took = started.elapsed();
        let error = result.as_ref().err().map(ToString::to_string);
        if let Some(e) = &error {
            tracing::warn!(job = job.name(), error = %e, "a job run failed");
        }
        svc.telemetry().job_run(job.name(), error.is_none(), took);
        let ms = i64::try_from(took.as_millis()).unwrap_or(i64::MAX);
        if let Err(e) = svc
            .store()
            .finish_job_run(job.name(), &node, ms, error.as_deref())
            .await
        {
            tracing::debug!(job = job.name(), error = %e, "recording a job run failed");
        }
    }
}

/// Publishes scheduled articles whose time has come (`Event::Due`, actor "system").
pub struct ScheduledPublishing {
    pub every: Duration,
}

impl Job for ScheduledPublishing {
    fn name(&self) -> &str {
        "scheduled_publishing"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let n = svc.store().publish_due(svc.now()).await?;
            if n > 0 {
                tracing::info!(published = n, "scheduled articles published");
            }
            Ok(())
        })
    }
}

/// Pulls every open reporting channel's upstream feed. A failing feed is logged once per
/// failing streak and counted, and never fails the run.
pub struct FeedPulls {
    pub every: Duration,
    health: Mutex<PullHealth>,
}

impl FeedPulls {
    pub fn new(every: Duration) -> FeedPulls {
        FeedPulls {
            every,
            health: Mutex::new(PullHealth::default()),
        }
    }
}

impl Job for FeedPulls {
    fn name(&self) -> &str {
        "feed_pulls"
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn run<'a>(&'a self, svc: &'a Services) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let mut health = self.health.lock().await;
            pull_all(svc, &mut health).await;
            Ok(())
        })
    }
}
