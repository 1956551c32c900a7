//! Publishing a study file: upload it or paste its text; it is checked, then published as a new
//! study (a new slug) or as the newest version of the study with its slug. A file with a problem
//! is shown again with the problem's line, field and wording, and nothing is published.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, FieldError, field_error, textarea_content, when_loaded};

/// Where the form is, and where it posts.
pub const PUBLISH_PATH: &str = "/admin/publish";
/// The largest study file accepted; Sam's is about 20 KB.
pub const STUDY_FILE_LIMIT: usize = 512 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishView {
    /// The text sent last time, when it had a problem: shown again to be corrected.
    pub text: String,
    pub errors: Vec<FieldError>,
    /// (slug, title) of the studies there are, for the hint on slugs.
    pub studies: Vec<(String, String)>,
}

#[server]
pub async fn load_publish() -> Result<PublishView, ServerFnError> {
    load::publish().await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use leptos::prelude::use_context;

    use super::PublishView;
    use crate::auth::{Researcher, in_server_fn};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;

    pub async fn publish() -> Result<PublishView, AppError> {
        let (state, Researcher(_)) = in_server_fn::<Researcher>().await?;
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        Ok(PublishView {
            text: rejected.values.get("text").cloned().unwrap_or_default(),
            errors: rejected.summary(),
            studies: state
                .studies
                .all()
                .iter()
                .map(|study| (study.slug.to_string(), study.title.clone()))
                .collect(),
        })
    }
}

#[component]
pub fn PublishPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_publish());
    when_loaded(data, |view_data| {
        let text_error = field_error(&view_data.errors, "text");
        let has_errors = !view_data.errors.is_empty();
        let slugs = view_data
            .studies
            .iter()
            .map(|(slug, title)| format!("{slug} ({title})"))
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <Title text=if has_errors { "Error: Publish a study file" } else { "Publish a study file" }/>
            <ErrorSummary errors=view_data.errors/>
            <h1>"Publish a study file"</h1>
            <p>"A study is one file in TOML. To adapt a study, download its file from the study's "
               "Versions page, change it, and publish it here."</p>
            <ul>
                <li>{format!("The slug of a study there is already publishes a new version of it: {slugs}. \
                    The versions before it are kept, and each response stays with the version it started on.")}</li>
                <li>"A new slug publishes a new study."</li>
                <li>"The file is checked first. While it has a problem, nothing is published."</li>
            </ul>
            <form method="post" action=PUBLISH_PATH enctype="multipart/form-data" novalidate>
                <div class="form-group">
                    <label class="label" for="file">"Study file"</label>
                    <div id="file-hint" class="hint">"A .toml file of at most 512 KB. When you choose a file, it is used instead of the text below."</div>
                    <input class="file-input" type="file" id="file" name="file" accept=".toml,text/plain,application/toml" aria-describedby="file-hint"/>
                </div>
                <div class=if has_errors { "form-group form-group--error" } else { "form-group" }>
                    <label class="label" for="text">"Or the file's text"</label>
                    <div id="text-hint" class="hint">"Paste it here, or correct the text of a file that had a problem."</div>
                    {text_error.map(|message| view! {
                        <p id="text-error" class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
                    })}
                    <textarea
                        class="textarea textarea--code"
                        id="text"
                        name="text"
                        rows="20"
                        spellcheck="false"
                        aria-describedby=if has_errors { "text-hint text-error" } else { "text-hint" }
                        inner_html=textarea_content(&view_data.text)
                    ></textarea>
                </div>
                <button type="submit" class="button">"Check and publish"</button>
            </form>
        }
    })
}

/// The form post, a plain multipart one: it works without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::extract::multipart::MultipartRejection;
    use axum::extract::{DefaultBodyLimit, Multipart, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::study::Study;

    use super::{PUBLISH_PATH, STUDY_FILE_LIMIT};
    use crate::auth::Researcher;
    use crate::authoring::publishing::{self, problem_of, versions_page_after};
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, render_rejected, unreadable_upload};
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route(PUBLISH_PATH, post(publish))
            // Room for the file and the pasted text, with the form's own bytes.
            .layer(DefaultBodyLimit::max(2 * STUDY_FILE_LIMIT + 16 * 1024))
    }

    async fn publish(
        State(state): State<AppState>,
        Researcher(staff): Researcher,
        headers: HeaderMap,
        form: Result<Multipart, MultipartRejection>,
    ) -> Result<Response, AppError> {
        let form = form.map_err(|rejection| AppError::BadForm(rejection.body_text()))?;
        let sent = read_form(form).await?;
        let (name, text) = match sent.file {
            Some((name, bytes)) => match study_text(bytes) {
                Ok(text) => (name, text),
                Err(problem) => return Ok(rejected(&state, &headers, &sent.text, &problem).await),
            },
            None => ("the text".to_owned(), sent.text),
        };
        if text.trim().is_empty() {
            let problem = "Choose a study file, or paste its text";
            return Ok(rejected(&state, &headers, &text, problem).await);
        }
        let checked = match Study::parse(&name, &text) {
            Ok(checked) => checked,
            Err(error) => return Ok(rejected(&state, &headers, &text, &problem_of(&error)).await),
        };
        if state.studies.get(&checked.slug).is_some() {
            crate::auth::research_study(&state, &staff, checked.slug.as_str()).await?;
        }
        match publishing::publish(&state, &staff, &checked).await? {
            Ok(publication) => Ok(Redirect::to(&versions_page_after(&publication)).into_response()),
            Err(problems) => Ok(rejected_all(&state, &headers, &text, &problems).await),
        }
    }

    struct SentForm {
        /// The chosen file's name and bytes, when a file was chosen.
        file: Option<(String, Vec<u8>)>,
        text: String,
    }

    async fn read_form(mut form: Multipart) -> Result<SentForm, AppError> {
        let mut sent = SentForm {
            file: None,
            text: String::new(),
        };
        while let Some(field) = form.next_field().await.map_err(unreadable_upload)? {
            match field.name() {
                Some("file") => {
                    let name = field.file_name().unwrap_or("the file").to_owned();
                    let bytes = field.bytes().await.map_err(unreadable_upload)?;
                    if !bytes.is_empty() {
                        sent.file = Some((name, bytes.to_vec()));
                    }
                }
                Some("text") => sent.text = field.text().await.map_err(unreadable_upload)?,
                other => {
                    return Err(AppError::UnknownField(other.unwrap_or_default().to_owned()));
                }
            }
        }
        Ok(sent)
    }

    /// A file's bytes as text: UTF-8, without a byte order mark, no larger than the limit.
    fn study_text(bytes: Vec<u8>) -> Result<String, String> {
        if bytes.len() > STUDY_FILE_LIMIT {
            return Err("The file is larger than 512 KB: is it the right file?".into());
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            "The file is not text in UTF-8: save it as UTF-8 and choose it again".to_owned()
        })?;
        Ok(text
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(text))
    }

    async fn rejected(
        state: &AppState,
        headers: &HeaderMap,
        text: &str,
        problem: &str,
    ) -> Response {
        rejected_all(state, headers, text, &[problem.to_owned()]).await
    }

    async fn rejected_all(
        state: &AppState,
        headers: &HeaderMap,
        text: &str,
        problems: &[String],
    ) -> Response {
        let form = RejectedForm {
            values: [("text".to_owned(), text.to_owned())].into(),
            errors: problems
                .iter()
                .map(|problem| ("text".to_owned(), problem.clone()))
                .collect(),
        };
        render_rejected(state, PUBLISH_PATH, headers, form).await
    }
}
