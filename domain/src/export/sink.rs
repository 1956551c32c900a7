//! Where an export's bytes go: a file (the command line) or an HTTP body (the researcher area).

use std::future::Future;
use std::io;

use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
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

/// Bytes of a file sent to a sink at a time.
const FILE_CHUNK: usize = 64 * 1024;

/// Sends a file, from where it stands to its end, to `sink` chunk by chunk: formats whose writer
/// needs a whole file (XLSX) are written to a temporary file first and streamed from there.
pub(super) async fn send_file(file: std::fs::File, sink: &mut impl ExportSink) -> io::Result<()> {
    let mut file = tokio::fs::File::from_std(file);
    loop {
        let mut chunk = vec![0; FILE_CHUNK];
        let read = file.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        chunk.truncate(read);
        sink.write(chunk).await?;
    }
}
