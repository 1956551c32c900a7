//! What truly differs between SQLite and PostgreSQL, in one place: connecting, migrations, the
//! JSON aggregate, online backup, file checks and whether instances notify each other. Every
//! other query is written once in the SQL both understand.

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

use super::StorageError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// The database engines the platform runs on, told apart by the address's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite = 0,
    Postgres = 1,
}

impl Engine {
    pub const ALL: [Self; 2] = [Self::Sqlite, Self::Postgres];

    pub fn of_url(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StorageError::UnsupportedUrl(url.to_owned()))
        }
    }

    /// A pool of connections, set up as this engine needs.
    pub(super) async fn connect(self, url: &str) -> Result<AnyPool, StorageError> {
        match self {
            Self::Sqlite => connect_sqlite(url).await,
            Self::Postgres => Ok(AnyPoolOptions::new()
                .max_connections(16)
                .connect(url)
                .await?),
        }
    }

    pub(super) fn migrations(self) -> &'static Migrator {
        match self {
            Self::Sqlite => &SQLITE_MIGRATIONS,
            Self::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Several instances share a PostgreSQL database and tell each other what happened through
    /// NOTIFY/LISTEN (notifications.rs); SQLite serves one process.
    pub fn relays_notifications(self) -> bool {
        self == Self::Postgres
    }

    /// The SQL aggregate that gathers one response's answers into a JSON object (text).
    pub(super) fn answers_as_json(self) -> &'static str {
        match self {
            Self::Sqlite => "json_group_object(a.question_id, a.value)",
            Self::Postgres => "COALESCE(json_object_agg(a.question_id, a.value), '{}')::text",
        }
    }

    /// The statement that copies the live database into a new file, where the engine has one.
    pub(super) fn online_backup(self) -> Result<&'static str, StorageError> {
        match self {
            Self::Sqlite => Ok("VACUUM INTO $1"),
            Self::Postgres => Err(StorageError::Unsupported(
                "backups of a PostgreSQL database are made with pg_dump",
            )),
        }
    }

    /// Checks of the database file itself: SQLite's; PostgreSQL keeps its own.
    pub(super) fn file_checks(self) -> Option<FileChecks> {
        match self {
            Self::Sqlite => Some(FileChecks {
                integrity: "PRAGMA integrity_check",
                foreign_keys: "PRAGMA foreign_key_check",
            }),
            Self::Postgres => None,
        }
    }
}

/// Statements that check a database file.
pub(super) struct FileChecks {
    /// Answers "ok", or a row per problem found.
    pub integrity: &'static str,
    /// Answers a row per row that breaks a foreign key.
    pub foreign_keys: &'static str,
}

/// SQLite needs its settings on every connection. WAL with synchronous=FULL: a save is acknowledged
/// only once it is on disk, so neither a crash of the process nor of the machine loses an answer the
/// participant saw as saved; readers never wait for the writer.
async fn connect_sqlite(url: &str) -> Result<AnyPool, StorageError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let file = std::path::Path::new(path.split('?').next().unwrap_or(path));
    if let Some(parent) = file.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
    }
    let url = if url.contains("mode=") {
        url.to_owned()
    } else {
        format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
    };
    // Create the file and switch it to WAL once, before the pool opens connections to it.
    let mut first = AnyConnection::connect(&url).await?;
    first.execute("PRAGMA journal_mode = WAL").await?;
    first.close().await?;
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(|connection, _| {
            Box::pin(async move {
                connection
                    .execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
                    .await?;
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    Ok(pool)
}
