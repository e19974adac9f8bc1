//! Starting a job: for which customer, and from what (blank, a template, a saved one).
//! Works without JavaScript: the form posts and the server redirects to the new job.

use crate::jobs::api::{new_job_options, CreateJob};
use crate::ui::{ErrorPanel, FieldError, FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewJob() -> impl IntoView {
    let create = ServerAction::<CreateJob>::new();
    let errors = FormErrors::new(create.value());
    let options = Resource::new(|| (), |_| new_job_options());
    view! {
        <Title text="New job · Gigforge"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || options.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok((organisations, templates)) => view! {
                    <section class="panel">
                        <h1>"New job"</h1>
                        <FormAlert message=errors.general()/>
                        {organisations.is_empty().then(|| view! {
                            <p class="notice">"You do not work for any customer yet. Ask an admin to add you to one."</p>
                        })}
                        <ActionForm action=create attr:class="stack-form">
                            <div>
                                <label for="organisation_id">"Customer"</label>
                                <select id="organisation_id" name="organisation_id" required>
                                    {organisations.into_iter().map(|org| view! {
                                        <option value=org.id.to_string()>{org.name}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <fieldset>
                                <legend>"Start from"</legend>
                                <label class="start-choice">
                                    <input type="radio" name="start" value="blank" checked/>
                                    <span><strong>"A blank job"</strong><br/><span class="muted">"Build the form and settings yourself."</span></span>
                                </label>
                                {templates.into_iter().map(|template| view! {
                                    <label class="start-choice">
                                        <input type="radio" name="start" value=template.start.clone() data-testid=template.start.clone()/>
                                        <span><strong>{template.name}</strong><br/><span class="muted">{template.summary}</span></span>
                                    </label>
                                }).collect_view()}
                                <FieldError id="start-error" message=errors.field("start")/>
                            </fieldset>
                            <button type="submit" class="primary" data-testid="create-job" disabled=move || create.pending().get()>"Create job"</button>
                        </ActionForm>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}
