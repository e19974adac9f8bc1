//! A gigger's home page: the live gigs with work left. Phone-first layout.

use crate::jobs::api::live_gigs;
use crate::ui::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn GiggerHome() -> impl IntoView {
    let gigs = Resource::new(|| (), |_| live_gigs());
    view! {
        <Title text="Gigs · Gigforge"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || gigs.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok(cards) => view! {
                    <section class="gigger-home">
                        <h1>"Gigs for you"</h1>
                        {cards.is_empty().then(|| view! { <p class="muted">"No live gigs right now. Check back soon."</p> })}
                        <ul class="cards">
                            {cards.into_iter().map(|card| view! {
                                <li class="card" data-job-id=card.id>
                                    <h2>{card.title}</h2>
                                    <p class="pay">{card.pay.to_string()} <span class="muted">" per approved gig"</span></p>
                                    <p class="muted">{format!("{} gigs left", card.units_open)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}
