//! Starts the real server on port 0 with a fresh database, and talks to it as a browser without
//! JavaScript would: form posts, no redirects followed.
//!
//! The engine comes from `TEST_DATABASE`: `sqlite` (the default) gives each test its own file;
//! `postgres` gives each test its own database on the server at `TEST_POSTGRES_URL`
//! (default postgres://127.0.0.1:5432/test).
#![allow(dead_code)]

pub mod process;

use std::net::SocketAddr;

pub use domain::accounts::two_factor::{TotpSecret, step_now};
use domain::secret_token::SecretToken;
use domain::storage::{ResponseRecord, Storage};
use leptos::prelude::LeptosOptions;
use reqwest::{StatusCode, header};
use server::config::Config;

/// A request that takes longer than this has hung: fail the test instead of stalling the run.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub struct TestApp {
    pub addr: SocketAddr,
    /// The server's clock: a test moves it forward instead of waiting.
    pub clock: domain::clock::Clock,
    pub setup_link: Option<String>,
    pub client: reqwest::Client,
    pub database_url: String,
    /// The key the server seals two-factor secrets with.
    pub sealing_key: domain::accounts::secret_box::SealingKey,
    _server: ServerThread,
    _dir: tempfile::TempDir,
}

/// The server under test runs on its own multi-threaded runtime, as in production, and stops when
/// the test's `TestApp` is dropped. Run the tests with cargo-nextest (a process per test): several
/// test servers in one process now and then left a page render hanging.
struct ServerThread {
    addr: SocketAddr,
    setup_link: Option<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl ServerThread {
    async fn start(config: Config, site_root: Option<std::path::PathBuf>) -> Self {
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let mut options = LeptosOptions::builder()
                    .output_name(server::startup::OUTPUT_NAME)
                    .build();
                if let Some(root) = site_root {
                    options.site_root = root.display().to_string().into();
                }
                let running = server::startup::bind(&config, options)
                    .await
                    .expect("server starts");
                let _ = ready_tx.send((running.addr, running.setup_link.clone()));
                tokio::select! {
                    _ = running.serve => {}
                    _ = stopped => {}
                }
            });
        });
        let (addr, setup_link) = ready_rx.await.expect("server started");
        Self {
            addr,
            setup_link,
            stop: Some(stop),
        }
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A client as a browser without JavaScript: redirects are read, not followed.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap()
}

/// The body of a page that must load, in a browser that holds the Sam study's link `token`.
pub async fn step_text(client: &reqwest::Client, base: &str, token: &str, step: &str) -> String {
    let url = format!("{base}/s/sam/answers/{step}");
    let response = client
        .get(&url)
        .header(header::COOKIE, resume_cookie("sam", token))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    response.text().await.unwrap()
}

/// The settings a test server runs with, before a test adjusts them.
pub fn config_for(database_url: &str) -> Config {
    Config {
        database_url: database_url.to_owned(),
        studies_dir: studies_dir(),
        default_study: "sam".into(),
        public_url: None,
        min_group_size: 10,
        workshop_min_group: 5,
        require_two_factor: true,
        listen_addr: None,
        two_factor_key: Some(domain::accounts::secret_box::SealingKey::generate().to_hex()),
        two_factor_key_file: "never-used.key".into(),
        operations: server::config::Operations::default(),
        clock: domain::clock::Clock::default(),
    }
}

pub fn studies_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../studies")
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with_public_url(None).await
    }

    pub async fn spawn_with_public_url(public_url: Option<&str>) -> Self {
        let public_url = public_url.map(str::to_owned);
        Self::spawn_with(|config| config.public_url = public_url).await
    }

    /// With the Sam study and a second study, "other" (a copy of it), to check that one study's
    /// ids do not open the other's data.
    pub async fn spawn_with_two_studies() -> Self {
        Self::spawn_with(|config| {
            let folder = tempfile::tempdir().expect("temporary folder").keep();
            let sam = std::fs::read_to_string(studies_dir().join("sam.toml")).unwrap();
            std::fs::write(folder.join("sam.toml"), &sam).unwrap();
            let other = sam.replacen("slug = \"sam\"", "slug = \"other\"", 1);
            std::fs::write(folder.join("other.toml"), other).unwrap();
            config.studies_dir = folder;
        })
        .await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_serving(adjust, None).await
    }

    /// Serving the browser's files from `site_root` (a test writes its own there).
    pub async fn spawn_with_site(site_root: &std::path::Path) -> Self {
        Self::spawn_serving(|_| {}, Some(site_root.to_owned())).await
    }

    /// A second instance on this one's database, as after a restart with other settings.
    pub async fn spawn_beside(&self, adjust: impl FnOnce(&mut Config)) -> Self {
        let database_url = self.database_url.clone();
        let key = self.sealing_key.to_hex();
        Self::spawn_on(
            Some(database_url),
            |config| {
                config.two_factor_key = Some(key);
                adjust(config);
            },
            None,
        )
        .await
    }

    async fn spawn_serving(
        adjust: impl FnOnce(&mut Config),
        site_root: Option<std::path::PathBuf>,
    ) -> Self {
        Self::spawn_on(None, adjust, site_root).await
    }

    async fn spawn_on(
        database_url: Option<String>,
        adjust: impl FnOnce(&mut Config),
        site_root: Option<std::path::PathBuf>,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let database_url = match database_url {
            Some(url) => url,
            None => fresh_database(&dir).await,
        };
        let mut config = config_for(&database_url);
        config.listen_addr = Some("127.0.0.1:0".parse().unwrap());
        adjust(&mut config);
        let clock = config.clock.clone();
        let sealing_key = config
            .two_factor_key
            .as_deref()
            .map(|hex| domain::accounts::secret_box::SealingKey::from_hex(hex).unwrap())
            .expect("tests seal with a key of their own");
        let server = ServerThread::start(config, site_root).await;
        let client = http_client();
        Self {
            addr: server.addr,
            clock,
            setup_link: server.setup_link.clone(),
            client,
            database_url,
            sealing_key,
            _server: server,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(header::ACCEPT, "text/html")
            .send()
            .await
            .expect("GET")
    }

    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .expect("POST")
    }

    /// Posts a raw body to a step of the Sam study from a browser holding `token`.
    pub async fn post_raw_step(
        &self,
        token: &str,
        step: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/s/sam/answers/{step}")))
            .header(header::COOKIE, resume_cookie("sam", token))
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .expect("POST")
    }

    /// Consents and returns the new participant's private link token, which the browser now
    /// holds in its cookie.
    pub async fn consent(&self) -> String {
        self.consent_to("sam").await
    }

    pub async fn consent_to(&self, study: &str) -> String {
        let response = self
            .post_form(&format!("/s/{study}/consent"), &[("consent", "yes")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(
            location(&response).starts_with(&format!("/s/{study}/answers/")),
            "no token in the address"
        );
        set_cookie_value(&response, &format!("resume-{study}")).expect("the link in a cookie")
    }

    /// GET a step of the Sam study in a browser that holds `token`.
    pub async fn get_step(&self, token: &str, step: &str) -> reqwest::Response {
        self.get_step_in("sam", token, step).await
    }

    pub async fn get_step_in(&self, study: &str, token: &str, step: &str) -> reqwest::Response {
        self.get_with_cookie(
            &format!("/s/{study}/answers/{step}"),
            &resume_cookie(study, token),
        )
        .await
    }

    pub async fn step_html(&self, token: &str, step: &str) -> (StatusCode, String) {
        let response = self.get_step(token, step).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// Continue (or, at "check", submit) on a step of the Sam study, from a browser holding `token`.
    pub async fn post_step(
        &self,
        token: &str,
        step: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_step_in("sam", token, step, fields).await
    }

    pub async fn post_step_in(
        &self,
        study: &str,
        token: &str,
        step: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_with_cookie(
            &format!("/s/{study}/answers/{step}"),
            &resume_cookie(study, token),
            fields,
        )
        .await
    }

    /// Answers every page with valid answers and returns on the check page.
    pub async fn answer_everything(&self, token: &str) {
        self.answer_everything_in("sam", token).await
    }

    /// Answers every page and submits; returns the thanks page that answers the submit.
    pub async fn answer_and_submit(&self, token: &str) -> String {
        self.answer_everything(token).await;
        let response = self.post_step(token, "check", &[]).await;
        assert_eq!(response.status(), StatusCode::OK, "submitted");
        response.text().await.unwrap()
    }

    pub async fn answer_everything_in(&self, study: &str, token: &str) {
        for (page, fields) in complete_answers() {
            let response = self.post_step_in(study, token, page, &fields).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "saving {page}");
        }
    }

    pub async fn storage(&self) -> Storage {
        Storage::connect(&self.database_url).await.unwrap()
    }

    /// Accepts the identifier review's finding of `found`, once the scanner has found it.
    pub async fn accept_finding(&self, cookie: &str, found: &str) {
        let storage = self.storage().await;
        let mut finding = None;
        for _ in 0..100 {
            let all = storage
                .redactions()
                .list(&sam(), &domain::storage::RedactionStatus::ALL, 100)
                .await
                .unwrap();
            finding = all
                .into_iter()
                .find(|r| r.found_text.as_deref() == Some(found));
            if finding.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let id = finding.expect("the scanner finds it").id;
        let path = format!("/admin/studies/sam/redactions/{id}");
        let decided = self
            .post_with_cookie(&path, cookie, &[("decision", "accept")])
            .await;
        assert_eq!(decided.status(), StatusCode::SEE_OTHER);
    }

    pub async fn record(&self, token: &str) -> ResponseRecord {
        let hash = SecretToken::parse(token).unwrap().storage_hash();
        self.storage()
            .await
            .responses()
            .find_by_token_hash(&hash)
            .await
            .unwrap()
            .expect("response exists")
    }

    pub async fn answers(&self, token: &str) -> domain::storage::Answers {
        let record = self.record(token).await;
        self.storage()
            .await
            .responses()
            .answers(&record.id)
            .await
            .unwrap()
    }

    pub async fn pool(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.database_url).await.unwrap()
    }
}

pub fn uses_postgres() -> bool {
    std::env::var("TEST_DATABASE").is_ok_and(|engine| engine == "postgres")
}

/// A new, empty database for one test: an SQLite file in `dir`, or a new PostgreSQL database.
pub async fn fresh_database(dir: &tempfile::TempDir) -> String {
    if !uses_postgres() {
        return format!("sqlite://{}/survey.db", dir.path().display());
    }
    use sqlx::Connection;
    let server = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://127.0.0.1:5432/test".into());
    // scripts/test.sh drops this run's databases afterwards, and only this run's.
    let run = std::env::var("TEST_RUN_ID").unwrap_or_else(|_| "local".into());
    let name = format!("vignette_test_{run}_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("PostgreSQL is reachable at TEST_POSTGRES_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let (base, _) = server
        .rsplit_once('/')
        .expect("TEST_POSTGRES_URL names a database");
    format!("{base}/{name}")
}

/// Where a signed-out request to `page` is sent: sign in, then back to `page` (every byte that is
/// not a letter or digit percent-encoded; the studies page needs no way back).
pub fn sign_in_then(page: &str) -> String {
    if page == "/admin" {
        return "/admin/sign-in".to_owned();
    }
    let encoded: String = page
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("/admin/sign-in?next={encoded}")
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .expect("Location header")
        .to_str()
        .unwrap()
        .to_owned()
}

/// Valid answers for every page of the Sam study, in order.
pub fn complete_answers() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let scenario = |prefix: &'static str| -> Vec<(&'static str, &'static str)> {
        let field = |suffix: &str| -> &'static str {
            Box::leak(format!("{prefix}_{suffix}").into_boxed_str())
        };
        vec![
            (
                field("right_thing"),
                "Talk it through with Sam and plan together.",
            ),
            (
                field("responsibilities"),
                "Support Sam's choice and keep them safe.",
            ),
            (field("support"), "4"),
            (field("outcome"), "3"),
            (field("confidence"), "4"),
        ]
    };
    vec![
        (
            "about-you",
            vec![
                ("setting", "inpatient"),
                ("role", "support_worker"),
                ("experience-years", "1"),
                ("experience-months", "2"),
            ],
        ),
        ("before-you-start", vec![]),
        (
            "sam",
            vec![
                ("r1", "Living a good life with or without symptoms."),
                ("r2", "Cooking, drawing, their brother."),
                ("r3", "Loneliness."),
            ],
        ),
        ("scenario-money", scenario("money")),
        ("scenario-medication", scenario("medication")),
        ("scenario-social", scenario("social")),
        ("your-views", vec![("attitude_setbacks", "5")]),
    ]
}

pub const STAFF_PASSWORD: &str = "kettle orbit lantern 42";

/// The code an authenticator app shows now.
pub fn current_code(secret: &TotpSecret) -> String {
    secret.code_at_step(step_now(domain::clock::Clock::default().now()))
}

/// The cookie a browser holding a study's private link sends (over plain HTTP, as in tests).
pub fn resume_cookie(study: &str, token: &str) -> String {
    format!("resume-{study}={token}")
}

/// The value a response sets for the cookie called `name`.
pub fn set_cookie_value(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_owned)
}

const BOUNDARY: &str = "----vignette-test-boundary";

/// The publish form as a browser sends it: the chosen file (empty when none was chosen) and the
/// text box.
pub fn study_form(file: Option<(&str, &str)>, text: &str) -> String {
    let (name, content) = file.unwrap_or(("", ""));
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{content}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n{text}\r\n--{BOUNDARY}--\r\n"
    )
}

/// The session cookie a response sets, as "name=value".
pub fn cookie_of(response: &reqwest::Response) -> Option<String> {
    let cookie = response.headers().get(header::SET_COOKIE)?.to_str().ok()?;
    Some(cookie.split(';').next()?.to_owned())
}

impl TestApp {
    /// Adds an account straight into the database; a researcher as a member of every study, as
    /// an owner would add them.
    pub async fn add_staff(&self, email: &str, role: &str) {
        let id = self.add_staff_outside_studies(email, role).await;
        if role != "researcher" {
            return;
        }
        let storage = self.storage().await;
        for version in storage.study_definitions().versions().await.unwrap() {
            storage
                .study_members()
                .add(&version.slug, &id, self.clock.today())
                .await
                .unwrap();
        }
    }

    /// Adds an account straight into the database, a member of no study; returns its id.
    pub async fn add_staff_outside_studies(&self, email: &str, role: &str) -> String {
        let hash = domain::accounts::NewPassword::parse(STAFF_PASSWORD)
            .unwrap()
            .hash();
        let new = domain::storage::NewStaff {
            email,
            password_hash: &hash,
            role,
            now: domain::clock::Clock::default().now(),
        };
        self.storage().await.staff().create(new).await.unwrap()
    }

    /// Signs in and returns the session cookie ("name=value").
    /// Posts the sign-in form and returns the answer as it is.
    pub async fn post_sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/admin/sign-in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Signs in with the password and says where the new session is sent next: the code page,
    /// two-factor setup, or the researcher area.
    pub async fn step_after_password(&self, email: &str) -> String {
        let pending = self
            .sign_in(email, STAFF_PASSWORD)
            .await
            .expect("the password is accepted");
        location(&self.get_with_cookie("/admin/sign-in", &pending).await)
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Option<String> {
        let response = self.post_sign_in(email, password).await;
        if response.status() != StatusCode::SEE_OTHER {
            return None;
        }
        cookie_of(&response)
    }

    /// Adds an account with two-factor sign-in already set up; returns its app's secret.
    pub async fn add_staff_with_two_factor(&self, email: &str, role: &str) -> TotpSecret {
        self.add_staff(email, role).await;
        let storage = self.storage().await;
        let staff = storage.staff().by_email(email).await.unwrap().unwrap();
        let secret = TotpSecret::generate();
        storage
            .staff()
            .enable_two_factor(
                &staff.id,
                &self.sealing_key.seal(&staff.id, &secret.to_base32()),
                0,
                &[],
            )
            .await
            .unwrap();
        secret
    }

    /// Password, then the app's current code: the cookie of a full session.
    pub async fn sign_in_with_code(&self, email: &str, secret: &TotpSecret) -> String {
        let pending = self
            .sign_in(email, STAFF_PASSWORD)
            .await
            .expect("password accepted");
        let response = self
            .post_with_cookie(
                "/admin/sign-in/code",
                &pending,
                &[("code", &current_code(secret))],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "code accepted");
        assert_eq!(location(&response), "/admin");
        cookie_of(&response).expect("a new session cookie")
    }

    /// A fully signed-in account of `role`; owners and researchers sign in with two-factor.
    pub async fn signed_in_as(&self, role: &str) -> String {
        let email = format!("{role}@example.org");
        if role == "trainer" {
            self.add_staff(&email, role).await;
            return self
                .sign_in(&email, STAFF_PASSWORD)
                .await
                .expect("signs in");
        }
        let secret = self.add_staff_with_two_factor(&email, role).await;
        self.sign_in_with_code(&email, &secret).await
    }

    /// Sends a form of one file field, as a browser uploads a file.
    pub async fn post_file(
        &self,
        (path, cookie): (&str, &str),
        field: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> reqwest::Response {
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        self.post_multipart(path, cookie, body).await
    }

    /// Posts a multipart form body made with `BOUNDARY`.
    async fn post_multipart(&self, path: &str, cookie: &str, body: Vec<u8>) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(header::COOKIE, cookie)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .send()
            .await
            .expect("POST")
    }

    /// Sends the publish form (`study_form`) as the account with this cookie.
    pub async fn publish_form(&self, cookie: &str, body: String) -> reqwest::Response {
        self.post_multipart("/admin/publish", cookie, body.into_bytes())
            .await
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, cookie)
            .send()
            .await
            .expect("GET")
    }

    /// The details of the newest 50 audit-log lines that `who` wrote with `action`, newest first.
    pub async fn audited(&self, who: &str, action: &str) -> Vec<String> {
        let lines = self.storage().await.audit_log().newest(50).await.unwrap();
        lines
            .into_iter()
            .filter(|(_, by, what, _)| by == who && what == action)
            .map(|(_, _, _, detail)| detail)
            .collect()
    }

    /// A page as the account with this cookie sees it: its status and HTML.
    pub async fn page(&self, path: &str, cookie: &str) -> (StatusCode, String) {
        let response = self.get_with_cookie(path, cookie).await;
        (response.status(), response.text().await.expect("page body"))
    }

    /// The HTML of a page as the account with this cookie sees it, whatever its status.
    pub async fn page_text(&self, path: &str, cookie: &str) -> String {
        self.page(path, cookie).await.1
    }

    pub async fn post_with_cookie(
        &self,
        path: &str,
        cookie: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(header::COOKIE, cookie)
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Runs `server export` for each format into `dir`, each file under the name its format
    /// gives it, so scripts find their data beside them; returns what each export wrote.
    pub async fn export_side_by_side(
        &self,
        dir: &std::path::Path,
        formats: &[domain::export::ExportFormat],
    ) -> Vec<u64> {
        let config = config_for(&self.database_url);
        let mut written = Vec::new();
        for format in formats {
            let out = dir.join(format.file_name(&crate::support::sam()));
            let options = domain::export::ExportOptions::default();
            let count = server::startup::export(&config, "sam", format.slug(), &out, options)
                .await
                .expect("the export is written");
            written.push(count);
        }
        written
    }

    /// Completes and submits a response with the given setting and text answer to R2.
    pub async fn submit_response(&self, setting: &str, r2: &str) -> String {
        self.submit_response_to("sam", setting, r2).await
    }

    pub async fn submit_response_to(&self, study: &str, setting: &str, r2: &str) -> String {
        let token = self.consent_to(study).await;
        self.answer_everything_in(study, &token).await;
        self.post_step_in(study, &token, "about-you", &[("setting", setting)])
            .await;
        self.post_step_in(study, &token, "sam", &[("r2", r2)]).await;
        let response = self.post_step_in(study, &token, "check", &[]).await;
        assert_eq!(response.status(), StatusCode::OK, "submitted");
        token
    }
}

/// The files of a zip archive (a .qdpx), by name, as text.
pub fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text).unwrap();
            (file.name().to_owned(), text)
        })
        .collect()
}

/// The default study's slug, as storage takes it.
pub fn sam() -> domain::ids::StudySlug {
    domain::ids::StudySlug::parse("sam").unwrap()
}

/// A question id, as storage takes it.
pub fn question(id: &str) -> domain::ids::QuestionId {
    domain::ids::QuestionId::parse(id).unwrap()
}

/// Validates a REFI-QDA file against its schema (`Project.xsd` or `Codebook.xsd`) with xmllint;
/// fails (never skips) when xmllint is missing: scripts/install-tools.sh test installs it.
pub fn assert_valid_refi_qda(xml: &str, schema: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("refi-qda.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/refi-qda")
        .join(schema);
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint runs (Debian libxml2-utils; scripts/install-tools.sh test installs it)");
    assert!(
        output.status.success(),
        "not valid REFI-QDA: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
