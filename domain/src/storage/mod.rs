//! All SQL lives here, in one repository per area, each borrowed from `Storage`:
//! `storage.responses()`, `.study_definitions()`, `.staff()`, `.sessions()`, `.audit_log()`,
//! `.redactions()` and `.exports()`. `Storage` itself keeps the pool and what concerns the whole
//! database (connecting, readiness, backup, consistency, notifications). SQLite (one machine, the
//! default) and PostgreSQL (several app instances) run the same queries through sqlx's `Any`
//! driver, written in the SQL both understand; what truly differs is in engine.rs. Each engine has
//! its own migrations, kept column for column alike.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, FromRow, Row};

use crate::ids::{IdError, QuestionId, ResponseId, StudySlug};
use crate::study::{Dealt, Study};

mod analysis;
mod analysis_imports;
mod analysis_map;
mod analysis_memos;
mod analysis_team;
mod analysis_themes;
mod engine;
mod export;
mod maintenance;
mod notifications;
mod progress;
mod redactions;
mod responses;
mod staff;
mod study_drafts;
mod study_members;
mod workshop_donations;
mod workshop_reviews;
mod workshops;

/// A code record for unit tests elsewhere in the crate.
#[cfg(test)]
pub(crate) use analysis::tests::code as test_code;
pub use study_drafts::StoredDraft;
pub use workshop_donations::{Donation, WorkshopDevice};
pub use workshop_reviews::{Decision, RoomAnswer};
pub use workshops::{NewWorkshop, WorkshopRecord};

pub use analysis::{
    CodableAnswer, CodeRecord, CodingRecord, NewCoding, code_path, in_tree_order, is_within,
};
pub use analysis_imports::{PENDING_IMPORT_SECONDS, PendingImport};
pub use analysis_map::{MapSnapshot, thematic_map};
pub use analysis_memos::{MemoRecord, NewMemo};
pub use analysis_themes::{AnalysisLogEntry, ThemeDefinition, ThemeRecord};
pub use engine::Engine;
pub use export::{DemographicCount, SubmittedResponse, WORKSHOP_SOURCE};
pub use maintenance::{Consistency, Lifetimes};
pub use notifications::{LISTENER_APPLICATION_NAME, Notifications};
pub use progress::{StudyProgress, SubmittedAnswers};
pub use redactions::{
    AcceptedRedaction, ErasedAnswer, NewRedaction, RedactionDecision, RedactionRecord,
    RedactionStatus,
};
pub use responses::ResponseOverview;
pub use staff::{NewStaff, ResealError, SessionRecord, StaffRecord, StaffSummary};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("these answers have already been submitted")]
    AlreadySubmitted,
    #[error("no such record")]
    NotFound,
    #[error("already exists")]
    Duplicate,
    #[error("unsupported database address \"{0}\": use sqlite://PATH or postgres://HOST/DATABASE")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("{0} already exists; choose a new file name")]
    FileExists(String),
}

impl StorageError {
    /// A unique constraint broken by an insert is the caller's mistake, not the database's.
    fn from_insert(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Duplicate,
            _ => Self::Database(error),
        }
    }
}

/// One participant's response, without its answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRecord {
    pub id: ResponseId,
    pub study_slug: StudySlug,
    pub step_reached: i64,
    pub started_on: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
    pub participant_number: Option<i64>,
    /// The study's version (its catalogue number) the participant started on: its wording is the
    /// one they saw.
    pub study_version_number: i64,
    /// The start minute, shifted by an amount only the participant's link reproduces; cleared at submit.
    pub masked_start_minute: Option<i64>,
    /// Whole minutes from consent to submit, once submitted.
    pub minutes_to_complete: Option<i64>,
    /// The scenario order and vignette variant the participant was dealt at consent.
    pub dealt: Dealt,
    /// Answers given in a workshop and donated to the research, rather than the survey's.
    pub from_workshop: bool,
}

/// What a response was dealt, from its `scenario_order` and `vignette_variant` columns.
fn dealt_columns(row: &AnyRow) -> Result<Dealt, sqlx::Error> {
    Ok(Dealt {
        scenario_order: row.try_get("scenario_order")?,
        variant: row.try_get("vignette_variant")?,
    })
}

/// The columns a [`ResponseRecord`] is read from, of the responses table aliased `r`.
const RESPONSE_RECORD_COLUMNS: &str = "r.id, r.study_slug, r.step_reached, r.started_on, r.submitted_on,
    r.participant_number, r.study_version_number, r.masked_start_minute, r.minutes_to_complete,
    r.scenario_order, r.vignette_variant, r.source";

impl FromRow<'_, AnyRow> for ResponseRecord {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: id_column(row, "id")?,
            study_slug: id_column(row, "study_slug")?,
            step_reached: row.try_get("step_reached")?,
            started_on: day_column(row, "started_on")?,
            submitted_on: optional_day(row, "submitted_on")?,
            participant_number: row.try_get("participant_number")?,
            study_version_number: row.try_get("study_version_number")?,
            masked_start_minute: row.try_get("masked_start_minute")?,
            minutes_to_complete: row.try_get("minutes_to_complete")?,
            dealt: dealt_columns(row)?,
            from_workshop: row.try_get::<String, _>("source")? == WORKSHOP_SOURCE,
        })
    }
}

/// A change to one answer: `None` clears it.
pub type AnswerChange = (QuestionId, Option<String>);

/// A participant's answers, by question.
pub type Answers = HashMap<QuestionId, String>;

/// What a new response starts with.
pub struct NewResponse<'a> {
    pub study_slug: &'a StudySlug,
    pub study_version: &'a str,
    /// The catalogue's number of the version the participant is shown.
    pub study_version_number: i64,
    pub token_hash: &'a str,
    pub consent_version: &'a str,
    pub first_step: i64,
    pub today: NaiveDate,
    pub withdrawal_hash: &'a str,
    pub masked_start_minute: i64,
    /// The study that deals the participant a scenario order or a vignette variant from its
    /// version's next draw; None when it deals nothing.
    pub deal_from: Option<&'a Study>,
}

/// What a private link becomes when it is rotated: the new link's hashes and its masked start.
pub struct RotatedLink<'a> {
    pub token_hash: &'a str,
    pub withdrawal_hash: &'a str,
    pub masked_start_minute: Option<i64>,
}

#[derive(Clone)]
pub struct Storage {
    pool: AnyPool,
    engine: Engine,
    /// For the connection that listens for other instances' notifications.
    postgres_url: notifications::PostgresUrl,
}

/// A repository: one area's queries, borrowed from `Storage` (`storage.responses().submit(…)`).
macro_rules! repositories {
    ($($(#[$doc:meta])* $name:ident => $accessor:ident;)*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy)]
            pub struct $name<'a> {
                pool: &'a AnyPool,
            }
        )*

        impl Storage {
            $(
                pub fn $accessor(&self) -> $name<'_> {
                    $name { pool: &self.pool }
                }
            )*
        }
    };
}

repositories! {
    /// The study definitions that responses refer to.
    StudyDefinitions => study_definitions;
    /// Staff accounts: passwords, two-factor sign-in, invitations, failed sign-ins.
    StaffAccounts => staff;
    /// Staff sessions, found by the hash of their token.
    Sessions => sessions;
    /// The audit log: written by actions, read by owners, never edited.
    AuditLog => audit_log;
    /// Identifier findings, their scans and decisions, and erased answers.
    Redactions => redactions;
    /// Which researchers read which study.
    StudyMembers => study_members;
    /// Studies being edited in the researcher area, one draft each.
    StudyDrafts => study_drafts;
    /// Live workshops: their plans and state, the phones that joined, their answers.
    Workshops => workshops;
    /// Thematic analysis: a study's codes and the codings made with them.
    Analysis => analysis;
}

/// Participants' responses and their answers.
#[derive(Clone, Copy)]
pub struct Responses<'a> {
    pool: &'a AnyPool,
    /// A response with its answers is read in one query, through the engine's JSON aggregate.
    engine: Engine,
}

impl Storage {
    pub fn responses(&self) -> Responses<'_> {
        Responses {
            pool: &self.pool,
            engine: self.engine,
        }
    }
}

/// What exports read: submitted responses, streamed, and counts for the small-group check.
#[derive(Clone, Copy)]
pub struct Exports<'a> {
    pool: &'a AnyPool,
    /// The JSON aggregate that builds each participant's answers differs between engines.
    engine: Engine,
}

impl Storage {
    pub fn exports(&self) -> Exports<'_> {
        Exports {
            pool: &self.pool,
            engine: self.engine,
        }
    }
}

impl Storage {
    /// Opens (creating when missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let engine = Engine::of_url(url)?;
        let pool = engine.connect(url).await?;
        engine.migrations().run(&pool).await?;
        let postgres_url = engine.relays_notifications().then(|| url.into());
        Ok(Self {
            pool,
            engine,
            postgres_url,
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// True where several instances share the database and must tell each other what happened.
    pub fn relays_notifications(&self) -> bool {
        self.engine.relays_notifications()
    }
}

/// One published version of a study, as the catalogue keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStudyVersion {
    pub slug: StudySlug,
    pub number: i64,
    /// The study file, exactly as published.
    pub definition: String,
}

/// A published version as the researcher's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyVersionSummary {
    pub number: i64,
    /// The file's own `version`.
    pub label: String,
    pub published_on: NaiveDate,
    /// Responses that started on this version, submitted or not.
    pub responses: i64,
}

impl StudyDefinitions<'_> {
    /// The study's published versions, newest first, with how many responses started on each.
    pub async fn summaries(
        self,
        slug: &StudySlug,
    ) -> Result<Vec<StudyVersionSummary>, StorageError> {
        let rows = sqlx::query(
            "SELECT v.number, v.label, v.published_on,
                    (SELECT COUNT(*) FROM responses r
                     WHERE r.study_slug = v.study_slug AND r.study_version_number = v.number) AS responses
             FROM study_versions v WHERE v.study_slug = $1 ORDER BY v.number DESC",
        )
        .bind(slug.as_str())
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| -> Result<_, sqlx::Error> {
                Ok(StudyVersionSummary {
                    number: row.try_get("number")?,
                    label: row.try_get("label")?,
                    published_on: day_column(row, "published_on")?,
                    responses: row.try_get("responses")?,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(StorageError::from)
    }

    /// Seeds the study from its file at start: a file that changed since it was last read becomes
    /// the study's newest version (unless the newest already has exactly its text); a file read
    /// before leaves alone what was published in the app since. Returns the newest version's
    /// number.
    pub async fn register(
        self,
        slug: &StudySlug,
        label: &str,
        definition: &str,
        today: NaiveDate,
    ) -> Result<i64, StorageError> {
        let mut tx = self.pool.begin().await?;
        lock_study_row(&mut tx, slug, label, definition, today).await?;
        let (file_text,): (Option<String>,) =
            sqlx::query_as("SELECT file_definition FROM studies WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_one(&mut *tx)
                .await?;
        let number = if file_text.as_deref() == Some(definition) {
            newest_version(&mut tx, slug)
                .await?
                .map_or(1, |(number, _)| number)
        } else {
            sqlx::query("UPDATE studies SET file_definition = $1 WHERE slug = $2")
                .bind(definition)
                .bind(slug.as_str())
                .execute(&mut *tx)
                .await?;
            publish_unless_newest(&mut tx, slug, label, definition, today)
                .await?
                .number
        };
        tx.commit().await?;
        Ok(number)
    }

    /// Publishes a study text sent from the researcher area as the study's newest version (a new
    /// study when the slug is new), unless the newest already has exactly this text.
    pub async fn publish(
        self,
        slug: &StudySlug,
        label: &str,
        definition: &str,
        today: NaiveDate,
    ) -> Result<Published, StorageError> {
        let mut tx = self.pool.begin().await?;
        lock_study_row(&mut tx, slug, label, definition, today).await?;
        let published = publish_unless_newest(&mut tx, slug, label, definition, today).await?;
        tx.commit().await?;
        Ok(published)
    }

    /// Every published version of every study, oldest first within a study.
    pub async fn versions(self) -> Result<Vec<StoredStudyVersion>, StorageError> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT study_slug, number, definition FROM study_versions ORDER BY study_slug, number",
        )
        .fetch_all(self.pool)
        .await?;
        rows.into_iter()
            .map(|(slug, number, definition)| -> Result<_, StorageError> {
                Ok(StoredStudyVersion {
                    slug: StudySlug::parse(&slug)
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                    number,
                    definition,
                })
            })
            .collect()
    }
}

/// What publishing a study text did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// The study's newest version now.
    pub number: i64,
    /// False when the newest version already had exactly this text.
    pub is_new: bool,
}

/// Makes the study's row when it is new, and locks it: writing first, two instances publishing at
/// once take turns (PostgreSQL's row lock, SQLite's write lock) instead of both numbering the same
/// new version.
async fn lock_study_row(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    slug: &StudySlug,
    label: &str,
    definition: &str,
    today: NaiveDate,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO studies (slug, version, definition, loaded_on) VALUES ($1, $2, $3, $4)
         ON CONFLICT (slug) DO UPDATE SET loaded_on = excluded.loaded_on",
    )
    .bind(slug.as_str())
    .bind(label)
    .bind(definition)
    .bind(day(today))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn newest_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    slug: &StudySlug,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT number, definition FROM study_versions WHERE study_slug = $1
         ORDER BY number DESC LIMIT 1",
    )
    .bind(slug.as_str())
    .fetch_optional(&mut **tx)
    .await
}

/// Adds the text as the study's next version unless the newest has exactly this text. A changed
/// text never overwrites a version that responses may have started on.
async fn publish_unless_newest(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    slug: &StudySlug,
    label: &str,
    definition: &str,
    today: NaiveDate,
) -> Result<Published, sqlx::Error> {
    let newest = newest_version(tx, slug).await?;
    if let Some((number, text)) = &newest
        && text == definition
    {
        return Ok(Published {
            number: *number,
            is_new: false,
        });
    }
    let number = newest.map_or(1, |(number, _)| number + 1);
    sqlx::query(
        "INSERT INTO study_versions (study_slug, number, label, definition, published_on)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(slug.as_str())
    .bind(number)
    .bind(label)
    .bind(definition)
    .bind(day(today))
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE studies SET version = $1, definition = $2 WHERE slug = $3")
        .bind(label)
        .bind(definition)
        .bind(slug.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(Published {
        number,
        is_new: true,
    })
}

/// Takes the next number from a study version's counter, making the counter (with its salt) on
/// the first draw. The statement writes first, so concurrent consents take turns on the row (in
/// PostgreSQL across instances too) and never share a number.
async fn next_draw(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    study_slug: &StudySlug,
    version_number: i64,
) -> Result<(u64, u64), StorageError> {
    let salt = i64::from_ne_bytes(rand::random::<u64>().to_ne_bytes());
    let (draws, salt): (i64, i64) = sqlx::query_as(
        "INSERT INTO assignment_draws (study_slug, study_version_number, draws, salt)
         VALUES ($1, $2, 1, $3)
         ON CONFLICT (study_slug, study_version_number)
         DO UPDATE SET draws = assignment_draws.draws + 1
         RETURNING draws, salt",
    )
    .bind(study_slug.as_str())
    .bind(version_number)
    .bind(salt)
    .fetch_one(&mut **tx)
    .await?;
    Ok((
        u64::try_from(draws).unwrap_or(0),
        u64::from_ne_bytes(salt.to_ne_bytes()),
    ))
}

impl Responses<'_> {
    /// Creates a response for a participant who has just consented; returns its random id.
    pub async fn start(self, new: NewResponse<'_>) -> Result<ResponseId, StorageError> {
        let id = ResponseId::random();
        let mut tx = self.pool.begin().await?;
        let dealt = match new.deal_from {
            Some(study) => {
                let (draw, salt) =
                    next_draw(&mut tx, new.study_slug, new.study_version_number).await?;
                study.deal(draw, salt)
            }
            None => Dealt::default(),
        };
        sqlx::query(
            "INSERT INTO responses (id, study_slug, study_version, token_hash, consent_version, step_reached, started_on, updated_on, withdrawal_hash, masked_start_minute, study_version_number, scenario_order, vignette_variant)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id.as_str())
        .bind(new.study_slug.as_str())
        .bind(new.study_version)
        .bind(new.token_hash)
        .bind(new.consent_version)
        .bind(new.first_step)
        .bind(day(new.today))
        .bind(new.withdrawal_hash)
        .bind(new.masked_start_minute)
        .bind(new.study_version_number)
        .bind(dealt.scenario_order)
        .bind(dealt.variant)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces the private link of an unsubmitted response, so the old link opens nothing. False
    /// when the old link no longer opens an unsubmitted response (rotated or submitted meanwhile).
    pub async fn rotate_link(
        self,
        old_token_hash: &str,
        new: RotatedLink<'_>,
    ) -> Result<bool, StorageError> {
        let rotated = sqlx::query(
            "UPDATE responses SET token_hash = $1, withdrawal_hash = $2, masked_start_minute = $3
             WHERE token_hash = $4 AND submitted_on IS NULL",
        )
        .bind(new.token_hash)
        .bind(new.withdrawal_hash)
        .bind(new.masked_start_minute)
        .bind(old_token_hash)
        .execute(self.pool)
        .await?;
        Ok(rotated.rows_affected() == 1)
    }

    pub async fn find_by_token_hash(
        self,
        token_hash: &str,
    ) -> Result<Option<ResponseRecord>, StorageError> {
        self.find_where("token_hash = $1", token_hash).await
    }

    /// The response a private link opens, with its answers, in one round trip: every survey page
    /// needs both.
    pub async fn with_answers_by_token_hash(
        self,
        token_hash: &str,
    ) -> Result<Option<(ResponseRecord, Answers)>, StorageError> {
        static BY_ENGINE: LazyLock<[String; 2]> = LazyLock::new(|| {
            Engine::ALL.map(|engine| {
                format!(
                    "SELECT {RESPONSE_RECORD_COLUMNS},
                            (SELECT {} FROM answers a WHERE a.response_id = r.id) AS answers
                     FROM responses r WHERE r.token_hash = $1",
                    engine.answers_as_json()
                )
            })
        });
        let row = sqlx::query(&BY_ENGINE[self.engine as usize])
        .bind(token_hash)
        .fetch_optional(self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let answers: Option<String> = row.try_get("answers")?;
        let answers = match answers {
            Some(json) => serde_json::from_str(&json)
                .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
            None => Answers::new(),
        };
        Ok(Some((ResponseRecord::from_row(&row)?, answers)))
    }

    /// The response a withdrawal code belongs to.
    pub async fn find_by_withdrawal_hash(
        self,
        withdrawal_hash: &str,
    ) -> Result<Option<ResponseRecord>, StorageError> {
        self.find_where("withdrawal_hash = $1", withdrawal_hash)
            .await
    }

    /// A response of one study by its id; another study's response is not found.
    pub async fn in_study(
        self,
        study_slug: &StudySlug,
        response_id: &ResponseId,
    ) -> Result<Option<ResponseRecord>, StorageError> {
        let found = self.find_where("id = $1", response_id.as_str()).await?;
        Ok(found.filter(|record| record.study_slug == *study_slug))
    }

    async fn find_where(
        self,
        condition: &str,
        value: &str,
    ) -> Result<Option<ResponseRecord>, StorageError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RESPONSE_RECORD_COLUMNS} FROM responses r WHERE r.{condition}"
        ))
        .bind(value)
        .fetch_optional(self.pool)
        .await?)
    }

    /// Deletes a response and its answers; false when there was none.
    pub async fn delete(self, response_id: &ResponseId) -> Result<bool, StorageError> {
        let response_id = response_id.as_str();
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM answers WHERE response_id = $1")
            .bind(response_id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM responses WHERE id = $1")
            .bind(response_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected() == 1)
    }

    pub async fn answers(self, response_id: &ResponseId) -> Result<Answers, StorageError> {
        let rows = sqlx::query("SELECT question_id, value FROM answers WHERE response_id = $1")
            .bind(response_id.as_str())
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok((id_column(row, "question_id")?, row.try_get("value")?)))
            .collect()
    }

    /// Saves answers and moves the furthest step reached forward, all or nothing.
    /// Fails with `AlreadySubmitted` once the response is submitted, so nothing changes after it.
    pub async fn save_answers(
        self,
        response_id: &ResponseId,
        changes: &[AnswerChange],
        step_reached: i64,
        today: NaiveDate,
    ) -> Result<(), StorageError> {
        let today = day(today);
        let response_id = response_id.as_str();
        let mut tx = self.pool.begin().await?;
        let touched = sqlx::query(
            "UPDATE responses SET step_reached = CASE WHEN step_reached < $1 THEN $1 ELSE step_reached END, updated_on = $2
             WHERE id = $3 AND submitted_on IS NULL",
        )
        .bind(step_reached)
        .bind(&today)
        .bind(response_id)
        .execute(&mut *tx)
        .await?;
        if touched.rows_affected() == 0 {
            return Err(self.missing_or_submitted(response_id).await);
        }
        for (question_id, value) in changes {
            match value {
                Some(value) => {
                    upsert_answer(response_id, question_id.as_str(), value, &today)
                        .execute(&mut *tx)
                        .await?;
                }
                None => {
                    sqlx::query("DELETE FROM answers WHERE response_id = $1 AND question_id = $2")
                        .bind(response_id)
                        .bind(question_id.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Submits a response and gives it the study's next participant number.
    /// Submitting again returns the number it already has: a double click or a resend is harmless.
    pub async fn submit(
        self,
        response_id: &ResponseId,
        step_reached: i64,
        today: NaiveDate,
        minutes_to_complete: Option<i64>,
    ) -> Result<i64, StorageError> {
        let response_id = response_id.as_str();
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE responses SET submitted_on = $1, updated_on = $1,
                 step_reached = CASE WHEN step_reached < $2 THEN $2 ELSE step_reached END,
                 minutes_to_complete = $4, masked_start_minute = NULL
             WHERE id = $3 AND submitted_on IS NULL",
        )
        .bind(day(today))
        .bind(step_reached)
        .bind(response_id)
        .bind(minutes_to_complete)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 1 {
            let number = give_participant_number(&mut tx, response_id).await?;
            tx.commit().await?;
            return Ok(number);
        }
        tx.rollback().await?;
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT participant_number FROM responses WHERE id = $1",
        )
        .bind(response_id)
        .fetch_optional(self.pool)
        .await?
        .flatten()
        .ok_or(StorageError::NotFound)
    }

    async fn missing_or_submitted(self, response_id: &str) -> StorageError {
        let exists = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM responses WHERE id = $1")
            .bind(response_id)
            .fetch_one(self.pool)
            .await;
        match exists {
            Ok(0) => StorageError::NotFound,
            Ok(_) => StorageError::AlreadySubmitted,
            Err(e) => e.into(),
        }
    }
}

/// Gives the response its study's next participant number, inside the transaction that submits it.
async fn give_participant_number(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    response_id: &str,
) -> Result<i64, StorageError> {
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO participant_counters (study_slug, last_number)
         SELECT study_slug, 1 FROM responses WHERE id = $1
         ON CONFLICT (study_slug) DO UPDATE SET last_number = participant_counters.last_number + 1
         RETURNING last_number",
    )
    .bind(response_id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE responses SET participant_number = $1 WHERE id = $2")
        .bind(number)
        .bind(response_id)
        .execute(&mut **tx)
        .await?;
    Ok(number)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn upsert_answer<'q>(
    response_id: &'q str,
    question_id: &'q str,
    value: &'q str,
    today: &'q str,
) -> AnyQuery<'q> {
    sqlx::query(
        "INSERT INTO answers (response_id, question_id, value, updated_on) VALUES ($1, $2, $3, $4)
         ON CONFLICT (response_id, question_id) DO UPDATE SET value = excluded.value, updated_on = excluded.updated_on",
    )
    .bind(response_id)
    .bind(question_id)
    .bind(value)
    .bind(today)
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// "$from, $from+1, …": the placeholders of an IN list of `count` values.
fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_day(text: String) -> Result<NaiveDate, sqlx::Error> {
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// A day column (days are stored as YYYY-MM-DD text on both engines).
fn day_column(row: &AnyRow, column: &str) -> Result<NaiveDate, sqlx::Error> {
    parse_day(row.try_get(column)?)
}

/// A day column that may be empty.
fn optional_day(row: &AnyRow, column: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
    row.try_get::<Option<String>, _>(column)?
        .map(parse_day)
        .transpose()
}

/// An id column, checked as it is read: a row that breaks an id's rules is a decoding error.
fn id_column<T: TryFrom<String, Error = IdError>>(
    row: &AnyRow,
    column: &str,
) -> Result<T, sqlx::Error> {
    T::try_from(row.try_get::<String, _>(column)?).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
