//! One simulated respondent: the start page, consent, every page of the study with saves while
//! typing (several growing versions of each text answer) and Continue, the check page and submit.
//! Every value sent and whether it was acknowledged goes into the respondent's [`Ledger`].

use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use app::survey::flow::duration_fields;
use app::survey::step::SaveFields;
use domain::journey::CHECK_STEP_SLUG;
use domain::study::{Page, Question, QuestionKind, Study};
use leptos::server_fn::ServerFn;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{StatusCode, header};

use crate::ledger::Ledger;
use crate::stats::Kind;
use crate::target::{RequestError, Target};

/// How long a respondent pauses before each request (reading, typing), in milliseconds.
#[derive(Debug, Clone)]
pub struct Pace {
    pub think_ms: RangeInclusive<u64>,
}

impl Pace {
    /// No pauses: each respondent sends its next request as soon as the last is answered.
    pub fn flat_out() -> Self {
        Self { think_ms: 0..=0 }
    }
}

/// Runs `count` respondents at once, each starting at a random moment within `ramp`, and returns
/// their ledgers when all have finished or stopped.
pub async fn run_respondents(
    target: Arc<Target>,
    study: Arc<Study>,
    pace: Pace,
    count: usize,
    ramp: Duration,
) -> Vec<Ledger> {
    let mut tasks = tokio::task::JoinSet::new();
    for respondent in 1..=count {
        let (target, study, pace) = (target.clone(), study.clone(), pace.clone());
        let start_after = ramp.mul_f64(StdRng::seed_from_u64(respondent as u64).random::<f64>());
        tasks.spawn(async move {
            tokio::time::sleep(start_after).await;
            walk(&target, &study, &pace, respondent).await
        });
    }
    let mut ledgers: Vec<Ledger> = tasks.join_all().await;
    ledgers.sort_by_key(|ledger| ledger.respondent);
    ledgers
}

/// Walks the whole survey as respondent number `respondent`; stops at the first request that does
/// not get the expected answer, noting why in the ledger.
pub async fn walk(target: &Target, study: &Study, pace: &Pace, respondent: usize) -> Ledger {
    let mut journey = Journey {
        target,
        study,
        pace,
        ledger: Ledger::new(respondent),
        rng: StdRng::seed_from_u64(respondent as u64),
        token: String::new(),
        cookie: String::new(),
    };
    if let Err(error) = journey.run().await {
        journey.ledger.stopped = Some(error.to_string());
    }
    journey.ledger
}

struct Journey<'a> {
    target: &'a Target,
    study: &'a Study,
    pace: &'a Pace,
    ledger: Ledger,
    rng: StdRng,
    token: String,
    /// The cookie that holds the private link, as the browser sends it.
    cookie: String,
}

/// A form field's name and raw value, and the question id and value the database should hold.
struct Field {
    name: String,
    raw: String,
}

impl Journey<'_> {
    async fn run(&mut self) -> Result<(), RequestError> {
        self.get_page("/").await?;
        self.consent().await?;
        for page in &self.study.pages {
            self.answer_page(page).await?;
        }
        self.get_page(&step_path(self.study.slug.as_str(), CHECK_STEP_SLUG))
            .await?;
        self.submit().await
    }

    async fn think(&mut self) {
        let ms = self.rng.random_range(self.pace.think_ms.clone());
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }

    async fn get_page(&mut self, path: &str) -> Result<(), RequestError> {
        self.target
            .send(Kind::Page, StatusCode::OK, |client, base| {
                client
                    .get(format!("{base}{path}"))
                    .header(header::ACCEPT, "text/html")
                    .header(header::COOKIE, &self.cookie)
            })
            .await?;
        self.think().await;
        Ok(())
    }

    async fn consent(&mut self) -> Result<(), RequestError> {
        self.ledger.consent_sent = true;
        self.token = consent(self.target, self.study.slug.as_str()).await?;
        self.cookie = resume_cookie(self.study.slug.as_str(), &self.token);
        self.ledger.token = Some(self.token.clone());
        Ok(())
    }

    async fn answer_page(&mut self, page: &Page) -> Result<(), RequestError> {
        self.get_page(&step_path(self.study.slug.as_str(), &page.slug))
            .await?;
        let mut form = Vec::new();
        for question in &page.questions {
            let plan = self.plan(question);
            for draft in &plan.drafts {
                self.think().await;
                self.autosave(page, question, draft).await?;
            }
            form.push((question.id.to_string(), plan.final_fields));
        }
        self.think().await;
        self.continue_page(page, form).await
    }

    /// What this respondent types for one question: drafts saved while typing, then the answer.
    fn plan(&mut self, question: &Question) -> Plan {
        let respondent = self.ledger.respondent;
        match &question.kind {
            QuestionKind::Text { max_chars } => {
                let text: String = answer_text(respondent, question.id.as_str())
                    .chars()
                    .take(*max_chars)
                    .collect();
                let drafts = self.rng.random_range(3..=5);
                let length = text.chars().count();
                Plan {
                    drafts: (1..=drafts)
                        .map(|i| text.chars().take(length * i / (drafts + 1)).collect())
                        .map(|draft| vec![field(question.id.as_str(), draft)])
                        .collect(),
                    final_fields: vec![field(question.id.as_str(), text)],
                }
            }
            QuestionKind::Likert { labels } => {
                let point = self.rng.random_range(1..=labels.len()).to_string();
                picked(question.id.as_str(), point)
            }
            QuestionKind::Choice { options } => {
                let option = &options[self.rng.random_range(0..options.len())];
                picked(question.id.as_str(), option.value.clone())
            }
            QuestionKind::Duration => {
                let (years, months) = duration_fields(question.id.as_str());
                let (y, m) = (self.rng.random_range(0..=20), self.rng.random_range(0..=11));
                Plan {
                    drafts: Vec::new(),
                    final_fields: vec![field(&years, y.to_string()), field(&months, m.to_string())],
                }
            }
        }
    }

    async fn autosave(
        &mut self,
        page: &Page,
        question: &Question,
        typed: &[Field],
    ) -> Result<(), RequestError> {
        let fields: Vec<(String, String)> = typed
            .iter()
            .map(|f| (f.name.clone(), f.raw.clone()))
            .collect();
        let result = self
            .target
            .send(Kind::Autosave, StatusCode::OK, |client, base| {
                save_fields_request(
                    client,
                    base,
                    self.study.slug.as_str(),
                    &self.cookie,
                    &page.slug,
                    &fields,
                )
            })
            .await;
        let stored = stored_answer(question, typed);
        self.ledger.record(&stored, result.is_ok());
        result.map(drop)
    }

    async fn continue_page(
        &mut self,
        page: &Page,
        form: Vec<(String, Vec<Field>)>,
    ) -> Result<(), RequestError> {
        let raw: Vec<(String, String)> = form
            .iter()
            .flat_map(|(_, fields)| fields.iter().map(|f| (f.name.clone(), f.raw.clone())))
            .collect();
        let path = step_path(self.study.slug.as_str(), &page.slug);
        let result = self
            .target
            .send(Kind::Continue, StatusCode::SEE_OTHER, |client, base| {
                client
                    .post(format!("{base}{path}"))
                    .header(header::COOKIE, &self.cookie)
                    .form(&raw)
            })
            .await;
        let stored: Vec<(String, String)> = page
            .questions
            .iter()
            .zip(&form)
            .flat_map(|(question, (_, fields))| stored_answer(question, fields))
            .collect();
        self.ledger.record(&stored, result.is_ok());
        result.map(drop)
    }

    async fn submit(&mut self) -> Result<(), RequestError> {
        let path = step_path(self.study.slug.as_str(), CHECK_STEP_SLUG);
        self.ledger.submit_sent = true;
        // The answer to submit is the thanks page itself, with the withdrawal code shown once.
        self.target
            .send(Kind::Submit, StatusCode::OK, |client, base| {
                client
                    .post(format!("{base}{path}"))
                    .header(header::COOKIE, &self.cookie)
                    .form(&Vec::<(String, String)>::new())
            })
            .await?;
        self.ledger.submit_acknowledged = true;
        Ok(())
    }
}

/// The address of a step of the survey; the cookie says whose answers.
pub fn step_path(study_slug: &str, step: &str) -> String {
    format!("/s/{study_slug}/answers/{step}")
}

/// The cookie a browser sends for a study's answers on plain HTTP.
pub fn resume_cookie(study_slug: &str, token: &str) -> String {
    format!("resume-{study_slug}={token}")
}

/// Agrees to take part in a study; returns the new response's private link token.
pub async fn consent(target: &Target, study_slug: &str) -> Result<String, RequestError> {
    let path = format!("/s/{study_slug}/consent");
    let reply = target
        .send(Kind::Consent, StatusCode::SEE_OTHER, |client, base| {
            client
                .post(format!("{base}{path}"))
                .form(&[("consent", "yes")])
        })
        .await?;
    let name = format!("resume-{study_slug}=");
    reply
        .cookies
        .iter()
        .find_map(|cookie| cookie.strip_prefix(&name))
        .map(str::to_owned)
        .ok_or(RequestError::Status {
            kind: Kind::Consent,
            status: reply.status,
        })
}

/// The autosave the browser sends: the `save_fields` server function, as JSON.
pub fn save_fields_request(
    client: &reqwest::Client,
    base: &str,
    study_slug: &str,
    cookie: &str,
    step: &str,
    fields: &[(String, String)],
) -> reqwest::RequestBuilder {
    let body = serde_json::json!({ "study": study_slug, "step": step, "fields": fields });
    client
        .post(format!("{base}{}", SaveFields::PATH))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, cookie)
        .body(body.to_string())
}

struct Plan {
    /// Each draft is one autosave.
    drafts: Vec<Vec<Field>>,
    /// What Continue sends.
    final_fields: Vec<Field>,
}

fn field(name: &str, raw: String) -> Field {
    Field {
        name: name.to_owned(),
        raw,
    }
}

/// A choice or a scale point: saved once when picked, and sent again with Continue.
fn picked(question_id: &str, value: String) -> Plan {
    Plan {
        drafts: vec![vec![field(question_id, value.clone())]],
        final_fields: vec![field(question_id, value)],
    }
}

/// The value the database should hold after these fields of `question` are saved.
fn stored_answer(question: &Question, fields: &[Field]) -> Vec<(String, String)> {
    let value = match question.kind {
        QuestionKind::Duration => {
            let number = |i: usize| fields.get(i).and_then(|f| f.raw.parse::<u32>().ok());
            (number(0).unwrap_or(0) * 12 + number(1).unwrap_or(0)).to_string()
        }
        _ => fields.first().map(|f| f.raw.clone()).unwrap_or_default(),
    };
    vec![(question.id.to_string(), value)]
}

/// A free-text answer unique to the respondent and question, with text in several scripts,
/// typographic punctuation, an emoji and a line break, so that any mangling shows.
pub fn answer_text(respondent: usize, question_id: &str) -> String {
    format!(
        "Respondent {respondent} on {question_id}: Sam’s own goals come first — cooking, café \
         drawing class, “small steps”; Ŵales, Ελλάδα, 日本語 ☕😀\nThen we review it together ({respondent})."
    )
}
