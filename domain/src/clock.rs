//! The time, as the platform keeps it: Unix seconds for staff sessions and the audit log, days for
//! anything about participants (never a time of day).

use chrono::NaiveDate;

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The day of a Unix time as YYYY-MM-DD; empty for a time out of range.
pub fn day_of(unix_seconds: i64) -> String {
    chrono::DateTime::from_timestamp(unix_seconds, 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
}
