//! A phone's standing in a workshop: the version of the vignette it was dealt at joining, and
//! the research response its answers were given to, if its holder chose to give them.

use chrono::{DateTime, NaiveDate};

use super::export::WORKSHOP_SOURCE;
use super::{StorageError, Workshops, day, give_participant_number, upsert_answer};
use crate::ids::{ResponseId, StudySlug};
use crate::secret_token::SecretToken;

/// A phone that joined a workshop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkshopDevice {
    /// The version of the vignette dealt at joining; None when the study words it one way.
    pub variant: Option<String>,
    /// The research response holding this phone's answers, once given.
    pub donated_response: Option<String>,
}

/// What a donated response is filed under: the study at the workshop's version, the consent the
/// phone's holder gave, and the hash of the code that withdraws it.
pub struct Donation<'a> {
    pub study_slug: &'a StudySlug,
    pub study_version: &'a str,
    pub study_version_number: i64,
    pub consent_version: &'a str,
    pub withdrawal_hash: &'a str,
    pub today: NaiveDate,
}

impl Workshops<'_> {
    pub async fn device(
        self,
        id: &str,
        token_hash: &str,
    ) -> Result<Option<WorkshopDevice>, StorageError> {
        let found: Option<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT variant, donated_response FROM workshop_devices
             WHERE workshop_id = $1 AND token_hash = $2",
        )
        .bind(id)
        .bind(token_hash)
        .fetch_optional(self.pool)
        .await?;
        Ok(found.map(|(variant, donated_response)| WorkshopDevice {
            variant,
            donated_response,
        }))
    }

    pub async fn has_joined(self, id: &str, token_hash: &str) -> Result<bool, StorageError> {
        Ok(self.device(id, token_hash).await?.is_some())
    }

    /// Lets a phone in, dealing it whichever of `variants` the fewest phones have (at random
    /// among equals), so the room splits evenly; joining twice is joining once.
    pub async fn join(
        self,
        id: &str,
        token_hash: &str,
        now: i64,
        variants: &[String],
    ) -> Result<(), StorageError> {
        let variant = match variants {
            [] => None,
            _ => Some(self.least_dealt(id, variants).await?),
        };
        sqlx::query(
            "INSERT INTO workshop_devices (workshop_id, token_hash, joined_at, variant)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (workshop_id, token_hash) DO NOTHING",
        )
        .bind(id)
        .bind(token_hash)
        .bind(now)
        .bind(variant)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    async fn least_dealt(self, id: &str, variants: &[String]) -> Result<String, StorageError> {
        let dealt = self.phones_by_variant(id).await?;
        let phones_with = |variant: &String| {
            dealt
                .iter()
                .find(|(dealt, _)| dealt == variant)
                .map_or(0, |(_, phones)| *phones)
        };
        let fewest = variants.iter().map(phones_with).min().unwrap_or(0);
        let candidates: Vec<&String> = variants
            .iter()
            .filter(|variant| phones_with(variant) == fewest)
            .collect();
        let chosen = rand::random_range(0..candidates.len());
        Ok(candidates[chosen].clone())
    }

    /// How many phones were dealt each version of the vignette.
    pub async fn phones_by_variant(self, id: &str) -> Result<Vec<(String, i64)>, StorageError> {
        Ok(sqlx::query_as(
            "SELECT variant, COUNT(*) FROM workshop_devices
             WHERE workshop_id = $1 AND variant IS NOT NULL GROUP BY variant ORDER BY variant",
        )
        .bind(id)
        .fetch_all(self.pool)
        .await?)
    }

    /// (version, value, phones) of the answers to a question in a round, by the version of the
    /// vignette each phone read.
    pub async fn tally_by_variant(
        self,
        id: &str,
        question: &str,
        round: i64,
    ) -> Result<Vec<(String, String, i64)>, StorageError> {
        Ok(sqlx::query_as(
            "SELECT d.variant, a.value, COUNT(*) FROM workshop_answers a
             JOIN workshop_devices d ON d.workshop_id = a.workshop_id AND d.token_hash = a.token_hash
             WHERE a.workshop_id = $1 AND a.question_id = $2 AND a.round = $3
               AND d.variant IS NOT NULL
             GROUP BY d.variant, a.value ORDER BY d.variant, a.value",
        )
        .bind(id)
        .bind(question)
        .bind(round)
        .fetch_all(self.pool)
        .await?)
    }

    /// Whether phones read the version of the vignette they were dealt, and the screen compares
    /// the versions; the state counts a change.
    pub async fn set_split(self, id: &str, split: bool) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE workshops SET split_variants = $1, revision = revision + 1
             WHERE id = $2 AND split_variants <> $1",
        )
        .bind(i64::from(split))
        .bind(id)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Gives the phone's answers to the study's research data as a submitted response marked as
    /// from a workshop: for each question, the answer it gave last. Its later answers join the
    /// response too. Giving twice gives once; returns the response's participant number.
    pub async fn donate(
        self,
        id: &str,
        token_hash: &str,
        donation: Donation<'_>,
    ) -> Result<i64, StorageError> {
        let device = self
            .device(id, token_hash)
            .await?
            .ok_or(StorageError::NotFound)?;
        let mut tx = self.pool.begin().await?;
        if let Some(given) = &device.donated_response {
            let number: Option<i64> =
                sqlx::query_scalar("SELECT participant_number FROM responses WHERE id = $1")
                    .bind(given)
                    .fetch_one(&mut *tx)
                    .await?;
            return number.ok_or(StorageError::NotFound);
        }
        let response = ResponseId::random();
        let response = response.as_str();
        let today = day(donation.today);
        // No one holds the token of a donated response: it is never resumed, only withdrawn.
        let unheld_token = SecretToken::generate().storage_hash();
        sqlx::query(
            "INSERT INTO responses (id, study_slug, study_version, token_hash, consent_version,
                 step_reached, started_on, updated_on, submitted_on, withdrawal_hash,
                 study_version_number, vignette_variant, source)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $6, $6, $7, $8, $9, $10)",
        )
        .bind(response)
        .bind(donation.study_slug.as_str())
        .bind(donation.study_version)
        .bind(&unheld_token)
        .bind(donation.consent_version)
        .bind(&today)
        .bind(donation.withdrawal_hash)
        .bind(donation.study_version_number)
        .bind(&device.variant)
        .bind(WORKSHOP_SOURCE)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO answers (response_id, question_id, value, updated_on)
             SELECT $1, w.question_id, w.value, $2 FROM workshop_answers w
             WHERE w.workshop_id = $3 AND w.token_hash = $4
               AND NOT EXISTS (
                   SELECT 1 FROM workshop_answers later
                   WHERE later.workshop_id = w.workshop_id AND later.token_hash = w.token_hash
                     AND later.question_id = w.question_id
                     AND (later.answered_at > w.answered_at
                          OR (later.answered_at = w.answered_at AND later.round > w.round)))",
        )
        .bind(response)
        .bind(&today)
        .bind(id)
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
        let number = give_participant_number(&mut tx, response).await?;
        sqlx::query(
            "UPDATE workshop_devices SET donated_response = $1
             WHERE workshop_id = $2 AND token_hash = $3",
        )
        .bind(response)
        .bind(id)
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(number)
    }

    /// Copies an answer the phone just gave into the research response it gave its answers to.
    pub(super) async fn give_to_research(
        self,
        device: &WorkshopDevice,
        question: &str,
        value: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        let Some(response) = &device.donated_response else {
            return Ok(());
        };
        let today = DateTime::from_timestamp(now, 0)
            .unwrap_or_default()
            .date_naive();
        upsert_answer(response, question, value, &day(today))
            .execute(self.pool)
            .await?;
        Ok(())
    }
}
