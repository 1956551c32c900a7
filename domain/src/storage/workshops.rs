//! Workshops: created by a trainer, joined by phones (only a hash of each phone's token is kept),
//! answered one answer per phone and question, and steered by the facilitator. A change of the
//! live state names the revision it was made from, so two facilitators never undo each other.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{StorageError, Workshops, id_column};
use crate::ids::StudySlug;
use crate::workshop::{Control, JoinCode, LiveState, WorkshopPlan};

/// How many join codes are drawn before giving up: each is taken with a chance of about one in
/// 244 million per workshop there is.
const CODE_DRAWS: usize = 8;
/// How often a control is applied again when another facilitator changed the state meanwhile.
const STEER_ATTEMPTS: usize = 10;

/// A workshop about to be created.
pub struct NewWorkshop<'a> {
    pub id: &'a str,
    pub code: &'a JoinCode,
    pub title: &'a str,
    pub study: &'a StudySlug,
    pub study_version: i64,
    /// The plan as JSON (`Plan::to_json`).
    pub plan: &'a str,
    pub created_by: &'a str,
    pub now: i64,
    pub keep_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkshopRecord {
    pub id: String,
    pub code: JoinCode,
    pub title: String,
    pub study: StudySlug,
    pub study_version: i64,
    pub plan: String,
    pub created_by: Option<String>,
    /// Another trainer who steers the workshop too.
    pub co_facilitator: Option<String>,
    pub created_at: i64,
    pub keep_days: i64,
    pub state: LiveState,
    /// Phones read the version of the vignette they were dealt, and results compare versions.
    pub split_variants: bool,
}

impl WorkshopRecord {
    /// True for the trainer who made the workshop and its co-facilitator.
    pub fn is_run_by(&self, staff_id: &str) -> bool {
        self.created_by.as_deref() == Some(staff_id)
            || self.co_facilitator.as_deref() == Some(staff_id)
    }
}

const COLUMNS: &str = "id, code, title, study_slug, study_version, plan, created_by, \
     co_facilitator, created_at, keep_days, step, answering_open, results_shown, joining_open, \
     round, revision, split_variants";

impl Workshops<'_> {
    /// Creates a workshop with a join code no other workshop has.
    pub async fn create_with_fresh_code(
        self,
        new: WorkshopPlan<'_>,
        created_by: &str,
        now: i64,
    ) -> Result<WorkshopRecord, StorageError> {
        let plan = new.plan.to_json();
        for _ in 0..CODE_DRAWS {
            let id = uuid::Uuid::new_v4().to_string();
            let code = JoinCode::generate();
            let created = self
                .create(NewWorkshop {
                    id: &id,
                    code: &code,
                    title: new.title,
                    study: &new.study.slug,
                    study_version: new.study.version_number,
                    plan: &plan,
                    created_by,
                    now,
                    keep_days: new.keep_days,
                })
                .await;
            match created {
                Ok(()) => return self.get(&id).await?.ok_or(StorageError::NotFound),
                Err(StorageError::Duplicate) => continue,
                Err(error) => return Err(error),
            }
        }
        Err(StorageError::Duplicate)
    }

    /// Applies the facilitator's control to the workshop's state as it is now (again on a newer
    /// state when another console changed it meanwhile); the new state, or None when the
    /// control changes nothing.
    pub async fn steer(
        self,
        id: &str,
        control: Control,
        steps: usize,
    ) -> Result<Option<LiveState>, StorageError> {
        for _ in 0..STEER_ATTEMPTS {
            let current = self.get(id).await?.ok_or(StorageError::NotFound)?.state;
            let Some(next) = current.after(control, steps) else {
                return Ok(None);
            };
            if self.set_state(id, &current, &next).await? {
                return Ok(Some(next));
            }
        }
        Err(StorageError::Unsupported(
            "the workshop's state keeps changing under this control; try again",
        ))
    }

    /// Creates the workshop; `Duplicate` when its code is taken (the caller draws another).
    pub async fn create(self, new: NewWorkshop<'_>) -> Result<(), StorageError> {
        let state = LiveState::start();
        sqlx::query(
            "INSERT INTO workshops (id, code, title, study_slug, study_version, plan, created_by,
                 created_at, keep_days, delete_after, step, answering_open, results_shown,
                 joining_open, revision)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(new.id)
        .bind(new.code.as_str())
        .bind(new.title)
        .bind(new.study.as_str())
        .bind(new.study_version)
        .bind(new.plan)
        .bind(new.created_by)
        .bind(new.now)
        .bind(new.keep_days)
        .bind(new.now + new.keep_days * 24 * 60 * 60)
        .bind(i64::try_from(state.step).unwrap_or_default())
        .bind(i64::from(state.answering_open))
        .bind(i64::from(state.results_shown))
        .bind(i64::from(state.joining_open))
        .bind(state.revision)
        .execute(self.pool)
        .await
        .map_err(StorageError::from_insert)?;
        Ok(())
    }

    pub async fn get(self, id: &str) -> Result<Option<WorkshopRecord>, StorageError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM workshops WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.map(|row| workshop(&row)).transpose()?)
    }

    pub async fn by_code(self, code: &JoinCode) -> Result<Option<WorkshopRecord>, StorageError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM workshops WHERE code = $1"))
            .bind(code.as_str())
            .fetch_optional(self.pool)
            .await?;
        Ok(row.map(|row| workshop(&row)).transpose()?)
    }

    /// Every workshop, newest first.
    pub async fn all(self) -> Result<Vec<WorkshopRecord>, StorageError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM workshops ORDER BY created_at DESC, id"
        ))
        .fetch_all(self.pool)
        .await?;
        Ok(rows.iter().map(workshop).collect::<Result<_, _>>()?)
    }

    /// Saves the facilitator's change if the state is still at `from`'s revision; false when
    /// someone changed it meanwhile, and nothing is saved.
    pub async fn set_state(
        self,
        id: &str,
        from: &LiveState,
        to: &LiveState,
    ) -> Result<bool, StorageError> {
        let saved = sqlx::query(
            "UPDATE workshops SET step = $1, answering_open = $2, results_shown = $3,
                 joining_open = $4, revision = $5, round = $8
             WHERE id = $6 AND revision = $7",
        )
        .bind(i64::try_from(to.step).unwrap_or_default())
        .bind(i64::from(to.answering_open))
        .bind(i64::from(to.results_shown))
        .bind(i64::from(to.joining_open))
        .bind(to.revision)
        .bind(id)
        .bind(from.revision)
        .bind(to.round)
        .execute(self.pool)
        .await?;
        Ok(saved.rows_affected() > 0)
    }

    /// Replaces the workshop's plan (`Plan::to_json`); the step shown moves back to the first, and
    /// the state counts a change.
    pub async fn set_plan(self, id: &str, plan: &str) -> Result<bool, StorageError> {
        let saved = sqlx::query(
            "UPDATE workshops SET plan = $1, step = 0, answering_open = 0, results_shown = 0,
                 round = 1, revision = revision + 1
             WHERE id = $2",
        )
        .bind(plan)
        .bind(id)
        .execute(self.pool)
        .await?;
        Ok(saved.rows_affected() > 0)
    }

    /// The phone's answer to a question (in a round: a question asked again is a new round);
    /// a second answer replaces the first. `NotFound` for a phone that has not joined.
    pub async fn answer(
        self,
        id: &str,
        token_hash: &str,
        question: &str,
        round: i64,
        value: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        let device = self
            .device(id, token_hash)
            .await?
            .ok_or(StorageError::NotFound)?;
        sqlx::query(
            "INSERT INTO workshop_answers (workshop_id, token_hash, question_id, round, value, answered_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (workshop_id, token_hash, question_id, round)
             DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at",
        )
        .bind(id)
        .bind(token_hash)
        .bind(question)
        .bind(round)
        .bind(value)
        .bind(now)
        .execute(self.pool)
        .await?;
        self.give_to_research(&device, question, value, now).await
    }

    /// This phone's answers to the given round, by question.
    pub async fn answers_of(
        self,
        id: &str,
        token_hash: &str,
        round: i64,
    ) -> Result<Vec<(String, String)>, StorageError> {
        Ok(sqlx::query_as(
            "SELECT question_id, value FROM workshop_answers
             WHERE workshop_id = $1 AND token_hash = $2 AND round = $3 ORDER BY question_id",
        )
        .bind(id)
        .bind(token_hash)
        .bind(round)
        .fetch_all(self.pool)
        .await?)
    }

    /// How many phones have joined.
    pub async fn joined(self, id: &str) -> Result<i64, StorageError> {
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM workshop_devices WHERE workshop_id = $1")
                .bind(id)
                .fetch_one(self.pool)
                .await?;
        Ok(count)
    }

    /// Each value given to the question in the round, with how many phones gave it.
    pub async fn tally(
        self,
        id: &str,
        question: &str,
        round: i64,
    ) -> Result<Vec<(String, i64)>, StorageError> {
        Ok(sqlx::query_as(
            "SELECT value, COUNT(*) FROM workshop_answers
             WHERE workshop_id = $1 AND question_id = $2 AND round = $3
             GROUP BY value ORDER BY value",
        )
        .bind(id)
        .bind(question)
        .bind(round)
        .fetch_all(self.pool)
        .await?)
    }

    /// Sets (or, with None, removes) the workshop's co-facilitator.
    pub async fn set_co_facilitator(
        self,
        id: &str,
        staff: Option<&str>,
    ) -> Result<(), StorageError> {
        sqlx::query("UPDATE workshops SET co_facilitator = $1 WHERE id = $2")
            .bind(staff)
            .bind(id)
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// (earlier, later) values of the phones that answered the question in both rounds.
    pub async fn paired_answers(
        self,
        id: &str,
        question: &str,
        earlier: i64,
        later: i64,
    ) -> Result<Vec<(String, String)>, StorageError> {
        Ok(sqlx::query_as(
            "SELECT a.value, b.value FROM workshop_answers a
             JOIN workshop_answers b
               ON b.workshop_id = a.workshop_id AND b.token_hash = a.token_hash
              AND b.question_id = a.question_id
             WHERE a.workshop_id = $1 AND a.question_id = $2 AND a.round = $3 AND b.round = $4
             ORDER BY a.token_hash",
        )
        .bind(id)
        .bind(question)
        .bind(earlier)
        .bind(later)
        .fetch_all(self.pool)
        .await?)
    }

    /// Deletes the workshops whose keeping time is over, with their phones and answers; returns
    /// how many.
    pub async fn delete_expired(self, now: i64) -> Result<u64, StorageError> {
        let deleted = sqlx::query("DELETE FROM workshops WHERE delete_after < $1")
            .bind(now)
            .execute(self.pool)
            .await?;
        Ok(deleted.rows_affected())
    }
}

fn workshop(row: &AnyRow) -> Result<WorkshopRecord, sqlx::Error> {
    let code: String = row.try_get("code")?;
    let flag = |column: &str| row.try_get::<i64, _>(column).map(|value| value != 0);
    Ok(WorkshopRecord {
        id: row.try_get("id")?,
        code: JoinCode::parse(&code).ok_or_else(|| {
            sqlx::Error::Decode(format!("\"{code}\" is not a join code").into())
        })?,
        title: row.try_get("title")?,
        study: id_column(row, "study_slug")?,
        study_version: row.try_get("study_version")?,
        plan: row.try_get("plan")?,
        created_by: row.try_get("created_by")?,
        co_facilitator: row.try_get("co_facilitator")?,
        created_at: row.try_get("created_at")?,
        keep_days: row.try_get("keep_days")?,
        state: LiveState {
            step: usize::try_from(row.try_get::<i64, _>("step")?).unwrap_or_default(),
            answering_open: flag("answering_open")?,
            results_shown: flag("results_shown")?,
            joining_open: flag("joining_open")?,
            round: row.try_get("round")?,
            revision: row.try_get("revision")?,
        },
        split_variants: flag("split_variants")?,
    })
}
