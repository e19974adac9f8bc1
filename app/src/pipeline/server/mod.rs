//! The pipeline's server side: the queue, the workers and each stage's effect.

pub mod ledger_stage;
pub mod qc;
pub mod queue;
pub mod review;
pub mod worker;
