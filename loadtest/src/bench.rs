//! Benchmark mode: two ratios, each measured within one run on one server.
//!
//! 1. Survey pages (server-rendered, with their database reads) per second over a static file of
//!    the very same bytes, served by the same server: what rendering costs over serving.
//! 2. Autosaves per second over single-row upserts straight into the same database: what HTTP,
//!    the checks and the transaction cost over the bare write.
//!
//! Both sides of a ratio run with the same number of concurrent workers for the same time.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use domain::ids::{QuestionId, ResponseId};
use domain::secret_token::SecretToken;
use domain::storage::{Storage, StorageError};
use domain::study::{QuestionKind, Study};
use reqwest::{StatusCode, header};

use crate::journey::{answer_text, consent, resume_cookie, save_fields_request, step_path};
use crate::stats::{Kind, Outcome};
use crate::target::{RequestError, Target};

pub struct BenchSettings {
    pub phase: Duration,
    pub concurrency: usize,
    /// The server's site root (LEPTOS_SITE_ROOT): the static copy of the page is written there.
    pub site_root: PathBuf,
}

#[derive(Debug, Clone, Copy)]
pub struct BenchFigures {
    pub page_bytes: usize,
    pub pages_per_second: f64,
    pub static_per_second: f64,
    pub autosaves_per_second: f64,
    pub upserts_per_second: f64,
}

impl BenchFigures {
    pub fn report(&self, settings: &BenchSettings) -> String {
        format!(
            "benchmark: {} workers, {:.0} s per phase\n\
             survey page (SSR, {} bytes): {:>9.1} /s\n\
             static file (same bytes):    {:>9.1} /s\n\
             ratio page / static:         {:>9.3}\n\
             autosave (HTTP):             {:>9.1} /s\n\
             raw single-row upsert:       {:>9.1} /s\n\
             ratio autosave / upsert:     {:>9.3}\n",
            settings.concurrency,
            settings.phase.as_secs_f64(),
            self.page_bytes,
            self.pages_per_second,
            self.static_per_second,
            self.pages_per_second / self.static_per_second,
            self.autosaves_per_second,
            self.upserts_per_second,
            self.autosaves_per_second / self.upserts_per_second,
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{0}")]
    Request(#[from] RequestError),
    #[error("{0}")]
    Storage(#[from] StorageError),
    #[error("cannot write the static copy of the page: {0}")]
    Io(#[from] std::io::Error),
    #[error("the study has no page with a text question to benchmark")]
    NoTextPage,
    #[error("{0} requests did not get the expected answer: see the table")]
    Refused(u64),
}

/// Each worker's own response, so autosaves do not queue behind one row.
struct Worker {
    /// The cookie that holds the worker's private link.
    cookie: String,
    response_id: ResponseId,
}

pub async fn run(
    target: Arc<Target>,
    storage: Storage,
    study: &Study,
    settings: &BenchSettings,
) -> Result<BenchFigures, BenchError> {
    let (page, question) = study
        .pages
        .iter()
        .find_map(|page| {
            let text = page
                .questions
                .iter()
                .find(|q| matches!(q.kind, QuestionKind::Text { .. }))?;
            Some((page.slug.clone(), text.id.clone()))
        })
        .ok_or(BenchError::NoTextPage)?;
    let mut workers = Vec::new();
    for _ in 0..settings.concurrency {
        let token = consent(&target, study.slug.as_str()).await?;
        let hash = SecretToken::parse(&token)
            .map(|t| t.storage_hash())
            .unwrap_or_default();
        let record = storage
            .responses()
            .find_by_token_hash(&hash)
            .await?
            .ok_or(StorageError::NotFound)?;
        workers.push(Worker {
            cookie: resume_cookie(study.slug.as_str(), &token),
            response_id: record.id,
        });
    }
    let workers = Arc::new(workers);
    let page_path = step_path(study.slug.as_str(), &page);
    let page_html = fetch_page(&target, &page_path, &workers[0].cookie).await?;
    let copy_name = "benchmark-page-copy.html";
    let copy = settings.site_root.join(copy_name);
    std::fs::write(&copy, &page_html)?;
    let measured = measure_all(
        &target,
        &storage,
        &workers,
        settings,
        (study.slug.as_str(), &page),
        &question,
        copy_name,
    )
    .await;
    std::fs::remove_file(&copy)?;
    let mut figures = measured?;
    figures.page_bytes = page_html.len();
    let failures = target.stats.not_expected();
    if failures > 0 {
        return Err(BenchError::Refused(failures));
    }
    Ok(figures)
}

async fn measure_all(
    target: &Arc<Target>,
    storage: &Storage,
    workers: &Arc<Vec<Worker>>,
    settings: &BenchSettings,
    (study_slug, page): (&str, &str),
    question: &QuestionId,
    copy_name: &str,
) -> Result<BenchFigures, BenchError> {
    let phase = settings.phase;
    let page_path = step_path(study_slug, page);
    let pages_per_second = hammer(workers, phase, |worker, _| {
        let (target, path, cookie) = (target.clone(), page_path.clone(), worker.cookie.clone());
        async move { get(&target, Kind::Page, &path, &cookie).await }
    })
    .await;
    let static_per_second = hammer(workers, phase, |_, _| {
        let (target, path) = (target.clone(), format!("/{copy_name}"));
        async move { get(&target, Kind::StaticFile, &path, "").await }
    })
    .await;
    let autosaves_per_second = hammer(workers, phase, |worker, n| {
        let target = target.clone();
        let fields = vec![(question.to_string(), draft(n))];
        let (cookie, step) = (worker.cookie.clone(), page.to_owned());
        async move {
            target
                .send(Kind::Autosave, StatusCode::OK, |client, base| {
                    save_fields_request(client, base, study_slug, &cookie, &step, &fields)
                })
                .await
                .is_ok()
        }
    })
    .await;
    let upserts_per_second = hammer(workers, phase, |worker, n| {
        let (storage, stats) = (storage.clone(), target.stats.clone());
        let (response_id, question) = (worker.response_id.clone(), question.clone());
        async move {
            let started = Instant::now();
            let today = domain::clock::Clock::default().today();
            let result = storage
                .responses()
                .upsert_answer_alone(&response_id, &question, &draft(n), today)
                .await;
            let outcome = if result.is_ok() {
                Outcome::Expected
            } else {
                Outcome::Failed
            };
            stats.record(Kind::DatabaseUpsert, started.elapsed(), outcome);
            result.is_ok()
        }
    })
    .await;
    Ok(BenchFigures {
        page_bytes: 0,
        pages_per_second,
        static_per_second,
        autosaves_per_second,
        upserts_per_second,
    })
}

/// A growing answer, as while typing.
fn draft(n: u64) -> String {
    let text = answer_text(0, "benchmark");
    let length = text.chars().count();
    text.chars().take(1 + (n as usize % length)).collect()
}

async fn fetch_page(target: &Target, path: &str, cookie: &str) -> Result<String, RequestError> {
    let reply = target
        .send(Kind::Page, StatusCode::OK, |client, base| {
            client
                .get(format!("{base}{path}"))
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, cookie)
        })
        .await?;
    Ok(reply.body)
}

async fn get(target: &Target, kind: Kind, path: &str, cookie: &str) -> bool {
    target
        .send(kind, StatusCode::OK, |client, base| {
            client
                .get(format!("{base}{path}"))
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, cookie)
        })
        .await
        .is_ok()
}

/// Runs one loop per worker for `phase`; returns the successful operations per second.
async fn hammer<F, Fut>(workers: &Arc<Vec<Worker>>, phase: Duration, operation: F) -> f64
where
    F: Fn(&Worker, u64) -> Fut,
    Fut: Future<Output = bool>,
{
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + phase;
    let loops = workers.iter().map(|worker| {
        let done = done.clone();
        let mut n = 0;
        let operation = &operation;
        async move {
            while Instant::now() < deadline {
                n += 1;
                if operation(worker, n).await {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    });
    futures::future::join_all(loops).await;
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}
