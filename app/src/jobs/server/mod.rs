//! Server half of jobs: who may touch a job, storing settings with optimistic versions,
//! the change log, the lifecycle with its publish checklist, templates and clones.

pub mod access;
pub mod builtin;
pub mod changes;
pub mod create;
pub mod forms;
pub mod lifecycle;
pub mod lists;
pub mod markdown;
pub mod store;

pub use lists::{list, organisation_of};
