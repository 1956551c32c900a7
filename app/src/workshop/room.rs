//! What the room sees of a workshop now, built on the server from its state: the step's page and
//! questions, how many have answered, and the results only once the facilitator shows them.

use leptos::prelude::*;

use super::data::{QuestionResult, RoomView, Shift, VersionResult};
use crate::components::{Distribution, DivergingBar, Legend, Prose};

#[cfg(feature = "ssr")]
pub use build::{
    current_step, device_cookie_name, phone_token, plan_of, room_view, step_results, study_of,
    study_read_by, unless_joined, workshop_of,
};

#[cfg(feature = "ssr")]
mod build {
    use axum::http::HeaderMap;
    use std::borrow::Cow;

    use domain::secret_token::SecretToken;
    use domain::storage::{StorageError, WorkshopDevice, WorkshopRecord};
    use domain::study::{Dealt, Question, QuestionKind, Study};
    use domain::workshop::{JoinCode, LiveState, Plan, PlanStep};

    use super::super::data::{QuestionResult, RoomQuestion, RoomView, Shift, VersionResult};
    use super::super::review::wall_view;
    use crate::context::site_url;
    use crate::error::AppError;
    use crate::state::AppState;

    /// (value, label) of each option of a question.
    type Options = [(String, String)];
    /// (value, how many phones gave it).
    type Tally = [(String, i64)];

    /// The cookie that holds this phone's token for one workshop.
    pub fn device_cookie_name(state: &AppState, code: &JoinCode) -> String {
        crate::cookies::host_only_name(state, &format!("workshop-{}", code.as_str()))
    }

    /// The token this phone holds for the workshop; refused when it holds none.
    pub fn phone_token(
        state: &AppState,
        headers: &HeaderMap,
        record: &WorkshopRecord,
    ) -> Result<SecretToken, AppError> {
        crate::cookies::cookie_value(headers, &device_cookie_name(state, &record.code))
            .and_then(SecretToken::parse)
            .ok_or(AppError::NotInWorkshop)
    }

    /// A phone the workshop does not know is not in it; anything else is ours.
    pub fn unless_joined(error: StorageError) -> AppError {
        match error {
            StorageError::NotFound => AppError::NotInWorkshop,
            other => other.into(),
        }
    }

    /// The workshop with this code, or 404.
    pub async fn workshop_of(state: &AppState, code: &str) -> Result<WorkshopRecord, AppError> {
        let code = JoinCode::parse(code).ok_or(AppError::UnknownWorkshop)?;
        state
            .storage
            .workshops()
            .by_code(&code)
            .await?
            .ok_or(AppError::UnknownWorkshop)
    }

    /// The room's view; with `phone` (its token's hash), that phone's own answers too.
    pub async fn room_view(
        state: &AppState,
        headers: &HeaderMap,
        record: &WorkshopRecord,
        (study, plan): (&Study, &Plan),
        phone: Option<&str>,
    ) -> Result<RoomView, AppError> {
        let live = record.state;
        let step = current_step(plan, &live);
        let (_, page) = study.page(&step.page).ok_or(AppError::UnknownStep)?;
        let workshops = state.storage.workshops();
        let mine = match phone {
            Some(hash) => workshops.answers_of(&record.id, hash, live.round).await?,
            None => Vec::new(),
        };
        let mut questions = Vec::new();
        let mut results = Vec::new();
        for (question, tally) in tallies(state, &record.id, study, (step, live.round)).await? {
            let answered = tally.iter().map(|(_, count)| count).sum();
            let options = options_of(question);
            if live.results_shown {
                let mut result = result_of(state, question, (&options, &tally), answered);
                if live.round > 1 {
                    result.shift =
                        shift_of(state, &record.id, question, &options, live.round).await?;
                }
                if record.split_variants {
                    result.by_version =
                        by_version(state, &record.id, study, (question, &options), live.round)
                            .await?;
                }
                results.push(result);
            }
            questions.push(RoomQuestion {
                id: question.id.to_string(),
                label: question.label.clone(),
                max_chars: match question.kind {
                    QuestionKind::Text { max_chars } => max_chars,
                    _ => 0,
                },
                options,
                answer: mine
                    .iter()
                    .find(|(id, _)| id == question.id.as_str())
                    .map(|(_, value)| value.clone()),
                answered,
            });
        }
        let wall = match live.results_shown {
            true => Some(wall_view(state, &record.id, (study, plan), (step, live.round)).await?),
            false => None,
        };
        Ok(RoomView {
            wall,
            title: record.title.clone(),
            code: record.code.spaced(),
            join_url: format!("{}/join/{}", site_url(state, headers), record.code.as_str()),
            join_qr_svg: None,
            joining_open: live.joining_open,
            joined: workshops.joined(&record.id).await?,
            step: live.step,
            steps: plan.steps().len(),
            step_title: page.title.clone(),
            body_html: page.body_html.clone(),
            answering_open: live.answering_open,
            questions,
            results: live.results_shown.then_some(results),
            round: live.round,
            revision: live.revision,
        })
    }

    /// The study the workshop is made from, at the version it was made from.
    pub fn study_of(
        state: &AppState,
        record: &WorkshopRecord,
    ) -> Result<std::sync::Arc<Study>, AppError> {
        state
            .studies
            .version(&record.study, record.study_version)
            .ok_or(AppError::UnknownStudy)
    }

    /// What the workshop asks. It was checked against `study` when saved, so a failure here is
    /// ours, not the facilitator's.
    pub fn plan_of(record: &WorkshopRecord, study: &Study) -> Result<Plan, AppError> {
        Plan::from_json(&record.plan, study).map_err(|error| AppError::Internal(error.to_string()))
    }

    /// The step the room is on (the last, should the plan have shrunk under it).
    pub fn current_step<'a>(plan: &'a Plan, live: &LiveState) -> &'a PlanStep {
        &plan.steps()[live.step.min(plan.steps().len() - 1)]
    }

    /// Each of the step's questions with its tally in the round: each value given, and by how
    /// many phones.
    async fn tallies<'a>(
        state: &AppState,
        workshop: &str,
        study: &'a Study,
        (step, round): (&PlanStep, i64),
    ) -> Result<Vec<(&'a Question, Vec<(String, i64)>)>, AppError> {
        let mut tallies = Vec::new();
        for question in step.questions.iter().filter_map(|id| study.question(id)) {
            let tally = state
                .storage
                .workshops()
                .tally(workshop, question.id.as_str(), round)
                .await?;
            tallies.push((question, tally));
        }
        Ok(tallies)
    }

    /// The results of a step's questions in a round, shown or not: for the facilitator's summary.
    pub async fn step_results(
        state: &AppState,
        workshop: &str,
        study: &Study,
        asked: (&PlanStep, i64),
    ) -> Result<Vec<QuestionResult>, AppError> {
        Ok(tallies(state, workshop, study, asked)
            .await?
            .into_iter()
            .map(|(question, tally)| {
                let answered = tally.iter().map(|(_, count)| count).sum();
                result_of(state, question, (&options_of(question), &tally), answered)
            })
            .collect())
    }

    /// How the phones that answered a rating both in the round before and in this one moved;
    /// None for any other kind of question. Too few pairs show no breakdown.
    async fn shift_of(
        state: &AppState,
        workshop: &str,
        question: &Question,
        options: &[(String, String)],
        round: i64,
    ) -> Result<Option<Shift>, AppError> {
        if !matches!(question.kind, QuestionKind::Likert { .. }) {
            return Ok(None);
        }
        let pairs = state
            .storage
            .workshops()
            .paired_answers(workshop, question.id.as_str(), round - 1, round)
            .await?;
        let phones = i64::try_from(pairs.len()).unwrap_or(i64::MAX);
        if phones < state.workshop_min_group {
            return Ok(Some(Shift {
                phones,
                shown: false,
                up: 0,
                same: 0,
                down: 0,
                before: Vec::new(),
            }));
        }
        let point = |value: &str| value.parse::<i64>().unwrap_or_default();
        let count = |keep: fn(i64, i64) -> bool| {
            let moved = pairs
                .iter()
                .filter(|(before, now)| keep(point(before), point(now)))
                .count();
            i64::try_from(moved).unwrap_or(i64::MAX)
        };
        Ok(Some(Shift {
            phones,
            shown: true,
            up: count(|before, now| now > before),
            same: count(|before, now| now == before),
            down: count(|before, now| now < before),
            before: options
                .iter()
                .map(|(value, label)| {
                    let given = pairs.iter().filter(|(before, _)| before == value).count();
                    (label.clone(), i64::try_from(given).unwrap_or(i64::MAX))
                })
                .collect(),
        }))
    }

    /// A rating's answers in the round by the version of the vignette each phone read, with
    /// how many answered in each; a version with too few shows no breakdown. Never a p-value: a
    /// room is not a sample.
    async fn by_version(
        state: &AppState,
        workshop: &str,
        study: &Study,
        (question, options): (&Question, &[(String, String)]),
        round: i64,
    ) -> Result<Vec<VersionResult>, AppError> {
        if !matches!(question.kind, QuestionKind::Likert { .. }) {
            return Ok(Vec::new());
        }
        let tally = state
            .storage
            .workshops()
            .tally_by_variant(workshop, question.id.as_str(), round)
            .await?;
        Ok(study
            .variants
            .iter()
            .map(|variant| {
                let of_version: Vec<(String, i64)> = tally
                    .iter()
                    .filter(|(dealt, _, _)| *dealt == variant.id)
                    .map(|(_, value, phones)| (value.clone(), *phones))
                    .collect();
                let phones = of_version.iter().map(|(_, count)| count).sum();
                let shown = phones >= state.workshop_min_group;
                VersionResult {
                    label: variant.label.clone(),
                    phones,
                    shown,
                    counts: match shown {
                        true => counts_of(options, &of_version),
                        false => Vec::new(),
                    },
                }
            })
            .collect())
    }

    /// The study as a phone reads it: in the version of the vignette it was dealt, when the
    /// room is split between versions.
    pub fn study_read_by<'a>(
        study: &'a Study,
        record: &WorkshopRecord,
        device: &WorkshopDevice,
    ) -> Cow<'a, Study> {
        let dealt = Dealt {
            scenario_order: None,
            variant: device.variant.clone(),
        };
        match record.split_variants {
            true => study
                .as_dealt(&dealt)
                .map_or(Cow::Borrowed(study), Cow::Owned),
            false => Cow::Borrowed(study),
        }
    }

    fn options_of(question: &Question) -> Vec<(String, String)> {
        match &question.kind {
            QuestionKind::Likert { labels } => labels
                .iter()
                .enumerate()
                .map(|(index, label)| ((index + 1).to_string(), label.clone()))
                .collect(),
            QuestionKind::Choice { options } => options
                .iter()
                .map(|option| (option.value.clone(), option.label.clone()))
                .collect(),
            QuestionKind::Text { .. } | QuestionKind::Duration => Vec::new(),
        }
    }

    /// (option label, how many gave it) of each option, from a tally of (value, how many).
    fn counts_of(options: &[(String, String)], tally: &[(String, i64)]) -> Vec<(String, i64)> {
        options
            .iter()
            .map(|(value, label)| {
                let count = tally
                    .iter()
                    .find(|(given, _)| given == value)
                    .map_or(0, |(_, count)| *count);
                (label.clone(), count)
            })
            .collect()
    }

    fn result_of(
        state: &AppState,
        question: &Question,
        (options, tally): (&Options, &Tally),
        answered: i64,
    ) -> QuestionResult {
        QuestionResult {
            label: question.label.clone(),
            rating: matches!(question.kind, QuestionKind::Likert { .. }),
            counts: counts_of(options, tally),
            answered,
            shift: None,
            by_version: Vec::new(),
            min_group: state.workshop_min_group,
        }
    }
}

/// The step's page as the room reads it.
#[component]
pub fn StepText(room: RoomView) -> impl IntoView {
    view! {
        <p class="caption">{format!("Step {} of {}", room.step + 1, room.steps)}</p>
        <h2>{room.step_title}</h2>
        <Prose html=room.body_html/>
    }
}

/// The shown results: each rating as a diverging bar with its counts, each choice as counts,
/// each written question as how many wrote.
#[component]
pub fn Results(results: Vec<QuestionResult>) -> impl IntoView {
    view! {
        <section aria-labelledby="results-heading" class="workshop-results">
            <h2 id="results-heading">"Results"</h2>
            {results.into_iter().map(|result| view! {
                <h3>{result.label.clone()}</h3>
                {result.shift.clone().map(|shift| view! { <ShiftOf shift min_group=result.min_group/> })}
                <Counts result/>
            }).collect_view()}
        </section>
    }
    .into_any()
}

#[component]
fn Counts(result: QuestionResult) -> impl IntoView {
    if result.rating {
        let scale: Vec<String> = result
            .counts
            .iter()
            .map(|(label, _)| label.clone())
            .collect();
        let counts = result.counts.iter().map(|(_, count)| *count).collect();
        return view! {
            <Legend scale=scale.clone()/>
            <DivergingBar name="This room".to_owned() distribution=Distribution::of_counts(counts) scale=scale.clone()/>
            {(!result.by_version.is_empty()).then(|| view! { <ByVersion versions=result.by_version scale min_group=result.min_group/> })}
        }
        .into_any();
    }
    if result.counts.is_empty() {
        return view! { <p>{format!("{} written answers", result.answered)}</p> }.into_any();
    }
    view! {
        <table class="table table--compact">
            <caption class="visually-hidden">{format!("Answers: {} in all", result.answered)}</caption>
            <thead><tr><th scope="col">"Answer"</th><th scope="col">"How many"</th></tr></thead>
            <tbody>
                {result.counts.into_iter().map(|(label, count)| view! {
                    <tr><td>{label}</td><td>{count}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// How the same phones moved when a rating was asked again, or why that is not shown.
#[component]
fn ShiftOf(shift: Shift, min_group: i64) -> impl IntoView {
    if !shift.shown {
        return view! {
            <p>{format!(
                "Asked again: {} phones answered both times. With fewer than {min_group} no shift is shown, so no one's answer can be picked out.",
                shift.phones
            )}</p>
        }
        .into_any();
    }
    view! {
        <p class="shift">{format!(
            "Asked again: of the {} phones that answered both times, {} moved towards the top of the scale, {} stayed and {} moved towards the bottom.",
            shift.phones, shift.up, shift.same, shift.down
        )}</p>
        <table class="table table--compact">
            <caption class="visually-hidden">"The first time, for the same phones"</caption>
            <thead><tr><th scope="col">"Answer"</th><th scope="col">"The first time"</th></tr></thead>
            <tbody>
                {shift.before.into_iter().map(|(label, count)| view! { <tr><td>{label}</td><td>{count}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A rating's answers by the version of the vignette each phone read: n per version, and no
/// breakdown for a version too few answered. No p-values: a room is not a sample.
#[component]
fn ByVersion(versions: Vec<VersionResult>, scale: Vec<String>, min_group: i64) -> impl IntoView {
    view! {
        <div class="by-version">
            <p>"By the version of Sam each phone read:"</p>
            {versions.into_iter().map(|version| {
                if version.shown {
                    let counts = version.counts.iter().map(|(_, count)| *count).collect();
                    view! {
                        <DivergingBar name=version.label distribution=Distribution::of_counts(counts) scale=scale.clone()/>
                    }.into_any()
                } else {
                    view! {
                        <p>{format!(
                            "{} (n = {}): fewer than {min_group} answered, so no breakdown is shown.",
                            version.label, version.phones
                        )}</p>
                    }.into_any()
                }
            }).collect_view()}
        </div>
    }
}
