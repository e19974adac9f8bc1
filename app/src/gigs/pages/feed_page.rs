//! The feed: gigs this gigger may do, nearest first. "More gigs" is a plain link to the
//! next keyset page, so paging works without JavaScript.

use super::{error_or_onboarding, use_lang};
use crate::gigs::api::gig_feed;
use crate::gigs::{format_distance, FeedCard};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FeedPage() -> impl IntoView {
    let query = use_query_map();
    let cursor = move || query.with(|q| q.get("after").unwrap_or_default());
    let page = Resource::new(cursor, gig_feed);
    let i18n = use_i18n();
    view! {
        <Title text="Gigs for you · Gigforge"/>
        <GiggerTabs current="feed"/>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || page.get().map(|result| match result {
                Err(error) => error_or_onboarding(error),
                Ok(page) => view! {
                    <section class="feed">
                        <h1>{t!(i18n, feed.title)}</h1>
                        {(!page.located).then(|| view! {
                            <p class="notice">
                                {t!(i18n, feed.add_location)}
                                <a href="/gigs/profile">{t!(i18n, feed.update_profile)}</a>
                            </p>
                        })}
                        {page.cards.is_empty().then(|| view! {
                            <p class="muted">{t!(i18n, feed.empty)}</p>
                        })}
                        <ul class="cards">
                            {page.cards.into_iter().map(|card| view! { <FeedCardView card/> }).collect_view()}
                        </ul>
                        {page.next.map(|next| view! {
                            <a class="button" rel="next" href=format!("/gigs?after={next}")>{t!(i18n, feed.more)}</a>
                        })}
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn FeedCardView(card: FeedCard) -> impl IntoView {
    let lang = use_lang();
    let i18n = use_i18n();
    let title = card.title.clone();
    let (gigs_left, minutes) = (card.gigs_left, card.expected_minutes);
    view! {
        <li class="card gig-card" data-job-id=card.job_id>
            <a class="card-link" href=format!("/gigs/{}", card.job_id)>
                <h2>{move || title.get(lang.get()).to_string()}</h2>
                <p class="pay">{card.pay.to_string()}<span class="muted">{t!(i18n, feed.per_gig)}</span></p>
                <p class="facts muted">
                    {card.distance_m.map(|m| {
                        let distance = format_distance(m);
                        view! { <span class="distance">{t!(i18n, feed.away, distance)}</span> }
                    })}
                    <span>{t!(i18n, feed.minutes, minutes)}</span>
                    <span class="gigs-left">{t!(i18n, feed.left, count = gigs_left)}</span>
                </p>
                {card.needs_training.then(|| view! { <p class="badge">{t!(i18n, feed.training)}</p> })}
            </a>
        </li>
    }
}

/// The gigger's tabs: feed, my gigs, profile. Plain links, large tap targets.
#[component]
pub fn GiggerTabs(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let current_if = move |key: &'static str| (key == current).then_some("page");
    view! {
        <nav class="gigger-tabs" aria-label=move || t_string!(i18n, tabs.label)>
            <a href="/gigs" class="tab" aria-current=current_if("feed")>{t!(i18n, tabs.gigs)}</a>
            <a href="/gigs/mine" class="tab" aria-current=current_if("mine")>{t!(i18n, tabs.my_gigs)}</a>
            <a href="/gigs/profile" class="tab" aria-current=current_if("profile")>{t!(i18n, tabs.profile)}</a>
        </nav>
    }
}
