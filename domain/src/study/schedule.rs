//! When a study takes part: the days it takes new participants, and how long those who began
//! before it closed may still send their answers.

use chrono::{Days, NaiveDate};
use serde::Deserialize;

use super::definition::{Invalid, invalid};

/// Days after the last open day that answers begun in time may still be sent, unless the study
/// names its own day.
pub const DEFAULT_GRACE_DAYS: u64 = 14;

/// The `[schedule]` table of a study file: TOML dates, each optional.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSchedule {
    open_from: Option<toml::value::Datetime>,
    open_until: Option<toml::value::Datetime>,
    answers_until: Option<toml::value::Datetime>,
}

/// The days a study is open, each included; no day set means no limit on that side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Schedule {
    /// The first day new participants may consent.
    pub open_from: Option<NaiveDate>,
    /// The last day new participants may consent.
    pub open_until: Option<NaiveDate>,
    /// The last day answers in progress may be saved and sent.
    pub answers_until: Option<NaiveDate>,
}

/// Whether a study takes new participants on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Open,
    NotYetOpen { first_day: NaiveDate },
    Closed { last_day: NaiveDate },
}

impl RawSchedule {
    pub(super) fn validate(self) -> Result<Schedule, Invalid> {
        let schedule = Schedule {
            open_from: date("schedule.open_from", self.open_from)?,
            open_until: date("schedule.open_until", self.open_until)?,
            answers_until: date("schedule.answers_until", self.answers_until)?,
        };
        if let (Some(from), Some(until)) = (schedule.open_from, schedule.open_until)
            && until < from
        {
            return Err(invalid(
                "schedule.open_until",
                "must not be before open_from",
            ));
        }
        if let Some(answers_until) = schedule.answers_until {
            match schedule.open_until {
                None => {
                    return Err(invalid(
                        "schedule.answers_until",
                        "needs open_until: answers are sent until a day after the study closes",
                    ));
                }
                Some(until) if answers_until < until => {
                    return Err(invalid(
                        "schedule.answers_until",
                        "must not be before open_until",
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(schedule)
    }
}

/// A day written as a TOML date (`2026-06-30`), without a time.
fn date(field: &str, value: Option<toml::value::Datetime>) -> Result<Option<NaiveDate>, Invalid> {
    let Some(value) = value else {
        return Ok(None);
    };
    let day = match (value.date, value.time, value.offset) {
        (Some(day), None, None) => {
            NaiveDate::from_ymd_opt(i32::from(day.year), day.month.into(), day.day.into())
        }
        _ => None,
    };
    day.map(Some)
        .ok_or_else(|| invalid(field, format!("\"{value}\" is not a day: write it as 2026-06-30")))
}

impl Schedule {
    /// Whether new participants may consent on `today`.
    pub fn admission(&self, today: NaiveDate) -> Admission {
        match (self.open_from, self.open_until) {
            (Some(first_day), _) if today < first_day => Admission::NotYetOpen { first_day },
            (_, Some(last_day)) if today > last_day => Admission::Closed { last_day },
            _ => Admission::Open,
        }
    }

    /// The last day answers in progress may be sent: the study's own, or
    /// [`DEFAULT_GRACE_DAYS`] after the last open day; None when the study never closes.
    pub fn last_day_for_answers(&self) -> Option<NaiveDate> {
        self.answers_until.or_else(|| {
            self.open_until
                .and_then(|day| day.checked_add_days(Days::new(DEFAULT_GRACE_DAYS)))
        })
    }

    /// Whether answers in progress may still be saved and sent on `today`.
    pub fn takes_answers(&self, today: NaiveDate) -> bool {
        self.last_day_for_answers().is_none_or(|last| today <= last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_study_is_open_from_its_first_to_its_last_day_and_answers_run_on() {
        let schedule = Schedule {
            open_from: Some(day("2026-03-01")),
            open_until: Some(day("2026-06-30")),
            answers_until: None,
        };
        assert_eq!(
            schedule.admission(day("2026-02-28")),
            Admission::NotYetOpen { first_day: day("2026-03-01") }
        );
        assert_eq!(schedule.admission(day("2026-03-01")), Admission::Open);
        assert_eq!(schedule.admission(day("2026-06-30")), Admission::Open);
        assert_eq!(
            schedule.admission(day("2026-07-01")),
            Admission::Closed { last_day: day("2026-06-30") }
        );
        assert_eq!(schedule.last_day_for_answers(), Some(day("2026-07-14")));
        assert!(schedule.takes_answers(day("2026-07-14")));
        assert!(!schedule.takes_answers(day("2026-07-15")));
        let always = Schedule::default();
        assert_eq!(always.admission(day("1999-01-01")), Admission::Open);
        assert!(always.takes_answers(day("2999-01-01")));
    }
}
