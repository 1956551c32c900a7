//! What this browser keeps of a participant: their private link in a cookie, for this visit only
//! unless they ask to be remembered, and forgotten whenever they ask.

use leptos::prelude::*;

/// The choice to be remembered on this device: off unless ticked.
#[component]
pub fn RememberDevice() -> impl IntoView {
    view! {
        <div class="form-group">
            <div class="checkboxes__item">
                <input class="checkboxes__input" type="checkbox" id="remember" name="remember" value="yes"
                    aria-describedby="remember-hint"/>
                <label class="checkboxes__label" for="remember">"Remember me on this device for 7 days"</label>
            </div>
            <p id="remember-hint" class="hint checkboxes__hint">
                "Only on a device nobody else uses. Otherwise this browser forgets your answers when it is closed, "
                "and your private link opens them again."
            </p>
        </div>
    }
}

/// "Forget this device": removes the link from this browser; the answers stay saved.
#[component]
pub fn ForgetDevice(study_slug: String) -> impl IntoView {
    view! {
        <form method="post" action=format!("/s/{study_slug}/forget") class="forget-device">
            <p class="hint">"Using a shared device? Make this browser forget your answers. They stay saved, and your private link opens them again."</p>
            <button type="submit" class="button button--secondary">"Forget this device"</button>
        </form>
    }
}

#[cfg(feature = "ssr")]
pub(super) mod post {
    use super::super::flow::clear_resume_cookie;
    use crate::error::AppError;
    use crate::form_posts::fields_named;
    use crate::state::AppState;
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;

    /// The landing page's query that says the browser has just forgotten the answers.
    pub const FORGOTTEN_QUERY: &str = "device=forgotten";

    pub fn routes() -> Router<AppState> {
        Router::new().route("/s/{study}/forget", post(forget))
    }

    async fn forget(
        State(state): State<AppState>,
        Path(study): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let study = state.studies.get(&study).ok_or(AppError::UnknownStudy)?;
        fields_named(&headers, &body, &[])?;
        let mut response =
            Redirect::to(&format!("/s/{}?{FORGOTTEN_QUERY}", study.slug)).into_response();
        clear_resume_cookie(&state, &mut response, &study.slug);
        Ok(response)
    }
}
