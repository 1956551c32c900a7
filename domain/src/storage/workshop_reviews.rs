//! The facilitator's review of a workshop's written answers: the moderation queue (answers not
//! yet reviewed, or changed since), the wall (answers shown, as they were when shown) and the
//! study's themes answers were placed on. A decision holds the text it was made about, so an
//! answer its phone changed afterwards waits for review again.

use data_encoding::HEXLOWER;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{StorageError, Workshops};

/// A phone's answer with what the facilitator decided about it (decisions are made about
/// written answers; any other answer is `Waiting`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomAnswer {
    pub token_hash: String,
    pub question: String,
    pub round: i64,
    /// The answer as stored: the words, or a rating's or choice's value.
    pub text: String,
    pub decision: Decision,
}

impl RoomAnswer {
    /// What the facilitator's forms call the answer: stable, and without saying which phone
    /// wrote it (two answers of one phone do not share anything visible).
    pub fn reference(&self) -> String {
        let digest = Sha256::digest(format!("{}\n{}", self.token_hash, self.question));
        HEXLOWER.encode(&digest[..8])
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Not reviewed, or changed since it was.
    Waiting,
    /// Kept off the projector.
    Hidden,
    /// On the projector's wall, and on one of the study's themes when placed.
    Shown { theme: Option<String> },
}

impl Workshops<'_> {
    /// The round's answers to `questions`, oldest first, each with its decision.
    pub async fn written_answers(
        self,
        id: &str,
        questions: &[&str],
        round: i64,
    ) -> Result<Vec<RoomAnswer>, StorageError> {
        let mut answers = self.every_answer(id).await?;
        answers.retain(|answer| answer.round == round && questions.contains(&answer.question.as_str()));
        Ok(answers)
    }

    /// Every answer of the workshop, oldest first, each with its decision.
    pub async fn every_answer(self, id: &str) -> Result<Vec<RoomAnswer>, StorageError> {
        let rows = sqlx::query(
            "SELECT a.token_hash, a.question_id, a.round, a.value, r.decided_value, r.shown,
                    r.theme_id
             FROM workshop_answers a
             LEFT JOIN workshop_reviews r
               ON r.workshop_id = a.workshop_id AND r.token_hash = a.token_hash
              AND r.question_id = a.question_id AND r.round = a.round
             WHERE a.workshop_id = $1
             ORDER BY a.answered_at, a.token_hash, a.question_id, a.round",
        )
        .bind(id)
        .fetch_all(self.pool)
        .await?;
        let mut answers = Vec::with_capacity(rows.len());
        for row in rows {
            let text: String = row.try_get("value")?;
            let decided: Option<String> = row.try_get("decided_value")?;
            let decision = match decided {
                Some(decided) if decided == text => {
                    if row.try_get::<i64, _>("shown")? != 0 {
                        Decision::Shown {
                            theme: row.try_get("theme_id")?,
                        }
                    } else {
                        Decision::Hidden
                    }
                }
                _ => Decision::Waiting,
            };
            answers.push(RoomAnswer {
                token_hash: row.try_get("token_hash")?,
                question: row.try_get("question_id")?,
                round: row.try_get("round")?,
                text,
                decision,
            });
        }
        Ok(answers)
    }

    /// The phones (token hash, version of the vignette dealt) in the order they joined.
    pub async fn phones_in_join_order(
        self,
        id: &str,
    ) -> Result<Vec<(String, Option<String>)>, StorageError> {
        Ok(sqlx::query_as(
            "SELECT token_hash, variant FROM workshop_devices WHERE workshop_id = $1
             ORDER BY joined_at, token_hash",
        )
        .bind(id)
        .fetch_all(self.pool)
        .await?)
    }

    /// Records the facilitator's decision about `answer` as its text now stands; `NotFound` when
    /// the phone has since changed it (the facilitator decided about words no longer there).
    pub async fn decide(
        self,
        id: &str,
        answer: &RoomAnswer,
        decision: &Decision,
        now: i64,
    ) -> Result<(), StorageError> {
        let (shown, theme) = match decision {
            Decision::Waiting => {
                sqlx::query(
                    "DELETE FROM workshop_reviews WHERE workshop_id = $1 AND token_hash = $2
                     AND question_id = $3 AND round = $4",
                )
                .bind(id)
                .bind(&answer.token_hash)
                .bind(&answer.question)
                .bind(answer.round)
                .execute(self.pool)
                .await?;
                return Ok(());
            }
            Decision::Hidden => (0_i64, None),
            Decision::Shown { theme } => (1, theme.as_deref()),
        };
        // Only while the answer still reads as the facilitator saw it.
        let saved = sqlx::query(
            "INSERT INTO workshop_reviews
                 (workshop_id, token_hash, question_id, round, decided_value, shown, theme_id, decided_at)
             SELECT workshop_id, token_hash, question_id, round, value, $5, $6, $7
             FROM workshop_answers
             WHERE workshop_id = $1 AND token_hash = $2 AND question_id = $3 AND round = $4
               AND value = $8
             ON CONFLICT (workshop_id, token_hash, question_id, round) DO UPDATE
             SET decided_value = excluded.decided_value, shown = excluded.shown,
                 theme_id = excluded.theme_id, decided_at = excluded.decided_at",
        )
        .bind(id)
        .bind(&answer.token_hash)
        .bind(&answer.question)
        .bind(answer.round)
        .bind(shown)
        .bind(theme)
        .bind(now)
        .bind(&answer.text)
        .execute(self.pool)
        .await?;
        if saved.rows_affected() == 0 {
            return Err(StorageError::NotFound);
        }
        Ok(())
    }
}
