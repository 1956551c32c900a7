//! The private link: an entry page, never a page of answers. It says when the answers were
//! started and warns against links given by someone else; only its button (a post) opens them.
//! Continuing in a browser that does not hold the link replaces it, so whoever handed it out loses
//! access, and the browser keeps the new one in a cookie: no address shows it again.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::data::*;
use super::device::{ForgetDevice, RememberDevice};
use crate::components::when_loaded;

#[server]
pub async fn load_private_link(link: String) -> Result<PrivateLinkView, ServerFnError> {
    load::private_link(&link)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[cfg(feature = "ssr")]
pub(crate) mod load {
    use super::super::data::*;
    use super::super::flow::*;
    use crate::context::{app_state, request_headers};
    use crate::error::AppError;
    use domain::text::long_day;

    pub async fn private_link(link: &str) -> Result<PrivateLinkView, AppError> {
        let state = app_state()?;
        let participant = Participant::by_link(&state, link).await?;
        let study = &participant.study;
        let held_here = held_token(&state, &request_headers(), study.slug.as_str())
            .is_ok_and(|held| held == participant.token);
        Ok(PrivateLinkView {
            study_slug: study.slug.to_string(),
            study_title: study.title.clone(),
            link: link.to_owned(),
            started_on: long_day(participant.record.started_on),
            submitted_on: participant.record.submitted_on.map(long_day),
            held_here,
        })
    }
}

#[component]
pub fn PrivateLinkPage() -> impl IntoView {
    let params = use_params_map();
    let view = Resource::new_blocking(
        move || params.read().get("token").unwrap_or_default(),
        load_private_link,
    );
    when_loaded(view, |view| match view.submitted_on.clone() {
        Some(day) => view! { <SentAnswers view day/> }.into_any(),
        None => view! { <AnswersInProgress view/> }.into_any(),
    })
}

#[component]
fn AnswersInProgress(view: PrivateLinkView) -> impl IntoView {
    let study_slug = view.study_slug.clone();
    view! {
        <Title text="Your answers in progress"/>
        <span class="caption">{view.study_title}</span>
        <h1>"Your answers in progress"</h1>
        <p>{format!("These answers were started on {}.", view.started_on)}</p>
        <div class="warning" role="note">
            <p class="warning__title">"Only continue if you started these answers yourself."</p>
            <p>
                "If someone else gave you this link, for example a colleague or a manager, do not use it: "
                "they could read what you write. "
                <a href=format!("/s/{}", view.study_slug)>"Start the survey on your own"</a>
                " instead."
            </p>
        </div>
        {(!view.held_here).then(|| view! {
            <p>"When you continue, you get a new private link and this one stops working, so nobody else who has it can open your answers."</p>
        })}
        <form method="post" action=format!("/s/{}/resume", view.study_slug) novalidate>
            <input type="hidden" name="link" value=view.link/>
            <RememberDevice/>
            <button type="submit" class="button">"Continue my answers"</button>
        </form>
        {view.held_here.then(|| view! { <ForgetDevice study_slug/> })}
    }
}

#[component]
fn SentAnswers(view: PrivateLinkView, day: String) -> impl IntoView {
    view! {
        <Title text="These answers have been sent"/>
        <span class="caption">{view.study_title}</span>
        <h1>"These answers have been sent"</h1>
        <p>{format!("They were started on {} and sent on {day}. Sent answers cannot be opened or changed, here or anywhere.", view.started_on)}</p>
        <p>"To withdraw them, use the withdrawal code shown when they were sent. "
            <a href="/withdraw">"Withdraw answers"</a></p>
    }
}

/// The entry page's button, a plain form post.
#[cfg(feature = "ssr")]
pub(super) mod post {
    use super::super::flow::*;
    use crate::error::AppError;
    use crate::form_posts::fields_named;
    use crate::state::AppState;
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::{get, post};
    use domain::private_link::{WITHDRAWAL_PURPOSE, remasked_start, withdrawal_code};
    use domain::secret_token::SecretToken;
    use domain::storage::RotatedLink;

    const LINK_FIELD: &str = "link";

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route("/s/{study}/resume", post(continue_from_link))
            .route("/r/{token}/{step}", get(to_entry_page))
    }

    /// Addresses of steps from before links became entry pages (bookmarks, history) lead to the
    /// link's entry page.
    async fn to_entry_page(Path((token, _)): Path<(String, String)>) -> Redirect {
        Redirect::to(&format!("/r/{token}"))
    }

    async fn continue_from_link(
        State(state): State<AppState>,
        Path(study): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = fields_named(&headers, &body, &[LINK_FIELD, REMEMBER_FIELD])?;
        let link = fields.get(LINK_FIELD).map(String::as_str).unwrap_or("");
        let participant = Participant::by_link(&state, link).await?;
        if participant.study.slug.as_str() != study {
            return Err(AppError::UnknownLink);
        }
        if participant.record.submitted_on.is_some() {
            return Err(AppError::AlreadySubmitted);
        }
        let memory = DeviceMemory::chosen(fields.get(REMEMBER_FIELD));
        let held_here =
            held_token(&state, &headers, &study).is_ok_and(|held| held == participant.token);
        let (token, next) = if held_here {
            (participant.token.clone(), participant.continue_href())
        } else {
            let token = replace_link(&state, &participant).await?;
            let next = format!("{}?{RENEWED_LINK_QUERY}=new", participant.continue_href());
            (token, next)
        };
        let mut response = Redirect::to(&next).into_response();
        set_resume_cookie(
            &state,
            &mut response,
            &participant.study.slug,
            &token,
            memory,
        );
        Ok(response)
    }

    /// A new link for the participant's answers; the old one opens nothing from now on.
    async fn replace_link(
        state: &AppState,
        participant: &Participant,
    ) -> Result<SecretToken, AppError> {
        let new = SecretToken::generate();
        let replaced = state
            .storage
            .responses()
            .rotate_link(
                &participant.token.storage_hash(),
                RotatedLink {
                    token_hash: &new.storage_hash(),
                    withdrawal_hash: &withdrawal_code(&new).storage_hash(WITHDRAWAL_PURPOSE),
                    masked_start_minute: participant
                        .record
                        .masked_start_minute
                        .map(|masked| remasked_start(&participant.token, &new, masked)),
                },
            )
            .await?;
        if !replaced {
            return Err(AppError::UnknownLink);
        }
        Ok(new)
    }
}
