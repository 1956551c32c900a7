//! Liveness and readiness, for a load balancer or an orchestrator.

use app::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(alive))
        .route("/readyz", get(ready))
}

/// The process is up and answering.
async fn alive() -> &'static str {
    "ok"
}

/// The process can serve participants: its database answers.
async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.storage.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
