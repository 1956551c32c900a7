//! Who is signed in, and who may do what: staff sessions, and extractors that every staff route
//! names instead of checking the session itself. A features's handlers and server functions ask
//! for `Researcher`, `Owner`, `Trainer` or `SignedIn`; a request without a live session is sent to
//! sign in (with the address to come back to), one with the wrong role gets 403.

mod extract;
mod page_guard;
pub mod session;
mod study_access;

pub use extract::{
    AnySession, AuthRejection, Owner, PendingSecondFactor, PendingTwoFactorSetup, Researcher,
    SignedIn, Trainer, after_sign_in, in_server_fn, is_staff_address, return_address,
    sign_in_address, signed_in_or_redirect, with_next,
};
pub use page_guard::check_session_before_staff_pages;
pub use study_access::{editable_draft, reads_study, research_study};
