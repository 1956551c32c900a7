//! The researcher area: accounts, sign-in, study progress and answers side by side.

pub mod answers;
pub mod audit_log;
pub mod dashboard;
pub mod data;
pub mod home;
pub mod likert;
pub mod likert_charts;
pub mod response;
pub mod responses;
mod shared;
pub mod sign_in;

#[cfg(feature = "ssr")]
pub mod filters;
#[cfg(feature = "ssr")]
pub mod posts;
pub mod team_pages;
#[cfg(feature = "ssr")]
pub mod team_posts;
