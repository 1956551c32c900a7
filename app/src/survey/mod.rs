//! The participant's journey: consent, the study's pages, check your answers, submit.

#[cfg(feature = "ssr")]
pub mod answer;
pub mod api;
mod autosave;
pub mod pages;
pub mod view;

#[cfg(feature = "ssr")]
pub mod flow;
#[cfg(feature = "ssr")]
pub mod forms;
#[cfg(feature = "ssr")]
pub mod private_link;
#[cfg(feature = "ssr")]
pub mod withdrawal;
