//! Manager pages for units (see jobs/pages).
