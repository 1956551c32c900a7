//! Cookies as the browser sends them, and this site's own cookies as it sets them.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use crate::state::AppState;

/// A cookie's name: `__Host-` over HTTPS, so that no other site or path can set or read it.
pub fn host_only_name(state: &AppState, base: &str) -> String {
    if state.serves_https() {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// Adds `cookie` ("name=value[; Max-Age=…]") for the whole site: HttpOnly, SameSite=Lax, and
/// Secure over HTTPS.
pub fn append_cookie(state: &AppState, response: &mut Response, cookie: &str) {
    let secure = if state.serves_https() { "; Secure" } else { "" };
    let cookie = format!("{cookie}; Path=/; HttpOnly; SameSite=Lax{secure}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The value of one cookie the browser sent.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}
