//! Operations: health checks, security headers, body limits, per-client rate limits, logs that
//! name no one, and a graceful shutdown on SIGTERM that lets requests in flight finish.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::TestApp;
use crate::support::process::ServerProcess;
use reqwest::{StatusCode, header};
use server::config::Operations;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get_html("/healthz").await,
        (StatusCode::OK, "ok".into())
    );
    assert_eq!(
        app.get_html("/readyz").await,
        (StatusCode::OK, "ready".into())
    );
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response
        .headers()
        .get(&name)
        .unwrap_or_else(|| panic!("{name} is set on {}", response.url()))
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn pages_allow_exactly_their_own_inline_scripts() {
    let app = TestApp::spawn().await;
    // A page a route renders, and one a form post renders by hand (its errors).
    let rejected = app.post_form("/s/sam/consent", &[]).await;
    assert_eq!(rejected.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for response in [app.get("/s/sam/consent").await, rejected] {
        assert_only_its_own_scripts_run(response).await;
    }
}

async fn assert_only_its_own_scripts_run(response: reqwest::Response) {
    let policy = header_of(&response, header::CONTENT_SECURITY_POLICY);
    let html = response.text().await.unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the page's policy has a nonce");
    assert!(nonce.len() >= 16, "{nonce}");
    let scripts = html.matches("<script").count();
    assert!(scripts > 0, "the page hydrates with an inline script");
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        html.matches("nonce=\"").count(),
        "every nonce in the page is the policy's"
    );
    for directive in [
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{policy}");
    }
}

#[tokio::test]
async fn every_response_has_a_nonce_of_its_own() {
    let app = TestApp::spawn().await;
    let policy = header_of(
        &app.get("/s/sam/consent").await,
        header::CONTENT_SECURITY_POLICY,
    );
    let again = app.get("/s/sam/consent").await;
    assert_ne!(
        header_of(&again, header::CONTENT_SECURITY_POLICY),
        policy,
        "a new nonce per response"
    );
}

#[tokio::test]
async fn every_page_that_hydrates_names_its_nonce_in_its_policy() {
    let app = TestApp::spawn().await;
    let token = app.submit_response("inpatient", "Their cooking").await;
    let session = app.signed_in_as("researcher").await;
    let private_link = format!("/r/{token}");
    for page in [
        "/",
        private_link.as_str(),
        "/admin",
        "/admin/studies/sam",
        "/admin/studies/sam/responses",
        "/admin/studies/sam/questions/r2",
        "/admin/studies/sam/questions/r2?setting=inpatient",
        "/admin/studies/sam/likert",
        "/admin/studies/sam/versions",
    ] {
        for _ in 0..5 {
            let response = app.get_with_cookie(page, &session).await;
            assert_eq!(response.status(), StatusCode::OK, "{page}");
            let policy = header_of(&response, header::CONTENT_SECURITY_POLICY);
            assert!(policy.contains("'nonce-"), "{page}: {policy}");
        }
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    let responses = [
        app.get("/").await,
        app.get("/healthz").await,
        app.get("/no/such/page").await,
        app.get("/favicon.svg").await,
        app.post_form("/s/sam/consent", &[("nonsense", "1")]).await,
        app.post_step(&token, "about-you", &[("setting", "inpatient")])
            .await,
    ];
    for response in responses {
        let at = response.url().path().to_owned();
        assert!(
            header_of(&response, header::CONTENT_SECURITY_POLICY).contains("object-src 'none'"),
            "{at}"
        );
        assert_eq!(
            header_of(&response, header::X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{at}"
        );
        assert_eq!(
            header_of(&response, header::REFERRER_POLICY),
            "same-origin",
            "{at}"
        );
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "no-store",
            "nothing but hashed assets is kept in a shared browser's cache ({at})"
        );
        assert!(
            response
                .headers()
                .get(header::STRICT_TRANSPORT_SECURITY)
                .is_none(),
            "no HSTS over plain HTTP ({at})"
        );
    }
}

#[tokio::test]
async fn with_a_public_url_requests_for_another_host_are_refused() {
    let app = TestApp::spawn_with_public_url(Some("https://survey.example.org")).await;
    let as_host = |host: &'static str, path: &str| {
        app.client
            .get(app.url(path))
            .header(header::HOST, host)
            .send()
    };
    let stray = as_host("evil.example.net", "/").await.unwrap();
    assert_eq!(stray.status(), StatusCode::MISDIRECTED_REQUEST);
    assert!(
        stray
            .text()
            .await
            .unwrap()
            .contains("survey.example.org only")
    );
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::MISDIRECTED_REQUEST,
        "an address, not the name"
    );
    assert_eq!(
        as_host("Survey.Example.org", "/").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        as_host("evil.example.net", "/healthz")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn hsts_is_sent_when_the_site_is_served_over_https() {
    let app = TestApp::spawn_with_public_url(Some("https://survey.example.org")).await;
    let response = app
        .client
        .get(app.url("/"))
        .header(header::HOST, "survey.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(
        header_of(&response, header::STRICT_TRANSPORT_SECURITY),
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_they_are_read_whole() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    // Only the head is sent, announcing a body over the limit: the answer must come without
    // any of it. (Sending the body as well races the server's early close: a broken pipe.)
    let head = format!(
        "POST /s/sam/answers/sam HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        app.addr,
        crate::support::resume_cookie("sam", &token),
        app::form_posts::FORM_BODY_LIMIT + 1
    );
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 64];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("answered before the body was sent")
        .unwrap();
    let status_line = String::from_utf8_lossy(&answer[..read]);
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");
}

fn limits(requests: &str, starts: &str) -> Operations {
    Operations {
        requests_per_minute: requests.parse().unwrap(),
        starts_per_minute: starts.parse().unwrap(),
        ..Operations::default()
    }
}

#[tokio::test]
async fn a_client_starting_too_many_responses_is_told_to_wait() {
    let app = TestApp::spawn_with(|config| config.operations = limits("1000", "2")).await;
    app.consent().await;
    app.consent().await;
    let refused = app.post_form("/s/sam/consent", &[("consent", "yes")]).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = header_of(&refused, header::RETRY_AFTER).parse().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("your saved answers are safe")
    );
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::OK,
        "pages still load"
    );
}

#[tokio::test]
async fn survey_requests_are_limited_per_client_but_files_and_health_are_not() {
    let app = TestApp::spawn_with(|config| config.operations = limits("3", "100")).await;
    for _ in 0..3 {
        assert_eq!(app.get("/").await.status(), StatusCode::OK);
    }
    assert_eq!(app.get("/").await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    assert_ne!(
        app.get("/favicon.svg").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Runs the server binary at `level`, takes part (consent, a page) and opens the sign-in page;
/// returns the participant's token and every line the server wrote.
fn log_lines_of_taking_part(level: &str) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/logs.db", dir.path().display());
    let mut server =
        ServerProcess::start(&database, &[("RUST_LOG", level), ("LOG_FORMAT", "json")]);
    let consent = send_as_is(&server.url, "POST /s/sam/consent", "", "consent=yes");
    let token = consent
        .split("resume-sam=")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .expect("the private link in a cookie")
        .to_owned();
    let cookie = format!("cookie: resume-sam={token}\r\n");
    send_as_is(&server.url, "GET /s/sam/answers/about-you", &cookie, "");
    send(&server.url, &format!("GET /r/{token}"), "");
    send(&server.url, "GET /admin/sign-in", "");
    server.terminate();
    server
        .wait_for_exit(Duration::from_secs(20))
        .expect("exits");
    (token, server.output())
}

#[test]
fn request_logs_name_routes_not_tokens_or_addresses() {
    // Participants' requests are debug lines (see the next test).
    let (token, lines) = log_lines_of_taking_part("debug");
    let requests: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("\"target\":\"request\""))
        .collect();
    assert!(
        requests
            .iter()
            .any(|l| l.contains("\"route\":\"/s/{study}/answers/{step}\"")),
        "{lines:#?}"
    );
    for line in &lines {
        assert!(!line.contains(&token), "a token was logged: {line}");
    }
    for line in requests {
        assert!(!line.contains("127.0.0.1"), "an address was logged: {line}");
        serde_json::from_str::<serde_json::Value>(line).expect("one JSON object a line");
    }
}

#[test]
fn taking_part_leaves_no_request_line_at_the_default_level() {
    let (_, lines) = log_lines_of_taking_part("info");
    let routes: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("\"target\":\"request\""))
        .collect();
    assert!(
        routes.iter().any(|l| l.contains("/admin/sign-in")),
        "staff requests are still logged: {lines:#?}"
    );
    for line in routes {
        assert!(
            !line.contains("/s/") && !line.contains("/r/"),
            "a participant's request was logged with its time: {line}"
        );
    }
}

/// Sends one HTTP/1.1 request over a new connection and returns the response's head and body,
/// lower-cased headers included.
fn send(url: &str, request_line: &str, body: &str) -> String {
    send_as_is(url, request_line, "", body).to_lowercase()
}

/// As [`send`], with `headers` (each line ending in CRLF) added, and the response as sent.
fn send_as_is(url: &str, request_line: &str, headers: &str, body: &str) -> String {
    let address = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(crate::support::REQUEST_TIMEOUT))
        .unwrap();
    write!(
        stream,
        "{request_line} HTTP/1.1\r\nhost: {address}\r\n{headers}content-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn sigterm_lets_a_request_in_flight_finish_then_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/shutdown.db", dir.path().display());
    let mut server = ServerProcess::start(&database, &[]);
    let address = server.url.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(crate::support::REQUEST_TIMEOUT))
        .unwrap();
    write!(
        stream,
        "POST /s/sam/consent HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 11\r\nconnection: close\r\n\r\nconsent="
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    server.terminate();
    std::thread::sleep(Duration::from_millis(500));
    assert!(server.is_running(), "waits for the request in flight");
    stream.write_all(b"yes").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 303"), "{response}");

    let status = server
        .wait_for_exit(Duration::from_secs(20))
        .expect("exits once the request is answered");
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn a_client_guessing_passwords_is_told_to_wait_even_with_the_right_one() {
    let app = TestApp::spawn_with(|config| {
        config.operations.sign_in_attempts_per_minute = "3".parse().unwrap();
        config.operations.trust_proxy = true;
    })
    .await;
    app.add_staff("ana@example.org", "trainer").await;
    let attempt = |password: &'static str, client: &'static str| {
        app.client
            .post(app.url("/admin/sign-in"))
            .header("x-forwarded-for", client)
            .form(&[("email", "ana@example.org"), ("password", password)])
            .send()
    };
    for _ in 0..3 {
        let wrong = attempt("not the password at all", "192.0.2.1")
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let refused = attempt(crate::support::STAFF_PASSWORD, "192.0.2.1")
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(!header_of(&refused, header::RETRY_AFTER).is_empty());
    let elsewhere = attempt(crate::support::STAFF_PASSWORD, "198.51.100.7")
        .await
        .unwrap();
    assert_eq!(
        elsewhere.status(),
        StatusCode::SEE_OTHER,
        "another client is not held back"
    );
    let withdrawal = app
        .post_form("/withdraw", &[("code", "abcd-efgh-jkmn")])
        .await;
    assert_eq!(
        withdrawal.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a client of its own, with an allowance of its own"
    );
}

#[tokio::test]
async fn pages_are_never_stored_by_the_browser() {
    let app = TestApp::spawn().await;
    let token = app.consent().await;
    let cookie = crate::support::resume_cookie("sam", &token);
    for path in [
        "/",
        "/s/sam/consent",
        "/s/sam/answers/about-you",
        &format!("/r/{token}"),
    ] {
        let response = app.get_with_cookie(path, &cookie).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "no-store",
            "{path}"
        );
    }
}

/// Writes a pretend build of the browser's files, as cargo-leptos would lay them out.
fn pretend_build(root: &std::path::Path) -> [(&'static str, Vec<u8>); 3] {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let files = [
        ("wasm", b"\0asm pretend wasm ".repeat(500)),
        ("js", b"export default function init() {} ".repeat(100)),
        ("css", b"body { margin: 0 } ".repeat(100)),
    ];
    for (kind, bytes) in &files {
        std::fs::write(pkg.join(format!("vignette.{kind}")), bytes).unwrap();
    }
    files
}

#[tokio::test]
async fn the_browsers_files_have_hashed_names_are_compressed_and_kept_for_a_year() {
    let site = tempfile::tempdir().unwrap();
    let files = pretend_build(site.path());
    let app = TestApp::spawn_with_site(site.path()).await;
    let (_, page) = app.get_html("/").await;
    let css = page
        .split('"')
        .find(|part| part.starts_with("/pkg/vignette.") && part.ends_with(".css"))
        .expect("the page links its stylesheet")
        .to_owned();
    let version = css
        .trim_start_matches("/pkg/vignette.")
        .trim_end_matches(".css");
    assert_eq!(version.len(), 12, "{css}");
    assert!(
        page.contains(&format!("\"vignette.{version}\"")) && page.contains("hydrateIslands"),
        "the island script loads the same version"
    );
    for (kind, bytes) in files {
        let path = format!("/pkg/vignette.{version}.{kind}");
        let compressed = app
            .client
            .get(app.url(&path))
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .send()
            .await
            .unwrap();
        assert_eq!(compressed.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header_of(&compressed, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header_of(&compressed, header::CONTENT_ENCODING), "br");
        let body = compressed.bytes().await.unwrap();
        assert!(body.len() < bytes.len() / 4, "{kind}: {} bytes", body.len());
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut &body[..], &mut unpacked).unwrap();
        assert_eq!(unpacked, bytes, "{kind}");
        let plain = app.get(&path).await;
        assert_eq!(
            plain.bytes().await.unwrap(),
            bytes,
            "{kind} without compression"
        );
    }
    let other_version = app.get("/pkg/vignette.000000000000.wasm").await;
    assert_eq!(other_version.status(), StatusCode::NOT_FOUND);
}

/// Reads what the server sends on `stream` until it closes the connection or `limit` passes;
/// `None` when it is still open then.
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut received = Vec::new();
    match stream.read_to_end(&mut received) {
        Ok(_) => Some(String::from_utf8_lossy(&received).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Some(String::new()),
        Err(_) => None,
    }
}

#[tokio::test]
async fn a_client_sending_headers_slowly_is_cut_off() {
    let app = TestApp::spawn_with(|config| config.operations.header_read_timeout_seconds = 1).await;
    let addr = app.addr;
    let closed = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
        read_until_closed(&mut stream, Duration::from_secs(10))
    })
    .await
    .unwrap();
    assert!(
        closed.is_some(),
        "the half-sent request still holds its connection"
    );
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::OK,
        "others are served"
    );
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_for_one_to_close() {
    let app = TestApp::spawn_with(|config| {
        config.operations.max_connections = 2;
        config.operations.header_read_timeout_seconds = 2;
    })
    .await;
    let addr = app.addr;
    let (waited, answer) = tokio::task::spawn_blocking(move || {
        let idle: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(200));
        let mut third = TcpStream::connect(addr).unwrap();
        third
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let waited = read_until_closed(&mut third, Duration::from_millis(800)).is_none();
        let answer = read_until_closed(&mut third, Duration::from_secs(10));
        drop(idle);
        (waited, answer)
    })
    .await
    .unwrap();
    assert!(
        waited,
        "a third connection is not served while two are open"
    );
    let answer = answer.expect("served once the idle ones are cut off");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
