//! Thematic analysis: a study's codes and the codings researchers make with them, each a span
//! of one submitted answer in code points. A withdrawn response takes its codings with it (the
//! foreign key cascades).

use std::borrow::Borrow;
use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Analysis, StorageError, id_column, placeholders};
use crate::analysis::{Blinding, Span};
use crate::ids::{QuestionId, ResponseId, StudySlug};

/// A code of a study, with how many codings use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    pub id: String,
    pub name: String,
    pub definition: String,
    pub codings: i64,
    /// Archived codes are not offered while coding.
    pub archived: bool,
    /// The code it sits inside, in the code tree.
    pub parent: Option<String>,
}

/// The code's place in the code tree: the names of the codes it is inside and its own,
/// "Parent / Child". A loop in the tree stops at the first code met twice.
pub fn code_path(codes: &[CodeRecord], id: &str) -> String {
    let mut names = Vec::new();
    let mut seen = Vec::new();
    let mut next = Some(id);
    while let Some(id) = next {
        if seen.contains(&id) {
            break;
        }
        seen.push(id);
        let Some(code) = codes.iter().find(|code| code.id == id) else {
            break;
        };
        names.push(code.name.as_str());
        next = code.parent.as_deref();
    }
    names.reverse();
    names.join(" / ")
}

/// The codes depth-first through the code tree, each with its depth (0 at the top): every
/// parent before its children, siblings in the order of `codes`. A code whose parent is not
/// among `codes`, or that sits in a loop of parents, is taken as a top-level code.
pub fn in_tree_order<C: Borrow<CodeRecord>>(codes: &[C]) -> Vec<(usize, &CodeRecord)> {
    let mut ordered: Vec<(usize, &CodeRecord)> = Vec::with_capacity(codes.len());
    let mut taken = std::collections::HashSet::new();
    let codes: Vec<&CodeRecord> = codes.iter().map(Borrow::borrow).collect();
    let has_parent_here = |code: &CodeRecord| {
        code.parent.as_deref().is_some_and(|parent| {
            parent != code.id
                && codes.iter().any(|c| c.id == parent)
                && !is_within(&codes, parent, &code.id)
        })
    };
    let roots = codes.iter().copied().filter(|code| !has_parent_here(code));
    let mut stack: Vec<(usize, &CodeRecord)> = roots.rev().map(|code| (0, code)).collect();
    while let Some((depth, code)) = stack.pop() {
        if !taken.insert(code.id.as_str()) {
            continue;
        }
        ordered.push((depth, code));
        let children = codes
            .iter()
            .copied()
            .filter(|child| child.parent.as_deref() == Some(code.id.as_str()));
        stack.extend(children.rev().map(|child| (depth + 1, child)));
    }
    ordered
}

/// Whether `id` is `ancestor` or inside it, however deep.
pub fn is_within<C: Borrow<CodeRecord>>(codes: &[C], id: &str, ancestor: &str) -> bool {
    let mut seen = Vec::new();
    let mut next = Some(id);
    while let Some(id) = next {
        if id == ancestor {
            return true;
        }
        if seen.contains(&id) {
            return false;
        }
        seen.push(id);
        next = codes
            .iter()
            .map(Borrow::borrow)
            .find(|code| code.id == id)
            .and_then(|code| code.parent.as_deref());
    }
    false
}

/// A coding about to be made.
pub struct NewCoding<'a> {
    pub study: &'a StudySlug,
    pub response: &'a ResponseId,
    pub question: &'a QuestionId,
    pub code: &'a str,
    pub coder: &'a str,
    pub span: Span,
    pub extract: &'a str,
    pub answer_hash: &'a str,
    pub now: i64,
}

/// A coding, with who made it and the participant whose answer it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodingRecord {
    pub id: String,
    pub response: String,
    pub participant_number: i64,
    pub question: QuestionId,
    pub code: String,
    pub code_name: String,
    pub coder: Option<String>,
    pub start: usize,
    pub end: usize,
    pub extract: String,
    pub answer_hash: String,
    /// When it was made, in seconds since the Unix epoch.
    pub at: i64,
}

/// One submitted answer to code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodableAnswer {
    pub response: ResponseId,
    pub participant_number: i64,
    pub text: String,
}

const CODING_COLUMNS: &str = "c.id, c.response_id, r.participant_number, c.question_id, c.code_id,
    k.name AS code_name, s.email AS coder, c.start_point, c.end_point, c.extract, c.answer_hash,
    c.created_at";

const CODING_JOINS: &str = "FROM codings c
    JOIN responses r ON r.id = c.response_id
    JOIN codes k ON k.id = c.code_id
    LEFT JOIN staff s ON s.id = c.coder";

const CODING_ORDER: &str =
    "ORDER BY r.participant_number, c.question_id, c.start_point, c.end_point, k.name";

impl Analysis<'_> {
    /// Adds a code to the study; `Duplicate` when it has one of that name.
    pub async fn create_code(
        self,
        study: &StudySlug,
        name: &str,
        definition: &str,
        (by, now): (&str, i64),
    ) -> Result<String, StorageError> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO codes (id, study_slug, name, definition, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(study.as_str())
        .bind(name)
        .bind(definition)
        .bind(by)
        .bind(now)
        .execute(self.pool)
        .await
        .map_err(StorageError::from_insert)?;
        Ok(id)
    }

    /// The study's codes by name, each with its number of codings.
    pub async fn codes(self, study: &StudySlug) -> Result<Vec<CodeRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT k.id, k.name, k.definition, k.archived_at, k.parent_id,
                    (SELECT COUNT(*) FROM codings c WHERE c.code_id = k.id) AS codings
             FROM codes k WHERE k.study_slug = $1 ORDER BY k.name",
        )
        .bind(study.as_str())
        .fetch_all(self.pool)
        .await?;
        Ok(rows.iter().map(code).collect::<Result<_, _>>()?)
    }

    /// The study's codings `blinding`'s viewer may see.
    pub async fn codings_seen_by(
        self,
        study: &StudySlug,
        blinding: &Blinding,
    ) -> Result<Vec<CodingRecord>, StorageError> {
        let mut codings = self.codings_of_study(study).await?;
        codings.retain(|coding| blinding.shows(coding.coder.as_deref()));
        Ok(codings)
    }

    /// The study's codes by name, each with the number of its codings `blinding`'s viewer may
    /// see: in independent mode a count must not tell of codings not yet released.
    pub async fn codes_seen_by(
        self,
        study: &StudySlug,
        blinding: &Blinding,
    ) -> Result<Vec<CodeRecord>, StorageError> {
        let mut codes = self.codes(study).await?;
        if !blinding.independent {
            return Ok(codes);
        }
        let counts = sqlx::query(
            "SELECT c.code_id, s.email AS coder, COUNT(*) AS codings
             FROM codings c LEFT JOIN staff s ON s.id = c.coder
             WHERE c.study_slug = $1 GROUP BY c.code_id, s.email",
        )
        .bind(study.as_str())
        .fetch_all(self.pool)
        .await?;
        let mut seen: HashMap<String, i64> = HashMap::new();
        for row in &counts {
            let coder: Option<String> = row.try_get("coder")?;
            if blinding.shows(coder.as_deref()) {
                *seen.entry(row.try_get("code_id")?).or_default() += row.try_get::<i64, _>("codings")?;
            }
        }
        for code in &mut codes {
            code.codings = seen.get(&code.id).copied().unwrap_or(0);
        }
        Ok(codes)
    }

    pub async fn code(
        self,
        study: &StudySlug,
        id: &str,
    ) -> Result<Option<CodeRecord>, StorageError> {
        Ok(self.codes(study).await?.into_iter().find(|code| code.id == id))
    }

    /// Renames a code or changes its definition; `Duplicate` when another code has the name.
    pub async fn update_code(
        self,
        study: &StudySlug,
        id: &str,
        (name, definition): (&str, &str),
    ) -> Result<(), StorageError> {
        sqlx::query("UPDATE codes SET name = $1, definition = $2 WHERE id = $3 AND study_slug = $4")
            .bind(name)
            .bind(definition)
            .bind(id)
            .bind(study.as_str())
            .execute(self.pool)
            .await
            .map_err(StorageError::from_insert)?;
        Ok(())
    }

    /// Archives a code (`at` a time) or restores it (None).
    pub async fn set_code_archived(
        self,
        study: &StudySlug,
        id: &str,
        at: Option<i64>,
    ) -> Result<(), StorageError> {
        sqlx::query("UPDATE codes SET archived_at = $1 WHERE id = $2 AND study_slug = $3")
            .bind(at)
            .bind(id)
            .bind(study.as_str())
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// Puts a code inside another (`parent`) or at the top of the tree (None).
    pub async fn set_code_parent(
        self,
        study: &StudySlug,
        id: &str,
        parent: Option<&str>,
    ) -> Result<(), StorageError> {
        sqlx::query("UPDATE codes SET parent_id = $1 WHERE id = $2 AND study_slug = $3")
            .bind(parent)
            .bind(id)
            .bind(study.as_str())
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// Splits code `from`: its `codings` move to code `into`, in one transaction; returns how
    /// many moved.
    pub async fn move_codings(
        self,
        study: &StudySlug,
        (from, into): (&str, &str),
        codings: &[String],
    ) -> Result<u64, StorageError> {
        let mut transaction = self.pool.begin().await?;
        let mut moved = 0;
        for coding in codings {
            moved += sqlx::query(
                "UPDATE codings SET code_id = $1 WHERE id = $2 AND code_id = $3 AND study_slug = $4",
            )
            .bind(into)
            .bind(coding)
            .bind(from)
            .bind(study.as_str())
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        }
        transaction.commit().await?;
        Ok(moved)
    }

    /// Merges code `from` into code `into`, in one transaction: its codings move (a coding
    /// `into` already has of the same words by the same coder is kept once), its themes gain `into`, and `from` is
    /// deleted.
    pub async fn merge_codes(
        self,
        study: &StudySlug,
        from: &str,
        into: &str,
    ) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "UPDATE codings SET code_id = $1
             WHERE code_id = $2 AND study_slug = $3 AND NOT EXISTS (
                 SELECT 1 FROM codings same WHERE same.code_id = $1
                    AND same.response_id = codings.response_id
                    AND same.question_id = codings.question_id
                    AND same.start_point = codings.start_point
                    AND same.end_point = codings.end_point
                    AND same.coder IS NOT DISTINCT FROM codings.coder)",
        )
        .bind(into)
        .bind(from)
        .bind(study.as_str())
        .execute(&mut *transaction)
        .await?;
        sqlx::query(
            "INSERT INTO theme_codes (theme_id, code_id)
             SELECT tc.theme_id, $1 FROM theme_codes tc
             WHERE tc.code_id = $2 AND NOT EXISTS (
                 SELECT 1 FROM theme_codes other
                 WHERE other.theme_id = tc.theme_id AND other.code_id = $1)",
        )
        .bind(into)
        .bind(from)
        .execute(&mut *transaction)
        .await?;
        // The codes inside `from` move inside `into` (but `into` itself, were it one of them).
        sqlx::query(
            "UPDATE codes SET parent_id = $1
             WHERE parent_id = $2 AND id <> $1 AND study_slug = $3",
        )
        .bind(into)
        .bind(from)
        .bind(study.as_str())
        .execute(&mut *transaction)
        .await?;
        sqlx::query("DELETE FROM codes WHERE id = $1 AND study_slug = $2")
            .bind(from)
            .bind(study.as_str())
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Every submitted answer to the question, in participant number order.
    pub async fn answers_to(
        self,
        study: &StudySlug,
        question: &QuestionId,
    ) -> Result<Vec<CodableAnswer>, StorageError> {
        let rows = sqlx::query(
            "SELECT r.id, r.participant_number, a.value
             FROM responses r JOIN answers a ON a.response_id = r.id
             WHERE r.study_slug = $1 AND r.participant_number IS NOT NULL AND a.question_id = $2
             ORDER BY r.participant_number",
        )
        .bind(study.as_str())
        .bind(question.as_str())
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CodableAnswer {
                    response: id_column(row, "id")?,
                    participant_number: row.try_get("participant_number")?,
                    text: row.try_get("value")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    /// A submitted participant's response and every answer they gave, by question; None when
    /// no submitted response has that number.
    pub async fn answers_of_participant(
        self,
        study: &StudySlug,
        participant_number: i64,
    ) -> Result<Option<(ResponseId, Vec<(QuestionId, String)>)>, StorageError> {
        let rows = sqlx::query(
            "SELECT r.id, a.question_id, a.value
             FROM responses r LEFT JOIN answers a ON a.response_id = r.id
             WHERE r.study_slug = $1 AND r.participant_number = $2",
        )
        .bind(study.as_str())
        .bind(participant_number)
        .fetch_all(self.pool)
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let response: ResponseId = id_column(first, "id")?;
        let mut answers = Vec::new();
        for row in &rows {
            if let Some(question) = row.try_get::<Option<String>, _>("question_id")? {
                let question = QuestionId::parse(question)
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
                answers.push((question, row.try_get("value")?));
            }
        }
        Ok(Some((response, answers)))
    }

    /// The submitted participants' numbers, in order.
    pub async fn participant_numbers(self, study: &StudySlug) -> Result<Vec<i64>, StorageError> {
        let rows = sqlx::query(
            "SELECT participant_number FROM responses
             WHERE study_slug = $1 AND participant_number IS NOT NULL
             ORDER BY participant_number",
        )
        .bind(study.as_str())
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| row.try_get("participant_number"))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    /// The submitted answer a coding would be made on.
    pub async fn answer(
        self,
        study: &StudySlug,
        response: &ResponseId,
        question: &QuestionId,
    ) -> Result<Option<CodableAnswer>, StorageError> {
        let row = sqlx::query(
            "SELECT r.id, r.participant_number, a.value
             FROM responses r JOIN answers a ON a.response_id = r.id
             WHERE r.study_slug = $1 AND r.id = $2 AND a.question_id = $3
               AND r.participant_number IS NOT NULL",
        )
        .bind(study.as_str())
        .bind(response.as_str())
        .bind(question.as_str())
        .fetch_optional(self.pool)
        .await?;
        row.map(|row| {
            Ok(CodableAnswer {
                response: id_column(&row, "id")?,
                participant_number: row.try_get("participant_number")?,
                text: row.try_get("value")?,
            })
        })
        .transpose()
        .map_err(|error: sqlx::Error| StorageError::from(error))
    }

    /// Records a coding; a coder coding the same words with the same code twice records it once (false
    /// the second time).
    pub async fn add_coding(self, new: NewCoding<'_>) -> Result<bool, StorageError> {
        let added = sqlx::query(
            "INSERT INTO codings (id, study_slug, response_id, question_id, code_id, coder,
                 start_point, end_point, extract, answer_hash, created_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
             WHERE NOT EXISTS (
                 SELECT 1 FROM codings WHERE response_id = $3 AND question_id = $4
                    AND code_id = $5 AND coder = $6 AND start_point = $7 AND end_point = $8)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(new.study.as_str())
        .bind(new.response.as_str())
        .bind(new.question.as_str())
        .bind(new.code)
        .bind(new.coder)
        .bind(i64::try_from(new.span.start).unwrap_or(i64::MAX))
        .bind(i64::try_from(new.span.end).unwrap_or(i64::MAX))
        .bind(new.extract)
        .bind(new.answer_hash)
        .bind(new.now)
        .execute(self.pool)
        .await?;
        Ok(added.rows_affected() > 0)
    }

    /// Moves a coding to where its words are in the answer's new text, with that text's hash.
    pub async fn reanchor_coding(
        self,
        id: &str,
        (start, end): (usize, usize),
        extract: &str,
        answer_hash: &str,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE codings SET start_point = $1, end_point = $2, extract = $3, answer_hash = $4
             WHERE id = $5",
        )
        .bind(i64::try_from(start).unwrap_or(i64::MAX))
        .bind(i64::try_from(end).unwrap_or(i64::MAX))
        .bind(extract)
        .bind(answer_hash)
        .bind(id)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Removes one of the study's codings; returns it, or None when there was none.
    pub async fn remove_coding(
        self,
        study: &StudySlug,
        id: &str,
    ) -> Result<Option<CodingRecord>, StorageError> {
        let found = self.coding(study, id).await?;
        sqlx::query("DELETE FROM codings WHERE id = $1 AND study_slug = $2")
            .bind(id)
            .bind(study.as_str())
            .execute(self.pool)
            .await?;
        Ok(found)
    }

    /// The codings of the answers of `responses` to the question, by participant, then place:
    /// a page of the grid reads its own answers' codings, not the whole question's.
    pub async fn codings_of_answers(
        self,
        study: &StudySlug,
        question: &QuestionId,
        responses: &[&ResponseId],
    ) -> Result<Vec<CodingRecord>, StorageError> {
        if responses.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {CODING_COLUMNS} {CODING_JOINS}
             WHERE c.study_slug = $1 AND c.question_id = $2 AND c.response_id IN ({}) {CODING_ORDER}",
            placeholders(3, responses.len())
        );
        let mut query = sqlx::query(&sql)
            .bind(study.as_str())
            .bind(question.as_str());
        for response in responses {
            query = query.bind(response.as_str());
        }
        let rows = query.fetch_all(self.pool).await?;
        Ok(rows.iter().map(coding).collect::<Result<_, _>>()?)
    }

    pub async fn codings_of_question(
        self,
        study: &StudySlug,
        question: &QuestionId,
    ) -> Result<Vec<CodingRecord>, StorageError> {
        self.codings_where(
            "c.study_slug = $1 AND c.question_id = $2",
            study,
            Some(question.as_str()),
        )
        .await
    }

    /// A code's extracts collated, by participant, question and place.
    pub async fn codings_of_code(
        self,
        study: &StudySlug,
        code: &str,
    ) -> Result<Vec<CodingRecord>, StorageError> {
        self.codings_where("c.study_slug = $1 AND c.code_id = $2", study, Some(code))
            .await
    }

    /// One coding of the study.
    pub async fn coding(
        self,
        study: &StudySlug,
        id: &str,
    ) -> Result<Option<CodingRecord>, StorageError> {
        let found = self
            .codings_where("c.study_slug = $1 AND c.id = $2", study, Some(id))
            .await?;
        Ok(found.into_iter().next())
    }

    /// The codings of one participant's answers, by question and place.
    pub async fn codings_of_response(
        self,
        study: &StudySlug,
        response: &ResponseId,
    ) -> Result<Vec<CodingRecord>, StorageError> {
        let condition = "c.study_slug = $1 AND c.response_id = $2";
        self.codings_where(condition, study, Some(response.as_str()))
            .await
    }

    /// Every coding of the study, by participant, question and place.
    pub async fn codings_of_study(
        self,
        study: &StudySlug,
    ) -> Result<Vec<CodingRecord>, StorageError> {
        self.codings_where("c.study_slug = $1", study, None).await
    }

    async fn codings_where(
        self,
        condition: &str,
        study: &StudySlug,
        value: Option<&str>,
    ) -> Result<Vec<CodingRecord>, StorageError> {
        let sql = format!("SELECT {CODING_COLUMNS} {CODING_JOINS} WHERE {condition} {CODING_ORDER}");
        let mut query = sqlx::query(&sql).bind(study.as_str());
        if let Some(value) = value {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.pool).await?;
        Ok(rows.iter().map(coding).collect::<Result<_, _>>()?)
    }
}

fn code(row: &AnyRow) -> Result<CodeRecord, sqlx::Error> {
    Ok(CodeRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        definition: row.try_get("definition")?,
        codings: row.try_get("codings")?,
        archived: row.try_get::<Option<i64>, _>("archived_at")?.is_some(),
        parent: row.try_get("parent_id")?,
    })
}

fn coding(row: &AnyRow) -> Result<CodingRecord, sqlx::Error> {
    let point = |column: &str| {
        row.try_get::<i64, _>(column)
            .map(|value| usize::try_from(value).unwrap_or_default())
    };
    Ok(CodingRecord {
        id: row.try_get("id")?,
        response: row.try_get("response_id")?,
        participant_number: row.try_get("participant_number")?,
        question: id_column(row, "question_id")?,
        code: row.try_get("code_id")?,
        code_name: row.try_get("code_name")?,
        coder: row.try_get("coder")?,
        start: point("start_point")?,
        end: point("end_point")?,
        extract: row.try_get("extract")?,
        answer_hash: row.try_get("answer_hash")?,
        at: row.try_get("created_at")?,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A code named by its id in capitals, without definition or codings.
    pub(crate) fn code(id: &str, parent: Option<&str>) -> CodeRecord {
        CodeRecord {
            id: id.into(),
            name: id.to_uppercase(),
            definition: String::new(),
            codings: 0,
            archived: false,
            parent: parent.map(Into::into),
        }
    }

    fn order(codes: &[CodeRecord]) -> Vec<(usize, &str)> {
        in_tree_order(codes)
            .into_iter()
            .map(|(depth, code)| (depth, code.id.as_str()))
            .collect()
    }

    #[test]
    fn the_tree_order_puts_each_parent_before_its_children_whatever_the_list_order() {
        let codes = [
            code("child", Some("parent")),
            code("lone", None),
            code("parent", None),
            code("grandchild", Some("child")),
            code("orphan", Some("gone")),
        ];
        assert_eq!(
            order(&codes),
            [
                (0, "lone"),
                (0, "parent"),
                (1, "child"),
                (2, "grandchild"),
                (0, "orphan")
            ]
        );
    }

    #[test]
    fn codes_in_a_loop_of_parents_are_each_taken_once() {
        let codes = [code("a", Some("b")), code("b", Some("a")), code("c", Some("c"))];
        assert_eq!(order(&codes), [(0, "a"), (1, "b"), (0, "c")]);
    }
}
