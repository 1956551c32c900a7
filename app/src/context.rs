//! What a server function can reach of the request it serves: the app's state and the headers.

use axum::http::{HeaderMap, header};
use leptos::prelude::use_context;

use crate::error::AppError;
use crate::state::AppState;

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>()
        .ok_or_else(|| AppError::Internal("application state is not provided".into()))
}

pub fn request_headers() -> HeaderMap {
    use_context::<axum::http::request::Parts>()
        .map(|parts| parts.headers)
        .unwrap_or_default()
}

/// The site's own address, for links a participant copies to another device.
pub fn site_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:3000");
    format!("http://{host}")
}
