use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::{ServerFnError, use_context};

use super::session::{SessionStage, Staff};
use crate::context::app_state;
use crate::error::AppError;
use crate::state::AppState;
use domain::accounts::Role;
use domain::audit::AuditAction;

pub const SIGN_IN_PATH: &str = "/admin/sign-in";

/// Any member of staff, signed in at the full stage.
pub struct SignedIn(pub Staff);

/// An owner or researcher: may read research data.
pub struct Researcher(pub Staff);

/// An owner: may manage the team.
pub struct Owner(pub Staff);

/// A trainer or owner: may run workshops.
pub struct Trainer(pub Staff);

/// A session whose password was accepted and that now needs a code from the authenticator app.
pub struct PendingSecondFactor(pub Staff);

/// A session whose password was accepted and that must set up two-factor sign-in first.
pub struct PendingTwoFactorSetup(pub Staff);

/// A live session at whatever stage of signing in (for signing out, or to skip the sign-in form).
pub struct AnySession(pub Staff);

/// Why a staff route refused a request.
#[derive(Debug)]
pub enum AuthRejection {
    /// No live session: sign in, then come back to `return_to`.
    SignedOut { return_to: String },
    /// Signed in, but the role does not give access.
    Forbidden,
    /// The session could not be read.
    Failed(AppError),
}

impl From<AuthRejection> for AppError {
    fn from(rejection: AuthRejection) -> Self {
        match rejection {
            AuthRejection::SignedOut { .. } => AppError::NotSignedIn,
            AuthRejection::Forbidden => AppError::Forbidden,
            AuthRejection::Failed(error) => error,
        }
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            Self::SignedOut { return_to } => {
                Redirect::to(&sign_in_address(&return_to)).into_response()
            }
            other => AppError::from(other).into_response(),
        }
    }
}

/// The sign-in page, asked to come back to `return_to` afterwards.
pub fn sign_in_address(return_to: &str) -> String {
    with_next(SIGN_IN_PATH, return_to)
}

/// `path`, carrying the page to return to when it is not the studies page everyone lands on.
pub fn with_next(path: &str, next: &str) -> String {
    if next == "/admin" {
        return path.to_owned();
    }
    let encoded = percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC);
    format!("{path}?next={encoded}")
}

/// Where a member of staff should land after signing in again: the page they asked for, or for a
/// form post or a script's call the page they were on (its Referer), and only ever an address in
/// the staff area of this site.
pub fn return_address(parts: &Parts) -> String {
    let asked = if parts.method == Method::GET {
        parts.uri.path_and_query().map(|p| p.as_str().to_owned())
    } else {
        parts
            .headers
            .get(header::REFERER)
            .and_then(|value| value.to_str().ok())
            .and_then(path_of_same_site_url(parts))
    };
    asked
        .filter(|address| is_staff_address(address))
        .unwrap_or_else(|| "/admin".to_owned())
}

fn path_of_same_site_url(parts: &Parts) -> impl Fn(&str) -> Option<String> + '_ {
    move |url: &str| {
        let host = parts.headers.get(header::HOST)?.to_str().ok()?;
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))?;
        let path = rest.strip_prefix(host)?;
        path.starts_with('/').then(|| path.to_owned())
    }
}

/// Where to go once signed in: `next` when it is a staff address on this site, else the studies.
pub fn after_sign_in(next: Option<&str>) -> String {
    next.filter(|next| is_staff_address(next))
        .unwrap_or("/admin")
        .to_owned()
}

/// A path on this site under /admin: never another host (`//evil`), never a script's address.
pub fn is_staff_address(address: &str) -> bool {
    (address == "/admin" || address.starts_with("/admin/") || address.starts_with("/admin?"))
        && !address.contains("//")
        && !address.contains('\\')
        && !address.starts_with(SIGN_IN_PATH)
}

/// A session that could not be had: signed out (sign in, then back to `return_to`) or an error.
pub(super) fn refused(error: AppError, return_to: impl FnOnce() -> String) -> AuthRejection {
    match error {
        AppError::NotSignedIn => AuthRejection::SignedOut {
            return_to: return_to(),
        },
        error => AuthRejection::Failed(error),
    }
}

async fn signed_in(parts: &Parts, state: &AppState) -> Result<Staff, AuthRejection> {
    Staff::from_headers(state, &parts.headers)
        .await
        .map_err(|error| refused(error, || return_address(parts)))
}

/// Signed in, with a role that `allows`.
async fn with_role(
    parts: &Parts,
    state: &AppState,
    allows: fn(Role) -> bool,
) -> Result<Staff, AuthRejection> {
    let staff = signed_in(parts, state).await?;
    if allows(staff.role) {
        return Ok(staff);
    }
    let asked = format!("{} {}", parts.method, parts.uri.path());
    state
        .audit(staff.actor(), AuditAction::AccessRefused, &asked)
        .await
        .map_err(AuthRejection::Failed)?;
    Err(AuthRejection::Forbidden)
}

/// A session part way through signing in; any other starts again at the sign-in page.
async fn at_stage(
    parts: &Parts,
    state: &AppState,
    stage: SessionStage,
) -> Result<Staff, AuthRejection> {
    Staff::at_stage(state, &parts.headers, stage)
        .await
        .map_err(|error| refused(error, || "/admin".to_owned()))
}

async fn any_stage(parts: &Parts, state: &AppState) -> Result<Staff, AuthRejection> {
    Staff::at_any_stage(state, &parts.headers)
        .await
        .map_err(|error| refused(error, || "/admin".to_owned()))
}

/// `impl FromRequestParts<AppState>` for a wrapper of `Staff`, found by `$find(parts, state, …)`.
macro_rules! staff_extractor {
    ($wrapper:ident => $find:ident($($arg:expr),*)) => {
        impl FromRequestParts<AppState> for $wrapper {
            type Rejection = AuthRejection;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, Self::Rejection> {
                $find(parts, state $(, $arg)*).await.map(Self)
            }
        }
    };
}

staff_extractor!(SignedIn => signed_in());
staff_extractor!(Researcher => with_role(Role::reads_research_data));
staff_extractor!(Owner => with_role(|role| role == Role::Owner));
staff_extractor!(Trainer => with_role(Role::runs_workshops));
staff_extractor!(AnySession => any_stage());
staff_extractor!(PendingSecondFactor => at_stage(SessionStage::SecondFactor));
staff_extractor!(PendingTwoFactorSetup => at_stage(SessionStage::TwoFactorSetup));

/// The extractor `T` inside a server function (through `leptos_axum::extract_with_state`), with
/// the app's state. Its refusal is an `AppError`; the server function's edge hands it to
/// `signed_in_or_redirect`.
pub async fn in_server_fn<T>() -> Result<(AppState, T), AppError>
where
    T: FromRequestParts<AppState, Rejection = AuthRejection> + Send + 'static,
{
    let state = app_state()?;
    let extracted = leptos_axum::extract_with_state::<Result<T, AuthRejection>, AppState>(&state)
        .await
        .map_err(|error| AppError::Internal(error.to_string()))?;
    Ok((state, extracted?))
}

/// Not signed in: a page load is redirected (302) to sign in, with the page to come back to; a
/// call from a script gets 401 (plus the redirect hint the client router follows).
pub fn signed_in_or_redirect(error: AppError) -> ServerFnError {
    if matches!(error, AppError::NotSignedIn) {
        let parts = use_context::<Parts>();
        let return_to = parts
            .as_ref()
            .map_or_else(|| "/admin".to_owned(), return_address);
        leptos_axum::redirect(&sign_in_address(&return_to));
        let page_load = parts
            .as_ref()
            .and_then(|parts| parts.headers.get(header::ACCEPT))
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
        if page_load {
            return ServerFnError::ServerError(error.to_string());
        }
    }
    error.into_server_fn_error()
}

#[cfg(test)]
mod tests {
    use super::{is_staff_address, sign_in_address};

    #[test]
    fn only_staff_addresses_on_this_site_are_returned_to() {
        assert!(is_staff_address("/admin"));
        assert!(is_staff_address(
            "/admin/studies/sam/responses?setting=ward"
        ));
        assert!(!is_staff_address("//evil.example/admin"));
        assert!(!is_staff_address("/admin//evil.example"));
        assert!(!is_staff_address("/admin\\evil"));
        assert!(!is_staff_address("https://evil.example/admin"));
        assert!(!is_staff_address("/r/token/check"));
        assert!(!is_staff_address("/admin/sign-in?next=/admin"));
        assert!(!is_staff_address("/administrator"));
    }

    #[test]
    fn the_sign_in_address_carries_the_way_back() {
        assert_eq!(sign_in_address("/admin"), "/admin/sign-in");
        assert_eq!(
            sign_in_address("/admin/studies/sam"),
            "/admin/sign-in?next=%2Fadmin%2Fstudies%2Fsam"
        );
    }
}
