//! The time, as the platform keeps it: Unix seconds for staff sessions and the audit log, days for
//! anything about participants (never a time of day). Every part of the app reads one `Clock`, so
//! a test can move time forward (to end a session, say) without waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::NaiveDate;

/// The system's clock, moved by an offset that only tests change. Clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    /// Unix seconds.
    pub fn now(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.offset_seconds.load(Ordering::Relaxed)
    }

    pub fn today(&self) -> NaiveDate {
        chrono::DateTime::from_timestamp(self.now(), 0)
            .map_or_else(|| chrono::Utc::now().date_naive(), |t| t.date_naive())
    }

    /// Moves this clock and all its clones forward by `seconds` (backward when negative).
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::Relaxed);
    }
}

/// The day of a Unix time as YYYY-MM-DD; empty for a time out of range.
pub fn day_of(unix_seconds: i64) -> String {
    chrono::DateTime::from_timestamp(unix_seconds, 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
}

/// A Unix time as "YYYY-MM-DD HH:MM:SS" (UTC), for logs; the number itself when out of range.
pub fn moment_of(unix_seconds: i64) -> String {
    chrono::DateTime::from_timestamp(unix_seconds, 0).map_or_else(
        || unix_seconds.to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::Clock;

    #[test]
    fn an_advanced_clock_moves_every_clone_and_the_day_with_it() {
        let clock = Clock::default();
        let shared = clock.clone();
        let before = clock.now();
        let day = clock.today();
        shared.advance(2 * 24 * 60 * 60);
        assert!(clock.now() - before >= 2 * 24 * 60 * 60);
        assert_eq!((clock.today() - day).num_days(), 2);
    }
}
