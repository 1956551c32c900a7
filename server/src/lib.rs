//! The axum server: configuration, start-up and the routes around the Leptos app.

pub mod assets;
pub mod config;
pub mod ops;
pub mod progress;
pub mod startup;
