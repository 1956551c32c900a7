//! A study's themes (each with its codes, and maybe an overarching theme) and the analysis log:
//! an append-only record of every change to codes, codings and themes.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Analysis, StorageError};
use crate::analysis::{Blinding, ThemeStatus};
use crate::ids::StudySlug;

/// The log's actions whose detail names a coding: its code, answer and place.
const CODING_ACTIONS: [&str; 2] = ["coding added", "coding removed"];
const HIDDEN_CODING: &str = "Hidden until you and its coder have both released your codings";

/// A theme, with the ids of its codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeRecord {
    pub id: String,
    pub name: String,
    pub central_concept: String,
    pub status: ThemeStatus,
    /// The overarching theme this one is a subtheme of.
    pub parent: Option<String>,
    pub codes: Vec<String>,
    pub definition: ThemeDefinition,
    /// The codings chosen as its vivid extracts.
    pub chosen: Vec<String>,
    /// Its extracts reviewed so far: (coding, whether it fits the theme).
    pub reviewed: Vec<(String, bool)>,
}

/// What a theme is, what it covers, and what it does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeDefinition {
    pub definition: String,
    pub scope: String,
    pub boundaries: String,
}

/// One line of the analysis log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisLogEntry {
    pub at: i64,
    /// The email of who made the change; None once their account is removed.
    pub actor: Option<String>,
    pub action: String,
    pub detail: String,
}

impl Analysis<'_> {
    /// Adds a theme; `Duplicate` when the study has one of that name.
    pub async fn create_theme(
        self,
        study: &StudySlug,
        (name, central_concept): (&str, &str),
        parent: Option<&str>,
        (by, now): (&str, i64),
    ) -> Result<String, StorageError> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO themes
                 (id, study_slug, name, central_concept, status, parent_id, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(study.as_str())
        .bind(name)
        .bind(central_concept)
        .bind(ThemeStatus::Candidate.as_str())
        .bind(parent)
        .bind(by)
        .bind(now)
        .execute(self.pool)
        .await
        .map_err(StorageError::from_insert)?;
        Ok(id)
    }

    /// The study's themes by name, each with its codes.
    pub async fn themes(self, study: &StudySlug) -> Result<Vec<ThemeRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, name, central_concept, status, parent_id, definition, scope, boundaries
             FROM themes
             WHERE study_slug = $1 ORDER BY name",
        )
        .bind(study.as_str())
        .fetch_all(self.pool)
        .await?;
        let members = sqlx::query(
            "SELECT tc.theme_id, tc.code_id FROM theme_codes tc
             JOIN themes t ON t.id = tc.theme_id JOIN codes k ON k.id = tc.code_id
             WHERE t.study_slug = $1 ORDER BY k.name",
        )
        .bind(study.as_str())
        .fetch_all(self.pool)
        .await?;
        let chosen = sqlx::query(
            "SELECT te.theme_id, te.coding_id FROM theme_extracts te
             JOIN themes t ON t.id = te.theme_id WHERE t.study_slug = $1",
        )
        .bind(study.as_str())
        .fetch_all(self.pool)
        .await?;
        let reviewed = sqlx::query(
            "SELECT er.theme_id, er.coding_id, er.verdict FROM extract_reviews er
             JOIN themes t ON t.id = er.theme_id WHERE t.study_slug = $1",
        )
        .bind(study.as_str())
        .fetch_all(self.pool)
        .await?;
        let mut themes = rows.iter().map(theme).collect::<Result<Vec<_>, _>>()?;
        for review in &reviewed {
            let theme_id: String = review.try_get("theme_id")?;
            if let Some(theme) = themes.iter_mut().find(|t| t.id == theme_id) {
                let fits = review.try_get::<String, _>("verdict")? == "fits";
                theme.reviewed.push((review.try_get("coding_id")?, fits));
            }
        }
        for member in &members {
            let theme_id: String = member.try_get("theme_id")?;
            if let Some(theme) = themes.iter_mut().find(|t| t.id == theme_id) {
                theme.codes.push(member.try_get("code_id")?);
            }
        }
        for extract in &chosen {
            let theme_id: String = extract.try_get("theme_id")?;
            if let Some(theme) = themes.iter_mut().find(|t| t.id == theme_id) {
                theme.chosen.push(extract.try_get("coding_id")?);
            }
        }
        Ok(themes)
    }

    pub async fn theme(
        self,
        study: &StudySlug,
        id: &str,
    ) -> Result<Option<ThemeRecord>, StorageError> {
        Ok(self.themes(study).await?.into_iter().find(|t| t.id == id))
    }

    pub async fn set_theme_status(
        self,
        study: &StudySlug,
        id: &str,
        status: ThemeStatus,
    ) -> Result<bool, StorageError> {
        let changed = sqlx::query("UPDATE themes SET status = $1 WHERE id = $2 AND study_slug = $3")
            .bind(status.as_str())
            .bind(id)
            .bind(study.as_str())
            .execute(self.pool)
            .await?;
        Ok(changed.rows_affected() > 0)
    }

    pub async fn define_theme(
        self,
        study: &StudySlug,
        id: &str,
        definition: &ThemeDefinition,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE themes SET definition = $1, scope = $2, boundaries = $3
             WHERE id = $4 AND study_slug = $5",
        )
        .bind(&definition.definition)
        .bind(&definition.scope)
        .bind(&definition.boundaries)
        .bind(id)
        .bind(study.as_str())
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Chooses one of the study's codings as a vivid extract of the theme, or unchooses it.
    pub async fn choose_extract(
        self,
        study: &StudySlug,
        (theme, coding): (&str, &str),
        chosen: bool,
    ) -> Result<(), StorageError> {
        let sql = if chosen {
            "INSERT INTO theme_extracts (theme_id, coding_id)
             SELECT t.id, c.id FROM themes t JOIN codings c ON c.study_slug = t.study_slug
             WHERE t.id = $1 AND c.id = $2 AND t.study_slug = $3 AND NOT EXISTS (
                 SELECT 1 FROM theme_extracts WHERE theme_id = $1 AND coding_id = $2)"
        } else {
            "DELETE FROM theme_extracts WHERE theme_id = $1 AND coding_id = $2
               AND EXISTS (SELECT 1 FROM themes WHERE id = $1 AND study_slug = $3)"
        };
        sqlx::query(sql)
            .bind(theme)
            .bind(coding)
            .bind(study.as_str())
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// Records whether one of the theme's extracts fits it (None: not reviewed after all).
    pub async fn review_extract(
        self,
        study: &StudySlug,
        (theme, coding): (&str, &str),
        fits: Option<bool>,
        (by, now): (&str, i64),
    ) -> Result<(), StorageError> {
        let query = match fits {
            Some(fits) => sqlx::query(
                "INSERT INTO extract_reviews (theme_id, coding_id, verdict, reviewer, reviewed_at)
                 SELECT t.id, c.id, $4, $5, $6 FROM themes t
                 JOIN codings c ON c.study_slug = t.study_slug
                 WHERE t.id = $1 AND c.id = $2 AND t.study_slug = $3
                 ON CONFLICT (theme_id, coding_id) DO UPDATE SET verdict = excluded.verdict,
                     reviewer = excluded.reviewer, reviewed_at = excluded.reviewed_at",
            )
            .bind(theme)
            .bind(coding)
            .bind(study.as_str())
            .bind(if fits { "fits" } else { "misfit" })
            .bind(by)
            .bind(now),
            None => sqlx::query(
                "DELETE FROM extract_reviews WHERE theme_id = $1 AND coding_id = $2
                   AND EXISTS (SELECT 1 FROM themes WHERE id = $1 AND study_slug = $3)",
            )
            .bind(theme)
            .bind(coding)
            .bind(study.as_str()),
        };
        query.execute(self.pool).await?;
        Ok(())
    }

    /// Makes `codes` (ids of the study's codes) the theme's codes, in one transaction.
    pub async fn set_theme_codes(
        self,
        study: &StudySlug,
        id: &str,
        codes: &[String],
    ) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query("DELETE FROM theme_codes WHERE theme_id = $1")
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        for code in codes {
            sqlx::query(
                "INSERT INTO theme_codes (theme_id, code_id)
                 SELECT t.id, k.id FROM themes t JOIN codes k ON k.study_slug = t.study_slug
                 WHERE t.id = $1 AND k.id = $2 AND t.study_slug = $3",
            )
            .bind(id)
            .bind(code)
            .bind(study.as_str())
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// Appends a line to the study's analysis log.
    pub async fn log(
        self,
        study: &StudySlug,
        (actor, now): (&str, i64),
        action: &str,
        detail: &str,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO analysis_log (study_slug, at, actor, action, detail)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(study.as_str())
        .bind(now)
        .bind(actor)
        .bind(action)
        .bind(detail)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// The study's analysis log, newest first, at most `limit` lines, as `blinding`'s viewer
    /// may read it: which coding another coder added or removed stays hidden while independent
    /// mode keeps their codings from the viewer.
    pub async fn log_of(
        self,
        study: &StudySlug,
        limit: i64,
        blinding: &Blinding,
    ) -> Result<Vec<AnalysisLogEntry>, StorageError> {
        let rows = sqlx::query(
            "SELECT l.at, s.email AS actor, l.action, l.detail FROM analysis_log l
             LEFT JOIN staff s ON s.id = l.actor
             WHERE l.study_slug = $1 ORDER BY l.id DESC LIMIT $2",
        )
        .bind(study.as_str())
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        let mut entries = rows
            .iter()
            .map(|row| {
                Ok(AnalysisLogEntry {
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        for entry in &mut entries {
            if CODING_ACTIONS.contains(&entry.action.as_str())
                && !blinding.shows(entry.actor.as_deref())
            {
                entry.detail = HIDDEN_CODING.to_owned();
            }
        }
        Ok(entries)
    }
}

fn theme(row: &AnyRow) -> Result<ThemeRecord, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(ThemeRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        central_concept: row.try_get("central_concept")?,
        status: ThemeStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown theme status {status}").into()))?,
        parent: row.try_get("parent_id")?,
        codes: Vec::new(),
        definition: ThemeDefinition {
            definition: row.try_get("definition")?,
            scope: row.try_get("scope")?,
            boundaries: row.try_get("boundaries")?,
        },
        chosen: Vec::new(),
        reviewed: Vec::new(),
    })
}
