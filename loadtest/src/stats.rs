//! Latency and outcome figures per kind of request, printed as a table.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// The kinds of request a respondent makes, each with its own latency figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A server-rendered page (start page, a study page, check, thanks).
    Page,
    /// Agreeing to take part, which starts a response.
    Consent,
    /// A save while typing (the `save_fields` server function).
    Autosave,
    /// Continue: a page's form post, which saves and redirects.
    Continue,
    /// Submitting the answers.
    Submit,
    /// A static file (benchmark only).
    StaticFile,
    /// One upsert straight into the database (benchmark only).
    DatabaseUpsert,
    /// A phone joining a workshop by its code.
    Join,
    /// A phone sending its answers to a workshop's step.
    WorkshopAnswer,
    /// The facilitator's control (step on, open answering).
    Control,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Page => "page (SSR)",
            Self::Consent => "consent",
            Self::Autosave => "autosave",
            Self::Continue => "continue (form post)",
            Self::Submit => "submit",
            Self::StaticFile => "static file",
            Self::DatabaseUpsert => "raw upsert",
            Self::Join => "join a workshop",
            Self::WorkshopAnswer => "workshop answer",
            Self::Control => "facilitator control",
        }
    }
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The answer the journey expects (2xx, or 303 for form posts).
    Expected,
    /// 429: refused by the rate limit.
    Refused,
    /// Any other status.
    Unexpected,
    /// No answer: the connection failed or closed.
    Failed,
    /// No answer within the client's timeout: the request hung.
    TimedOut,
}

#[derive(Default)]
struct KindFigures {
    latencies: Vec<Duration>,
    refused: u64,
    unexpected: u64,
    failed: u64,
    timed_out: u64,
}

#[derive(Default)]
pub struct Stats {
    kinds: Mutex<BTreeMap<Kind, KindFigures>>,
}

/// One kind's figures, latencies in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Stats {
    pub fn record(&self, kind: Kind, latency: Duration, outcome: Outcome) {
        let mut kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
        let figures = kinds.entry(kind).or_default();
        match outcome {
            Outcome::Expected => figures.latencies.push(latency),
            Outcome::Refused => figures.refused += 1,
            Outcome::Unexpected => figures.unexpected += 1,
            Outcome::Failed => figures.failed += 1,
            Outcome::TimedOut => figures.timed_out += 1,
        }
    }

    /// Requests that never completed within the client's timeout, over all kinds.
    pub fn timed_out(&self) -> u64 {
        self.sum(|f| f.timed_out)
    }

    /// Requests that did not get the expected answer, for any reason.
    pub fn not_expected(&self) -> u64 {
        self.sum(|f| f.refused + f.unexpected + f.failed + f.timed_out)
    }

    pub fn completed(&self) -> usize {
        let kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
        kinds.values().map(|f| f.latencies.len()).sum()
    }

    fn sum(&self, field: impl Fn(&KindFigures) -> u64) -> u64 {
        let kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
        kinds.values().map(field).sum()
    }

    pub fn summary(&self, kind: Kind) -> Option<Summary> {
        let kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
        summarise(&kinds.get(&kind)?.latencies)
    }

    /// The table the tool prints: per kind, counts, failures and latency percentiles.
    pub fn table(&self, wall: Duration) -> String {
        let kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<22} {:>8} {:>7} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9}",
            "request", "ok", "429", "other", "t/o", "p50 ms", "p95 ms", "p99 ms", "max ms"
        );
        let mut all = Vec::new();
        for (kind, figures) in kinds.iter() {
            all.extend_from_slice(&figures.latencies);
            let _ = writeln!(out, "{}", row(kind.name(), figures, &figures.latencies));
        }
        let totals = KindFigures {
            latencies: Vec::new(),
            refused: kinds.values().map(|f| f.refused).sum(),
            unexpected: kinds.values().map(|f| f.unexpected + f.failed).sum(),
            failed: 0,
            timed_out: kinds.values().map(|f| f.timed_out).sum(),
        };
        let _ = writeln!(out, "{}", row("all", &totals, &all));
        let seconds = wall.as_secs_f64();
        let _ = writeln!(
            out,
            "throughput: {:.1} requests/s ({} completed in {:.1} s)",
            all.len() as f64 / seconds.max(f64::EPSILON),
            all.len(),
            seconds
        );
        out
    }
}

fn row(name: &str, figures: &KindFigures, latencies: &[Duration]) -> String {
    let summary = summarise(latencies);
    let ms = |pick: fn(&Summary) -> f64| summary.as_ref().map_or(f64::NAN, pick);
    format!(
        "{:<22} {:>8} {:>7} {:>7} {:>7} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
        name,
        latencies.len(),
        figures.refused,
        figures.unexpected + figures.failed,
        figures.timed_out,
        ms(|s| s.p50),
        ms(|s| s.p95),
        ms(|s| s.p99),
        ms(|s| s.max),
    )
}

pub fn summarise(latencies: &[Duration]) -> Option<Summary> {
    if latencies.is_empty() {
        return None;
    }
    let mut sorted: Vec<f64> = latencies.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    sorted.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let rank = (p * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    };
    Some(Summary {
        count: sorted.len(),
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        max: sorted[sorted.len() - 1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let latencies: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let summary = summarise(&latencies).unwrap();
        assert_eq!(
            (summary.p50, summary.p95, summary.p99, summary.max),
            (50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(summarise(&[]), None);
    }

    #[test]
    fn failures_are_counted_apart_from_latencies() {
        let stats = Stats::default();
        stats.record(Kind::Autosave, Duration::from_millis(3), Outcome::Expected);
        stats.record(Kind::Autosave, Duration::from_secs(30), Outcome::TimedOut);
        stats.record(Kind::Page, Duration::from_millis(1), Outcome::Refused);
        assert_eq!(stats.completed(), 1);
        assert_eq!(stats.timed_out(), 1);
        assert_eq!(stats.not_expected(), 2);
        let table = stats.table(Duration::from_secs(1));
        assert!(table.contains("autosave"), "{table}");
        assert!(table.contains("throughput: 1.0 requests/s"), "{table}");
    }
}
