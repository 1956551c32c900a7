//! `loadtest run`: N respondents walk the whole survey at once, then what they sent is compared
//! with what the database holds. `loadtest bench`: the two benchmark ratios. `loadtest workshop`:
//! a facilitator and many phones on a workshop's live feed. See README.md.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use domain::storage::Storage;
use domain::study::Study;
use loadtest::journey::{Pace, run_respondents};
use loadtest::target::Target;
use loadtest::{bench, verify, workshop};

#[derive(Parser)]
#[command(
    name = "loadtest",
    about = "Load and benchmark the vignette study platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate respondents doing the whole journey, then check the database.
    Run(RunArgs),
    /// Measure the two ratios: SSR page over static file, autosave over raw upsert.
    Bench(BenchArgs),
    /// A facilitator steps a workshop while phones follow its live feed and answer; reports the
    /// time from each step to each phone, then checks every answer is in the database.
    Workshop(WorkshopArgs),
}

#[derive(Args)]
struct WorkshopArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long, default_value_t = 100)]
    phones: usize,
    /// A phone that has not heard a step after this many seconds counts as stuck.
    #[arg(long, default_value_t = 10)]
    event_timeout_seconds: u64,
}

#[derive(Args)]
struct Common {
    /// A server's address; give it twice (or more) for requests to take turns between instances.
    #[arg(long = "url", required = true)]
    urls: Vec<String>,
    /// The database the servers use, opened directly to check what is stored.
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// The study file the respondents answer (as the servers load it).
    #[arg(long, default_value = "studies/sam.toml")]
    study: PathBuf,
    /// A request unanswered after this many seconds counts as hung.
    #[arg(long, default_value_t = 30)]
    timeout_seconds: u64,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long, default_value_t = 200)]
    respondents: usize,
    /// Pause before each request, in milliseconds: "MIN-MAX" (drawn at random) or one number.
    #[arg(long, default_value = "300-1500", value_parser = parse_think)]
    think_ms: (u64, u64),
    /// Respondents start at random moments within this many seconds (0: all at once).
    #[arg(long, default_value_t = 5)]
    ramp_seconds: u64,
}

#[derive(Args)]
struct BenchArgs {
    #[command(flatten)]
    common: Common,
    /// The server's LEPTOS_SITE_ROOT, where a static copy of the page is written for the run.
    #[arg(long, default_value = "target/site")]
    site_root: PathBuf,
    #[arg(long, default_value_t = 10)]
    seconds_per_phase: u64,
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
}

fn parse_think(text: &str) -> Result<(u64, u64), String> {
    let (low, high) = text.split_once('-').unwrap_or((text, text));
    let number = |t: &str| t.trim().parse::<u64>().map_err(|e| format!("{t}: {e}"));
    let (low, high) = (number(low)?, number(high)?);
    if low > high {
        return Err(format!("{low} is more than {high}"));
    }
    Ok((low, high))
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Run(args) => run(args).await,
        Command::Bench(args) => run_bench(args).await,
        Command::Workshop(args) => run_workshop(args).await,
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

type Failure = Box<dyn std::error::Error>;

async fn open(common: &Common) -> Result<(Arc<Target>, Storage, Study), Failure> {
    let target = Target::new(
        common.urls.clone(),
        Duration::from_secs(common.timeout_seconds),
    )?;
    let storage = Storage::connect(&common.database_url).await?;
    let study = Study::load(&common.study)?;
    Ok((Arc::new(target), storage, study))
}

/// Prints the figures and the verdict; true when nothing was lost, hung or refused.
async fn run(args: RunArgs) -> Result<bool, Failure> {
    let (target, storage, study) = open(&args.common).await?;
    let before = storage.responses().count(&study.slug).await?;
    let pace = Pace {
        think_ms: args.think_ms.0..=args.think_ms.1,
    };
    println!(
        "{} respondents on {} server(s), pauses {}-{} ms, start within {} s",
        args.respondents,
        target.bases().len(),
        args.think_ms.0,
        args.think_ms.1,
        args.ramp_seconds
    );
    let started = Instant::now();
    let study = Arc::new(study);
    let ramp = Duration::from_secs(args.ramp_seconds);
    let ledgers =
        run_respondents(target.clone(), study.clone(), pace, args.respondents, ramp).await;
    let wall = started.elapsed();
    print!("{}", target.stats.table(wall));
    let verdict = verify::verify(&storage, &study.slug, &ledgers, before).await?;
    print!("{}", verdict.report());
    let stopped: Vec<_> = ledgers.iter().filter_map(|l| l.stopped.as_ref()).collect();
    for reason in stopped.iter().take(5) {
        println!("  a journey stopped: {reason}");
    }
    let hung = target.stats.timed_out();
    if hung > 0 {
        println!(
            "!!! {hung} requests never completed within {} s: a server bug",
            args.common.timeout_seconds
        );
    }
    Ok(verdict.is_clean() && stopped.is_empty() && hung == 0)
}

async fn run_workshop(args: WorkshopArgs) -> Result<bool, Failure> {
    let (target, storage, study) = open(&args.common).await?;
    println!(
        "1 facilitator and {} phones in one workshop on {} server(s)",
        args.phones,
        target.bases().len()
    );
    let settings = workshop::WorkshopSettings {
        phones: args.phones,
        event_timeout: Duration::from_secs(args.event_timeout_seconds),
    };
    let started = Instant::now();
    let figures = workshop::run(target.clone(), &storage, Arc::new(study), &settings)
        .await
        .map_err(|error| -> Failure { error })?;
    print!("{}", target.stats.table(started.elapsed()));
    print!("{}", figures.report());
    Ok(figures.is_clean() && target.stats.not_expected() == 0)
}

async fn run_bench(args: BenchArgs) -> Result<bool, Failure> {
    let (target, storage, study) = open(&args.common).await?;
    let settings = bench::BenchSettings {
        phase: Duration::from_secs(args.seconds_per_phase),
        concurrency: args.concurrency,
        site_root: args.site_root,
    };
    let result = bench::run(target.clone(), storage, &study, &settings).await;
    print!("{}", target.stats.table(settings.phase * 4));
    let figures = result?;
    print!("{}", figures.report(&settings));
    Ok(true)
}
