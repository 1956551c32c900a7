//! The frame of every page behind sign-in: a bar with who is signed in and sign out, a warning
//! before an idle session ends, and the page below it.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};

/// Who is signed in, for the bar at the top of every staff page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffBar {
    pub email: String,
    pub role: String,
    /// Owners and trainers run workshops.
    pub runs_workshops: bool,
    /// Seconds until the session ends unless something is done.
    pub idle_seconds_left: i64,
}

#[cfg(feature = "ssr")]
impl StaffBar {
    pub fn of(staff: &crate::auth::session::Staff) -> Self {
        Self {
            email: staff.record.email.clone(),
            role: staff.role.as_str().to_owned(),
            runs_workshops: staff.role.runs_workshops(),
            idle_seconds_left: staff.idle_expires_at - staff.seen_at,
        }
    }
}

/// Who is signed in, or nothing when no one is (the page itself then sends them to sign in).
#[server]
pub async fn load_staff_bar() -> Result<Option<StaffBar>, ServerFnError> {
    use crate::auth::{SignedIn, in_server_fn};
    Ok(in_server_fn::<SignedIn>()
        .await
        .ok()
        .map(|(_, SignedIn(staff))| StaffBar::of(&staff)))
}

/// The layout of the researcher area's routes: the bar, then the page. The bar is loaded again on
/// every navigation, so the idle warning counts from the latest page.
#[component]
pub fn StaffLayout() -> impl IntoView {
    let location = use_location();
    let bar = Resource::new_blocking(move || location.pathname.get(), |_| load_staff_bar());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                bar.await.ok().flatten().map(|staff| view! { <StaffNav staff/> })
            })}
        </Suspense>
        <Outlet/>
    }
}

/// Keeps the session alive ("Stay signed in"); returns the seconds it now has left.
#[server]
pub async fn extend_session() -> Result<i64, ServerFnError> {
    use crate::auth::{SignedIn, in_server_fn, signed_in_or_redirect};
    let (_, SignedIn(staff)) = in_server_fn::<SignedIn>()
        .await
        .map_err(signed_in_or_redirect)?;
    Ok(staff.idle_expires_at - staff.seen_at)
}

/// Who is signed in, with a sign-out button (a form, so it works without JavaScript).
#[component]
fn StaffNav(staff: StaffBar) -> impl IntoView {
    view! {
        <nav class="staff-nav" aria-label="Researcher area">
            <a href="/admin">"Studies"</a>
            {staff.runs_workshops.then(|| view! { <a href="/admin/workshops">"Workshops"</a> })}
            <a href="/admin/account">"Your account"</a>
            <span class="staff-nav__who">{format!("Signed in as {} ({})", staff.email, staff.role)}</span>
            <form method="post" action="/admin/sign-out" class="staff-nav__sign-out">
                <button type="submit" class="link-button">"Sign out"</button>
            </form>
        </nav>
        <IdleWarning seconds_left=staff.idle_seconds_left/>
    }
}

/// Warns before an idle session ends, with a button that keeps it alive. Needs JavaScript: the
/// server cannot warn a page that is just sitting there.
const WARN_SECONDS_BEFORE_END: i64 = 5 * 60;

#[island]
fn IdleWarning(seconds_left: i64) -> impl IntoView {
    let left = RwSignal::new(seconds_left);
    let warning = RwSignal::new(false);
    let ended = RwSignal::new(false);
    // Each scheduling gets a number; a timer set before the session was extended does nothing.
    let schedule = StoredValue::new(0u64);
    Effect::new(move |_| {
        let seconds = left.get().max(0);
        let this = schedule.get_value() + 1;
        schedule.set_value(this);
        let after = |secs: i64| std::time::Duration::from_secs(secs.max(0).unsigned_abs());
        set_timeout(
            move || {
                if schedule.get_value() == this {
                    warning.set(true);
                }
            },
            after(seconds - WARN_SECONDS_BEFORE_END),
        );
        set_timeout(
            move || {
                if schedule.get_value() == this {
                    ended.set(true);
                }
            },
            after(seconds),
        );
    });
    let stay = move |_| {
        leptos::task::spawn_local(async move {
            match extend_session().await {
                Ok(seconds) => {
                    warning.set(false);
                    left.set(seconds);
                }
                Err(_) => ended.set(true),
            }
        });
    };
    view! {
        <div class="session-warning" role="alert">
            <Show when=move || warning.get() && !ended.get()>
                <p>"You will be signed out in 5 minutes because nothing has happened for a while."</p>
                <button type="button" class="button" on:click=stay>"Stay signed in"</button>
            </Show>
            <Show when=move || ended.get()>
                <p>"You have been signed out because nothing happened for 30 minutes. "
                    <a href="/admin/sign-in">"Sign in again"</a></p>
            </Show>
        </div>
    }
}
