//! The load tool's parts, shared by its binary and by the server's crash and scale-out tests:
//! respondents that walk the whole survey over HTTP ([`journey`]), what each sent and which
//! saves the server acknowledged ([`ledger`]), latency figures ([`stats`]), the comparison of
//! what was sent with what the database holds ([`verify`]), the benchmark ([`bench`]), and a
//! workshop's facilitator and phones following its live feed ([`workshop`], [`feed`]).

pub mod bench;
pub mod feed;
pub mod journey;
pub mod ledger;
pub mod stats;
pub mod target;
pub mod verify;
pub mod workshop;
