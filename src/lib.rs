//! Flameup Explorer: a native desktop explorer for the Flameup People API.
//!
//! `model` and `snippet` are pure; `transport` is the only HTTP client; `app` is the window;
//! `cli` is the command line. Both front ends share the one draft → request function.

pub mod app;
pub mod cli;
pub mod clock;
pub mod contract;
pub mod flow;
pub mod import;
pub mod model;
pub mod sandbox;
pub mod snippet;
pub mod store;
pub mod transport;
