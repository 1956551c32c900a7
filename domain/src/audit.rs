//! The audit log: who did what to research data or to accounts, and when. Nothing in the app
//! edits or deletes an entry.

/// What was done. The words are what the log stores and the audit page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SignedIn,
    PasswordAccepted,
    SignInFailed,
    SignInRefused,
    SignedOut,
    TwoFactorSetUp,
    TwoFactorReset,
    AccountCreated,
    AccountInvited,
    AccountRemoved,
    PasswordSetFromInvitation,
    ViewedAnswers,
    ViewedResponses,
    ViewedResponse,
    ExportedData,
    DeletedResponse,
    ResponseWithdrawn,
    AnswersScanned,
    IdentifierAccepted,
    IdentifierRejected,
    IdentifierReopened,
    IdentifierEdited,
    IdentifiersErased,
    PasswordChanged,
    SessionsEnded,
    TwoFactorKeyRotated,
    /// Signed in, but the role does not give access to what was asked for.
    AccessRefused,
    /// Research data asked for by a page of another site.
    CrossSiteReadRefused,
    /// A study text published from the researcher area: a new study or a new version.
    StudyPublished,
    /// Researchers made members of a study, or no longer.
    StudyMembersChanged,
    /// A draft of a study begun in the researcher area: of a study, or of a copy of one.
    StudyDraftStarted,
    StudyDraftDiscarded,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed in",
            Self::PasswordAccepted => "password accepted",
            Self::SignInFailed => "sign-in failed",
            Self::SignInRefused => "sign-in refused",
            Self::SignedOut => "signed out",
            Self::TwoFactorSetUp => "two-factor set up",
            Self::TwoFactorReset => "two-factor reset",
            Self::AccountCreated => "account created",
            Self::AccountInvited => "account invited",
            Self::AccountRemoved => "account removed",
            Self::PasswordSetFromInvitation => "password set from invitation",
            Self::ViewedAnswers => "viewed answers",
            Self::ViewedResponses => "viewed responses",
            Self::ViewedResponse => "viewed response",
            Self::ExportedData => "exported data",
            Self::DeletedResponse => "deleted response",
            Self::ResponseWithdrawn => "response withdrawn",
            Self::AnswersScanned => "answers scanned for identifiers",
            Self::IdentifierAccepted => "identifier accepted",
            Self::IdentifierRejected => "identifier rejected",
            Self::IdentifierReopened => "identifier reopened",
            Self::IdentifierEdited => "identifier edited",
            Self::IdentifiersErased => "identifiers erased from answers",
            Self::PasswordChanged => "password changed",
            Self::SessionsEnded => "sessions ended",
            Self::TwoFactorKeyRotated => "two-factor key rotated",
            Self::AccessRefused => "access refused",
            Self::CrossSiteReadRefused => "cross-site read refused",
            Self::StudyPublished => "study published",
            Self::StudyMembersChanged => "study members changed",
            Self::StudyDraftStarted => "study draft started",
            Self::StudyDraftDiscarded => "study draft discarded",
        }
    }
}

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// A member of staff, by email address.
    Staff(&'a str),
    /// Someone signing in with an address that has no account.
    UnknownAccount,
    /// An operator at the server's command line.
    CommandLine,
    /// A participant (never identified).
    Participant,
    /// A request whose sender is not known (no session was read for it).
    Unidentified,
}

impl Actor<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Staff(email) => email,
            Self::UnknownAccount => "unknown account",
            Self::CommandLine => "command line",
            Self::Participant => "participant",
            Self::Unidentified => "unidentified",
        }
    }
}
