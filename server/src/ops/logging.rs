//! Structured logs. A request's line holds its method, its route pattern (so resume and setup
//! tokens in paths are never written), status and duration: no address, no user agent, no query.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = route_of(&request);
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if route.starts_with("/healthz") || route.starts_with("/readyz") {
        tracing::debug!(target: "request", %method, route, status, ms);
    } else if status >= 500 {
        tracing::warn!(target: "request", %method, route, status, ms);
    } else {
        tracing::info!(target: "request", %method, route, status, ms);
    }
    response
}

/// The route's pattern (`/r/{token}/{step}`), or for files and unknown addresses the first
/// segment of the path only, since a mistyped address could hold anything.
fn route_of(request: &Request) -> String {
    if let Some(matched) = request.extensions().get::<MatchedPath>() {
        return matched.as_str().to_owned();
    }
    let path = request.uri().path().trim_start_matches('/');
    match path.split_once('/') {
        Some((first, _)) => format!("/{first}/…"),
        None => format!("/{path}"),
    }
}
