//! Reading a server-sent event feed (a workshop's live feed) as a browser's EventSource would:
//! blocks separated by a blank line, `event:`, `id:` and `data:` fields, `:` comments (the
//! keep-alives) skipped.

use reqwest::{Client, header};

/// One event as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    pub name: String,
    pub id: Option<String>,
    pub data: String,
}

/// An open feed.
pub struct EventFeed {
    response: reqwest::Response,
    buffer: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("the feed could not be opened: {0}")]
    Request(#[from] reqwest::Error),
    #[error("the feed answered {0}")]
    Status(reqwest::StatusCode),
    #[error("the feed answered with {0:?}, not text/event-stream")]
    NotAFeed(Option<String>),
}

/// A client for feeds: unlike the load target's, no overall timeout, since a feed never ends.
pub fn feed_client() -> Client {
    Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("a client builds")
}

impl EventFeed {
    pub async fn open(client: &Client, url: &str, cookie: Option<&str>) -> Result<Self, FeedError> {
        let mut request = client.get(url).header(header::ACCEPT, "text/event-stream");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = request.send().await?;
        if !response.status().is_success() {
            return Err(FeedError::Status(response.status()));
        }
        let kind = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if !kind
            .as_deref()
            .is_some_and(|k| k.starts_with("text/event-stream"))
        {
            return Err(FeedError::NotAFeed(kind));
        }
        Ok(Self {
            response,
            buffer: Vec::new(),
        })
    }

    /// The next event; `None` once the server has ended the feed.
    pub async fn next(&mut self) -> Result<Option<FeedEvent>, FeedError> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse_block(&String::from_utf8_lossy(&block)) {
                    return Ok(Some(event));
                }
                continue;
            }
            match self.response.chunk().await? {
                Some(bytes) => self.buffer.extend_from_slice(&bytes),
                None => return Ok(None),
            }
        }
    }
}

/// One block's event; `None` for a block of comments only.
fn parse_block(block: &str) -> Option<FeedEvent> {
    let mut name = None;
    let mut id = None;
    let mut data: Vec<&str> = Vec::new();
    for line in block.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => name = Some(value.to_owned()),
            "id" => id = Some(value.to_owned()),
            "data" => data.push(value),
            _ => {}
        }
    }
    if name.is_none() && data.is_empty() {
        return None;
    }
    Some(FeedEvent {
        name: name.unwrap_or_else(|| "message".to_owned()),
        id,
        data: data.join("\n"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_gives_its_name_id_and_data_and_comments_give_nothing() {
        let event = parse_block("event: state\nid: 7\ndata: {\"step\":2}\nretry: 1000").unwrap();
        assert_eq!(event.name, "state");
        assert_eq!(event.id.as_deref(), Some("7"));
        assert_eq!(event.data, "{\"step\":2}");
        assert_eq!(parse_block(":\n"), None);
        assert_eq!(parse_block(": keep-alive"), None);
        let lines = parse_block("data: one\ndata: two").unwrap();
        assert_eq!(
            (lines.name.as_str(), lines.data.as_str()),
            ("message", "one\ntwo")
        );
    }
}
