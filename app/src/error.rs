use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::{ServerFnError, use_context};

use domain::answer::AnswerError;
use domain::storage::StorageError;
use domain::text::escape_html;

/// Every way a request can fail, mapped to a status and a message fit to show a participant.
/// Internal details are logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("We could not find any answers for this link. Check that you copied the whole link.")]
    UnknownLink,
    #[error(
        "This browser holds no answers in progress for this study. To carry on, open your private link. If you have just sent your answers, they are saved: the page with the withdrawal code is shown only once."
    )]
    NoAnswersOnDevice,
    #[error("There is no study at this address.")]
    UnknownStudy,
    #[error("There is no such page in this survey.")]
    UnknownStep,
    #[error("This study has no such question.")]
    UnknownQuestion,
    #[error("There is no such response in this study. It may have been withdrawn or deleted.")]
    UnknownResponse,
    #[error("There is no such account. It may have been removed.")]
    UnknownAccount,
    #[error("This study has no such code. It may have been merged or removed.")]
    UnknownCode,
    #[error("This study has no such theme.")]
    UnknownTheme,
    #[error("This study has no such coding. It may have been removed.")]
    UnknownCoding,
    #[error(
        "There is no such import waiting for you: it may have been applied or discarded, or left undecided for more than a day. Compare the file with this study again."
    )]
    UnknownImport,
    #[error("This study has no such snapshot of its thematic map.")]
    UnknownSnapshot,
    #[error("There is no workshop with this code. Check the code on the screen and try again.")]
    UnknownWorkshop,
    #[error("This phone has not joined this workshop yet. Join with the code on the screen.")]
    NotInWorkshop,
    #[error("These answers have been submitted and can no longer be changed.")]
    AlreadySubmitted,
    #[error("This study opens on {0}. Come back then to take part.")]
    StudyNotYetOpen(String),
    #[error("This study closed on {0} and takes no new participants. Thank you for your interest.")]
    StudyClosed(String),
    #[error(
        "This study stopped taking answers on {0}, so nothing more can be saved or sent. The answers saved before then are kept."
    )]
    AnswersClosed(String),
    #[error("This page has no question called \"{0}\".")]
    UnknownField(String),
    #[error("The answer to \"{question}\" was not saved: {problem}.")]
    BadAnswer {
        question: String,
        problem: AnswerError,
    },
    #[error("{0}")]
    BadForm(String),
    #[error(
        "This form was sent from another site, so it was refused. Open the page on this site and try again."
    )]
    CrossSite,
    #[error(
        "This page shows research data, so it opens only from a link on this site. Open it from the researcher area."
    )]
    CrossSiteRead,
    #[error("Sign in to see this page.")]
    NotSignedIn,
    #[error("Your account does not give access to this page.")]
    Forbidden,
    #[error(
        "Your account is not a member of this study. An owner can add you on the study's Members page."
    )]
    NotAMember,
    #[error(
        "Too many requests came from your network just now. Wait a minute and try again; your saved answers are safe."
    )]
    TooManyRequests,
    #[error("Something went wrong on our side. Your saved answers are safe; please try again.")]
    Internal(String),
}

impl From<domain::export::ExportError> for AppError {
    fn from(error: domain::export::ExportError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::UnknownLink
            | Self::NoAnswersOnDevice
            | Self::UnknownStudy
            | Self::UnknownStep
            | Self::UnknownQuestion
            | Self::UnknownResponse
            | Self::UnknownAccount
            | Self::UnknownCode
            | Self::UnknownTheme
            | Self::UnknownCoding
            | Self::UnknownImport
            | Self::UnknownSnapshot
            | Self::UnknownWorkshop => StatusCode::NOT_FOUND,
            Self::AlreadySubmitted => StatusCode::CONFLICT,
            Self::StudyNotYetOpen(_) => StatusCode::FORBIDDEN,
            Self::StudyClosed(_) | Self::AnswersClosed(_) => StatusCode::GONE,
            Self::UnknownField(_) | Self::BadAnswer { .. } | Self::BadForm(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::CrossSite
            | Self::CrossSiteRead
            | Self::Forbidden
            | Self::NotAMember
            | Self::NotInWorkshop => StatusCode::FORBIDDEN,
            Self::NotSignedIn => StatusCode::UNAUTHORIZED,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// For server functions: sets the HTTP status and returns an error carrying the public message.
    pub fn into_server_fn_error(self) -> ServerFnError {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(self.status());
        }
        ServerFnError::ServerError(self.to_string())
    }
}

impl From<StorageError> for AppError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::AlreadySubmitted => Self::AlreadySubmitted,
            StorageError::NotFound => Self::UnknownLink,
            StorageError::Duplicate => Self::BadForm("That already exists.".into()),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let status = self.status();
        let page = format!(
            "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} – Vignette studies</title><link rel=\"stylesheet\" href=\"/pkg/vignette.css\"></head>\
             <body><main id=\"main\" class=\"main\"><h1>{title}</h1><p>{message}</p>\
             <p>Use your browser's Back button to return to the page, \
             or <a href=\"/\">go to the start page</a>.</p></main></body></html>",
            title = status.canonical_reason().unwrap_or("Error"),
            message = escape_html(&self.to_string()),
        );
        (status, Html(page)).into_response()
    }
}
