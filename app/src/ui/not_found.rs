use leptos::prelude::*;
use leptos_meta::Title;

/// The 404 page; answers with status 404 when rendered on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found · Gigforge"/>
        <section class="panel">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link may be wrong."</p>
            <a class="button" href="/">"Go to the home page"</a>
        </section>
    }
}
