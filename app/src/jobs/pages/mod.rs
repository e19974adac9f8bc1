//! Role home pages built on job lists.

mod gigger_home;
mod job_lists;

pub use gigger_home::GiggerHome;
pub use job_lists::{CustomerJobs, ManagerJobs, ReviewerHome};
