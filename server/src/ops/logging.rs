//! Structured logs. A request's line holds its method, its route pattern (so resume and setup
//! tokens in paths are never written), status and duration: no address, no user agent, no query.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Level;
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
    match level_of(&route, status) {
        Level::WARN => tracing::warn!(target: "request", %method, route, status, ms),
        Level::INFO => tracing::info!(target: "request", %method, route, status, ms),
        _ => tracing::debug!(target: "request", %method, route, status, ms),
    }
    response
}

/// Participants' requests (consent, pages, autosaves through the server functions, submit,
/// withdrawal) are debug lines: at the default level the log never tells when someone took part,
/// which the database keeps to the day. Failures are warnings whoever made them.
fn level_of(route: &str, status: u16) -> Level {
    const QUIET: [&str; 6] = ["/healthz", "/readyz", "/s/", "/r/", "/withdraw", "/api/"];
    if status >= 500 {
        Level::WARN
    } else if QUIET.iter().any(|prefix| route.starts_with(prefix)) {
        Level::DEBUG
    } else {
        Level::INFO
    }
}

/// The route's pattern (`/s/{study}/answers/{step}`), or for files and unknown addresses the first
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

#[cfg(test)]
mod tests {
    use super::level_of;
    use tracing::Level;

    #[test]
    fn taking_part_leaves_no_line_at_the_default_level() {
        for route in [
            "/s/{study}/consent",
            "/r/{token}",
            "/s/{study}/resume",
            "/s/{study}/answers/{step}",
            "/withdraw/confirm",
            "/api/{*fn_name}",
        ] {
            assert_eq!(level_of(route, 303), Level::DEBUG, "{route}");
        }
        assert_eq!(level_of("/admin/sign-in", 303), Level::INFO);
        assert_eq!(level_of("/s/{study}/answers/{step}", 500), Level::WARN);
    }
}
