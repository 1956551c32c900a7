//! The researcher area: accounts, sign-in, study progress and answers side by side.

pub mod data;
pub mod likert;
pub mod loaders;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod filters;
#[cfg(feature = "ssr")]
pub mod posts;
pub mod team_pages;
#[cfg(feature = "ssr")]
pub mod team_posts;
