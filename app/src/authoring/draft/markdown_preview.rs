//! With JavaScript, a Markdown text box of the draft shows its text as participants will see it
//! without leaving the page: rendered on the server by the survey's own renderer, into the same
//! `prose` styles. Without JavaScript the preview pages do the same.

use leptos::prelude::*;

/// The longest text the preview renders: a study file's limit.
#[cfg(feature = "ssr")]
const LONGEST_PREVIEW: usize = 512 * 1024;

#[server]
pub async fn render_markdown_preview(text: String) -> Result<String, ServerFnError> {
    use crate::auth::{Researcher, in_server_fn, signed_in_or_redirect};
    let (_, Researcher(_)) = in_server_fn::<Researcher>()
        .await
        .map_err(signed_in_or_redirect)?;
    if text.len() > LONGEST_PREVIEW {
        return Err(ServerFnError::ServerError(
            "The text is too long to preview here: preview the page instead.".into(),
        ));
    }
    Ok(domain::study::render_markdown(&text))
}

/// A "Preview the text" button for the text box `field_id`, shown once the page runs
/// JavaScript, and the rendered text under it.
#[island]
pub fn MarkdownPreview(field_id: String) -> impl IntoView {
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let shown = RwSignal::new(None::<Result<String, String>>);
    let field = StoredValue::new(field_id);
    let preview = move |_| {
        let text = text_of(&field.get_value());
        leptos::task::spawn_local(async move {
            shown.set(Some(render_markdown_preview(text).await.map_err(
                |error| match error {
                    ServerFnError::ServerError(message) => message,
                    _ => "The preview could not be made. Your text is still in the box.".to_owned(),
                },
            )));
        });
    };
    view! {
        <Show when=move || ready.get()>
            <button type="button" class="button button--secondary" on:click=preview>"Preview the text"</button>
        </Show>
        <div aria-live="polite">
            {move || shown.get().map(|rendered| match rendered {
                Ok(html) => view! {
                    <div class="markdown-preview">
                        <p class="hint">"As participants will see it:"</p>
                        <div class="prose" inner_html=html></div>
                    </div>
                }.into_any(),
                Err(message) => view! { <p class="error-message">{message}</p> }.into_any(),
            })}
        </div>
    }
}

/// The current text of the text area `id`, as typed.
fn text_of(id: &str) -> String {
    use leptos::wasm_bindgen::JsCast;
    document()
        .get_element_by_id(id)
        .and_then(|element| {
            element
                .dyn_into::<leptos::web_sys::HtmlTextAreaElement>()
                .ok()
        })
        .map(|area| area.value())
        .unwrap_or_default()
}
