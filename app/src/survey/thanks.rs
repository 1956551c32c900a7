//! After submitting: thanks, and the withdrawal code.

use leptos::prelude::*;
use leptos_meta::Title;

use super::data::*;
use crate::components::Prose;

#[component]
pub(super) fn SubmittedPage(view: SubmittedView) -> impl IntoView {
    view! {
        <Title text=view.title.clone()/>
        <div class="panel">
            <h1 class="panel__title">{view.title}</h1>
            <p class="panel__body">{format!("Submitted on {}", view.submitted_on)}</p>
        </div>
        <Prose html=view.body_html/>
        <p>"Your answers have been submitted and can no longer be changed. This private link now only shows this page."</p>
        <h2 class="heading-m">"If you change your mind"</h2>
        <p>"You can withdraw your answers until the study's results are written up. Keep this withdrawal code; it is the only way to find your answers, as we do not know who you are:"</p>
        <p class="withdrawal-code"><code>{view.withdrawal_code}</code></p>
        <p><a href="/withdraw">"Withdraw your answers"</a></p>
    }
}
