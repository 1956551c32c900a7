//! `loadtest workshop`: one facilitator and many phones in one workshop. Each phone joins by the
//! code and follows the workshop's live feed on a server of its own (taking turns over the given
//! addresses, so with two instances half the phones hear every step through the other); the
//! facilitator steps through the whole plan, opening answering at each step with questions, and
//! every phone answers them. Measured: the time from the facilitator sending a control to each
//! phone receiving the state it made, and whether every acknowledged answer is in the database.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::secret_token::SecretToken;
use domain::storage::{NewStaff, Storage};
use domain::study::{QuestionKind, Study};
use domain::workshop::{JoinCode, LiveState, Plan};
use rand::Rng;
use reqwest::{StatusCode, header};
use tokio::sync::watch;

use crate::feed::{EventFeed, feed_client};
use crate::stats::{Kind, Summary, summarise};
use crate::target::Target;

pub type Failure = Box<dyn std::error::Error + Send + Sync>;

pub struct WorkshopSettings {
    pub phones: usize,
    /// A phone that has not heard a control's state after this long is stuck.
    pub event_timeout: Duration,
}

/// What the run measured.
#[derive(Debug)]
pub struct WorkshopFigures {
    pub phones: usize,
    pub controls: usize,
    /// Control to phone: one per phone per control heard.
    pub step_to_phone: Option<Summary>,
    /// (phone, revision) pairs never heard within the timeout.
    pub missed: usize,
    pub answers_acknowledged: usize,
    /// Acknowledged, but not in the database with the value sent.
    pub answers_lost: usize,
    pub answers_refused: usize,
}

impl WorkshopFigures {
    pub fn is_clean(&self) -> bool {
        self.missed == 0 && self.answers_lost == 0 && self.answers_refused == 0
    }

    pub fn report(&self) -> String {
        let latency = self.step_to_phone.map_or_else(
            || "no events heard".to_owned(),
            |s| {
                format!(
                    "p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms, max {:.0} ms over {} deliveries",
                    s.p50, s.p95, s.p99, s.max, s.count
                )
            },
        );
        format!(
            "workshop: {} phones, {} facilitator controls\n\
             step to phone: {latency}\n\
             states never heard within the timeout: {}\n\
             answers acknowledged: {}, lost: {}, refused: {}\n",
            self.phones,
            self.controls,
            self.missed,
            self.answers_acknowledged,
            self.answers_lost,
            self.answers_refused,
        )
    }
}

/// One phone as the run sees it.
struct Phone {
    base: String,
    cookie: String,
    token_hash: String,
    /// When each revision's state arrived.
    heard: Mutex<BTreeMap<i64, Instant>>,
    /// The last acknowledged value of each question.
    acknowledged: Mutex<BTreeMap<String, String>>,
    /// Steps whose answers this phone has started to send, and those sent (acknowledged or not).
    started_steps: Mutex<Vec<usize>>,
    finished_steps: Mutex<Vec<usize>>,
    refused: Mutex<usize>,
}

pub async fn run(
    target: Arc<Target>,
    storage: &Storage,
    study: Arc<Study>,
    settings: &WorkshopSettings,
) -> Result<WorkshopFigures, Failure> {
    let facilitator = sign_in_a_trainer(&target, storage).await?;
    let (workshop, code, plan, start) =
        make_workshop(&target, storage, &study, &facilitator).await?;
    let plan = Arc::new(plan);
    let phones = join_phones(&target, &code, settings.phones).await?;
    let (stop, stopped) = watch::channel(false);
    let mut listeners = tokio::task::JoinSet::new();
    for phone in &phones {
        let feed = EventFeed::open(
            &feed_client(),
            &format!("{}/w/{}/live", phone.base, code.as_str()),
            None,
        )
        .await?;
        listeners.spawn(follow(
            phone.clone(),
            feed,
            target.clone(),
            code.clone(),
            plan.clone(),
            study.clone(),
            stopped.clone(),
        ));
    }
    wait_until_heard(&phones, start.revision, settings.event_timeout).await;

    let mut sent_at = BTreeMap::new();
    let mut revision = start.revision;
    for (index, step) in plan.steps().iter().enumerate() {
        if index > 0 {
            revision += 1;
            sent_at.insert(
                revision,
                control(&target, &facilitator, &workshop, "next").await?,
            );
            wait_until_heard(&phones, revision, settings.event_timeout).await;
        }
        if step.questions.is_empty() {
            continue;
        }
        revision += 1;
        let sent = control(&target, &facilitator, &workshop, "open-answering").await?;
        sent_at.insert(revision, sent);
        wait_until_heard(&phones, revision, settings.event_timeout).await;
        wait_until_answered(&phones, index, settings.event_timeout).await;
    }
    let _ = stop.send(true);
    while listeners.join_next().await.is_some() {}

    let mut latencies = Vec::new();
    let mut missed = 0;
    for phone in &phones {
        let heard = phone.heard.lock().unwrap();
        for (revision, sent) in &sent_at {
            match heard.get(revision) {
                Some(at) => latencies.push(at.saturating_duration_since(*sent)),
                None => missed += 1,
            }
        }
    }
    let (acknowledged, lost) = compare_with_database(storage, &workshop, &phones).await?;
    Ok(WorkshopFigures {
        phones: phones.len(),
        controls: sent_at.len(),
        step_to_phone: summarise(&latencies),
        missed,
        answers_acknowledged: acknowledged,
        answers_lost: lost,
        answers_refused: phones.iter().map(|p| *p.refused.lock().unwrap()).sum(),
    })
}

struct Facilitator {
    base: String,
    cookie: String,
}

/// A trainer account made for the run, signed in through the form like a person.
async fn sign_in_a_trainer(target: &Target, storage: &Storage) -> Result<Facilitator, Failure> {
    let email = format!(
        "load-{}@example.org",
        SecretToken::generate().storage_hash()
    );
    let password = format!("load run {}", SecretToken::generate().as_str());
    let hash = domain::accounts::NewPassword::parse(&password)?.hash();
    storage
        .staff()
        .create(NewStaff {
            email: &email,
            password_hash: &hash,
            role: "trainer",
            now: domain::clock::Clock::default().now(),
        })
        .await?;
    let base = target.bases()[0].clone();
    let reply = target
        .send(Kind::Page, StatusCode::SEE_OTHER, |client, _| {
            client
                .post(format!("{base}/admin/sign-in"))
                .form(&[("email", email.as_str()), ("password", password.as_str())])
        })
        .await?;
    let cookie = reply
        .cookies
        .into_iter()
        .next()
        .ok_or("signing in set no cookie")?;
    Ok(Facilitator { base, cookie })
}

async fn make_workshop(
    target: &Target,
    storage: &Storage,
    study: &Study,
    facilitator: &Facilitator,
) -> Result<(String, JoinCode, Plan, LiveState), Failure> {
    let base = &facilitator.base;
    let reply = target
        .send(Kind::Page, StatusCode::SEE_OTHER, |client, _| {
            client
                .post(format!("{base}/admin/workshops"))
                .header(header::COOKIE, &facilitator.cookie)
                .form(&[
                    ("title", "Load run"),
                    ("study", study.slug.as_str()),
                    ("keep_days", "1"),
                ])
        })
        .await?;
    let location = reply.location.ok_or("making a workshop sent nowhere")?;
    let id = location.rsplit('/').next().unwrap_or_default().to_owned();
    let record = storage
        .workshops()
        .get(&id)
        .await?
        .ok_or("the new workshop is not in the database")?;
    let plan = Plan::from_json(&record.plan, study)?;
    Ok((id, record.code, plan, record.state))
}

/// Sends a control; returns the moment it was sent.
async fn control(
    target: &Target,
    facilitator: &Facilitator,
    workshop: &str,
    name: &str,
) -> Result<Instant, Failure> {
    let base = &facilitator.base;
    let sent = Instant::now();
    target
        .send(Kind::Control, StatusCode::SEE_OTHER, |client, _| {
            client
                .post(format!("{base}/admin/workshops/{workshop}/control"))
                .header(header::COOKIE, &facilitator.cookie)
                .form(&[("control", name)])
        })
        .await?;
    Ok(sent)
}

async fn join_phones(
    target: &Target,
    code: &JoinCode,
    count: usize,
) -> Result<Vec<Arc<Phone>>, Failure> {
    let mut phones = Vec::with_capacity(count);
    for index in 0..count {
        let base = target.bases()[index % target.bases().len()].clone();
        let reply = target
            .send(Kind::Join, StatusCode::SEE_OTHER, |client, _| {
                client
                    .post(format!("{base}/join"))
                    .form(&[("code", code.as_str())])
            })
            .await?;
        let cookie = reply
            .cookies
            .into_iter()
            .next()
            .ok_or("joining set no cookie")?;
        let token = cookie
            .split_once('=')
            .and_then(|(_, value)| SecretToken::parse(value))
            .ok_or("the device cookie holds no token")?;
        phones.push(Arc::new(Phone {
            base,
            token_hash: token.storage_hash(),
            cookie,
            heard: Mutex::default(),
            acknowledged: Mutex::default(),
            started_steps: Mutex::default(),
            finished_steps: Mutex::default(),
            refused: Mutex::default(),
        }));
    }
    Ok(phones)
}

/// Reads one phone's feed until told to stop, noting when each state arrived; when a state
/// opens answering, answers the step's questions (apart from the reading, so that a slow answer
/// never delays noting the next state).
async fn follow(
    phone: Arc<Phone>,
    mut feed: EventFeed,
    target: Arc<Target>,
    code: JoinCode,
    plan: Arc<Plan>,
    study: Arc<Study>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let event = tokio::select! {
            event = feed.next() => event,
            _ = stop.wait_for(|stop| *stop) => return,
        };
        let Ok(Some(event)) = event else {
            return;
        };
        let arrived = Instant::now();
        if event.name != "state" {
            continue;
        }
        let Ok(live) = serde_json::from_str::<LiveState>(&event.data) else {
            continue;
        };
        phone.heard.lock().unwrap().insert(live.revision, arrived);
        let first_time = {
            let mut started = phone.started_steps.lock().unwrap();
            let first = !started.contains(&live.step);
            if live.answering_open && first {
                started.push(live.step);
            }
            first
        };
        if live.answering_open && first_time {
            let answers = answers_for(&study, &plan, live.step);
            tokio::spawn(answer(
                phone.clone(),
                target.clone(),
                code.clone(),
                (live.step, live.round),
                answers,
            ));
        }
    }
}

/// A phone's answers to a step's questions: a point on each scale, a choice, a few words.
fn answers_for(study: &Study, plan: &Plan, step: usize) -> Vec<(String, String)> {
    let mut random = rand::rng();
    plan.steps()[step]
        .questions
        .iter()
        .filter_map(|id| {
            let question = study.question(id)?;
            let value = match &question.kind {
                QuestionKind::Likert { labels } => {
                    random.random_range(1..=labels.len()).to_string()
                }
                QuestionKind::Choice { options } => options.first()?.value.clone(),
                QuestionKind::Text { .. } => format!(
                    "Talk with Sam first ({}).",
                    random.random_range(1000..10_000)
                ),
                QuestionKind::Duration => return None,
            };
            Some((id.clone(), value))
        })
        .collect()
}

async fn answer(
    phone: Arc<Phone>,
    target: Arc<Target>,
    code: JoinCode,
    (step, round): (usize, i64),
    answers: Vec<(String, String)>,
) {
    let mut form = vec![
        ("step".to_owned(), step.to_string()),
        ("round".to_owned(), round.to_string()),
    ];
    form.extend(answers.iter().cloned());
    let base = &phone.base;
    let sent = target
        .send(Kind::WorkshopAnswer, StatusCode::SEE_OTHER, |client, _| {
            client
                .post(format!("{base}/w/{}/answers", code.as_str()))
                .header(header::COOKIE, &phone.cookie)
                .form(&form)
        })
        .await;
    match sent {
        Ok(_) => phone.acknowledged.lock().unwrap().extend(answers),
        Err(_) => *phone.refused.lock().unwrap() += 1,
    }
    phone.finished_steps.lock().unwrap().push(step);
}

async fn wait_until_heard(phones: &[Arc<Phone>], revision: i64, timeout: Duration) {
    wait_until(timeout, || {
        phones
            .iter()
            .all(|p| p.heard.lock().unwrap().contains_key(&revision))
    })
    .await;
}

/// Until every phone's answer to `step` has come back (acknowledged or not).
async fn wait_until_answered(phones: &[Arc<Phone>], step: usize, timeout: Duration) {
    wait_until(timeout, || {
        phones
            .iter()
            .all(|p| p.finished_steps.lock().unwrap().contains(&step))
    })
    .await;
}

async fn wait_until(timeout: Duration, done: impl Fn() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// (acknowledged, lost): each phone's last acknowledged value of each question against what the
/// database holds for it.
async fn compare_with_database(
    storage: &Storage,
    workshop: &str,
    phones: &[Arc<Phone>],
) -> Result<(usize, usize), Failure> {
    let (mut acknowledged, mut lost) = (0, 0);
    for phone in phones {
        let stored: BTreeMap<String, String> = storage
            .workshops()
            .answers_of(workshop, &phone.token_hash, 1)
            .await?
            .into_iter()
            .collect();
        for (question, value) in phone.acknowledged.lock().unwrap().iter() {
            acknowledged += 1;
            if stored.get(question) != Some(value) {
                lost += 1;
            }
        }
    }
    Ok((acknowledged, lost))
}
