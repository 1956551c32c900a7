//! The thematic map of a study's themes and codes, and its dated snapshots.

use sqlx::Row;

use super::{Analysis, CodeRecord, StorageError, ThemeRecord};
use crate::analysis::map::{MapCode, MapTheme, ThematicMap};
use crate::ids::StudySlug;

/// The map of these themes and codes.
pub fn thematic_map(themes: &[ThemeRecord], codes: &[CodeRecord]) -> ThematicMap {
    let themes: Vec<MapTheme<'_>> = themes
        .iter()
        .map(|theme| MapTheme {
            id: &theme.id,
            name: &theme.name,
            status: theme.status,
            parent: theme.parent.as_deref(),
            codes: &theme.codes,
        })
        .collect();
    let codes: Vec<MapCode<'_>> = codes
        .iter()
        .map(|code| (code.id.as_str(), code.name.as_str()))
        .collect();
    ThematicMap::layout(&themes, &codes)
}

/// A snapshot kept: when, and by whom (their email; None once the account is removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapSnapshot {
    pub id: String,
    pub taken_at: i64,
    pub taken_by: Option<String>,
}

impl Analysis<'_> {
    pub async fn keep_map_snapshot(
        self,
        study: &StudySlug,
        (by, now): (&str, i64),
        svg: &str,
    ) -> Result<String, StorageError> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO map_snapshots (id, study_slug, taken_by, taken_at, svg)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(study.as_str())
        .bind(by)
        .bind(now)
        .bind(svg)
        .execute(self.pool)
        .await?;
        Ok(id)
    }

    /// The study's snapshots, newest first.
    pub async fn map_snapshots(self, study: &StudySlug) -> Result<Vec<MapSnapshot>, StorageError> {
        let rows = sqlx::query(
            "SELECT m.id, m.taken_at, s.email FROM map_snapshots m
             LEFT JOIN staff s ON s.id = m.taken_by
             WHERE m.study_slug = $1 ORDER BY m.taken_at DESC, m.id",
        )
        .bind(study.as_str())
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MapSnapshot {
                    id: row.try_get("id")?,
                    taken_at: row.try_get("taken_at")?,
                    taken_by: row.try_get("email")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    pub async fn map_snapshot_svg(
        self,
        study: &StudySlug,
        id: &str,
    ) -> Result<Option<String>, StorageError> {
        let row = sqlx::query("SELECT svg FROM map_snapshots WHERE id = $1 AND study_slug = $2")
            .bind(id)
            .bind(study.as_str())
            .fetch_optional(self.pool)
            .await?;
        Ok(row.map(|row| row.try_get("svg")).transpose()?)
    }
}
