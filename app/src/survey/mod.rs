//! The participant's journey: consent, the study's pages, check your answers, submit.

pub mod api;
mod autosave;
mod frame;
pub mod pages;
pub mod view;

#[cfg(feature = "ssr")]
pub mod flow;
#[cfg(feature = "ssr")]
pub mod forms;
#[cfg(feature = "ssr")]
pub mod withdrawal;
