//! A progress line on standard error for long command-line jobs, shown only on a terminal so
//! that logs and pipes get no carriage returns.

use std::io::{IsTerminal, Write};

pub struct Progress {
    total: i64,
    shown_percent: Option<i64>,
    on_terminal: bool,
}

impl Progress {
    pub fn on_terminal(total: i64) -> Self {
        Self {
            total,
            shown_percent: None,
            on_terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Redraws the line when the whole percentage changes.
    pub fn show(&mut self, done: u64) {
        if !self.on_terminal {
            return;
        }
        let done = i64::try_from(done).unwrap_or(i64::MAX);
        let percent = (done * 100).checked_div(self.total).unwrap_or(100).min(100);
        if self.shown_percent == Some(percent) {
            return;
        }
        self.shown_percent = Some(percent);
        let filled = usize::try_from(percent / 5).unwrap_or(0);
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(20 - filled));
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r[{bar}] {percent:>3}%  {done} of {}", self.total);
        let _ = stderr.flush();
    }

    pub fn done(&self) {
        if self.on_terminal && self.shown_percent.is_some() {
            eprintln!();
        }
    }
}
