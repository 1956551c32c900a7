use domain::audit::{Actor, AuditAction};
use std::net::SocketAddr;

use app::state::AppState;
use app::{App, shell};
use axum::{Router, middleware};
use domain::accounts::secret_box::SealingKey;
use domain::catalogue::Catalogue;
use domain::events::Events;
use domain::redaction::scanner::scan_on_submission;
use domain::storage::Storage;
use domain::study::Studies;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;

use crate::assets::Assets;
use crate::config::Config;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("study file problem: {0}")]
    Study(#[from] domain::study::StudyError),
    #[error("database problem: {0}")]
    Storage(#[from] domain::storage::StorageError),
    #[error("study catalogue problem: {0}")]
    Catalogue(#[from] domain::catalogue::CatalogueError),
    #[error("leptos configuration problem: {0}")]
    Leptos(String),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "PUBLIC_URL is required when listening on {0}, beyond this machine: links and cookies are \
         built from it, never from a request's Host header. Set it to the address participants \
         use, e.g. PUBLIC_URL=https://survey.example.org"
    )]
    PublicUrlRequired(SocketAddr),
    #[error("{0}")]
    Account(String),
    #[error("{0}")]
    Export(String),
}

/// Loads the studies, opens the database and builds the whole router.
pub async fn build(
    config: &Config,
    mut leptos_options: LeptosOptions,
) -> Result<(Router, AppState), StartupError> {
    let pkg_dir =
        std::path::Path::new(&*leptos_options.site_root).join(&*leptos_options.site_pkg_dir);
    let assets = Assets::load(&pkg_dir, &leptos_options.output_name);
    match &assets {
        Some(assets) => leptos_options.output_name = assets.output_name().into(),
        None => {
            tracing::warn!(dir = %pkg_dir.display(), "no wasm, JS or CSS built: pages work without JavaScript only")
        }
    }
    let storage = Storage::connect(&config.database_url).await?;
    let studies = publish_and_load_studies(config, &storage).await?;
    let sealing_key = sealing_key(config)?;
    let sealed = storage
        .staff()
        .seal_plain_two_factor_secrets(&sealing_key)
        .await?;
    if sealed > 0 {
        tracing::info!(
            sealed,
            "sealed two-factor secrets left in plain text by an older release"
        );
    }
    let events = Events::start(&storage);
    tokio::spawn(studies.clone().follow(storage.clone(), events.subscribe()));
    tokio::spawn(scan_on_submission(
        storage.clone(),
        studies.clone(),
        config.clock.clone(),
        events.subscribe(),
    ));
    tokio::spawn(purge_expired_regularly(
        storage.clone(),
        config.clock.clone(),
    ));
    let state = AppState {
        leptos_options: leptos_options.clone(),
        storage,
        events,
        clock: config.clock.clone(),
        studies,
        public_url: config.public_url.clone(),
        min_group_size: config.min_group_size,
        workshop_min_group: config.workshop_min_group,
        require_two_factor: config.require_two_factor,
        sealing_key,
        stopping: app::state::Stopping::default(),
    };
    let routes = generate_route_list(App);
    let page_context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            app::security::provide_page_policy();
        }
    };
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, page_context.clone(), move || {
            shell(leptos_options.clone())
        })
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            app::auth::check_session_before_staff_pages,
        ));
    let app = Router::new()
        .merge(app::survey::routes())
        .merge(app::admin::routes())
        .merge(app::authoring::routes())
        .merge(app::workshop::routes())
        .merge(app::analysis::routes())
        .merge(app::export::download::routes())
        .merge(app::redaction::routes())
        .merge(pages)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context, shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::form_posts::reject_cross_site_requests,
        ))
        .merge(crate::ops::health_routes())
        .merge(
            assets
                .map(|assets| assets.routes(&state.leptos_options.site_pkg_dir))
                .unwrap_or_default(),
        );
    let router = crate::ops::wrap(app, &state, &config.operations).with_state(state.clone());
    Ok((router, state))
}

/// Publishes the study files (a file changed since it was last read becomes a new version) and
/// reads back the catalogue with every version, so responses are shown with the wording their
/// participants saw.
async fn publish_and_load_studies(
    config: &Config,
    storage: &Storage,
) -> Result<Catalogue, StartupError> {
    let files = Studies::load_dir(&config.studies_dir, &config.default_study)?;
    let today = config.clock.today();
    for study in files.iter() {
        storage
            .study_definitions()
            .register(&study.slug, &study.version, &study.source, today)
            .await?;
    }
    Ok(Catalogue::load(storage, &config.default_study).await?)
}

/// The name cargo-leptos gives the wasm, JS and CSS files (the `name` in Cargo.toml's metadata).
pub const OUTPUT_NAME: &str = "vignette";

/// Reads the Leptos settings cargo-leptos passes in the environment. A binary built by plain
/// cargo has no output name compiled in, so it falls back to this project's names.
pub fn leptos_options() -> Result<LeptosOptions, StartupError> {
    match get_configuration(None) {
        Ok(config) => Ok(config.leptos_options),
        Err(_) => {
            let site_root =
                std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
            let mut options = LeptosOptions::builder()
                .output_name(OUTPUT_NAME)
                .site_root(site_root)
                .build();
            if let Some(addr) = std::env::var("LEPTOS_SITE_ADDR")
                .ok()
                .and_then(|a| a.parse().ok())
            {
                options.site_addr = addr;
            }
            Ok(options)
        }
    }
}

/// A server bound and ready: its address, and the future that serves until shut down.
pub struct Running {
    pub addr: SocketAddr,
    /// Printed at first start, while there is no account: the one-time link that creates the owner.
    pub setup_link: Option<String>,
    pub serve: std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<()>> + Send>>,
}

pub async fn bind(config: &Config, leptos_options: LeptosOptions) -> Result<Running, StartupError> {
    let addr = config.listen_addr.unwrap_or(leptos_options.site_addr);
    if !addr.ip().is_loopback() && config.public_url.is_none() {
        return Err(StartupError::PublicUrlRequired(addr));
    }
    let (router, state) = build(config, leptos_options).await?;
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let setup_link = first_owner_setup_link(&state, addr).await?;
    let operations = config.operations.clone();
    let stopping = state.stopping.clone();
    let serve = async move {
        let shutdown = async move {
            shutdown_signal().await;
            stopping.begin();
        };
        crate::ops::connections::serve(listener, router, &operations, shutdown).await
    };
    Ok(Running {
        addr,
        setup_link,
        serve: Box::pin(serve),
    })
}

/// The key from TWO_FACTOR_KEY, else from its file (made on first start).
fn sealing_key(config: &Config) -> Result<SealingKey, StartupError> {
    let key = match &config.two_factor_key {
        Some(hex) => SealingKey::from_hex(hex),
        None => SealingKey::load_or_create(&config.two_factor_key_file),
    };
    key.map_err(|e| StartupError::Account(format!("two-factor key: {e}")))
}

/// Expired sessions and spent links are deleted at start and then every ten minutes, so the
/// database holds no credential that could still be replayed from a backup; so are workshops
/// past their keeping time, with their phones and answers, and analysis imports left undecided
/// for a day, with the extracts of their files.
async fn purge_expired_regularly(storage: domain::storage::Storage, clock: domain::clock::Clock) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        if let Err(e) = storage
            .purge_expired(clock.now(), app::auth::session::LIFETIMES)
            .await
        {
            tracing::warn!("purging expired sessions and links failed: {e}");
        }
        if let Err(e) = storage.workshops().delete_expired(clock.now()).await {
            tracing::warn!("deleting workshops past their keeping time failed: {e}");
        }
        if let Err(e) = storage.analysis().delete_expired_imports(clock.now()).await {
            tracing::warn!("deleting undecided analysis imports failed: {e}");
        }
    }
}

const SETUP_LINK_SECONDS: i64 = 60 * 60;

/// With no account yet, makes a link that creates the first owner, once, within the hour.
async fn first_owner_setup_link(
    state: &AppState,
    addr: SocketAddr,
) -> Result<Option<String>, StartupError> {
    if state.storage.staff().count().await? > 0 {
        return Ok(None);
    }
    let token = domain::secret_token::SecretToken::generate();
    let expires = state.clock.now() + SETUP_LINK_SECONDS;
    state
        .storage
        .staff()
        .create_setup_link(&token.storage_hash(), expires)
        .await?;
    let site = state
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    Ok(Some(format!(
        "{}/admin/setup/{}",
        site.trim_end_matches('/'),
        token.as_str()
    )))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Turns off two-factor sign-in of an account (a lost phone); returns the normalised address.
pub async fn reset_two_factor(config: &Config, email: &str) -> Result<String, StartupError> {
    let email =
        domain::accounts::Email::parse(email).map_err(|e| StartupError::Account(e.to_string()))?;
    let storage = Storage::connect(&config.database_url).await?;
    let no_account =
        || StartupError::Account(format!("there is no account for {}", email.as_str()));
    let staff = storage
        .staff()
        .by_email(email.as_str())
        .await?
        .ok_or_else(no_account)?;
    if !storage.staff().reset_two_factor(&staff.id).await? {
        return Err(no_account());
    }
    storage
        .audit_log()
        .record(
            config.clock.now(),
            Actor::CommandLine,
            AuditAction::TwoFactorReset,
            email.as_str(),
        )
        .await?;
    Ok(email.as_str().to_owned())
}

/// Seals every two-factor secret under the key in `new_key_file` (made there when missing),
/// all or none; returns how many. The current key is the configured one.
pub async fn rotate_two_factor_key(
    config: &Config,
    new_key_file: &std::path::Path,
) -> Result<usize, StartupError> {
    let current = sealing_key(config)?;
    let new = SealingKey::load_or_create(new_key_file)
        .map_err(|e| StartupError::Account(format!("new two-factor key: {e}")))?;
    if new.to_hex() == current.to_hex() {
        return Err(StartupError::Account(
            "the new two-factor key is the current one".into(),
        ));
    }
    let storage = Storage::connect(&config.database_url).await?;
    let count = storage
        .staff()
        .reseal_two_factor_secrets(&current, &new)
        .await
        .map_err(|e| StartupError::Account(e.to_string()))?;
    storage
        .audit_log()
        .record(
            config.clock.now(),
            Actor::CommandLine,
            AuditAction::TwoFactorKeyRotated,
            &format!("{count} secrets sealed under the new key"),
        )
        .await?;
    Ok(count)
}

/// `server backup --out FILE`: a consistent copy of the SQLite database, taken while it serves.
pub async fn back_up(config: &Config, out: &std::path::Path) -> Result<(), StartupError> {
    let storage = Storage::connect(&config.database_url).await?;
    storage.back_up_to(out).await?;
    Ok(())
}

/// Adds a staff account from the command line, a researcher with the studies they read; returns
/// the normalised email address.
pub async fn add_user(
    config: &Config,
    email: &str,
    role: &str,
    password: &str,
    studies: &[String],
) -> Result<String, StartupError> {
    use domain::accounts::{Email, NewPassword, Role};
    let email = Email::parse(email).map_err(|e| StartupError::Account(e.to_string()))?;
    let role = Role::parse(role).ok_or_else(|| {
        StartupError::Account(format!(
            "unknown role \"{role}\": use owner, researcher or trainer"
        ))
    })?;
    let password =
        NewPassword::parse(password).map_err(|e| StartupError::Account(e.to_string()))?;
    if role != Role::Researcher && !studies.is_empty() {
        return Err(StartupError::Account(
            "--study is for researchers: owners read every study, trainers none".into(),
        ));
    }
    let storage = Storage::connect(&config.database_url).await?;
    let studies = known_studies(config, &storage, studies).await?;
    let now = config.clock.now();
    let hash = password.hash();
    let new = domain::storage::NewStaff {
        email: email.as_str(),
        password_hash: &hash,
        role: role.as_str(),
        now,
    };
    let id = match storage.staff().create(new).await {
        Ok(id) => id,
        Err(domain::storage::StorageError::Duplicate) => {
            return Err(StartupError::Account(format!(
                "an account for {} already exists",
                email.as_str()
            )));
        }
        Err(other) => return Err(other.into()),
    };
    storage
        .audit_log()
        .record(
            now,
            Actor::CommandLine,
            AuditAction::AccountCreated,
            &format!("{} as {}", email.as_str(), role.as_str()),
        )
        .await?;
    for study in &studies {
        storage
            .study_members()
            .add(study, &id, config.clock.today())
            .await?;
        let detail = format!("{study}: added {}; removed no one", email.as_str());
        storage
            .audit_log()
            .record(
                now,
                Actor::CommandLine,
                AuditAction::StudyMembersChanged,
                &detail,
            )
            .await?;
    }
    Ok(email.as_str().to_owned())
}

/// The slugs given, each a study of the study files or the catalogue.
async fn known_studies(
    config: &Config,
    storage: &Storage,
    slugs: &[String],
) -> Result<Vec<domain::ids::StudySlug>, StartupError> {
    let mut known: std::collections::BTreeSet<String> = storage
        .study_definitions()
        .versions()
        .await?
        .into_iter()
        .map(|version| version.slug.to_string())
        .collect();
    if let Ok(files) = Studies::load_dir(&config.studies_dir, &config.default_study) {
        known.extend(files.iter().map(|study| study.slug.to_string()));
    }
    slugs
        .iter()
        .map(|slug| match domain::ids::StudySlug::parse(slug) {
            Ok(parsed) if known.contains(parsed.as_str()) => Ok(parsed),
            _ => Err(StartupError::Account(format!(
                "no study \"{slug}\": the studies are {}",
                known.iter().cloned().collect::<Vec<_>>().join(", ")
            ))),
        })
        .collect()
}

/// `server export`: one export of a study into a file, with progress on a terminal.
pub async fn export(
    config: &Config,
    slug: &str,
    format: &str,
    out: &std::path::Path,
    options: domain::export::ExportOptions,
) -> Result<u64, StartupError> {
    use domain::export::{ExportFormat, WriterSink, write_export};
    let format = ExportFormat::from_slug(format).ok_or_else(|| {
        let known: Vec<_> = ExportFormat::ALL.iter().map(|f| f.slug()).collect();
        StartupError::Export(format!(
            "unknown format \"{format}\": use one of {}",
            known.join(", ")
        ))
    })?;
    let storage = Storage::connect(&config.database_url).await?;
    let studies = publish_and_load_studies(config, &storage).await?;
    let study = studies
        .get(slug)
        .ok_or_else(|| StartupError::Export(format!("there is no study \"{slug}\"")))?;
    let total = storage.exports().count_submitted(&study.slug).await?;
    storage
        .audit_log()
        .record(
            config.clock.now(),
            Actor::CommandLine,
            AuditAction::ExportedData,
            &format!("study {slug}, {}, {}", format.slug(), options.describe()),
        )
        .await?;
    let file = tokio::fs::File::create(out).await?;
    let mut sink = WriterSink(tokio::io::BufWriter::with_capacity(256 * 1024, file));
    let mut progress = crate::progress::Progress::on_terminal(total);
    let versions = studies.versions_of(&study.slug);
    // The command line is the server's operator, who sees every coder's codings.
    let blinding = domain::analysis::Blinding::open("the command line");
    let written = write_export(
        &storage,
        (&*study, &versions),
        format,
        options,
        &blinding,
        &mut sink,
        &mut |n| progress.show(n),
    )
    .await
    .map_err(|e| StartupError::Export(e.to_string()))?;
    progress.done();
    let minimum = config.min_group_size;
    let small = domain::export::small_groups::small_groups_of(&storage, &study, minimum).await?;
    if let Some(warning) = domain::export::small_groups::warning(&study, &small, minimum) {
        eprintln!("warning: {warning}");
    }
    warn_of_unreviewed_identifiers(&storage, &study, config.clock.now()).await?;
    Ok(written)
}

/// Exports hide only accepted findings: says how many still wait for a researcher's decision.
async fn warn_of_unreviewed_identifiers(
    storage: &Storage,
    study: &domain::study::Study,
    now: i64,
) -> Result<(), StartupError> {
    domain::redaction::review::scan_new_responses(storage, study, now).await?;
    let pending = storage
        .redactions()
        .counts(&study.slug)
        .await?
        .into_iter()
        .find(|(status, _)| *status == domain::storage::RedactionStatus::Pending)
        .map_or(0, |(_, n)| n);
    if pending > 0 {
        eprintln!(
            "warning: {pending} possible identifiers in answers await review at /admin/studies/{}/redactions; exports replace only accepted ones",
            study.slug
        );
    }
    Ok(())
}
