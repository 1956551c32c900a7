//! The room's side: joining with the code (no account, no name), and each phone's page of the
//! step now shown, with its questions while answering is open. With JavaScript the page follows
//! the room live (live.rs); without, a link checks for the next question. Nothing refreshes on a
//! timer.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::data::*;
use super::room::{Results, StepText};
use crate::components::{
    ErrorSummary, FieldError, TextInput, field_error, textarea_content, when_loaded,
};

pub const JOIN_PATH: &str = "/join";

#[server]
pub async fn load_join(code: Option<String>) -> Result<JoinView, ServerFnError> {
    load::join(code.as_deref())
        .await
        .map_err(crate::error::AppError::into_server_fn_error)
}

#[server]
pub async fn load_phone(code: String, saved: bool) -> Result<PhoneView, ServerFnError> {
    load::phone(&code, saved)
        .await
        .map_err(crate::error::AppError::into_server_fn_error)
}

#[cfg(feature = "ssr")]
mod load {
    use leptos::prelude::use_context;

    use super::super::data::*;
    use super::super::room::{
        phone_token, plan_of, room_view, study_of, study_read_by, workshop_of,
    };
    use crate::context::{app_state, request_headers};
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use crate::state::AppState;
    use domain::private_link::withdrawal_code;
    use domain::secret_token::SecretToken;
    use domain::storage::WorkshopDevice;
    use domain::study::{Admission, QuestionKind, Study};

    pub async fn join(code: Option<&str>) -> Result<JoinView, AppError> {
        let state = app_state()?;
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let title = match code {
            Some(code) => Some(workshop_of(&state, code).await?.title),
            None => None,
        };
        Ok(JoinView {
            code: rejected
                .values
                .get("code")
                .cloned()
                .or(code.map(str::to_owned))
                .unwrap_or_default(),
            title,
            errors: rejected.summary(),
        })
    }

    pub async fn phone(code: &str, saved: bool) -> Result<PhoneView, AppError> {
        let state = app_state()?;
        let headers = request_headers();
        let record = workshop_of(&state, code).await?;
        let token = phone_token(&state, &headers, &record)?;
        let phone = token.storage_hash();
        let device = state
            .storage
            .workshops()
            .device(&record.id, &phone)
            .await?
            .ok_or(AppError::NotInWorkshop)?;
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let study = study_of(&state, &record)?;
        let plan = plan_of(&record, &study)?;
        let research = research_offer(&state, &study, &device, &token);
        let study = study_read_by(&study, &record, &device);
        let mut room = room_view(&state, &headers, &record, (&study, &plan), Some(&phone)).await?;
        for question in &mut room.questions {
            if let Some(typed) = rejected.values.get(&question.id) {
                question.answer = Some(typed.clone());
            }
        }
        // Words written for a step the room has left: shown back, so nothing typed is lost.
        let mut unsaved: Vec<(String, String)> = rejected
            .values
            .iter()
            .filter(|(id, text)| {
                !text.trim().is_empty() && room.questions.iter().all(|q| &q.id != *id)
            })
            .filter_map(|(id, text)| {
                let question = study.question(id)?;
                matches!(question.kind, QuestionKind::Text { .. })
                    .then(|| (question.label.clone(), text.clone()))
            })
            .collect();
        unsaved.sort();
        Ok(PhoneView {
            code: record.code.as_str().to_owned(),
            room,
            errors: rejected.summary(),
            saved,
            unsaved,
            research,
        })
    }

    /// Giving this phone's answers to the study's research: offered while the study takes
    /// participants; once given, the code that withdraws them (made from the phone's token, so
    /// it is never stored).
    fn research_offer(
        state: &AppState,
        study: &Study,
        device: &WorkshopDevice,
        token: &SecretToken,
    ) -> Option<ResearchOffer> {
        let given = device.donated_response.is_some();
        let open = matches!(
            study.schedule.admission(state.clock.today()),
            Admission::Open
        );
        (given || open).then(|| ResearchOffer {
            study_title: study.title.clone(),
            consent_statement: study.consent_statement.clone(),
            withdrawal_code: given.then(|| withdrawal_code(token).for_display()),
        })
    }
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(move || params.read().get("code"), load_join);
    when_loaded(data, |join| {
        let heading = match &join.title {
            Some(title) => format!("Join {title}"),
            None => "Join a workshop".to_owned(),
        };
        let has_errors = !join.errors.is_empty();
        view! {
            <Title text=if has_errors { format!("Error: {heading}") } else { heading.clone() }/>
            <ErrorSummary errors=join.errors.clone()/>
            <h1>{heading}</h1>
            <p>"You do not give your name. This phone keeps a random token so that your answers stay yours; "
               "the workshop's answers are deleted after the workshop, and nothing that identifies you is kept."</p>
            <form method="post" action=JOIN_PATH novalidate>
                <TextInput id="code" label="Code on the screen" kind="text" autocomplete="off"
                    hint="Six letters and numbers, for example ACD 479." value=join.code.clone()
                    error=field_error(&join.errors, "code")/>
                <button type="submit" class="button">"Join"</button>
            </form>
        }
        .into_any()
    })
}

#[component]
pub fn PhonePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new_blocking(
        move || {
            (
                params.read().get("code").unwrap_or_default(),
                query.read().get("saved").is_some(),
            )
        },
        |(code, saved)| load_phone(code, saved),
    );
    when_loaded(data, |phone| {
        let title = phone.room.title.clone();
        let has_errors = !phone.errors.is_empty();
        view! {
            <Title text=if has_errors { format!("Error: {title}") } else { title }/>
            <ErrorSummary errors=phone.errors.clone()/>
            <LivePhone phone/>
        }
        .into_any()
    })
}

/// A phone's page, kept up to date with the room while JavaScript runs. The answer form is only
/// drawn again when the step or its questions change, so a change elsewhere (results shown,
/// say) never wipes what is being typed.
#[island]
fn LivePhone(phone: PhoneView) -> impl IntoView {
    let here = format!("/w/{}", phone.code);
    let code = phone.code.clone();
    let code_for_research = phone.code.clone();
    let errors = phone.errors.clone();
    let phone_signal = RwSignal::new(phone);
    #[cfg(not(feature = "hydrate"))]
    let _ = code;
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            let code = code.clone();
            super::live::keep_fresh(
                &super::live::room_feed(&code),
                move || phone_signal.with_untracked(|p| p.room.revision),
                move || load_phone(code.clone(), false),
                move |fresh| phone_signal.set(fresh),
            );
        });
    }
    // Drawn again only when the offer changes, so a tick is not wiped by the room moving on.
    let research = Memo::new(move |_| phone_signal.with(|p| p.research.clone()));
    let form_shape = Memo::new(move |_| {
        phone_signal.with(|p| {
            let room = &p.room;
            let ids: Vec<String> = room.questions.iter().map(|q| q.id.clone()).collect();
            (room.step, room.round, room.answering_open, ids)
        })
    });
    view! {
        {move || phone_signal.with(|phone| {
            let room = phone.room.clone();
            view! {
                {phone.saved.then(|| view! { <div class="notification" role="status"><p>"Your answers are saved. You can change them while answering is open."</p></div> })}
                <h1>{room.title.clone()}</h1>
                {(!phone.unsaved.is_empty()).then(|| view! { <Unsaved written=phone.unsaved.clone()/> })}
                <div id="step"><StepText room/></div>
            }
        })}
        {move || {
            // Read, not only tracked: a memo never read has not subscribed to what it reads.
            form_shape.with(|_| ());
            let phone = phone_signal.get_untracked();
            let room = &phone.room;
            if room.answering_open && !room.questions.is_empty() {
                view! { <AnswerForm phone=phone.clone()/> }.into_any()
            } else if room.questions.is_empty() {
                view! { <p>"Read this together. The facilitator will move on when the room is ready."</p> }.into_any()
            } else {
                view! { <p>"Answering is not open yet, or has closed. The facilitator opens it when it is time."</p> }.into_any()
            }
        }}
        {move || phone_signal.with(|phone| phone.room.results.clone().map(|results| view! { <Results results/> }))}
        <p><a href=here class="button button--secondary">"Check for the next question"</a></p>
        {move || research.get().map(|offer| view! { <GiveToResearch code=code_for_research.clone() offer errors=errors.clone()/> })}
    }
    .into_any()
}

/// The opt-in to give this phone's workshop answers to the study's research, or, once given,
/// how to take them out again.
#[component]
fn GiveToResearch(code: String, offer: ResearchOffer, errors: Vec<FieldError>) -> impl IntoView {
    let heading = view! { <h2 id="research-heading">"Your answers and the research"</h2> };
    if let Some(withdrawal) = offer.withdrawal_code {
        return view! {
            <section class="research-offer" aria-labelledby="research-heading">
                {heading}
                <p>{format!(
                    "You gave your answers to the research of {}. Answers you give in this workshop from now on join them, marked as from a workshop.",
                    offer.study_title
                )}</p>
                <p>"To take them out of the research, keep this withdrawal code and enter it on the withdrawal page:"</p>
                <p class="withdrawal-code"><code>{withdrawal}</code></p>
                <p><a href="/withdraw">"Withdraw your answers"</a></p>
            </section>
        }
        .into_any();
    }
    let error = field_error(&errors, GIVE_FIELD);
    view! {
        <section class="research-offer" aria-labelledby="research-heading">
            {heading}
            <p>{format!(
                "If you choose, your answers in this workshop can join the research data of {} as well, marked as from a workshop. "
                , offer.study_title
            )}"They stay anonymous. If you do not, they are only used in this workshop and deleted after it."</p>
            <form method="post" action=format!("/w/{code}/research") novalidate>
                <div class="form-group" class:form-group--error=error.is_some()>
                    {error.clone().map(|message| view! { <p class="error-message" id="give-error"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                    <div class="checkboxes__item">
                        <input class="checkboxes__input" type="checkbox" id=GIVE_FIELD name=GIVE_FIELD value="yes"
                            aria-describedby=error.is_some().then_some("give-error")/>
                        <label class="checkboxes__label" for=GIVE_FIELD>{offer.consent_statement}</label>
                    </div>
                </div>
                <button type="submit" class="button button--secondary">"Give my answers to the research"</button>
            </form>
        </section>
    }
    .into_any()
}

/// The checkbox that gives a phone's answers to the research.
const GIVE_FIELD: &str = "give";

/// What this phone wrote for a step the room had left, to copy into the new one if it fits.
#[component]
fn Unsaved(written: Vec<(String, String)>) -> impl IntoView {
    view! {
        <section class="notification" aria-labelledby="unsaved-heading">
            <h2 id="unsaved-heading">"What you wrote (not saved)"</h2>
            {written.into_iter().map(|(label, text)| view! {
                <h3>{label}</h3>
                <p class="answers__text">{text}</p>
            }).collect_view()}
        </section>
    }
}

#[component]
fn AnswerForm(phone: PhoneView) -> impl IntoView {
    let action = format!("/w/{}/answers", phone.code);
    let errors = phone.errors.clone();
    view! {
        <form method="post" action=action novalidate>
            <input type="hidden" name="step" value=phone.room.step.to_string()/>
            <input type="hidden" name="round" value=phone.room.round.to_string()/>
            {phone.room.questions.into_iter().map(|question| {
                let error = field_error(&errors, &question.id);
                if question.options.is_empty() {
                    let value = question.answer.clone().unwrap_or_default();
                    view! {
                        <div class="form-group" class:form-group--error=error.is_some()>
                            <label class="label" for=question.id.clone()>{format!("{} (optional)", question.label)}</label>
                            {error.clone().map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                            <textarea class="textarea" id=question.id.clone() name=question.id.clone() rows="4"
                                maxlength=question.max_chars.to_string() inner_html=textarea_content(&value)></textarea>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <div class="form-group" class:form-group--error=error.is_some()>
                            <fieldset class="fieldset" id=question.id.clone()>
                                <legend class="fieldset__legend">{format!("{} (optional)", question.label)}</legend>
                                {error.clone().map(|message| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{message}</p> })}
                                {question.options.iter().map(|(value, label)| {
                                    let id = format!("{}-{value}", question.id);
                                    let checked = question.answer.as_deref() == Some(value.as_str());
                                    view! {
                                        <div class="radios__item">
                                            <input class="radios__input" type="radio" id=id.clone() name=question.id.clone() value=value.clone() checked=checked/>
                                            <label class="radios__label" for=id>{label.clone()}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                        </div>
                    }.into_any()
                }
            }).collect_view()}
            <button type="submit" class="button">"Send my answers"</button>
        </form>
    }
    .into_any()
}

#[cfg(feature = "ssr")]
pub(super) mod post {
    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    use axum::response::{IntoResponse, Redirect, Response};
    use axum::routing::post;
    use domain::answer::ValidAnswer;
    use domain::private_link::{WITHDRAWAL_PURPOSE, withdrawal_code};
    use domain::secret_token::SecretToken;
    use domain::storage::Donation;
    use domain::study::Admission;
    use domain::workshop::JoinCode;

    use super::super::live::announce_answers;
    use super::super::room::{
        current_step, device_cookie_name, phone_token, plan_of, study_of, unless_joined,
        workshop_of,
    };
    use super::{GIVE_FIELD, JOIN_PATH};
    use crate::cookies::{append_cookie, cookie_value};
    use crate::error::AppError;
    use crate::form_posts::{RejectedForm, form_value, parse_form, render_rejected};
    use crate::state::AppState;

    pub fn routes() -> Router<AppState> {
        Router::new()
            .route(JOIN_PATH, post(join))
            .route("/w/{code}/answers", post(answer))
            .route("/w/{code}/research", post(give_to_research))
    }

    async fn join(
        State(state): State<AppState>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = parse_form(&headers, &body)?;
        let typed = form_value(&fields, "code");
        let refuse = |message: String| {
            let form = RejectedForm::keeping("code", &message, fields.clone());
            render_rejected(&state, JOIN_PATH, &headers, form)
        };
        let Some(code) = JoinCode::parse(typed) else {
            return Ok(
                refuse("Enter the 6 letters and numbers of the code on the screen".into()).await,
            );
        };
        let Some(record) = state.storage.workshops().by_code(&code).await? else {
            return Ok(refuse(format!(
                "No workshop has the code {}: check it on the screen",
                code.spaced()
            ))
            .await);
        };
        let cookie_name = device_cookie_name(&state, &code);
        let held = cookie_value(&headers, &cookie_name).and_then(SecretToken::parse);
        let workshops = state.storage.workshops();
        if let Some(token) = &held
            && workshops
                .has_joined(&record.id, &token.storage_hash())
                .await?
        {
            return Ok(Redirect::to(&format!("/w/{}", code.as_str())).into_response());
        }
        if !record.state.joining_open {
            return Ok(refuse(
                "This workshop is not taking new people now. Ask the facilitator".into(),
            )
            .await);
        }
        let study = study_of(&state, &record)?;
        let versions: Vec<String> = study.variants.iter().map(|v| v.id.clone()).collect();
        let token = SecretToken::generate();
        workshops
            .join(
                &record.id,
                &token.storage_hash(),
                state.clock.now(),
                &versions,
            )
            .await?;
        announce_answers(&state, &record.id).await;
        let mut response = Redirect::to(&format!("/w/{}", code.as_str())).into_response();
        append_cookie(
            &state,
            &mut response,
            &format!("{cookie_name}={}", token.as_str()),
        );
        Ok(response)
    }

    /// Gives the phone's answers to the study's research, once its holder ticked the study's
    /// consent statement.
    async fn give_to_research(
        State(state): State<AppState>,
        Path(code): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = parse_form(&headers, &body)?;
        let record = workshop_of(&state, &code).await?;
        let here = format!("/w/{}", record.code.as_str());
        let token = phone_token(&state, &headers, &record)?;
        if form_value(&fields, GIVE_FIELD) != "yes" {
            let form = RejectedForm::with_error(
                GIVE_FIELD,
                "Tick the box to agree before giving your answers to the research",
            );
            return Ok(render_rejected(&state, &here, &headers, form).await);
        }
        let study = study_of(&state, &record)?;
        if !matches!(
            study.schedule.admission(state.clock.today()),
            Admission::Open
        ) {
            let form = RejectedForm::with_error(
                GIVE_FIELD,
                "The study is not taking answers now, so nothing was given to the research",
            );
            return Ok(render_rejected(&state, &here, &headers, form).await);
        }
        state
            .storage
            .workshops()
            .donate(
                &record.id,
                &token.storage_hash(),
                Donation {
                    study_slug: &study.slug,
                    study_version: &study.version,
                    study_version_number: study.version_number,
                    consent_version: &study.consent_version,
                    withdrawal_hash: &withdrawal_code(&token).storage_hash(WITHDRAWAL_PURPOSE),
                    today: state.clock.today(),
                },
            )
            .await
            .map_err(unless_joined)?;
        Ok(Redirect::to(&format!("{here}#research-heading")).into_response())
    }

    async fn answer(
        State(state): State<AppState>,
        Path(code): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Response, AppError> {
        let fields = parse_form(&headers, &body)?;
        let record = workshop_of(&state, &code).await?;
        let here = format!("/w/{}", record.code.as_str());
        let phone = phone_token(&state, &headers, &record)?.storage_hash();
        let study = study_of(&state, &record)?;
        let plan = plan_of(&record, &study)?;
        let step = current_step(&plan, &record.state);
        let not_saved = if !record.state.answering_open {
            Some("Answering has closed for this step, so these answers were not saved")
        } else if form_value(&fields, "step") != record.state.step.to_string() {
            Some("The facilitator has moved to another step, so these answers were not saved")
        } else if form_value(&fields, "round") != record.state.round.to_string() {
            Some(
                "The facilitator has asked this again: answer afresh. These answers were not saved",
            )
        } else {
            None
        };
        if let Some(message) = not_saved {
            // What was typed comes back on the page, to copy if it is still wanted.
            let form = RejectedForm {
                values: fields.iter().cloned().collect(),
                errors: vec![("step".into(), message.into())],
            };
            return Ok(render_rejected(&state, &here, &headers, form).await);
        }
        let mut answers = Vec::new();
        let mut errors = Vec::new();
        for id in &step.questions {
            let Some(question) = study.question(id) else {
                continue;
            };
            let raw = form_value(&fields, id).trim();
            if raw.is_empty() {
                continue;
            }
            match ValidAnswer::parse(question, raw) {
                Ok(valid) => answers.extend(valid.into_stored().map(|stored| (id.clone(), stored))),
                Err(problem) => errors.push((id.clone(), format!("{}: {problem}", question.label))),
            }
        }
        if !errors.is_empty() {
            let form = RejectedForm {
                values: fields.iter().cloned().collect(),
                errors,
            };
            return Ok(render_rejected(&state, &here, &headers, form).await);
        }
        let workshops = state.storage.workshops();
        for (id, stored) in answers {
            workshops
                .answer(
                    &record.id,
                    &phone,
                    &id,
                    record.state.round,
                    &stored,
                    state.clock.now(),
                )
                .await
                .map_err(unless_joined)?;
        }
        announce_answers(&state, &record.id).await;
        Ok(Redirect::to(&format!("{here}?saved")).into_response())
    }
}
