//! A workshop's optional co-facilitator: another trainer (or an owner) who may steer it too,
//! chosen by email by the trainer who made it (or an owner), and removed the same way.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::admin::WORKSHOPS_PATH;
use crate::components::{FieldError, TextInput, field_error};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoFacilitatorView {
    /// The co-facilitator's email, when there is one.
    pub email: Option<String>,
    /// Only the trainer who made the workshop, or an owner, chooses.
    pub may_choose: bool,
    pub typed: String,
    pub errors: Vec<FieldError>,
}

#[cfg(feature = "ssr")]
pub use build::co_facilitator_view;

#[cfg(feature = "ssr")]
mod build {
    use domain::storage::WorkshopRecord;
    use leptos::prelude::use_context;

    use super::CoFacilitatorView;
    use crate::auth::session::Staff;
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use crate::state::AppState;

    pub async fn co_facilitator_view(
        state: &AppState,
        staff: &Staff,
        record: &WorkshopRecord,
    ) -> Result<CoFacilitatorView, AppError> {
        let email = match &record.co_facilitator {
            Some(id) => state.storage.staff().by_id(id).await?.map(|s| s.email),
            None => None,
        };
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        Ok(CoFacilitatorView {
            email,
            may_choose: super::post::may_choose(staff, record),
            typed: rejected.values.get("email").cloned().unwrap_or_default(),
            errors: rejected.summary(),
        })
    }
}

#[component]
pub fn CoFacilitator(workshop: String, view: CoFacilitatorView) -> impl IntoView {
    let action = format!("{WORKSHOPS_PATH}/{workshop}/co-facilitator");
    view! {
        <section aria-labelledby="co-heading">
            <h2 id="co-heading">"Co-facilitator"</h2>
            {match view.email.clone() {
                Some(email) => view! { <p>{format!("{email} can steer this workshop too.")}</p> }.into_any(),
                None => view! { <p>"Nobody else steers this workshop."</p> }.into_any(),
            }}
            {view.may_choose.then(|| view! {
                <form method="post" action=action.clone() novalidate>
                    <TextInput id="email" label="Email of a trainer to steer it with you" kind="email" autocomplete="off"
                        value=view.typed.clone() error=field_error(&view.errors, "email")/>
                    <button type="submit" class="button button--secondary">"Make them co-facilitator"</button>
                </form>
                {view.email.is_some().then(|| view! {
                    <form method="post" action=action.clone()>
                        <input type="hidden" name="remove" value="yes"/>
                        <button type="submit" class="button button--secondary">"Remove the co-facilitator"</button>
                    </form>
                })}
            })}
        </section>
    }
    .into_any()
}

#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::accounts::Role;
    use domain::storage::WorkshopRecord;

    use crate::auth::Trainer;
    use crate::auth::session::Staff;
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, form_value, parse_form, render_rejected};
    use crate::state::AppState;
    use crate::workshop::admin::WORKSHOPS_PATH;
    use crate::workshop::console::load::facilitated;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/admin/workshops/{id}/co-facilitator", post(choose))
    }

    pub fn may_choose(staff: &Staff, record: &WorkshopRecord) -> bool {
        staff.role == Role::Owner || record.created_by.as_deref() == Some(staff.record.id.as_str())
    }

    async fn choose(
        State(state): State<AppState>,
        Path(id): Path<String>,
        Trainer(staff): Trainer,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = parse_form(&headers, &body)?;
        let record = facilitated(&state, &staff, &id).await?;
        if !may_choose(&staff, &record) {
            return Err(AppError::Forbidden);
        }
        let console = format!("{WORKSHOPS_PATH}/{}", record.id);
        let chosen = if form_value(&fields, "remove") == "yes" {
            None
        } else {
            let email = form_value(&fields, "email").trim();
            let found = state.storage.staff().by_email(email).await?;
            let problem = match &found {
                _ if email.is_empty() => Some("Enter the email of a trainer's account".to_owned()),
                None => Some(format!("No account has the email {email}")),
                Some(other) if other.id == staff.record.id => {
                    Some("You run this workshop already: enter someone else's email".to_owned())
                }
                Some(other)
                    if !matches!(Role::parse(&other.role), Some(Role::Trainer | Role::Owner)) =>
                {
                    Some(format!(
                        "{email} is not a trainer's account, so cannot run workshops"
                    ))
                }
                Some(_) => None,
            };
            if let Some(problem) = problem {
                let form = RejectedForm::keeping("email", &problem, fields.clone());
                return Ok(render_rejected(&state, &console, &headers, form).await);
            }
            found.map(|other| other.id)
        };
        state
            .storage
            .workshops()
            .set_co_facilitator(&record.id, chosen.as_deref())
            .await?;
        Ok(Redirect::to(&format!("{console}#co-heading")).into_response())
    }
}
