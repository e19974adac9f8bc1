//! The trainings a manager may see, and starting a new one (works without JavaScript:
//! the form posts, and the server answers with the new training's editor).

use crate::accounts::Organisation;
use crate::jobs::api::new_job_options;
use crate::training::api::{list_trainings, CreateTraining};
use crate::training::TrainingSummary;
use crate::ui::{ErrorPanel, FieldError, FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TrainingList() -> impl IntoView {
    let create = ServerAction::<CreateTraining>::new();
    let errors = FormErrors::new(create.value());
    let trainings = Resource::new(|| (), |_| list_trainings());
    // The organisations the user may create trainings for; refused for reviewers, who
    // may read trainings but not start one (they get no form).
    let options = Resource::new(|| (), |_| new_job_options());
    view! {
        <Title text="Trainings · Gigforge"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let trainings = trainings.get()?;
                let organisations = options.get()?.ok().map(|(organisations, _)| organisations);
                Some(match trainings {
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    Ok(trainings) => view! {
                        <section class="panel">
                            <h1>"Trainings"</h1>
                            <p class="muted">"A lesson and a quiz. Giggers pass the quiz once to work on every job that requires the training."</p>
                            <TrainingTable trainings/>
                        </section>
                        {organisations.map(|organisations| view! { <NewTraining create errors organisations/> })}
                    }.into_any(),
                })
            }}
        </Transition>
    }
}

#[component]
fn TrainingTable(trainings: Vec<TrainingSummary>) -> impl IntoView {
    if trainings.is_empty() {
        return view! { <p>"No trainings yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table>
                <thead><tr>
                    <th>"Training"</th><th>"Organisation"</th><th>"Questions"</th><th>"Jobs requiring it"</th>
                </tr></thead>
                <tbody>
                    {trainings.into_iter().map(|training| view! {
                        <tr data-training-id=training.id>
                            <td><a href=format!("/manage/trainings/{}", training.id)>{training.title}</a></td>
                            <td>{training.organisation}</td>
                            <td>{training.questions}</td>
                            <td>{training.jobs_requiring}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn NewTraining(
    create: ServerAction<CreateTraining>,
    errors: FormErrors,
    organisations: Vec<Organisation>,
) -> impl IntoView {
    if organisations.is_empty() {
        return view! {
            <section class="panel">
                <h2>"New training"</h2>
                <p class="muted">"You manage no organisation yet, so you cannot start a training."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="panel">
            <h2>"New training"</h2>
            <FormAlert message=errors.general()/>
            <ActionForm action=create attr:class="grid-form">
                <div>
                    <label for="new-training-organisation">"Organisation"</label>
                    <select id="new-training-organisation" name="organisation_id" data-testid="new-training-organisation"
                        required aria-describedby="new-training-organisation-error">
                        {organisations.into_iter().map(|organisation| view! {
                            <option value=organisation.id.to_string()>{organisation.name}</option>
                        }).collect_view()}
                    </select>
                    <FieldError id="new-training-organisation-error" message=errors.field("organisation_id")/>
                </div>
                <div>
                    <label for="new-training-title">"Title"</label>
                    <input id="new-training-title" name="title" type="text" data-testid="new-training-title"
                        required maxlength="200" aria-describedby="new-training-title-error"/>
                    <FieldError id="new-training-title-error" message=errors.field("title")/>
                </div>
                <button type="submit" class="primary" data-testid="create-training"
                    disabled=move || create.pending().get()>"Create and edit"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
