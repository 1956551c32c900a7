//! Exports as downloads from the researcher area: streamed attachments, audit-logged.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::audit::AuditAction;
use futures_util::{StreamExt, stream};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::auth::Researcher;
use crate::error::AppError;
use crate::state::AppState;
use domain::export::{ChannelSink, ExportFormat, ExportOptions, write_export};
use domain::ids::StudySlug;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/studies/{study}/exports/{format}", get(download))
}

#[derive(Deserialize)]
struct DownloadQuery {
    /// "exact" for exact months; anything else keeps the bands.
    experience: Option<String>,
}

async fn download(
    State(state): State<AppState>,
    Path((slug, format)): Path<(String, String)>,
    Query(query): Query<DownloadQuery>,
    Researcher(staff): Researcher,
) -> Result<Response, AppError> {
    let study = crate::auth::research_study(&state, &staff, &slug).await?;
    let study_slug = study.slug.clone();
    let format = ExportFormat::from_slug(&format)
        .ok_or_else(|| AppError::BadForm(format!("There is no export format \"{format}\".")))?;
    let options = ExportOptions {
        exact_experience: query.experience.as_deref() == Some("exact"),
    };
    state
        .audit(
            staff.actor(),
            AuditAction::ExportedData,
            &format!("study {slug}, {}, {}", format.slug(), options.describe()),
        )
        .await?;
    let versions = state.studies.versions_of(&study.slug);
    // The project holds the analysis's codings as its downloader may see them.
    let blinding = state
        .storage
        .analysis()
        .blinding(&study.slug, &staff.record.email)
        .await?;
    let (sender, receiver) = mpsc::channel(16);
    let storage = state.storage.clone();
    tokio::spawn(async move {
        let mut sink = ChannelSink(sender.clone());
        let written = write_export(
            &storage,
            (&study, &versions),
            format,
            options,
            &blinding,
            &mut sink,
            &mut |_| {},
        )
        .await;
        if let Err(error) = written {
            tracing::error!(%error, "export failed part way");
            // An error in the body ends the download as failed instead of as a short file.
            let _ = sender
                .send(Err(std::io::Error::other("the export failed")))
                .await;
        }
    });
    // Fused: the compression layer polls a finished body once more, which a bare unfold
    // answers with a panic (a reset connection for the researcher).
    let body = stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    })
    .fuse();
    Ok(attachment(format, &study_slug, Body::from_stream(body)))
}

fn attachment(format: ExportFormat, slug: &StudySlug, body: Body) -> Response {
    crate::downloads::attachment(format.content_type(), &format.file_name(slug), body)
}
