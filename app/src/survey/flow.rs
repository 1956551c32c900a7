//! The survey's steps on the server: where a participant is, what each page shows, and how a
//! submitted form becomes saved answers. Shared by the form handlers and the server functions.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::HeaderMap;
use axum::response::Response;

use super::data::*;
use crate::cookies::{append_cookie, cookie_value, host_only_name};
use crate::error::AppError;
use crate::form_posts::RejectedForm;
use crate::state::AppState;
use domain::answer::{AnswerError, ValidAnswer, describe_answer};
use domain::ids::StudySlug;
use domain::journey::{CHECK_STEP_SLUG, CONSENT_STEP, page_step, slug_for_step, total_steps};
use domain::secret_token::SecretToken;
use domain::storage::Answers;
use domain::storage::{AnswerChange, ResponseRecord};
use domain::study::{Admission, Page, Question, QuestionKind, Study};
use domain::text::long_day;

/// The form field that asks Continue to return to the check page.
pub const RETURN_FIELD: &str = "return";
/// The query that tells a step page its private link has just been replaced.
pub const RENEWED_LINK_QUERY: &str = "link";

/// A step's address: it names the study, never the participant, whom the browser's cookie names.
pub fn step_href(study: &StudySlug, slug: &str) -> String {
    format!("/s/{study}/answers/{slug}")
}

/// A participant found by their private link, or by the cookie that holds it on this device.
pub struct Participant {
    pub token: SecretToken,
    pub record: ResponseRecord,
    pub study: Arc<Study>,
}

impl Participant {
    /// The response a private link opens, submitted or not.
    pub async fn by_link(state: &AppState, token: &str) -> Result<Self, AppError> {
        let token = SecretToken::parse(token).ok_or(AppError::UnknownLink)?;
        let record = state
            .storage
            .responses()
            .find_by_token_hash(&token.storage_hash())
            .await?
            .ok_or(AppError::UnknownLink)?;
        Self::of(state, token, record)
    }

    /// The answers in progress this browser holds for `study`.
    pub async fn on_device(
        state: &AppState,
        headers: &HeaderMap,
        study: &str,
    ) -> Result<Self, AppError> {
        Self::held_on_device(state, headers, study)
            .await?
            .in_progress()
    }

    /// The answers this browser holds for `study`, even if just submitted (a resent submit).
    pub async fn held_on_device(
        state: &AppState,
        headers: &HeaderMap,
        study: &str,
    ) -> Result<Self, AppError> {
        let token = held_token(state, headers, study)?;
        let participant = Self::by_link(state, token.as_str())
            .await
            .map_err(|_| AppError::NoAnswersOnDevice)?;
        participant.in_study(study)
    }

    /// As [`Self::on_device`], with the answers so far, read together: what every page shows.
    pub async fn on_device_with_answers(
        state: &AppState,
        headers: &HeaderMap,
        study: &str,
    ) -> Result<(Self, Answers), AppError> {
        let token = held_token(state, headers, study)?;
        let (record, answers) = state
            .storage
            .responses()
            .with_answers_by_token_hash(&token.storage_hash())
            .await?
            .ok_or(AppError::NoAnswersOnDevice)?;
        let participant = Self::of(state, token, record)?
            .in_study(study)?
            .in_progress()?;
        Ok((participant, answers))
    }

    fn in_study(self, study: &str) -> Result<Self, AppError> {
        if self.study.slug.as_str() != study {
            return Err(AppError::NoAnswersOnDevice);
        }
        Ok(self)
    }

    fn in_progress(self) -> Result<Self, AppError> {
        if self.record.submitted_on.is_some() {
            return Err(AppError::AlreadySubmitted);
        }
        Ok(self)
    }

    fn of(state: &AppState, token: SecretToken, record: ResponseRecord) -> Result<Self, AppError> {
        let study = state.study_seen_by(&record)?;
        Ok(Self {
            token,
            record,
            study,
        })
    }

    /// The private link's path: an entry page, never a page of answers.
    pub fn private_link_path(&self) -> String {
        format!("/r/{}", self.token.as_str())
    }

    pub fn step_href(&self, slug: &str) -> String {
        step_href(&self.study.slug, slug)
    }

    /// Refuses to save or send once the study, as now published, has stopped taking answers.
    pub fn check_still_answering(&self, state: &AppState) -> Result<(), AppError> {
        let newest = state.studies.get(&self.study.slug);
        let schedule = newest
            .as_ref()
            .map_or(&self.study.schedule, |s| &s.schedule);
        match schedule.last_day_for_answers() {
            Some(last) if state.clock.today() > last => {
                Err(AppError::AnswersClosed(long_day(last)))
            }
            _ => Ok(()),
        }
    }

    /// The step the participant reached.
    pub fn continue_href(&self) -> String {
        let step = usize::try_from(self.record.step_reached).unwrap_or(CONSENT_STEP);
        self.step_href(slug_for_step(&self.study, step))
    }
}

/// Refuses new participants on a day the study is not open.
pub fn check_admission(state: &AppState, study: &Study) -> Result<(), AppError> {
    match study.schedule.admission(state.clock.today()) {
        Admission::Open => Ok(()),
        Admission::NotYetOpen { first_day } => Err(AppError::StudyNotYetOpen(long_day(first_day))),
        Admission::Closed { last_day } => Err(AppError::StudyClosed(long_day(last_day))),
    }
}

/// The token this browser's cookie holds for `study`.
pub fn held_token(
    state: &AppState,
    headers: &HeaderMap,
    study: &str,
) -> Result<SecretToken, AppError> {
    cookie_value(headers, &resume_cookie_name(state, study))
        .and_then(SecretToken::parse)
        .ok_or(AppError::NoAnswersOnDevice)
}

/// The form field names of a question: one, or a years and a months box.
pub fn duration_fields(question_id: &str) -> (String, String) {
    (
        format!("{question_id}-years"),
        format!("{question_id}-months"),
    )
}

/// The answers a page's form carries, checked against the study.
pub struct PageForm {
    pub changes: Vec<AnswerChange>,
    pub typing_errors: Vec<(String, String)>,
    pub return_to_check: bool,
}

/// Checks every field of a form sent from `page`. Fields the page could not have sent are refused
/// outright; mistakes a person can type are collected to show next to the fields.
pub fn read_page_form(page: &Page, fields: &[(String, String)]) -> Result<PageForm, AppError> {
    let mut values: HashMap<&str, &str> = HashMap::new();
    let mut return_to_check = false;
    for (name, value) in fields {
        if name == RETURN_FIELD {
            return_to_check = value == CHECK_STEP_SLUG;
            continue;
        }
        if !page.questions.iter().any(|q| owns_field(q, name)) {
            return Err(AppError::UnknownField(name.clone()));
        }
        if values.insert(name, value).is_some() {
            return Err(AppError::BadForm(format!(
                "The field \"{name}\" was sent more than once."
            )));
        }
    }
    let mut changes = Vec::new();
    let mut typing_errors = Vec::new();
    for question in &page.questions {
        let parsed = match &question.kind {
            QuestionKind::Duration => {
                let (years, months) = duration_fields(question.id.as_str());
                match (values.get(years.as_str()), values.get(months.as_str())) {
                    (None, None) => continue,
                    (y, m) => ValidAnswer::parse_years_months(y.unwrap_or(&""), m.unwrap_or(&"")),
                }
            }
            _ => match values.get(question.id.as_str()) {
                None => continue,
                Some(raw) => ValidAnswer::parse(question, raw),
            },
        };
        match parsed {
            Ok(answer) => changes.push((question.id.clone(), answer.into_stored())),
            Err(problem) if problem.is_typing_mistake() => {
                typing_errors.push((question.id.to_string(), problem.to_string()))
            }
            Err(problem) => return Err(bad_answer(question, problem)),
        }
    }
    Ok(PageForm {
        changes,
        typing_errors,
        return_to_check,
    })
}

fn owns_field(question: &Question, name: &str) -> bool {
    match question.kind {
        QuestionKind::Duration => {
            let (years, months) = duration_fields(question.id.as_str());
            name == years || name == months
        }
        _ => question.id == name,
    }
}

fn bad_answer(question: &Question, problem: AnswerError) -> AppError {
    AppError::BadAnswer {
        question: question.label.clone(),
        problem,
    }
}

/// The private link as a step page shows it.
pub struct ShownLink {
    pub url: String,
    /// The link was replaced just now: the page says the old one no longer works.
    pub renewed: bool,
}

pub struct FrameInput<'a> {
    pub study: &'a Study,
    pub step: usize,
    pub back_href: Option<String>,
    pub resume_url: Option<String>,
    pub link_renewed: bool,
}

pub fn frame(input: FrameInput<'_>) -> StepFrame {
    StepFrame {
        study_title: input.study.title.clone(),
        step: input.step,
        total_steps: total_steps(input.study),
        back_href: input.back_href,
        resume_url: input.resume_url,
        link_renewed: input.link_renewed,
    }
}

/// The page of questions at `page_index`, filled with saved answers or with a rejected form.
pub fn questions_view(
    participant: &Participant,
    page_index: usize,
    answers: &Answers,
    rejected: Option<&RejectedForm>,
    return_to_check: bool,
    link: ShownLink,
) -> QuestionsView {
    let study = &participant.study;
    let back_href = if return_to_check {
        participant.step_href(CHECK_STEP_SLUG)
    } else if page_index == 0 {
        format!("/s/{}/consent", study.slug)
    } else {
        participant.step_href(&study.pages[page_index - 1].slug)
    };
    let frame = frame(FrameInput {
        study,
        step: page_step(page_index),
        back_href: Some(back_href),
        resume_url: Some(link.url),
        link_renewed: link.renewed,
    });
    QuestionsView {
        return_to_check,
        ..page_view(study, page_index, answers, rejected, frame)
    }
}

/// A page of a study not yet published, as a participant would see it, with nothing saved:
/// its form leads to the preview of the next page.
pub fn preview_view(study: &Study, page_index: usize) -> QuestionsView {
    let preview_of = |index: usize| format!("/preview/{}/{}", study.slug, study.pages[index].slug);
    let frame = frame(FrameInput {
        study,
        step: page_step(page_index),
        back_href: page_index.checked_sub(1).map(preview_of),
        resume_url: None,
        link_renewed: false,
    });
    let next = if page_index + 1 < study.pages.len() {
        preview_of(page_index + 1)
    } else {
        format!("/admin/studies/{}/draft", study.slug)
    };
    QuestionsView {
        preview_next: Some(next),
        ..page_view(study, page_index, &Answers::default(), None, frame)
    }
}

fn page_view(
    study: &Study,
    page_index: usize,
    answers: &Answers,
    rejected: Option<&RejectedForm>,
    frame: StepFrame,
) -> QuestionsView {
    let page = &study.pages[page_index];
    let errors_for = |id: &str| {
        rejected.and_then(|r| {
            r.errors
                .iter()
                .find(|(field, _)| field == id)
                .map(|(_, m)| m.clone())
        })
    };
    let questions = page
        .questions
        .iter()
        .map(|question| QuestionView {
            id: question.id.to_string(),
            label: question.label.clone(),
            hint: question.hint.clone(),
            required: question.required,
            input: input_view(question, answers, rejected),
            error: errors_for(question.id.as_str()),
        })
        .collect();
    QuestionsView {
        frame,
        study_slug: study.slug.to_string(),
        slug: page.slug.clone(),
        title: page.title.clone(),
        body_html: page.body_html.clone(),
        questions,
        errors: rejected.map(RejectedForm::summary).unwrap_or_default(),
        citation: page
            .questions
            .iter()
            .any(|q| q.from_instrument)
            .then(|| study.citation.clone()),
        wording_adapted: page.questions.iter().any(|q| q.adapted),
        return_to_check: false,
        preview_next: None,
    }
}

fn input_view(
    question: &Question,
    answers: &Answers,
    rejected: Option<&RejectedForm>,
) -> InputView {
    let typed = |name: &str| rejected.and_then(|r| r.values.get(name).cloned());
    let saved = answers.get(&question.id).cloned();
    match &question.kind {
        QuestionKind::Text { max_chars } => InputView::Text {
            max_chars: *max_chars,
            value: typed(question.id.as_str()).or(saved).unwrap_or_default(),
        },
        QuestionKind::Likert { labels } => InputView::Radios {
            options: labels
                .iter()
                .enumerate()
                .map(|(i, label)| RadioOption {
                    value: (i + 1).to_string(),
                    label: label.clone(),
                })
                .collect(),
            selected: typed(question.id.as_str()).or(saved),
        },
        QuestionKind::Choice { options } => InputView::Radios {
            options: options
                .iter()
                .map(|o| RadioOption {
                    value: o.value.clone(),
                    label: o.label.clone(),
                })
                .collect(),
            selected: typed(question.id.as_str()).or(saved),
        },
        QuestionKind::Duration => {
            let (years_field, months_field) = duration_fields(question.id.as_str());
            let total: Option<u32> = saved.and_then(|v| v.parse().ok());
            InputView::Duration {
                years: typed(&years_field)
                    .or_else(|| total.map(|t| (t / 12).to_string()))
                    .unwrap_or_default(),
                months: typed(&months_field)
                    .or_else(|| total.map(|t| (t % 12).to_string()))
                    .unwrap_or_default(),
            }
        }
    }
}

pub fn check_view(
    participant: &Participant,
    answers: &Answers,
    show_missing: bool,
    link: ShownLink,
) -> CheckView {
    let study = &participant.study;
    let change_href = |page: &Page, question: &Question| {
        format!(
            "{}?{RETURN_FIELD}={CHECK_STEP_SLUG}#{}",
            participant.step_href(&page.slug),
            question.id
        )
    };
    let sections = study
        .pages
        .iter()
        .filter(|page| !page.questions.is_empty())
        .map(|page| CheckSection {
            title: page.title.clone(),
            rows: page
                .questions
                .iter()
                .map(|q| CheckRow {
                    label: q.label.clone(),
                    answer: answers.get(&q.id).map(|stored| describe_answer(q, stored)),
                    change_href: change_href(page, q),
                })
                .collect(),
        })
        .collect();
    let errors = if show_missing {
        missing_answers(study, answers, &change_href)
    } else {
        Vec::new()
    };
    let last_page = study
        .pages
        .last()
        .map_or(CHECK_STEP_SLUG, |p| p.slug.as_str());
    CheckView {
        frame: frame(FrameInput {
            study,
            step: total_steps(study),
            back_href: Some(participant.step_href(last_page)),
            resume_url: Some(link.url),
            link_renewed: link.renewed,
        }),
        study_slug: study.slug.to_string(),
        sections,
        errors,
    }
}

pub fn missing_answers(
    study: &Study,
    answers: &Answers,
    change_href: &dyn Fn(&Page, &Question) -> String,
) -> Vec<FieldError> {
    study
        .questions()
        .filter(|(_, q)| q.required && !answers.contains_key(&q.id))
        .map(|(page, q)| FieldError {
            href: change_href(page, q),
            message: format!("{}: answer “{}”", page.title, q.label),
        })
        .collect()
}

/// The thanks page, which shows the withdrawal code only when a submit renders it.
pub fn thanks_path(study: &StudySlug) -> String {
    format!("/s/{study}/thanks")
}

/// What the thanks page shows once, straight after submitting.
pub fn submitted_view(study: &Study, token: &SecretToken) -> SubmittedView {
    SubmittedView {
        withdrawal_code: domain::private_link::withdrawal_code(token).for_display(),
        study_title: study.title.clone(),
        title: study.thanks_title.clone(),
        body_html: study.thanks_html.clone(),
    }
}

/// The cookie that holds a study's private link in this browser: `__Host-` over HTTPS, so that no
/// other site or path can set or read it.
pub fn resume_cookie_name(state: &AppState, study: &str) -> String {
    host_only_name(state, &format!("resume-{study}"))
}

/// How long a browser keeps the link when the participant asks it to remember them.
pub const REMEMBER_DAYS: u32 = 7;
/// The consent and private-link forms' checkbox for [`REMEMBER_DAYS`].
pub const REMEMBER_FIELD: &str = "remember";

/// How long this browser holds a participant's link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceMemory {
    /// Until the browser is closed: the default, for shared devices.
    ThisVisit,
    /// [`REMEMBER_DAYS`], when the participant chose it.
    Remembered,
}

impl DeviceMemory {
    /// The choice a form carries: remembered only when its checkbox was ticked.
    pub fn chosen(value: Option<&String>) -> Self {
        if value.is_some_and(|v| v == "yes") {
            Self::Remembered
        } else {
            Self::ThisVisit
        }
    }
}

pub fn set_resume_cookie(
    state: &AppState,
    response: &mut Response,
    study: &StudySlug,
    token: &SecretToken,
    memory: DeviceMemory,
) {
    let max_age = match memory {
        DeviceMemory::ThisVisit => String::new(),
        DeviceMemory::Remembered => format!("; Max-Age={}", REMEMBER_DAYS * 24 * 60 * 60),
    };
    append_cookie(
        state,
        response,
        &format!(
            "{}={}{max_age}",
            resume_cookie_name(state, study.as_str()),
            token.as_str()
        ),
    );
}

/// Makes this browser forget a study's link: at submit, and when asked to.
pub fn clear_resume_cookie(state: &AppState, response: &mut Response, study: &StudySlug) {
    let name = resume_cookie_name(state, study.as_str());
    append_cookie(state, response, &format!("{name}=; Max-Age=0"));
}
