//! Per-client limits on the anonymous survey endpoints and on every form that checks a secret
//! (password, code, withdrawal code). Clients are told apart by a keyed hash of
//! their address (see `app::rate_limit`); every request carries its `ClientId` in its extensions,
//! for handlers that keep limits of their own.

use std::net::SocketAddr;

use app::error::AppError;
use app::rate_limit::{ClientIdentifier, RateLimiter, RetryAfter};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::Operations;

#[derive(Clone)]
pub struct Limits {
    clients: ClientIdentifier,
    /// Every request to the survey: pages, form posts, autosaves.
    requests: RateLimiter,
    /// Consents, each of which starts a new response.
    starts: RateLimiter,
    /// Posts that check a password, a two-factor code, a setup link or a withdrawal code: with the
    /// per-account limit, this keeps guessing slow from any one client.
    secret_checks: RateLimiter,
}

impl Limits {
    pub fn new(operations: &Operations) -> Self {
        Self {
            clients: ClientIdentifier::new(operations.trust_proxy),
            requests: RateLimiter::new(operations.requests_per_minute),
            starts: RateLimiter::new(operations.starts_per_minute),
            secret_checks: RateLimiter::new(operations.sign_in_attempts_per_minute),
        }
    }
}

pub async fn limit_clients(
    State(limits): State<Limits>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| *peer);
    let client = limits.clients.identify(peer, request.headers());
    request.extensions_mut().insert(client);
    let path = request.uri().path();
    let is_post = request.method() == Method::POST;
    let checked = if is_post && checks_a_secret(path) {
        limits.secret_checks.check(client)
    } else if !is_survey_path(path) {
        Ok(())
    } else if is_post && is_consent(path) {
        limits
            .requests
            .check(client)
            .and_then(|()| limits.starts.check(client))
    } else {
        limits.requests.check(client)
    };
    match checked {
        Ok(()) => next.run(request).await,
        Err(retry) => too_many_requests(retry),
    }
}

/// The participant-facing endpoints: start page, study pages, resume links, server functions.
fn is_survey_path(path: &str) -> bool {
    path == "/" || ["/s/", "/r/", "/api/"].iter().any(|p| path.starts_with(p))
}

/// Form posts that compare what was typed with a secret.
fn checks_a_secret(path: &str) -> bool {
    [
        "/admin/sign-in",
        "/admin/sign-in/code",
        "/admin/two-factor/setup",
        "/withdraw",
        "/withdraw/confirm",
    ]
    .contains(&path)
        || ["/admin/setup/", "/admin/invite/"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

fn is_consent(path: &str) -> bool {
    path.starts_with("/s/") && path.ends_with("/consent")
}

fn too_many_requests(RetryAfter(wait): RetryAfter) -> Response {
    let mut response = AppError::TooManyRequests.into_response();
    let seconds = wait.as_secs().max(1).to_string();
    if let Ok(value) = HeaderValue::from_str(&seconds) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survey_paths_are_limited_and_files_and_health_are_not() {
        for limited in [
            "/",
            "/s/sam",
            "/s/sam/consent",
            "/r/abc",
            "/s/sam/answers/sam",
            "/api/save_fields",
        ] {
            assert!(is_survey_path(limited), "{limited}");
        }
        for free in [
            "/pkg/vignette.wasm",
            "/favicon.svg",
            "/healthz",
            "/admin/sign-in",
        ] {
            assert!(!is_survey_path(free), "{free}");
        }
        assert!(is_consent("/s/sam/consent"));
        for secret in [
            "/admin/sign-in",
            "/admin/sign-in/code",
            "/withdraw/confirm",
            "/admin/invite/x",
        ] {
            assert!(checks_a_secret(secret), "{secret}");
        }
        assert!(!checks_a_secret("/admin/sign-out"));
        assert!(!checks_a_secret("/admin/studies/sam/responses/x/delete"));
        assert!(!is_consent("/r/abc/consent-page"));
    }
}
