//! The vignette study platform's pages, their data, and (with `ssr`) the thin server functions and
//! form handlers that call `domain`.

pub mod admin;
pub mod analysis;
#[cfg(feature = "ssr")]
pub mod auth;
pub mod authoring;
pub mod components;
pub mod redaction;
pub mod survey;
pub mod workshop;

#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod cookies;
#[cfg(feature = "ssr")]
pub mod downloads;
#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod form_posts;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use admin::account::AccountPage;
use admin::answers::AnswersPage;
use admin::audit_log::AuditPage;
use admin::dashboard::DashboardPage;
use admin::home::AdminHomePage;
use admin::likert_charts::LikertPage;
use admin::response::{DeleteResponsePage, ResponsePage};
use admin::responses::ResponsesPage;
use admin::sign_in::first_owner::SetupPage;
use admin::sign_in::password::SignInPage;
use admin::sign_in::second_factor::SecondFactorPage;
use admin::sign_in::two_factor_setup::TwoFactorSetupPage;
use admin::team::accounts::TeamPage;
use admin::team::invitation::InvitePage;
use admin::team::remove_member::RemoveMemberPage;
use admin::team::study_members::StudyMembersPage;
use admin::versions::VersionsPage;
use analysis::codes::{AnalysisPage, CollatedPage};
use analysis::coding::GridPage;
use analysis::crosstab::CrossTabPage;
use analysis::import::{ImportPage, ImportPlanPage};
use analysis::map::MapPage;
use analysis::memos::{BesidePage, JournalPage};
use analysis::participant::ParticipantPage;
use analysis::review::UntouchedPage;
use analysis::themes::{LogPage, ThemePage};
use analysis::together::CodingTogetherPage;
use authoring::draft::changes::DraftChangesPage;
use authoring::draft::editor::DraftPage;
use authoring::draft::page_editor::DraftPageEditorPage;
use authoring::publish::PublishPage;
use components::{NotFound, StaffLayout};
use redaction::erase::EraseRedactionsPage;
use redaction::queue::RedactionQueuePage;
use survey::consent::ConsentPage;
use survey::landing::LandingPage;
use survey::preview::PreviewPage;
use survey::private_link::PrivateLinkPage;
use survey::step::StepPage;
use survey::thanks::ThanksPage;
use survey::withdraw::{WithdrawPage, WithdrawnPage};
use workshop::admin::WorkshopsPage;
use workshop::console::{ConsolePage, ScreenPage};
use workshop::materials::{GuidePage, PackPage};
use workshop::phone::{JoinPage, PhonePage};
use workshop::plan::PlanPage;
use workshop::summary::SummaryPage;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <link rel="stylesheet" id="leptos" href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name)/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every route waits for its data before sending HTML, so pages are whole without JavaScript
    // and errors can set the status code.
    let ssr = SsrMode::Async;
    view! {
        <Title formatter=|text: String| format!("{text} – Vignette studies")/>
        <a href="#main" class="skip-link">"Skip to main content"</a>
        <header class="header">
            <div class="header__inner">
                <a href="/" class="header__name">"Vignette studies"</a>
                <span class="header__tag">"Positive risk-taking in mental health care"</span>
            </div>
        </header>
        <Router>
            <main id="main" class="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=LandingPage ssr=ssr.clone()/>
                    <Route path=path!("/s/:study") view=LandingPage ssr=ssr.clone()/>
                    <Route path=path!("/s/:study/consent") view=ConsentPage ssr=ssr.clone()/>
                    <Route path=path!("/s/:study/answers/:step") view=StepPage ssr=ssr.clone()/>
                    <Route path=path!("/s/:study/thanks") view=ThanksPage ssr=ssr.clone()/>
                    <Route path=path!("/r/:token") view=PrivateLinkPage ssr=ssr.clone()/>
                    <Route path=path!("/preview/:study/:page") view=PreviewPage ssr=ssr.clone()/>
                    <Route path=path!("/join") view=JoinPage ssr=ssr.clone()/>
                    <Route path=path!("/join/:code") view=JoinPage ssr=ssr.clone()/>
                    <Route path=path!("/w/:code") view=PhonePage ssr=ssr.clone()/>
                    <Route path=path!("/withdraw") view=WithdrawPage ssr=ssr.clone()/>
                    <Route path=path!("/withdraw/confirm") view=WithdrawPage ssr=ssr.clone()/>
                    <Route path=path!("/withdraw/done") view=WithdrawnPage ssr=ssr.clone()/>
                    // The projector's screen: no staff bar, no controls.
                    <Route path=path!("/admin/workshops/:id/screen") view=ScreenPage ssr=ssr.clone()/>
                    // Before sign-in: no staff bar.
                    <Route path=path!("/admin/sign-in") view=SignInPage ssr=ssr.clone()/>
                    <Route path=path!("/admin/sign-in/code") view=SecondFactorPage ssr=ssr.clone()/>
                    <Route path=path!("/admin/two-factor/setup") view=TwoFactorSetupPage ssr=ssr.clone()/>
                    <Route path=path!("/admin/invite/:token") view=InvitePage ssr=ssr.clone()/>
                    <Route path=path!("/admin/setup/:token") view=SetupPage ssr=ssr.clone()/>
                    <ParentRoute path=path!("/admin") view=StaffLayout ssr=ssr.clone()>
                        <Route path=path!("") view=AdminHomePage ssr=ssr.clone()/>
                        <Route path=path!("account") view=AccountPage ssr=ssr.clone()/>
                        <Route path=path!("audit") view=AuditPage ssr=ssr.clone()/>
                        <Route path=path!("team") view=TeamPage ssr=ssr.clone()/>
                        <Route path=path!("team/:id/remove") view=RemoveMemberPage ssr=ssr.clone()/>
                        <Route path=path!("publish") view=PublishPage ssr=ssr.clone()/>
                        <Route path=path!("workshops") view=WorkshopsPage ssr=ssr.clone()/>
                        <Route path=path!("workshops/:id") view=ConsolePage ssr=ssr.clone()/>
                        <Route path=path!("workshops/:id/plan") view=PlanPage ssr=ssr.clone()/>
                        <Route path=path!("workshops/:id/summary") view=SummaryPage ssr=ssr.clone()/>
                        <Route path=path!("workshops/:id/pack") view=PackPage ssr=ssr.clone()/>
                        <Route path=path!("workshops/:id/guide") view=GuidePage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study") view=DashboardPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/likert") view=LikertPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis") view=AnalysisPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/questions/:question") view=GridPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/codes/:code") view=CollatedPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/themes/:theme") view=ThemePage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/log") view=LogPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/by-group") view=CrossTabPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/journal") view=JournalPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/beside") view=BesidePage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/untouched") view=UntouchedPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/import") view=ImportPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/map") view=MapPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/import/:import") view=ImportPlanPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/team") view=CodingTogetherPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/analysis/participants/:number") view=ParticipantPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/versions") view=VersionsPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/members") view=StudyMembersPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/draft") view=DraftPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/draft/changes") view=DraftChangesPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/draft/pages/:page") view=DraftPageEditorPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/redactions") view=RedactionQueuePage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/redactions/erase") view=EraseRedactionsPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/responses") view=ResponsesPage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/responses/:id") view=ResponsePage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/responses/:id/delete") view=DeleteResponsePage ssr=ssr.clone()/>
                        <Route path=path!("studies/:study/questions/:question") view=AnswersPage ssr/>
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
        <footer class="footer">
            <p>"Anonymous: no names, no IP addresses. Answers are saved as you go."</p>
        </footer>
    }
}
