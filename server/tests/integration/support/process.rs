//! The real server binary as a child process: for tests that need several instances, a kill, a
//! restart or a signal. (Several servers inside one test process are not how production runs.)

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct ServerProcess {
    child: Child,
    pub url: String,
    /// Every line the server wrote to standard output, as it writes them.
    lines: mpsc::Receiver<String>,
}

impl ServerProcess {
    /// Starts `server` on `database_url` and waits until it listens (on a port of its choosing).
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .env("DATABASE_URL", database_url)
            .env("STUDIES_DIR", super::studies_dir())
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "warn,server=info")
            .env("NO_COLOR", "1")
            .env(
                "TWO_FACTOR_KEY",
                domain::accounts::secret_box::SealingKey::generate().to_hex(),
            )
            .env_remove("PUBLIC_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the server binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Self {
            child,
            url: String::new(),
            lines,
        };
        server.url = server.wait_for_address();
        server
    }

    fn wait_for_address(&mut self) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .expect("the server says where it listens within a minute");
            if let Some(at) = line.find("serving on http://") {
                let rest = &line[at + "serving on ".len()..];
                return rest
                    .split(|c: char| c.is_whitespace() || c == '"')
                    .next()
                    .unwrap_or(rest)
                    .to_owned();
            }
        }
    }

    /// SIGKILL: the process ends at once, as in a crash or a power cut of the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM: asks for a graceful shutdown.
    pub fn terminate(&self) {
        let pid = i32::try_from(self.child.id()).expect("a pid fits in i32");
        // SAFETY: kill(2) with a valid signal number on our own child's pid has no memory effects.
        let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(sent, 0, "SIGTERM sent");
    }

    /// Waits for the process to end by itself.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = std::time::Instant::now() + limit;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("process status") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The lines written to standard output so far.
    /// The next line the server writes that `wanted` accepts, waiting up to `limit` for it.
    pub fn wait_for_line(&self, wanted: impl Fn(&str) -> bool, limit: Duration) -> Option<String> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            let line = self.lines.recv_timeout(left).ok()?;
            if wanted(&line) {
                return Some(line);
            }
        }
    }

    pub fn output(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
