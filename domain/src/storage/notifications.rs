//! Notifications between app instances: PostgreSQL's NOTIFY and LISTEN. SQLite serves one
//! process, which needs none.

use std::sync::Arc;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};

use super::{Engine, Storage, StorageError};

/// The name the listening connection gives itself, so an operator (or a test) can find it.
pub const LISTENER_APPLICATION_NAME: &str = "vignette-events";

impl Storage {
    /// Sends `payload` to every instance listening on `channel`; nothing on SQLite.
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<(), StorageError> {
        if self.engine != Engine::Postgres {
            return Ok(());
        }
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A connection that receives what any instance sends on `channel`; none on SQLite.
    pub async fn listen(&self, channel: &str) -> Result<Option<Notifications>, StorageError> {
        let Some(url) = self.postgres_url.as_deref() else {
            return Ok(None);
        };
        let options: PgConnectOptions = url.parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(options.application_name(LISTENER_APPLICATION_NAME));
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(channel).await?;
        Ok(Some(Notifications { listener }))
    }
}

/// One listening connection.
pub struct Notifications {
    listener: PgListener,
}

impl Notifications {
    /// The next payload; `None` once the connection is lost (listen again, and assume that
    /// anything sent meanwhile was missed).
    pub async fn next(&mut self) -> Option<String> {
        match self.listener.try_recv().await {
            Ok(Some(notification)) => Some(notification.payload().to_owned()),
            Ok(None) | Err(_) => None,
        }
    }
}

/// Kept by `Storage` for PostgreSQL: the listener opens a connection of its own.
pub(super) type PostgresUrl = Option<Arc<str>>;
