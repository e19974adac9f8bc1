//! Job pages: role home pages built on job lists, and the manager's job builder
//! (new job, overview with checklist, settings, form builder; units live in `units`).

mod field_editor;
mod form_builder;
mod job_lists;
mod job_nav;
mod job_page;
mod new_job;
mod settings_page;

pub use form_builder::FormBuilderPage;
pub use job_lists::{CustomerJobs, ManagerJobs};
pub use job_nav::JobNav;
pub use job_page::{job_resource, use_job_id, JobPage};
pub use new_job::NewJob;
pub use settings_page::JobSettingsPage;
