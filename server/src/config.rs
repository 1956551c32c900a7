use std::net::SocketAddr;
use std::path::PathBuf;

use app::rate_limit::PerMinute;
use clap::builder::PossibleValuesParser;
use clap::{Parser, Subcommand};
use domain::export::ExportFormat;

#[derive(Debug, Parser)]
#[command(name = "server", about = "The vignette study platform", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the platform (the default).
    Serve,
    /// Check the study files and exit: prints each study, or the first problem found.
    CheckStudies,
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Copy the SQLite database, while the server runs, into a new file (SQLite only; for
    /// PostgreSQL use pg_dump). Restore by starting the server with DATABASE_URL=sqlite://FILE.
    Backup {
        /// The backup file to create; an existing file is never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
    /// Seal every two-factor secret under a new key, all or none. The new key is read from
    /// NEW_KEY_FILE, or made there (readable by its owner only) when the file does not exist.
    /// Then point TWO_FACTOR_KEY_FILE (or TWO_FACTOR_KEY) of every instance at the new key and
    /// restart them: until then they cannot check two-factor codes.
    RotateTwoFactorKey {
        #[arg(long)]
        new_key_file: PathBuf,
    },
    /// Write an anonymised export of a study's submitted responses to a file (audit-logged).
    /// Shows progress on standard error when it is a terminal.
    Export {
        /// The study's slug, e.g. sam.
        #[arg(long)]
        study: String,
        /// The export format.
        #[arg(long, value_parser = PossibleValuesParser::new(ExportFormat::ALL.map(ExportFormat::slug)))]
        format: String,
        /// The file to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
        /// Experience in exact months instead of bands.
        #[arg(long)]
        exact_experience: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account. The password is read from standard input (one line), never from a flag.
    Add {
        #[arg(long)]
        email: String,
        /// owner, researcher or trainer
        #[arg(long)]
        role: String,
        /// A study (by slug) a researcher reads; repeat for several. Owners read every study, and
        /// add researchers to studies in the researcher area.
        #[arg(long = "study", value_name = "SLUG")]
        studies: Vec<String>,
    },
    /// Turn off two-factor sign-in of an account whose phone is lost; it is set up again at the
    /// next sign-in. Ends the account's sessions.
    ResetTwoFactor {
        #[arg(long)]
        email: String,
    },
}

/// Settings, each from a flag or an environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// The clock every part of the app reads (the system's; tests move it).
    #[arg(skip)]
    pub clock: domain::clock::Clock,
    /// Where the database is: sqlite://PATH (created and migrated on start).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/vignette.db",
        // A PostgreSQL address holds its password: `--help` must not print it.
        hide_env_values = true
    )]
    pub database_url: String,
    /// The folder of study definition files (*.toml).
    #[arg(long, env = "STUDIES_DIR", default_value = "studies")]
    pub studies_dir: PathBuf,
    /// The study the start page offers.
    #[arg(long, env = "DEFAULT_STUDY", default_value = "sam")]
    pub default_study: String,
    /// The address participants reach the site at, used in private resume links
    /// (e.g. https://survey.example.org). Defaults to the request's Host.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Breakdown groups (e.g. Likert answers of one setting) smaller than this are suppressed.
    #[arg(long, env = "MIN_GROUP_SIZE", default_value_t = 10)]
    pub min_group_size: i64,
    /// In a workshop, a breakdown (how the same phones moved, one version's ratings) of fewer
    /// phones than this is not shown.
    #[arg(long, env = "WORKSHOP_MIN_GROUP", default_value_t = 5)]
    pub workshop_min_group: i64,
    /// Owners and researchers sign in with a code from an authenticator app as well as their
    /// password. Turn off only where another layer (e.g. single sign-on in front) does this.
    #[arg(long, env = "REQUIRE_TWO_FACTOR", default_value_t = true, action = clap::ArgAction::Set)]
    pub require_two_factor: bool,
    /// The key that seals two-factor secrets in the database: 64 hexadecimal digits. Every
    /// instance sharing a database needs the same key.
    #[arg(long, env = "TWO_FACTOR_KEY", hide_env_values = true)]
    pub two_factor_key: Option<String>,
    /// Where the key is kept when TWO_FACTOR_KEY is not set; created (readable by its owner only)
    /// on first start. Back it up apart from the database.
    #[arg(
        long,
        env = "TWO_FACTOR_KEY_FILE",
        default_value = "data/two-factor.key"
    )]
    pub two_factor_key_file: PathBuf,
    /// Where to listen; defaults to cargo-leptos's LEPTOS_SITE_ADDR, else 127.0.0.1:3000.
    #[arg(long, env = "LISTEN_ADDR")]
    pub listen_addr: Option<SocketAddr>,
    #[command(flatten)]
    pub operations: Operations,
}

pub const DEFAULT_REQUESTS_PER_MINUTE: &str = "20000";
pub const DEFAULT_STARTS_PER_MINUTE: &str = "600";
pub const DEFAULT_SIGN_IN_ATTEMPTS_PER_MINUTE: &str = "20";
pub const DEFAULT_REQUEST_TIMEOUT_SECONDS: u64 = 30;
pub const DEFAULT_HEADER_READ_TIMEOUT_SECONDS: u64 = 10;
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;

/// How the server protects itself and reports what it does.
#[derive(Debug, Clone, clap::Args)]
pub struct Operations {
    /// Survey requests (pages, answers, autosaves) one client address may make per minute, and at
    /// once. Generous: a whole NHS trust may reach the site through one address.
    #[arg(long, env = "RATE_LIMIT_REQUESTS_PER_MINUTE", default_value = DEFAULT_REQUESTS_PER_MINUTE)]
    pub requests_per_minute: PerMinute,
    /// New responses (consents) one client address may start per minute, and at once.
    #[arg(long, env = "RATE_LIMIT_STARTS_PER_MINUTE", default_value = DEFAULT_STARTS_PER_MINUTE)]
    pub starts_per_minute: PerMinute,
    /// Sign-in attempts (passwords, two-factor codes, setup and invitation links) and withdrawal
    /// codes one client address may try per minute, and at once. Accounts have their own hourly limit.
    #[arg(long, env = "RATE_LIMIT_SIGN_INS_PER_MINUTE", default_value = DEFAULT_SIGN_IN_ATTEMPTS_PER_MINUTE)]
    pub sign_in_attempts_per_minute: PerMinute,
    /// Take the client address from the last X-Forwarded-For entry. Only behind a proxy that sets it.
    #[arg(long, env = "TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// A request still unanswered after this many seconds gets 408 and its work is dropped.
    #[arg(long, env = "REQUEST_TIMEOUT_SECONDS", default_value_t = DEFAULT_REQUEST_TIMEOUT_SECONDS)]
    pub request_timeout_seconds: u64,
    /// A connection that has not sent a request's headers whole after this many seconds is closed
    /// (against clients that hold connections open by sending headers slowly).
    #[arg(long, env = "HEADER_READ_TIMEOUT_SECONDS", default_value_t = DEFAULT_HEADER_READ_TIMEOUT_SECONDS)]
    pub header_read_timeout_seconds: u64,
    /// Connections served at once; more wait in the operating system's queue until one closes.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Log lines as human-readable text or as one JSON object a line.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Operations {
    /// The same values as the flags' defaults.
    fn default() -> Self {
        let parse = |value: &str| value.parse().unwrap_or_else(|e| panic!("{e}"));
        Self {
            requests_per_minute: parse(DEFAULT_REQUESTS_PER_MINUTE),
            starts_per_minute: parse(DEFAULT_STARTS_PER_MINUTE),
            sign_in_attempts_per_minute: parse(DEFAULT_SIGN_IN_ATTEMPTS_PER_MINUTE),
            trust_proxy: false,
            request_timeout_seconds: DEFAULT_REQUEST_TIMEOUT_SECONDS,
            header_read_timeout_seconds: DEFAULT_HEADER_READ_TIMEOUT_SECONDS,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            log_format: LogFormat::Text,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use domain::export::ExportFormat;

    use super::Cli;

    #[test]
    fn export_help_lists_every_format() {
        let mut command = Cli::command();
        let help = command
            .find_subcommand_mut("export")
            .expect("an export subcommand")
            .render_long_help()
            .to_string();
        for format in ExportFormat::ALL {
            assert!(
                help.contains(format.slug()),
                "{} missing from:\n{help}",
                format.slug()
            );
        }
    }
}
