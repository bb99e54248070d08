//! What the test targets share: the hermetic environment `fedaws` runs in (`env`), a local HTTP
//! server that records what reached it and answers as it is told (`sts`), and one test's set-up
//! of a config, an account and its connectors whose stderr is checked for secrets (`fixture`).
//!
//! A target includes this directory with `#[path = "../support/mod.rs"] mod support;` and may
//! use only a part of it, so what one target leaves unused is not a warning.
#![allow(dead_code)]

pub mod env;
pub mod fixture;
pub mod sts;
