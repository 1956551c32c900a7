//! The researcher area's pages check the session before they render: a request that may not see
//! a page is redirected by the router, not from inside the render. (A redirect from a page's
//! loader rides on leptos_axum's ResponseOptions, whose headers now and then did not reach the
//! response: browser runs caught a 302 with no Location, leaving a researcher on an error page.)

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::extract::{SIGN_IN_PATH, refused, return_address};
use super::session::{SessionStage, Staff};
use crate::state::AppState;

/// What a page of the researcher area asks of the session before it renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageNeeds {
    /// The sign-in form: a session already past the password goes on to its next step.
    NoSession,
    /// A session at this stage of signing in.
    Stage(SessionStage),
}

fn needs(path: &str) -> Option<PageNeeds> {
    match path {
        SIGN_IN_PATH => Some(PageNeeds::NoSession),
        "/admin/sign-in/code" => Some(PageNeeds::Stage(SessionStage::SecondFactor)),
        "/admin/two-factor/setup" => Some(PageNeeds::Stage(SessionStage::TwoFactorSetup)),
        _ if path.starts_with("/admin/invite/") || path.starts_with("/admin/setup/") => None,
        _ if path == "/admin" || path.starts_with("/admin/") => {
            Some(PageNeeds::Stage(SessionStage::Full))
        }
        _ => None,
    }
}

/// Middleware for the page routes (not the form posts or server functions, whose extractors
/// answer for themselves).
pub async fn check_session_before_staff_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(needs) = (request.method() == Method::GET)
        .then(|| needs(request.uri().path()))
        .flatten()
    else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let redirect = match needs {
        PageNeeds::NoSession => Staff::at_any_stage(&state, &parts.headers)
            .await
            .ok()
            .map(|staff| staff.stage.landing_path().to_owned()),
        PageNeeds::Stage(stage) => match Staff::at_stage(&state, &parts.headers, stage).await {
            Ok(_) => None,
            Err(error) => match refused(error, || return_address(&parts)) {
                super::AuthRejection::SignedOut { return_to } => {
                    Some(super::sign_in_address(&return_to))
                }
                other => return other.into_response(),
            },
        },
    };
    match redirect {
        Some(address) => (StatusCode::FOUND, [(header::LOCATION, address)]).into_response(),
        None => next.run(Request::from_parts(parts, body)).await,
    }
}

#[cfg(test)]
mod tests {
    use super::{PageNeeds, needs};
    use crate::auth::session::SessionStage;

    #[test]
    fn every_staff_page_but_the_ways_in_needs_a_full_session() {
        let full = Some(PageNeeds::Stage(SessionStage::Full));
        assert_eq!(needs("/admin"), full);
        assert_eq!(needs("/admin/studies/sam/versions"), full);
        assert_eq!(needs("/admin/sign-in"), Some(PageNeeds::NoSession));
        assert_eq!(
            needs("/admin/sign-in/code"),
            Some(PageNeeds::Stage(SessionStage::SecondFactor))
        );
        assert_eq!(needs("/admin/invite/abc"), None);
        assert_eq!(needs("/admin/setup/abc"), None);
        assert_eq!(needs("/administrator"), None);
        assert_eq!(needs("/s/sam"), None);
    }
}
