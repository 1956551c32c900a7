//! After submitting: thanks, and the withdrawal code. The code is shown only in the answer to the
//! submitting post; opened any other way (history, a bookmark) this page says so and shows nothing.

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
use crate::components::{Prose, when_loaded};

#[server]
pub async fn load_thanks() -> Result<Option<SubmittedView>, ServerFnError> {
    Ok(use_context::<SubmittedView>())
}

#[component]
pub fn ThanksPage() -> impl IntoView {
    let thanks = Resource::new_blocking(|| (), |_| load_thanks());
    when_loaded(thanks, |view| match view {
        Some(view) => view! { <Submitted view/> }.into_any(),
        None => view! { <ShownOnce/> }.into_any(),
    })
}

#[component]
fn Submitted(view: SubmittedView) -> impl IntoView {
    view! {
        <Title text=view.title.clone()/>
        <div class="panel">
            <h1 class="panel__title">{view.title}</h1>
            <p class="panel__body">"Your answers have been sent"</p>
        </div>
        <Prose html=view.body_html/>
        <p>"Your answers can no longer be changed, and this browser no longer holds them. Your private link now opens nothing."</p>
        <h2 class="heading-m">"If you change your mind"</h2>
        <p>"You can withdraw your answers until the study's results are written up. Write down this withdrawal code now: it is shown only this once, so that nobody using this device after you can see it, and as we do not know who you are it is the only way to find your answers."</p>
        <p class="withdrawal-code"><code>{view.withdrawal_code}</code></p>
        <p><a href="/withdraw">"Withdraw your answers"</a></p>
    }
}

#[component]
fn ShownOnce() -> impl IntoView {
    view! {
        <Title text="Answers sent"/>
        <h1>"Answers sent"</h1>
        <p>"If you have just sent your answers, they are saved. The withdrawal code was shown once, straight after sending, and is not shown again, so that nobody using this device after you can see it."</p>
        <p><a href="/withdraw">"Withdraw answers with a withdrawal code"</a></p>
    }
}
