//! Signing in: password, the code from the authenticator app, setting two-factor sign-in up, and
//! the first owner's account at first start. None of these pages needs a full session.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::data::*;
#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;
use crate::components::{ErrorSummary, TextInput, field_error, when_loaded};

#[server]
pub async fn load_sign_in(next: Option<String>) -> Result<SignInView, ServerFnError> {
    Ok(load::sign_in(next).await)
}

#[server]
pub async fn load_second_factor(next: Option<String>) -> Result<SecondFactorView, ServerFnError> {
    load::second_factor(next)
        .await
        .map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_two_factor_setup() -> Result<TwoFactorStep, ServerFnError> {
    load::two_factor_setup()
        .await
        .map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_setup(token: String) -> Result<SetupView, ServerFnError> {
    load::setup(token)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[cfg(feature = "ssr")]
pub(super) mod load {
    use super::super::data::*;
    use leptos::prelude::use_context;

    use super::super::posts::FreshRecoveryCodes;
    use crate::auth::{
        AnySession, PendingSecondFactor, PendingTwoFactorSetup, in_server_fn, is_staff_address,
    };
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use domain::accounts::two_factor::{TotpSecret, qr_code_svg};

    use crate::context::app_state;

    /// The email typed into a rejected account form, and its errors; empty on a first visit.
    pub(in crate::admin) fn rejected_account_form() -> (String, Vec<crate::components::FieldError>)
    {
        use_context::<RejectedForm>()
            .map(|r| {
                (
                    r.values.get("email").cloned().unwrap_or_default(),
                    r.summary(),
                )
            })
            .unwrap_or_default()
    }

    /// The sign-in form; a session already past the password goes on to its next step.
    pub async fn sign_in(next: Option<String>) -> SignInView {
        if let Ok((_, AnySession(staff))) = in_server_fn::<AnySession>().await {
            leptos_axum::redirect(staff.stage.landing_path());
        }
        let (email, errors) = rejected_account_form();
        SignInView {
            email,
            errors,
            next: way_back(next),
        }
    }

    pub async fn second_factor(next: Option<String>) -> Result<SecondFactorView, AppError> {
        in_server_fn::<PendingSecondFactor>().await?;
        Ok(SecondFactorView {
            errors: rejected_account_form().1,
            next: way_back(next),
        })
    }

    /// The page to return to after signing in: from the address, or from the form just refused.
    fn way_back(next: Option<String>) -> Option<String> {
        next.or_else(|| use_context::<RejectedForm>().and_then(|r| r.values.get("next").cloned()))
            .filter(|next| is_staff_address(next))
    }

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

    pub async fn setup(token: String) -> Result<SetupView, AppError> {
        let state = app_state()?;
        let usable = match domain::secret_token::SecretToken::parse(&token) {
            Some(parsed) => {
                state
                    .storage
                    .staff()
                    .setup_link_is_usable(&parsed.storage_hash(), state.clock.now())
                    .await?
            }
            None => false,
        };
        let (email, errors) = rejected_account_form();
        Ok(SetupView {
            token,
            usable,
            email,
            errors,
        })
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|query| query.get("next"));
    let data = Resource::new_blocking(move || next.clone(), load_sign_in);
    when_loaded(data, |view| {
        let email_error = field_error(&view.errors, "email");
        view! {
            <Title text=if view.errors.is_empty() { "Sign in" } else { "Error: Sign in" }/>
            <ErrorSummary errors=view.errors/>
            <h1>"Sign in to the researcher area"</h1>
            <form method="post" action="/admin/sign-in" novalidate>
                {view.next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <TextInput id="email" label="Email address" kind="email" autocomplete="username" value=view.email error=email_error/>
                <TextInput id="password" label="Password" kind="password" autocomplete="current-password" value=String::new() error=None/>
                <button type="submit" class="button">"Sign in"</button>
            </form>
        }
    })
}

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|query| query.get("next"));
    let data = Resource::new_blocking(move || next.clone(), load_second_factor);
    when_loaded(data, |view| {
        let code_error = field_error(&view.errors, "code");
        view! {
            <Title text=if view.errors.is_empty() { "Enter your code" } else { "Error: Enter your code" }/>
            <ErrorSummary errors=view.errors/>
            <h1>"Enter the code from your authenticator app"</h1>
            <form method="post" action="/admin/sign-in/code" novalidate>
                {view.next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <TextInput id="code" label="Code" kind="text" autocomplete="one-time-code" value=String::new() error=code_error
                    hint="The 6-digit code your app shows now. Lost your phone? Enter one of your recovery codes instead."/>
                <button type="submit" class="button">"Continue"</button>
            </form>
            <form method="post" action="/admin/sign-out">
                <button type="submit" class="link-button">"Cancel and sign out"</button>
            </form>
        }
    })
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

#[component]
pub fn SetupPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(
        move || params.read().get("token").unwrap_or_default(),
        load_setup,
    );
    when_loaded(data, |view| {
        if !view.usable {
            return view! {
                <Title text="Setup link not valid"/>
                <h1>"This setup link cannot be used"</h1>
                <p>"Setup links work once, for one hour. Restart the server for a new one while there is no account, or ask an owner to add you."</p>
            }
            .into_any();
        }
        let (email_error, password_error, confirm_error) = (
            field_error(&view.errors, "email"),
            field_error(&view.errors, "password"),
            field_error(&view.errors, "confirm"),
        );
        view! {
            <Title text="Create the owner account"/>
            <ErrorSummary errors=view.errors/>
            <h1>"Create the owner account"</h1>
            <p>"The owner manages accounts and studies and reads the audit log. Use a password of at least 12 characters; a long phrase is good."</p>
            <form method="post" action=format!("/admin/setup/{}", view.token) novalidate>
                <TextInput id="email" label="Email address" kind="email" autocomplete="username" value=view.email error=email_error/>
                <TextInput id="password" label="Password" kind="password" autocomplete="new-password" value=String::new() error=password_error/>
                <TextInput id="confirm" label="Password again" kind="password" autocomplete="new-password" value=String::new() error=confirm_error/>
                <button type="submit" class="button">"Create account"</button>
            </form>
        }
        .into_any()
    })
}
