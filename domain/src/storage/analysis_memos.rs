//! Memos of the analysis: the reflexive journal and memos on codes, themes, pairs of themes,
//! participants, answers and codings.
//! Each is dated and signed, and added, never edited.

use sqlx::Row;

use super::{Analysis, StorageError};
use crate::ids::{ResponseId, StudySlug};

/// A memo about to be added. `subject` is "journal", "code:<id>", "theme:<id>",
/// "pair:<theme id>:<published theme id>" (with a `relation`), "participant:<number>",
/// "answer:<number>:<question>" or "coding:<id>". A memo on a participant, an answer or a coding
/// names its `response` (and `coding`), so it goes when they go.
pub struct NewMemo<'a> {
    pub study: &'a StudySlug,
    pub subject: &'a str,
    pub relation: Option<&'a str>,
    pub response: Option<&'a ResponseId>,
    pub coding: Option<&'a str>,
    pub body: &'a str,
    pub by: &'a str,
    pub now: i64,
}

/// A memo, with who wrote it (their email; None once the account is removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoRecord {
    pub id: String,
    pub subject: String,
    pub relation: Option<String>,
    pub body: String,
    pub author: Option<String>,
    pub at: i64,
}

impl Analysis<'_> {
    /// Adds a memo.
    pub async fn add_memo(self, memo: NewMemo<'_>) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO analysis_memos
                 (id, study_slug, subject, relation, body, author, created_at, response_id, coding_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(memo.study.as_str())
        .bind(memo.subject)
        .bind(memo.relation)
        .bind(memo.body)
        .bind(memo.by)
        .bind(memo.now)
        .bind(memo.response.map(ResponseId::as_str))
        .bind(memo.coding)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// The memos on a participant, their answers and the codings of them, oldest first.
    pub async fn memos_of_response(
        self,
        study: &StudySlug,
        response: &ResponseId,
    ) -> Result<Vec<MemoRecord>, StorageError> {
        self.memos_where("m.response_id = $2", study, response.as_str())
            .await
    }

    /// The memos about `subject`, oldest first.
    pub async fn memos_about(
        self,
        study: &StudySlug,
        subject: &str,
    ) -> Result<Vec<MemoRecord>, StorageError> {
        self.memos_where("m.subject = $2", study, subject).await
    }

    /// The memos on answers, oldest first.
    pub async fn answer_memos(self, study: &StudySlug) -> Result<Vec<MemoRecord>, StorageError> {
        self.memos_where("m.subject LIKE $2", study, "answer:%").await
    }

    /// The memos on pairs of themes (the researchers' and the published study's), oldest first.
    pub async fn pair_memos(self, study: &StudySlug) -> Result<Vec<MemoRecord>, StorageError> {
        self.memos_where("m.subject LIKE $2", study, "pair:%").await
    }

    /// Every memo of the study, oldest first.
    pub async fn memos_of_study(self, study: &StudySlug) -> Result<Vec<MemoRecord>, StorageError> {
        self.memos_where("m.subject LIKE $2", study, "%").await
    }

    async fn memos_where(
        self,
        condition: &str,
        study: &StudySlug,
        value: &str,
    ) -> Result<Vec<MemoRecord>, StorageError> {
        let rows = sqlx::query(&format!(
            "SELECT m.id, m.subject, m.relation, m.body, s.email AS author, m.created_at
             FROM analysis_memos m LEFT JOIN staff s ON s.id = m.author
             WHERE m.study_slug = $1 AND {condition}
             ORDER BY m.created_at, m.id"
        ))
        .bind(study.as_str())
        .bind(value)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MemoRecord {
                    id: row.try_get("id")?,
                    subject: row.try_get("subject")?,
                    relation: row.try_get("relation")?,
                    body: row.try_get("body")?,
                    author: row.try_get("author")?,
                    at: row.try_get("created_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }
}
