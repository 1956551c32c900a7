//! Signing in: password, the code from the authenticator app, setting two-factor sign-in up, and
//! the first owner's account at first start. None of these pages needs a full session. A file per
//! page, each with its loader and its form post.

pub mod first_owner;
pub mod password;
pub mod second_factor;
#[cfg(feature = "ssr")]
mod session_start;
pub mod two_factor_setup;

#[cfg(feature = "ssr")]
pub(in crate::admin) use session_start::start_session;

/// Recovery codes just made, for the page that shows them once.
#[derive(Clone, Debug)]
#[cfg(feature = "ssr")]
pub struct FreshRecoveryCodes(pub Vec<String>);

/// The email typed into a rejected account form, and its errors; empty on a first visit.
#[cfg(feature = "ssr")]
pub(in crate::admin) fn rejected_account_form() -> (String, Vec<crate::components::FieldError>) {
    leptos::prelude::use_context::<crate::form_posts::RejectedForm>()
        .map(|r| {
            (
                r.values.get("email").cloned().unwrap_or_default(),
                r.summary(),
            )
        })
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
/// The page to return to after signing in: from the address, or from the form just refused.
pub(in crate::admin) fn way_back(next: Option<String>) -> Option<String> {
    next.or_else(|| {
        leptos::prelude::use_context::<crate::form_posts::RejectedForm>()
            .and_then(|r| r.values.get("next").cloned())
    })
    .filter(|next| crate::auth::is_staff_address(next))
}

/// The form posts of signing in.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    password::post::routes()
        .merge(second_factor::post::routes())
        .merge(two_factor_setup::post::routes())
        .merge(first_owner::post::routes())
}
