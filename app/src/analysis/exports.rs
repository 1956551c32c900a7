//! The analysis's downloads: extracts, codes by participant, the codebook. Audit-logged like
//! every export of research data.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use domain::audit::AuditAction;
use domain::export::{AnalysisExport, analysis_export};

use crate::auth::Researcher;
use crate::error::AppError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/admin/studies/{study}/analysis/exports/{export}",
        get(download),
    )
}

async fn download(
    State(state): State<AppState>,
    Researcher(staff): Researcher,
    Path((slug, export)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let study = crate::auth::research_study(&state, &staff, &slug).await?;
    let export = AnalysisExport::from_slug(&export)
        .ok_or_else(|| AppError::BadForm(format!("There is no analysis export \"{export}\".")))?;
    if export == AnalysisExport::CodebookQdc
        && state
            .storage
            .analysis()
            .codes(&study.slug)
            .await?
            .is_empty()
    {
        // REFI-QDA's schema has no empty codebook.
        return Err(AppError::BadForm(
            "The study has no codes yet: add one before exporting the codebook for QDA software."
                .into(),
        ));
    }
    let blinding = crate::analysis::blinding_of(&state, &study, &staff).await?;
    let bytes = analysis_export(
        &state.storage,
        &study,
        export,
        (&blinding, state.clock.now()),
    )
    .await?;
    state
        .audit(
            staff.actor(),
            AuditAction::ExportedData,
            &format!("study {slug}, analysis {}", export.slug()),
        )
        .await?;
    Ok(crate::downloads::attachment(
        export.content_type(),
        &export.file_name(&study),
        bytes,
    ))
}
