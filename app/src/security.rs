//! Security headers on every response, and the Content Security Policy of rendered pages.
//!
//! Pages carry inline scripts (Leptos's hydration script and the data of resolved resources), so
//! their policy allows scripts with this response's nonce. The nonce is made per request by
//! [`add_security_headers`], handed to the page's render in the request's extensions (Leptos
//! writes it on every inline script it emits) and named in the policy by the same middleware, so
//! the policy never depends on the render passing a header back. (It used to: leptos_axum's
//! ResponseOptions now and then reached the response without the policy, a few pages in a
//! hundred under the browser suite, and Chromium then blocked the hydration scripts.)

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::{provide_context, use_context};

use crate::state::AppState;

/// Scripts from this site (and the wasm, which needs 'wasm-unsafe-eval' to compile), styles from
/// this site; style attributes (chart swatches) cannot run code, so they are allowed.
fn content_security_policy(nonce: Option<&str>) -> String {
    let page_scripts = nonce.map_or_else(String::new, |nonce| format!(" 'nonce-{nonce}'"));
    format!(
        "default-src 'self'; script-src 'self'{page_scripts} 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'"
    )
}

/// This request's nonce, made before anything handles it.
#[derive(Debug, Clone)]
pub struct PageNonce(pub std::sync::Arc<str>);

impl PageNonce {
    fn new() -> Self {
        Self(leptos::nonce::Nonce::new().as_inner().clone())
    }
}

/// Call in the Leptos context of every page render: the page's inline scripts carry the nonce
/// that the request's policy names.
pub fn provide_page_policy() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
    if let Some(PageNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// A page rendered by hand (a form post's answer): renders with a nonce of its own, and names it.
pub fn with_page_nonce(request: &mut Request) -> impl FnOnce(&mut Response) + use<> {
    let nonce = PageNonce::new();
    request.extensions_mut().insert(nonce.clone());
    move |response| set_policy(response.headers_mut(), Some(&nonce.0))
}

fn set_policy(headers: &mut axum::http::HeaderMap, nonce: Option<&str>) {
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// With PUBLIC_URL set, a request naming another host (a stray DNS name, a forged Host header
/// meant to poison links or caches) is refused with 421; health checks answer on any name.
pub async fn refuse_other_hosts(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = state.public_url.as_deref().and_then(host_of) else {
        return next.run(request).await;
    };
    let named = request
        .headers()
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let health = matches!(request.uri().path(), "/healthz" | "/readyz");
    if health || named.is_some_and(|named| named.eq_ignore_ascii_case(expected)) {
        return next.run(request).await;
    }
    (
        StatusCode::MISDIRECTED_REQUEST,
        format!("This server answers for {expected} only."),
    )
        .into_response()
}

/// The host (and port) of an absolute URL: "https://a.org:8443/x" gives "a.org:8443".
pub(crate) fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// A year, for this host and every host below it (a sibling on plain HTTP could otherwise set
/// cookies for ours); only sent when the site is reached over HTTPS (PUBLIC_URL https://…).
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// Adds the security headers to every response. A policy already set (a page rendered by hand,
/// with a nonce of its own) is kept; otherwise the policy names this request's nonce, which pages
/// read from the request.
pub async fn add_security_headers(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = PageNonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let is_page = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"));
        set_policy(headers, is_page.then_some(&*nonce.0));
    }
    let fixed: [(HeaderName, &'static str); 3] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Resume links carry a secret token: never send the address to another site. Same-origin
        // requests keep their Referer and Origin, which the cross-site check reads.
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Pages, posts' answers and downloads hold answers and research data: a shared computer must
    // not keep a copy for the next person. Only the browser's files, cached by their hashed names,
    // say otherwise.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.serves_https() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{content_security_policy, host_of};

    #[test]
    fn hosts_are_read_from_origins_and_referers() {
        assert_eq!(host_of("http://127.0.0.1:3000"), Some("127.0.0.1:3000"));
        assert_eq!(
            host_of("https://survey.example.org/admin?x=1"),
            Some("survey.example.org")
        );
        assert_eq!(host_of("null"), None);
    }

    #[test]
    fn pages_allow_their_own_inline_scripts_and_the_wasm_only() {
        let page = content_security_policy(Some("abc"));
        assert!(page.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(page.contains(directive), "{directive}");
        }
        let other = content_security_policy(None);
        let scripts = other
            .split(';')
            .find(|directive| directive.trim().starts_with("script-src"))
            .unwrap();
        assert_eq!(scripts.trim(), "script-src 'self' 'wasm-unsafe-eval'");
    }
}
