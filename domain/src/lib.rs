//! The vignette study platform without its pages: what a study is, where answers are kept (all SQL,
//! for SQLite and PostgreSQL), exports, redaction of identifiers, staff accounts and the clock.
//! Nothing here knows about Leptos or HTTP; `app` turns it into pages and form handlers.

pub mod text;

#[cfg(feature = "server")]
pub mod accounts;
#[cfg(feature = "server")]
pub mod answer;
#[cfg(feature = "server")]
pub mod audit;
#[cfg(feature = "server")]
pub mod clock;
#[cfg(feature = "server")]
pub mod events;
#[cfg(feature = "server")]
pub mod export;
#[cfg(feature = "server")]
pub mod journey;
#[cfg(feature = "server")]
pub mod participants;
#[cfg(feature = "server")]
pub mod private_link;
#[cfg(feature = "server")]
pub mod redaction;
#[cfg(feature = "server")]
pub mod secret_token;
#[cfg(feature = "server")]
pub mod storage;
#[cfg(feature = "server")]
pub mod study;
