//! Where an export's bytes go: a file (the command line) or an HTTP body (the researcher area).

use std::future::Future;
use std::io;

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

/// Takes an export's text piece by piece.
pub trait ExportSink: Send {
    fn write(&mut self, chunk: Vec<u8>) -> impl Future<Output = io::Result<()>> + Send;
    fn finish(&mut self) -> impl Future<Output = io::Result<()>> + Send;
}

/// Writes to a file or any other async writer (buffer it: every participant is one write).
pub struct WriterSink<W>(pub W);

impl<W: AsyncWrite + Unpin + Send> ExportSink for WriterSink<W> {
    async fn write(&mut self, chunk: Vec<u8>) -> io::Result<()> {
        self.0.write_all(&chunk).await
    }

    async fn finish(&mut self) -> io::Result<()> {
        self.0.flush().await
    }
}

/// Sends each piece to an HTTP body. The channel is small, so a slow download holds the export
/// back instead of letting it pile up in memory.
pub struct ChannelSink(pub mpsc::Sender<io::Result<Vec<u8>>>);

impl ExportSink for ChannelSink {
    async fn write(&mut self, chunk: Vec<u8>) -> io::Result<()> {
        self.0
            .send(Ok(chunk))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the download was cancelled"))
    }

    async fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}
