//! The server (or servers) under load: requests take turns over the given addresses, so with two
//! instances every respondent's consecutive requests land on different processes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Client, RequestBuilder, StatusCode, header};

use crate::stats::{Kind, Outcome, Stats};

/// What a request brought back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    /// The `name=value` of each cookie set.
    pub cookies: Vec<String>,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("{kind:?}: the server answered {status}")]
    Status { kind: Kind, status: StatusCode },
    #[error("{kind:?}: no answer ({detail})")]
    NoAnswer { kind: Kind, detail: String },
    #[error("{kind:?}: no answer within {timeout:?}: the request hung")]
    TimedOut { kind: Kind, timeout: Duration },
}

pub struct Target {
    bases: Vec<String>,
    turn: AtomicUsize,
    client: Client,
    timeout: Duration,
    pub stats: Arc<Stats>,
}

impl Target {
    /// `bases` are addresses like `http://127.0.0.1:3000`; redirects are not followed, as a
    /// journey reads them.
    pub fn new(bases: Vec<String>, timeout: Duration) -> Result<Self, reqwest::Error> {
        assert!(!bases.is_empty(), "at least one server address");
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .pool_max_idle_per_host(1024)
            .build()?;
        Ok(Self {
            bases: bases
                .into_iter()
                .map(|b| b.trim_end_matches('/').to_owned())
                .collect(),
            turn: AtomicUsize::new(0),
            client,
            timeout,
            stats: Arc::default(),
        })
    }

    fn next_base(&self) -> &str {
        let turn = self.turn.fetch_add(1, Ordering::Relaxed);
        &self.bases[turn % self.bases.len()]
    }

    /// Sends one request to the next server in turn and records its latency under `kind`.
    /// `expected` is the status the journey needs; anything else is an error.
    pub async fn send(
        &self,
        kind: Kind,
        expected: StatusCode,
        build: impl FnOnce(&Client, &str) -> RequestBuilder,
    ) -> Result<Reply, RequestError> {
        let request = build(&self.client, self.next_base());
        let started = Instant::now();
        let result = read_reply(request).await;
        let latency = started.elapsed();
        let (outcome, result) = match result {
            Ok(reply) if reply.status == expected => (Outcome::Expected, Ok(reply)),
            Ok(reply) => {
                let outcome = if reply.status == StatusCode::TOO_MANY_REQUESTS {
                    Outcome::Refused
                } else {
                    Outcome::Unexpected
                };
                let status = reply.status;
                (outcome, Err(RequestError::Status { kind, status }))
            }
            Err(error) if error.is_timeout() => (
                Outcome::TimedOut,
                Err(RequestError::TimedOut {
                    kind,
                    timeout: self.timeout,
                }),
            ),
            Err(error) => (
                Outcome::Failed,
                Err(RequestError::NoAnswer {
                    kind,
                    detail: error.to_string(),
                }),
            ),
        };
        self.stats.record(kind, latency, outcome);
        result
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn bases(&self) -> &[String] {
        &self.bases
    }
}

/// The whole body is read, so a latency covers the full page.
async fn read_reply(request: RequestBuilder) -> Result<Reply, reqwest::Error> {
    let response = request.send().await?;
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_owned)
        .collect();
    let body = response.text().await?;
    Ok(Reply {
        status,
        location,
        cookies,
        body,
    })
}
