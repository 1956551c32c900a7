//! Compares what respondents sent with what the database holds.
//!
//! - **lost**: an acknowledged save whose value (or a later one sent for the same question) is
//!   not what is stored; a response or a submission the server acknowledged but does not hold.
//! - **duplicated**: more responses than consents were sent, or a participant number given twice.
//! - **corrupted**: a stored value that is none of the values sent for that question.

use domain::ids::StudySlug;
use domain::secret_token::SecretToken;
use domain::storage::{Storage, StorageError};

use crate::ledger::{Ledger, Sent};

#[derive(Debug, Default)]
pub struct Verdict {
    pub respondents: usize,
    pub completed: usize,
    pub acknowledged_saves: usize,
    pub lost: Vec<String>,
    pub duplicated: Vec<String>,
    pub corrupted: Vec<String>,
    /// From the storage's own consistency check (SQLite integrity, participant numbers).
    pub inconsistent: Vec<String>,
}

impl Verdict {
    pub fn is_clean(&self) -> bool {
        self.lost.is_empty()
            && self.duplicated.is_empty()
            && self.corrupted.is_empty()
            && self.inconsistent.is_empty()
    }

    /// A short report, with the first few problems of each kind.
    pub fn report(&self) -> String {
        let mut out = format!(
            "respondents: {}, completed: {}, acknowledged saves: {}\n\
             lost: {}, duplicated: {}, corrupted: {}, consistency problems: {}\n",
            self.respondents,
            self.completed,
            self.acknowledged_saves,
            self.lost.len(),
            self.duplicated.len(),
            self.corrupted.len(),
            self.inconsistent.len()
        );
        let problems = [
            ("lost", &self.lost),
            ("duplicated", &self.duplicated),
            ("corrupted", &self.corrupted),
            ("inconsistent", &self.inconsistent),
        ];
        for (name, list) in problems {
            for problem in list.iter().take(5) {
                out.push_str(&format!("  {name}: {problem}\n"));
            }
        }
        out
    }
}

/// Checks every ledger against the database. `responses_before` is the study's response count
/// before the run, so that only this run's responses are counted.
pub async fn verify(
    storage: &Storage,
    study_slug: &StudySlug,
    ledgers: &[Ledger],
    responses_before: i64,
) -> Result<Verdict, StorageError> {
    let mut verdict = Verdict {
        respondents: ledgers.len(),
        completed: ledgers.iter().filter(|l| l.completed()).count(),
        acknowledged_saves: ledgers.iter().map(Ledger::acknowledged_saves).sum(),
        ..Verdict::default()
    };
    for ledger in ledgers {
        check_respondent(storage, ledger, &mut verdict).await?;
    }
    let consents = ledgers.iter().filter(|l| l.consent_sent).count() as i64;
    let created = storage.responses().count(study_slug).await? - responses_before;
    if created > consents {
        verdict.duplicated.push(format!(
            "{created} responses were created by {consents} consents"
        ));
    }
    let numbers = storage.responses().participant_numbers(study_slug).await?;
    for pair in numbers.windows(2).filter(|pair| pair[0] == pair[1]) {
        verdict
            .duplicated
            .push(format!("participant number {} given twice", pair[0]));
    }
    verdict.inconsistent = storage.check_consistency().await?.problems;
    Ok(verdict)
}

async fn check_respondent(
    storage: &Storage,
    ledger: &Ledger,
    verdict: &mut Verdict,
) -> Result<(), StorageError> {
    let who = format!("respondent {}", ledger.respondent);
    let Some(token) = &ledger.token else {
        return Ok(());
    };
    let hash = SecretToken::parse(token)
        .map(|t| t.storage_hash())
        .unwrap_or_default();
    let Some(record) = storage.responses().find_by_token_hash(&hash).await? else {
        verdict
            .lost
            .push(format!("{who}: the acknowledged response is missing"));
        return Ok(());
    };
    let stored = storage.responses().answers(&record.id).await?;
    for (question, sent) in &ledger.fields {
        match judge(sent, stored.get(question.as_str())) {
            Judgement::Intact => {}
            Judgement::Lost => verdict.lost.push(format!(
                "{who}, {question}: holds {:?}, acknowledged {:?}",
                stored.get(question.as_str()),
                last_acknowledged(sent)
            )),
            Judgement::Corrupted => verdict.corrupted.push(format!(
                "{who}, {question}: holds {:?}, which was never sent",
                stored.get(question.as_str())
            )),
        }
    }
    for question in stored
        .keys()
        .filter(|q| !ledger.fields.contains_key(q.as_str()))
    {
        verdict
            .corrupted
            .push(format!("{who}: holds an answer to {question}, never sent"));
    }
    if ledger.submit_acknowledged
        && (record.submitted_on.is_none() || record.participant_number.is_none())
    {
        verdict
            .lost
            .push(format!("{who}: the acknowledged submission is missing"));
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum Judgement {
    Intact,
    Lost,
    Corrupted,
}

/// The stored value must be the last acknowledged one or one sent after it (a save that got no
/// answer may still have been stored).
fn judge(sent: &[Sent], stored: Option<&String>) -> Judgement {
    let last_acknowledged = sent.iter().rposition(|s| s.acknowledged);
    let Some(stored) = stored else {
        return if last_acknowledged.is_some() {
            Judgement::Lost
        } else {
            Judgement::Intact
        };
    };
    match sent.iter().rposition(|s| &s.value == stored) {
        None => Judgement::Corrupted,
        Some(at) if last_acknowledged.is_some_and(|acked| at < acked) => Judgement::Lost,
        Some(_) => Judgement::Intact,
    }
}

fn last_acknowledged(sent: &[Sent]) -> Option<&str> {
    sent.iter()
        .rev()
        .find(|s| s.acknowledged)
        .map(|s| s.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(values: &[(&str, bool)]) -> Vec<Sent> {
        values
            .iter()
            .map(|(value, acknowledged)| Sent {
                value: (*value).to_owned(),
                acknowledged: *acknowledged,
            })
            .collect()
    }

    #[test]
    fn the_last_acknowledged_value_or_a_later_one_is_intact() {
        let history = sent(&[("a", true), ("ab", true), ("abc", false)]);
        assert_eq!(judge(&history, Some(&"ab".into())), Judgement::Intact);
        assert_eq!(judge(&history, Some(&"abc".into())), Judgement::Intact);
    }

    #[test]
    fn an_older_value_or_nothing_means_an_acknowledged_save_was_lost() {
        let history = sent(&[("a", true), ("ab", true)]);
        assert_eq!(judge(&history, Some(&"a".into())), Judgement::Lost);
        assert_eq!(judge(&history, None), Judgement::Lost);
        assert_eq!(judge(&sent(&[("a", false)]), None), Judgement::Intact);
    }

    #[test]
    fn a_value_never_sent_is_corrupted() {
        let history = sent(&[("café", true)]);
        assert_eq!(judge(&history, Some(&"cafÃ©".into())), Judgement::Corrupted);
    }
}
