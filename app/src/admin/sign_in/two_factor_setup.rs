//! Setting two-factor sign-in up at the first sign-in of an account that reads research data,
//! then its recovery codes, shown once.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::admin::data::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, TextInput, field_error, when_loaded};

#[server]
pub async fn load_two_factor_setup() -> Result<TwoFactorStep, ServerFnError> {
    load::two_factor_setup()
        .await
        .map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
mod load {
    use crate::admin::data::*;
    use leptos::prelude::use_context;

    use super::super::{FreshRecoveryCodes, rejected_account_form};
    use crate::auth::{PendingTwoFactorSetup, in_server_fn};

    use crate::error::AppError;

    use domain::accounts::two_factor::TotpSecret;
    use domain::qr::qr_code_svg;

    pub async fn two_factor_setup() -> Result<TwoFactorStep, AppError> {
        if let Some(fresh) = use_context::<FreshRecoveryCodes>() {
            return Ok(TwoFactorStep::RecoveryCodes(fresh.0));
        }
        let (_, PendingTwoFactorSetup(staff)) = in_server_fn::<PendingTwoFactorSetup>().await?;
        let secret = TotpSecret::offered_during(&staff.token);
        Ok(TwoFactorStep::Setup(TwoFactorSetupView {
            qr_svg: qr_code_svg(&secret.provisioning_uri(&staff.record.email)),
            secret: secret.grouped_for_typing(),
            email: staff.record.email,
            errors: rejected_account_form().1,
        }))
    }
}

#[component]
pub fn TwoFactorSetupPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| load_two_factor_setup());
    when_loaded(data, |step| match step {
        TwoFactorStep::Setup(view) => two_factor_setup(view).into_any(),
        TwoFactorStep::RecoveryCodes(codes) => recovery_codes(codes).into_any(),
    })
}

fn two_factor_setup(view: TwoFactorSetupView) -> impl IntoView {
    let code_error = field_error(&view.errors, "code");
    view! {
        <Title text=if view.errors.is_empty() { "Set up two-factor sign-in" } else { "Error: Set up two-factor sign-in" }/>
        <ErrorSummary errors=view.errors/>
        <h1>"Set up two-factor sign-in"</h1>
        <p>{format!("{} can read research data, so signing in takes a code from an authenticator app on your phone as well as your password.", view.email)}</p>
        <ol class="steps">
            <li>"Open an authenticator app, for example Microsoft Authenticator, Google Authenticator or FreeOTP, and add an account."</li>
            <li>
                "Scan this QR code with the app, or type in the key below it."
                <div class="qr-code" role="img" aria-label="QR code holding the key shown below" inner_html=view.qr_svg></div>
                <p>"Key: " <code class="secret-key">{view.secret}</code></p>
            </li>
            <li>"Enter the 6-digit code the app now shows for Vignette studies."</li>
        </ol>
        <form method="post" action="/admin/two-factor/setup" novalidate>
            <TextInput id="code" label="Code from the app" kind="text" autocomplete="one-time-code" value=String::new() error=code_error/>
            <button type="submit" class="button">"Turn on two-factor sign-in"</button>
        </form>
    }
}

fn recovery_codes(codes: Vec<String>) -> impl IntoView {
    view! {
        <Title text="Save your recovery codes"/>
        <h1>"Two-factor sign-in is on: save your recovery codes"</h1>
        <p>"If you lose your phone, each of these codes signs you in once instead of a code from the app. Keep them somewhere safe, away from your phone. They are not shown again."</p>
        <ul class="recovery-codes">
            {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
        </ul>
        <p><a href="/admin" class="button">"I have saved my recovery codes"</a></p>
    }
}

/// The form post, a plain one: it works without JavaScript.
#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::HeaderMap;
    use axum::response::Response;
    use axum::routing::post;
    use domain::audit::AuditAction;

    use super::super::FreshRecoveryCodes;
    use super::super::session_start::{advance_session, set_cookie, wrong_code};
    use crate::auth::PendingTwoFactorSetup;
    use crate::auth::session::SessionStage;
    use crate::error::AppError;
    use crate::form_posts::{fields_named, render_with_context};
    use crate::state::AppState;
    use domain::accounts::two_factor::{
        RECOVERY_CODES, SecondFactor, TotpSecret, hash_recovery_codes,
    };

    use domain::secret_token::HandCode;

    const WRONG_SETUP_CODE: &str = "The code did not match. Check that your phone's clock is right, then enter the 6-digit code the app shows now";

    pub fn routes() -> Router<AppState> {
        Router::new().route(
            SessionStage::TwoFactorSetup.landing_path(),
            post(set_up_two_factor),
        )
    }

    async fn set_up_two_factor(
        State(state): State<AppState>,
        PendingTwoFactorSetup(staff): PendingTwoFactorSetup,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = fields_named(&headers, &body, &["code"])?;
        let typed = fields.get("code").map(String::as_str).unwrap_or_default();
        let here = SessionStage::TwoFactorSetup.landing_path();
        let secret = TotpSecret::offered_during(&staff.token);
        let step = match SecondFactor::parse(typed) {
            Some(SecondFactor::Totp(code)) => secret.step_of(&code, state.clock.now()),
            _ => None,
        };
        let Some(step) = step else {
            return Ok(wrong_code(&state, &headers, here, WRONG_SETUP_CODE, "/admin").await);
        };
        let codes: Vec<HandCode> = (0..RECOVERY_CODES).map(|_| HandCode::generate()).collect();
        let hashes = hash_recovery_codes(&codes).await;
        let sealed = state
            .sealing_key
            .seal(&staff.record.id, &secret.to_base32());
        state
            .storage
            .staff()
            .enable_two_factor(&staff.record.id, &sealed, step, &hashes)
            .await?;
        state
            .audit(staff.actor(), AuditAction::TwoFactorSetUp, "")
            .await?;
        let cookie = advance_session(&state, &staff, SessionStage::Full).await?;
        let shown = FreshRecoveryCodes(codes.iter().map(HandCode::for_display).collect());
        let mut response = render_with_context(&state, here, &headers, shown).await;
        set_cookie(&mut response, &cookie);
        Ok(response)
    }
}
