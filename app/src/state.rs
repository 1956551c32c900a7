use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::error::AppError;
use domain::audit::{Actor, AuditAction};
use domain::catalogue::Catalogue;
use domain::clock::Clock;
use domain::events::Events;
use domain::ids::ResponseId;
use domain::storage::{ResponseRecord, Storage};
use domain::study::{Dealt, Study};

/// What every request handler and server function can reach.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub storage: Storage,
    /// What happened, for live pages and background work on every instance.
    pub events: Events,
    pub clock: Clock,
    /// Every version of every study, kept in step with other instances.
    pub studies: Catalogue,
    /// The address participants reach the site at, for the resume link (e.g. https://survey.example.org).
    /// When unset (only on a loopback address), the request's Host header is used.
    pub public_url: Option<String>,
    /// Breakdowns of fewer respondents than this are not shown, so no one can be singled out.
    pub min_group_size: i64,
    /// The same for a workshop's breakdowns, where rooms are small.
    pub workshop_min_group: i64,
    /// Owners and researchers must sign in with a code from an authenticator app as well.
    pub require_two_factor: bool,
    /// Seals two-factor secrets in the database.
    pub sealing_key: domain::accounts::secret_box::SealingKey,
    /// Told when the server begins to stop.
    pub stopping: Stopping,
}

/// Told when the server begins to stop, so that responses which never end by themselves (the
/// live feeds) end, and the connections they hold let the server stop at once.
#[derive(Clone, Default)]
pub struct Stopping(Arc<tokio::sync::watch::Sender<bool>>);

impl Stopping {
    pub fn begin(&self) {
        self.0.send_replace(true);
    }

    /// Returns once the server has begun to stop.
    pub async fn wait(&self) {
        let mut stopping = self.0.subscribe();
        let _ = stopping.wait_for(|stopping| *stopping).await;
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// Writes an entry in the audit log, at the app clock's time.
    pub async fn audit(
        &self,
        actor: Actor<'_>,
        action: AuditAction,
        detail: &str,
    ) -> Result<(), AppError> {
        self.storage
            .audit_log()
            .record(self.clock.now(), actor, action, detail)
            .await?;
        Ok(())
    }

    /// The study at `slug`, or the page for an unknown study.
    pub fn study(&self, slug: &str) -> Result<Arc<Study>, AppError> {
        self.studies.get(slug).ok_or(AppError::UnknownStudy)
    }

    /// The version of its study a response started on, with the order and the variant its
    /// participant was dealt: the wording and order they saw.
    pub fn study_seen_by(&self, record: &ResponseRecord) -> Result<Arc<Study>, AppError> {
        let study = self
            .studies
            .version(&record.study_slug, record.study_version_number)
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "study {} has no version {}",
                    record.study_slug, record.study_version_number
                ))
            })?;
        let dealt = &record.dealt;
        if *dealt == Dealt::default() {
            return Ok(study);
        }
        let as_dealt = study.as_dealt(dealt).ok_or_else(|| {
            AppError::Internal(format!(
                "response {} was dealt {dealt:?}, which study {} version {} cannot show",
                record.id, record.study_slug, record.study_version_number
            ))
        })?;
        Ok(Arc::new(as_dealt))
    }

    /// The response an address names, when it is one of the study's; anything else is not found.
    pub async fn response(&self, study: &Study, id: &str) -> Result<ResponseRecord, AppError> {
        let id = ResponseId::parse(id).map_err(|_| AppError::UnknownResponse)?;
        self.storage
            .responses()
            .in_study(&study.slug, &id)
            .await?
            .ok_or(AppError::UnknownResponse)
    }

    /// True when participants and staff reach the site over HTTPS, so cookies can be Secure.
    pub fn serves_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }
}
