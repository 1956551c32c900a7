//! The server's integration tests, in one binary: each test starts the real server on port 0 with
//! a fresh database (SQLite, or PostgreSQL when TEST_DATABASE=postgres). Run them with
//! cargo-nextest, which gives every test a process of its own.

mod support;

mod admin_access;
mod admin_responses;
mod analysis;
mod analysis_map;
mod analysis_project;
mod backup;
mod bad_input;
mod balanced_designs;
mod crash;
mod drafts;
mod events;
mod exports;
mod fuzz_answers;
mod operations;
mod publishing;
mod r_script;
mod redaction;
mod scale_out;
mod schedule;
mod startup;
mod storage;
mod study_members;
mod study_versions;
mod survey_journey;
mod team;
mod two_factor;
mod workshop_live;
mod workshop_research;
mod workshops;
