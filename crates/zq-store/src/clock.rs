//! The platform's one clock. Every timestamp the store writes (audit rows, events, article
//! times) and every rule that depends on the time (due publications, expiry) reads it from
//! here, so a test can set or move time instead of sleeping. Production uses the system
//! clock; tests may use a manual one shared by the store and the services.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// The current time, from the system or set by hand.
#[derive(Clone)]
pub struct Clock(Arc<Source>);

enum Source {
    System,
    Manual(Mutex<DateTime<Utc>>),
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.0 {
            Source::System => f.write_str("Clock::system"),
            Source::Manual(_) => write!(f, "Clock::manual({})", self.now()),
        }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock(Arc::new(Source::System))
    }

    /// A clock standing at `at` until it is set or advanced.
    pub fn manual(at: DateTime<Utc>) -> Clock {
        Clock(Arc::new(Source::Manual(Mutex::new(at))))
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        match &*self.0 {
            Source::System => Utc::now(),
            Source::Manual(t) => *t.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// Sets a manual clock (a system clock ignores it and says so).
    pub fn set(&self, at: DateTime<Utc>) -> bool {
        match &*self.0 {
            Source::System => false,
            Source::Manual(t) => {
                *t.lock().unwrap_or_else(|p| p.into_inner()) = at;
                true
            }
        }
    }

    /// Moves a manual clock forward by `by`.
    pub fn advance(&self, by: Duration) -> bool {
        let now = self.now();
        self.set(now + by)
    }

    /// Whether this is a manual clock.
    pub fn is_manual(&self) -> bool {
        matches!(&*self.0, Source::Manual(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_moved_and_the_system_clock_cannot_be_set() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let c = Clock::manual(start);
        let shared = c.clone();
        assert_eq!(c.now(), start);
        assert!(c.advance(Duration::hours(2)));
        assert_eq!(
            shared.now(),
            start + Duration::hours(2),
            "clones share one time"
        );
        let sys = Clock::system();
        assert!(!sys.set(start));
        assert!(sys.now() > start - Duration::days(36500));
    }
}
