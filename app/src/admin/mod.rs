//! The researcher area: accounts, sign-in, study progress and answers side by side.

pub mod api;
pub mod likert;
pub mod pages;
pub mod view;

#[cfg(feature = "ssr")]
pub mod filters;
#[cfg(feature = "ssr")]
pub mod forms;
#[cfg(feature = "ssr")]
pub mod team_forms;
pub mod team_pages;
