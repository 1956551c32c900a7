//! Plain HTML form posts, shared by every feature: reading the body strictly, showing a page again
//! with its errors, and refusing requests sent from other sites.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;
use percent_encoding::percent_decode;

use crate::error::AppError;
use crate::security::host_of;
use crate::shell;
use crate::state::AppState;
use domain::audit::{Actor, AuditAction};

/// A multipart form (a file upload) that could not be read, as bad input.
pub fn unreadable_upload(error: axum::extract::multipart::MultipartError) -> AppError {
    AppError::BadForm(format!("The form could not be read: {}", error.body_text()))
}

/// The file sent in the multipart form's `field`: its name (`unnamed` when the browser gave
/// none) and bytes. None when no file, or an empty one, was chosen; other fields are ignored.
pub async fn uploaded_file(
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    field: &str,
    unnamed: &str,
) -> Result<Option<(String, axum::body::Bytes)>, AppError> {
    let mut form = form.map_err(|rejection| AppError::BadForm(rejection.body_text()))?;
    let mut file = None;
    while let Some(sent) = form.next_field().await.map_err(unreadable_upload)? {
        if sent.name() == Some(field) {
            let name = sent.file_name().unwrap_or(unnamed).to_owned();
            let bytes = sent.bytes().await.map_err(unreadable_upload)?;
            if !bytes.is_empty() {
                file = Some((name, bytes));
            }
        }
    }
    Ok(file)
}

/// Large enough for a page of long answers in any script, percent-encoded.
pub const FORM_BODY_LIMIT: usize = 1024 * 1024;

/// Form values and errors of a form that was sent but not accepted, to show again as typed.
#[derive(Clone, Debug, Default)]
pub struct RejectedForm {
    pub values: HashMap<String, String>,
    /// (field id, message)
    pub errors: Vec<(String, String)>,
}

impl RejectedForm {
    pub fn with_error(field: &str, message: &str) -> Self {
        Self {
            errors: vec![(field.to_owned(), message.to_owned())],
            ..Self::default()
        }
    }

    /// The error, with the form's values as sent, to show them again.
    pub fn keeping(
        field: &str,
        message: &str,
        values: impl IntoIterator<Item = (String, String)>,
    ) -> Self {
        Self {
            values: values.into_iter().collect(),
            ..Self::with_error(field, message)
        }
    }

    /// The errors as error summary entries, each linking to its field on the same page.
    pub fn summary(&self) -> Vec<crate::components::FieldError> {
        self.errors
            .iter()
            .map(|(id, message)| crate::components::FieldError {
                href: format!("#{id}"),
                message: message.clone(),
            })
            .collect()
    }
}

/// An upload page shown again with `problem` against its file `field`, with status 422.
pub async fn refuse_upload(
    (state, headers): (&AppState, &HeaderMap),
    page: &str,
    field: &str,
    problem: String,
) -> Response {
    render_rejected(
        state,
        page,
        headers,
        RejectedForm::with_error(field, &problem),
    )
    .await
}

/// Renders the page at `path` again, showing the rejected form's values and errors, with status 422.
pub async fn render_rejected(
    state: &AppState,
    path: &str,
    headers: &HeaderMap,
    rejected: RejectedForm,
) -> Response {
    let mut response = render_with_context(state, path, headers, rejected).await;
    if response.status().is_success() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// Renders the page at `path` as a GET would, with `context` provided to its components: how a
/// form post answers with a page of its own (errors, or something shown only once).
pub async fn render_with_context<C>(
    state: &AppState,
    path: &str,
    headers: &HeaderMap,
    context: C,
) -> Response
where
    C: Clone + Send + Sync + 'static,
{
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(context_state.clone());
            provide_context(context.clone());
            crate::security::provide_page_policy();
        },
        move || shell(options.clone()),
    );
    let mut request = axum::http::Request::get(path).header(header::ACCEPT, "text/html");
    for name in [header::HOST, header::COOKIE] {
        if let Some(value) = headers.get(&name) {
            request = request.header(name, value);
        }
    }
    match request.body(Body::empty()) {
        Ok(mut request) => {
            let name_nonce = crate::security::with_page_nonce(&mut request);
            let mut response = render(request).await;
            name_nonce(&mut response);
            response
        }
        Err(e) => AppError::Internal(e.to_string()).into_response(),
    }
}

/// Large enough for any page of the survey or the staff area; a body of more pairs is refused
/// before they are decoded, so a megabyte of "&=&=" costs no memory.
pub const MAX_FORM_FIELDS: usize = 200;

/// The value of the field `name` in a form that was sent; empty when the form has no such field.
pub fn form_value<'f>(fields: &'f [(String, String)], name: &str) -> &'f str {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

/// Reads an `application/x-www-form-urlencoded` body, refusing (rather than repairing) text that is
/// not valid UTF-8, so that no answer is ever stored altered.
pub fn parse_form(headers: &HeaderMap, body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    require_urlencoded(headers)?;
    parse_urlencoded(body)
}

fn require_urlencoded(headers: &HeaderMap) -> Result<(), AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::BadForm(
            "The form must be sent as application/x-www-form-urlencoded.".into(),
        ));
    }
    Ok(())
}

/// Name and value pairs of URL-encoded text: a form's body, or a query string without its `?`.
pub fn parse_urlencoded(text: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    form_pairs(text).collect()
}

/// The pairs one at a time, so that a reader can stop at the first it refuses; the
/// [`MAX_FORM_FIELDS`]th and later pairs are an error.
fn form_pairs(text: &[u8]) -> impl Iterator<Item = Result<(String, String), AppError>> {
    text.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .enumerate()
        .map(|(index, pair)| {
            if index >= MAX_FORM_FIELDS {
                return Err(AppError::BadForm(format!(
                    "The form had more than {MAX_FORM_FIELDS} fields, so nothing was saved."
                )));
            }
            let mut parts = pair.splitn(2, |&b| b == b'=');
            let name = decode_form_text(parts.next().unwrap_or_default())?;
            let value = decode_form_text(parts.next().unwrap_or_default())?;
            Ok((name, value))
        })
}

/// A form of named fields, each at most once; any other field is refused. Reading stops at the
/// first field refused.
pub fn fields_named(
    headers: &HeaderMap,
    body: &[u8],
    allowed: &[&str],
) -> Result<HashMap<String, String>, AppError> {
    require_urlencoded(headers)?;
    let mut fields = HashMap::new();
    for pair in form_pairs(body) {
        let (name, value) = pair?;
        if !allowed.contains(&name.as_str()) {
            return Err(AppError::UnknownField(name));
        }
        if fields.insert(name.clone(), value).is_some() {
            return Err(AppError::BadForm(format!(
                "The field \"{name}\" was sent more than once."
            )));
        }
    }
    Ok(fields)
}

/// A form's fields in the order sent, where a name may come more than once (a group of
/// checkboxes); any name not in `allowed` is refused.
pub fn repeated_fields(
    headers: &HeaderMap,
    body: &[u8],
    allowed: &[&str],
) -> Result<Vec<(String, String)>, AppError> {
    require_urlencoded(headers)?;
    let fields = parse_urlencoded(body)?;
    if let Some((name, _)) = fields
        .iter()
        .find(|(name, _)| !allowed.contains(&name.as_str()))
    {
        return Err(AppError::UnknownField(name.clone()));
    }
    Ok(fields)
}

fn decode_form_text(raw: &[u8]) -> Result<String, AppError> {
    let spaced: Cow<[u8]> = if raw.contains(&b'+') {
        Cow::Owned(
            raw.iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect(),
        )
    } else {
        Cow::Borrowed(raw)
    };
    percent_decode(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| {
            AppError::BadForm(
                "The form contained text that is not valid UTF-8, so nothing was saved.".into(),
            )
        })
}

/// Refuses state-changing requests that a page of another site sent (CSRF): browsers name the
/// sending page's origin in Origin (or at least Referer) on every POST.
pub async fn reject_cross_site_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        let path = request.uri().path();
        if reads_research_data(path) && sent_from_elsewhere(request.headers()) {
            let asked = format!("GET {path}");
            let refused = AuditAction::CrossSiteReadRefused;
            if let Err(error) = state.audit(Actor::Unidentified, refused, &asked).await {
                return error.into_response();
            }
            return AppError::CrossSiteRead.into_response();
        }
        return next.run(request).await;
    }
    let headers = request.headers();
    let sender = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    if let Some(sender) = sender
        && !same_site(sender, &state, headers)
    {
        return AppError::CrossSite.into_response();
    }
    next.run(request).await
}

/// Pages and downloads that show answers and write the audit log as they do: opening one must
/// be the researcher's own doing, not a link or image on another site riding their cookie.
fn reads_research_data(path: &str) -> bool {
    const READS: [&str; 4] = ["/responses", "/questions/", "/exports/", "/redactions"];
    path.strip_prefix("/admin/studies/")
        .is_some_and(|rest| READS.iter().any(|part| rest.contains(part)))
}

/// What the browser says started the request (`Sec-Fetch-Site`): another site, or a sibling
/// subdomain. A typed address or bookmark ("none") and this site's own links are fine; browsers
/// too old to say are let through, as the session cookie's SameSite=Lax already stops embedding.
fn sent_from_elsewhere(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .is_some_and(|site| site == "cross-site" || site == "same-site")
}

fn same_site(sender: &str, state: &AppState, headers: &HeaderMap) -> bool {
    let sender_host = host_of(sender);
    let own_host = match &state.public_url {
        Some(url) => host_of(url).map(str::to_owned),
        None => headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned),
    };
    matches!((sender_host, own_host), (Some(a), Some(b)) if a.eq_ignore_ascii_case(&b))
}

#[cfg(test)]
mod tests {
    use super::{MAX_FORM_FIELDS, fields_named, parse_urlencoded};
    use crate::error::AppError;
    use axum::http::{HeaderMap, HeaderValue, header};

    fn form_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        let kind = HeaderValue::from_static("application/x-www-form-urlencoded");
        headers.insert(header::CONTENT_TYPE, kind);
        headers
    }

    #[test]
    fn a_megabyte_of_empty_pairs_is_refused_after_the_cap() {
        let body = "=&".repeat(512 * 1024);
        let refused = parse_urlencoded(body.as_bytes()).unwrap_err();
        assert!(matches!(&refused, AppError::BadForm(m) if m.contains("more than 200 fields")));
        let at_cap = "a=1&".repeat(MAX_FORM_FIELDS);
        assert_eq!(
            parse_urlencoded(at_cap.as_bytes()).unwrap().len(),
            MAX_FORM_FIELDS
        );
    }

    #[test]
    fn named_fields_stop_at_the_first_unknown_or_repeated_field() {
        let headers = form_headers();
        let unknown = fields_named(&headers, b"email=a&shoe=9&%FF", &["email"]).unwrap_err();
        assert!(matches!(unknown, AppError::UnknownField(name) if name == "shoe"));
        let repeated = fields_named(&headers, b"email=a&email=b&%FF", &["email"]).unwrap_err();
        assert!(matches!(repeated, AppError::BadForm(m) if m.contains("more than once")));
        let fine = fields_named(&headers, b"email=a%40b.org", &["email"]).unwrap();
        assert_eq!(fine["email"], "a@b.org");
    }
}
