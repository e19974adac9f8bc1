//! The admin's accounts page: create a staff or customer account with a temporary
//! password, and see everyone.

use crate::accounts::api::{list_organisations, list_users, CreateUser};
use crate::accounts::{CreatedUser, Role, UserSummary};
use crate::ui::{ErrorPanel, FieldError, FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminUsers() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let errors = FormErrors::new(create.value());
    let users = Resource::new(move || create.version().get(), |_| list_users());
    let organisations = Resource::new(|| (), |_| list_organisations());
    view! {
        <Title text="Users · Gigforge"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || users.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok(users) => view! {
                    <section class="panel">
                        <h1>"Create an account"</h1>
                        <p class="muted">"Giggers sign up themselves with their phone. Staff and customers get a temporary password here, which they must change at first sign-in."</p>
                        <FormAlert message=errors.general()/>
                        <ActionForm action=create attr:class="grid-form">
                            <div>
                                <label for="email">"Email"</label>
                                <input id="email" name="email" type="email" required aria-describedby="email-error"/>
                                <FieldError id="email-error" message=errors.field("email")/>
                            </div>
                            <div>
                                <label for="display_name">"Name"</label>
                                <input id="display_name" name="display_name" type="text" required aria-describedby="name-error"/>
                                <FieldError id="name-error" message=errors.field("display_name")/>
                            </div>
                            <div>
                                <label for="role">"Role"</label>
                                <select id="role" name="role" aria-describedby="role-error">
                                    {Role::PASSWORD_ROLES.into_iter().map(|role| view! {
                                        <option value=role.as_str()>{role.label()}</option>
                                    }).collect_view()}
                                </select>
                                <FieldError id="role-error" message=errors.field("role")/>
                            </div>
                            <div>
                                <label for="organisation_id">"Organisation (a customer's own; the customer a manager works for)"</label>
                                <select id="organisation_id" name="organisation_id" aria-describedby="org-error">
                                    <option value="">"—"</option>
                                    {move || organisations.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|org| view! {
                                        <option value=org.id.to_string()>{org.name}</option>
                                    }).collect_view()}
                                </select>
                                <FieldError id="org-error" message=errors.field("organisation_id")/>
                            </div>
                            <button type="submit" class="primary" disabled=move || create.pending().get()>"Create account"</button>
                        </ActionForm>
                        {move || create.value().get().and_then(Result::ok).map(|created| view! { <Created created/> })}
                    </section>
                    <section class="panel">
                        <h2>"Accounts"</h2>
                        <UserTable users/>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Created(created: CreatedUser) -> impl IntoView {
    view! {
        <div class="notice" role="status">
            <p>{format!("Created {} ({}). Give them this temporary password; it is shown only once:", created.email, created.role.label())}</p>
            <p><code class="secret" data-testid="temporary-password">{created.temporary_password}</code></p>
        </div>
    }
}

#[component]
fn UserTable(users: Vec<UserSummary>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table>
                <thead><tr><th>"Name"</th><th>"Sign-in"</th><th>"Role"</th><th>"Organisation"</th><th>"State"</th></tr></thead>
                <tbody>
                    {users.into_iter().map(|user| {
                        let state = if user.disabled { "Disabled" } else if user.must_change_password { "Temporary password" } else { "Active" };
                        view! {
                            <tr>
                                <td>{user.display_name}</td>
                                <td>{user.sign_in}</td>
                                <td>{user.role.label()}</td>
                                <td>{user.organisation.unwrap_or_default()}</td>
                                <td>{state}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
