//! What running in production needs around the app: health checks, per-client request limits,
//! body limits and timeouts, security headers, and request logs that name no one.

pub mod connections;
mod health;
mod limits;
mod logging;

use std::time::Duration;

use app::state::AppState;
use axum::http::StatusCode;
use axum::{Router, middleware};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::Operations;
pub use health::routes as health_routes;
pub use limits::Limits;
pub use logging::init as init_logging;

/// Wraps the app's router in the operational layers, innermost first.
pub fn wrap(
    router: Router<AppState>,
    state: &AppState,
    operations: &Operations,
) -> Router<AppState> {
    let limits = Limits::new(operations);
    let timeout = Duration::from_secs(operations.request_timeout_seconds);
    router
        .layer(middleware::from_fn_with_state(
            limits,
            limits::limit_clients,
        ))
        .layer(RequestBodyLimitLayer::new(app::form_posts::FORM_BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::security::refuse_other_hosts,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::security::add_security_headers,
        ))
        .layer(middleware::from_fn(logging::log_request))
}
