//! Manager pages for trainings.
