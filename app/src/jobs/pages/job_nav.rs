//! Tabs across a job's pages.

use leptos::prelude::*;

#[component]
pub fn JobNav(job_id: i64, title: String, current: &'static str, can_edit: bool) -> impl IntoView {
    let tabs: Vec<(&'static str, &'static str, String)> = [
        ("overview", "Overview", format!("/manage/jobs/{job_id}")),
        ("settings", "Settings", format!("/manage/jobs/{job_id}/settings")),
        ("form", "Form", format!("/manage/jobs/{job_id}/form")),
        ("units", "Units", format!("/manage/jobs/{job_id}/units")),
    ]
    .into_iter()
    .filter(|(name, _, _)| can_edit || matches!(*name, "overview" | "units"))
    .collect();
    view! {
        <nav class="job-nav" aria-label=format!("Job: {title}")>
            <a href={if can_edit { "/manage" } else { "/" }} class="back">"\u{2190} Jobs"</a>
            {tabs.into_iter().map(|(name, label, href)| view! {
                <a href=href aria-current=(name == current).then_some("page")>{label}</a>
            }).collect_view()}
        </nav>
    }
}
