//! What one respondent sent, field by field and in order, and which saves the server acknowledged.
//! A save that got no answer may or may not have been stored; an acknowledged one must be.

use std::collections::BTreeMap;

/// One value sent for one question, as the database should store it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub value: String,
    pub acknowledged: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub respondent: usize,
    /// True once a consent was sent, answered or not (it may have started a response).
    pub consent_sent: bool,
    /// The resume token, once the consent was acknowledged.
    pub token: Option<String>,
    /// Per question, every value sent, oldest first.
    pub fields: BTreeMap<String, Vec<Sent>>,
    pub submit_sent: bool,
    pub submit_acknowledged: bool,
    /// Why the journey stopped early, if it did.
    pub stopped: Option<String>,
}

impl Ledger {
    pub fn new(respondent: usize) -> Self {
        Self {
            respondent,
            ..Self::default()
        }
    }

    /// Records one request's answers (question id, stored value) and whether it was acknowledged.
    pub fn record(&mut self, answers: &[(String, String)], acknowledged: bool) {
        for (question, value) in answers {
            self.fields.entry(question.clone()).or_default().push(Sent {
                value: value.clone(),
                acknowledged,
            });
        }
    }

    pub fn acknowledged_saves(&self) -> usize {
        self.fields
            .values()
            .flatten()
            .filter(|sent| sent.acknowledged)
            .count()
    }

    pub fn completed(&self) -> bool {
        self.submit_acknowledged
    }
}
