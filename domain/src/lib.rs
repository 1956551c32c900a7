//! The vignette study platform without its pages: what a study is, where answers are kept (all SQL,
//! for SQLite and PostgreSQL), exports, redaction of identifiers, staff accounts and the clock.
//! Nothing here knows about Leptos or HTTP; `app` turns it into pages and form handlers.

pub mod paging;
pub mod text;

/// Everything but `text` needs the server's dependencies (database, hashing, files).
macro_rules! server_modules {
    ($($module:ident),* $(,)?) => {
        $(
            #[cfg(feature = "server")]
            pub mod $module;
        )*
    };
}

server_modules!(
    accounts,
    analysis,
    answer,
    audit,
    catalogue,
    clock,
    events,
    export,
    ids,
    journey,
    participants,
    private_link,
    qda_import,
    qr,
    redaction,
    secret_token,
    storage,
    study,
    workshop,
);
