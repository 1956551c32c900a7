//! Building blocks shared by every page, following the GOV.UK Design System's patterns.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use domain::text::escape_html;

mod likert_bars;
mod pagination;
mod staff_nav;
pub use likert_bars::{Distribution, DivergingBar, Legend};
pub use pagination::{PageView, Pagination};
pub use staff_nav::{ExtendSession, LoadStaffBar, StaffBar, StaffLayout, extend_session};

/// An error shown in the error summary, linking to the field (or step) to fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    pub href: String,
    pub message: String,
}

/// One choice of a radio group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RadioOption {
    pub value: String,
    pub label: String,
}

#[component]
pub fn BackLink(href: String) -> impl IntoView {
    view! { <a href=href class="back-link">"Back"</a> }
}

#[component]
pub fn Progress(step: usize, total: usize) -> impl IntoView {
    view! { <p class="progress">{format!("Step {step} of {total}")}</p> }
}

/// Lists the errors on a page, each linking to its field. Focused on load so it is read first.
/// An island, so that with JavaScript a link moves focus into its field.
#[island]
pub fn ErrorSummary(errors: Vec<FieldError>) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        view! {
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
                <h2 id="error-summary-title" class="error-summary__title">"There is a problem"</h2>
                <ul class="error-summary__list">
                    {errors
                        .into_iter()
                        .map(|e| view! { <li><a href=e.href on:click=focus_field_on_this_page>{e.message}</a></li> })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// Following a `#field` link scrolls to the field; this also puts the focus in it, so the person
/// can type at once (and a screen reader reads the field's label).
fn focus_field_on_this_page(event: leptos::ev::MouseEvent) {
    use leptos::wasm_bindgen::JsCast;
    let Some(link) = event
        .current_target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    let Some(id) = link
        .get_attribute("href")
        .and_then(|href| href.strip_prefix('#').map(str::to_owned))
    else {
        return;
    };
    let field = document()
        .get_element_by_id(&id)
        .and_then(|f| f.dyn_into::<leptos::web_sys::HtmlElement>().ok());
    if let Some(field) = field {
        event.prevent_default();
        let _ = field.focus();
        field.scroll_into_view();
    }
}

/// HTML rendered on the server from the study's Markdown (raw HTML already escaped there).
#[component]
pub fn Prose(html: String) -> impl IntoView {
    view! { <div class="prose" inner_html=html></div> }
}

/// The message of the error that links to field `id`, if any.
pub fn field_error(errors: &[FieldError], id: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.href == format!("#{id}"))
        .map(|e| e.message.clone())
}

/// A labelled one-line text box with an optional hint and error, GOV.UK style.
#[component]
pub fn TextInput(
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    value: String,
    error: Option<String>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let has_error = error.is_some();
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = [
        hint.map(|_| hint_id.clone()),
        has_error.then(|| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <label class="label" for=id>{label}</label>
            {hint.map(|text| view! { <p id=hint_id.clone() class="hint">{text}</p> })}
            {error.map(|message| view! {
                <p id=error_id.clone() class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p>
            })}
            <input class="input" id=id name=id type=kind autocomplete=autocomplete value=value
                spellcheck="false" autocapitalize="none"
                aria-describedby=(!described_by.is_empty()).then_some(described_by)/>
        </div>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <leptos_meta::Title text="Page not found"/>
        <h1>"Page not found"</h1>
        <p>"If you typed the address, check it is correct. If you followed your private link, check you copied all of it."</p>
        <p><a href="/">"Go to the start page"</a></p>
    }
}

/// A page's data, loaded from its study's slug (the route's `study`).
pub fn load_by_study<T, Fut>(
    load: impl Fn(String) -> Fut + Send + Sync + 'static,
) -> Resource<Result<T, ServerFnError>>
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, ServerFnError>> + Send + 'static,
{
    let params = leptos_router::hooks::use_params_map();
    Resource::new_blocking(move || params.read().get("study").unwrap_or_default(), load)
}

/// A page's data, loaded from its study's slug and one more route parameter (`key`).
pub fn load_by_study_and<T, Fut>(
    key: &'static str,
    load: impl Fn(String, String) -> Fut + Send + Sync + 'static,
) -> Resource<Result<T, ServerFnError>>
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, ServerFnError>> + Send + 'static,
{
    let params = leptos_router::hooks::use_params_map();
    Resource::new_blocking(
        move || {
            let params = params.read();
            (
                params.get("study").unwrap_or_default(),
                params.get(key).unwrap_or_default(),
            )
        },
        move |(study, other)| load(study, other),
    )
}

/// Renders a page once its data is loaded, or the error the server gave instead.
pub fn when_loaded<T, V>(
    resource: Resource<Result<T, ServerFnError>>,
    render: impl Fn(T) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match resource.await {
                    Ok(data) => render(data).into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Shows an error a server function returned, in the words the server chose.
#[component]
pub fn LoadError(error: ServerFnError) -> impl IntoView {
    let message = match error {
        ServerFnError::ServerError(message) => message,
        _ => "We could not load this page. Check your connection and try again.".to_owned(),
    };
    view! {
        <leptos_meta::Title text="There is a problem"/>
        <h1>"There is a problem"</h1>
        <p>{message}</p>
        <p><a href="/">"Go to the start page"</a></p>
    }
}

/// The content of a `<textarea>` as HTML: escaped (the renderer leaves textarea children raw), and
/// led by a newline because HTML parsers drop one leading newline of a textarea's content.
pub fn textarea_content(value: &str) -> String {
    format!("\n{}", escape_html(value))
}

/// The study of the address (`:study`) and one value of its query: the source of a study page's
/// resource that also says what a form post just did (`?done=…`).
pub fn study_and_query(
    key: &'static str,
) -> impl Fn() -> (String, Option<String>) + Send + Sync + Clone + 'static {
    let params = leptos_router::hooks::use_params_map();
    let query = leptos_router::hooks::use_query_map();
    move || {
        (
            params.read().get("study").unwrap_or_default(),
            query.read().get(key),
        )
    }
}
