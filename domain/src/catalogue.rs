//! The studies this instance serves, kept in step with the database: a version published here is
//! served at once, and one published on another instance as soon as the event bus says so (or
//! after a resync, when events may have been missed).

use std::sync::{Arc, PoisonError, RwLock};

use chrono::NaiveDate;

use crate::events::{Delivery, Event, Events, Subscription};
use crate::ids::StudySlug;
use crate::storage::{Published, Storage, StorageError};
use crate::study::{Studies, Study, StudyError, WordingChange};

/// Every version of every study, shared by the request handlers of one instance.
#[derive(Clone)]
pub struct Catalogue {
    studies: Arc<RwLock<Studies>>,
    /// The study the start page offers when several are open.
    default_slug: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// A text that is not a valid study, or a stored version that no longer loads.
    #[error(transparent)]
    Invalid(#[from] StudyError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Questions quoting the instrument are worded differently from the study they are compared
    /// with, and not marked `adapted = true`.
    #[error("instrument questions reworded without `adapted = true`: {0:?}")]
    InstrumentReworded(Vec<WordingChange>, Arc<Study>),
    /// The consent statement is worded differently from the newest version's under the same
    /// consent version: consent given to one wording would be read as given to the other.
    #[error("consent statement reworded under the same consent version {0:?}")]
    ConsentReworded(String),
}

/// What publishing a study text did.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The study's newest version after publishing.
    pub study: Arc<Study>,
    /// False when the newest version already had exactly this text.
    pub is_new_version: bool,
    /// True when no study had this slug before.
    pub is_new_study: bool,
}

impl Catalogue {
    /// Reads every stored version of every study.
    pub async fn load(storage: &Storage, default_slug: &str) -> Result<Self, CatalogueError> {
        let studies = read_stored(storage, default_slug).await?;
        Ok(Self {
            studies: Arc::new(RwLock::new(studies)),
            default_slug: default_slug.to_owned(),
        })
    }

    /// The newest version of the study at `slug`.
    pub fn get(&self, slug: impl AsRef<str>) -> Option<Arc<Study>> {
        self.read(|studies| studies.get(slug))
    }

    /// The version `number` of the study at `slug`, as a response that started on it needs it.
    pub fn version(&self, slug: &StudySlug, number: i64) -> Option<Arc<Study>> {
        self.read(|studies| studies.version(slug, number))
    }

    /// Every version of the study at `slug`, oldest first: what an export needs to give each
    /// response its own version's wording.
    pub fn versions_of(&self, slug: &StudySlug) -> Vec<Arc<Study>> {
        self.read(|studies| studies.versions_of(slug))
    }

    /// The studies that take new participants on `today`, newest versions, the default first.
    pub fn open_on(&self, today: NaiveDate) -> Vec<Arc<Study>> {
        self.read(|studies| studies.open_on(today))
    }

    pub fn default_study(&self) -> Option<Arc<Study>> {
        self.read(Studies::default_study)
    }

    /// The newest version of every study, by slug.
    pub fn all(&self) -> Vec<Arc<Study>> {
        self.read(|studies| studies.iter().cloned().collect())
    }

    /// Publishes a checked study (`Study::parse`) as its study's newest version (a new study when
    /// its slug is new); every instance serves it within moments.
    /// The wording of a question quoted from the instrument changes only where the text marks it
    /// `adapted = true`.
    pub async fn publish(
        &self,
        storage: &Storage,
        events: &Events,
        checked: &Study,
        today: NaiveDate,
    ) -> Result<Publication, CatalogueError> {
        let current = self.get(&checked.slug);
        let is_new_study = current.is_none();
        if let Some(current) = &current
            && current.consent_version == checked.consent_version
            && current.consent_statement.trim() != checked.consent_statement.trim()
        {
            return Err(CatalogueError::ConsentReworded(current.consent_version.clone()));
        }
        // A new study is compared with the default one, the study copies usually start from.
        if let Some(earlier) = current.or_else(|| self.default_study()) {
            let changes = checked.unmarked_instrument_changes(&earlier);
            if !changes.is_empty() {
                return Err(CatalogueError::InstrumentReworded(changes, earlier));
            }
        }
        let Published { number, is_new } = storage
            .study_definitions()
            .publish(&checked.slug, &checked.version, &checked.source, today)
            .await?;
        if is_new || self.version(&checked.slug, number).is_none() {
            self.reload(storage).await?;
        }
        if is_new {
            events
                .publish(Event::StudyPublished {
                    study: checked.slug.clone(),
                    version: number,
                })
                .await;
        }
        let study = self
            .version(&checked.slug, number)
            .ok_or(StorageError::NotFound)?;
        Ok(Publication {
            study,
            is_new_version: is_new,
            is_new_study,
        })
    }

    /// Reads the catalogue afresh from the database.
    pub async fn reload(&self, storage: &Storage) -> Result<(), CatalogueError> {
        let studies = read_stored(storage, &self.default_slug).await?;
        *self.studies.write().unwrap_or_else(PoisonError::into_inner) = studies;
        Ok(())
    }

    /// Keeps this instance's catalogue in step with versions published on other instances.
    /// Ends with the event bus.
    pub async fn follow(self, storage: Storage, mut events: Subscription) {
        while let Some(delivery) = events.next().await {
            let stale = match delivery {
                Delivery::Event(Event::StudyPublished { study, version }) => {
                    self.version(&study, version).is_none()
                }
                Delivery::Event(_) => false,
                Delivery::Resync => true,
            };
            if stale && let Err(error) = self.reload(&storage).await {
                tracing::error!(%error, "could not read the study catalogue afresh; serving the versions read before");
            }
        }
    }

    fn read<T>(&self, with: impl FnOnce(&Studies) -> T) -> T {
        with(&self.studies.read().unwrap_or_else(PoisonError::into_inner))
    }
}

async fn read_stored(storage: &Storage, default_slug: &str) -> Result<Studies, CatalogueError> {
    let stored = storage.study_definitions().versions().await?;
    Ok(Studies::from_catalogue(
        stored.into_iter().map(|v| (v.slug, v.number, v.definition)),
        default_slug,
    )?)
}
