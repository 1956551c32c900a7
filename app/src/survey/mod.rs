//! The participant's journey: consent, the study's pages, check your answers, submit.

mod autosave;
pub mod data;
mod frame;
pub mod loaders;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod flow;
#[cfg(feature = "ssr")]
pub mod posts;
#[cfg(feature = "ssr")]
pub mod withdrawal;
