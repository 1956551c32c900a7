//! Server functions of the researcher area. Each checks the session and the role first.

use leptos::prelude::*;

use super::view::{
    AdminHome, AnswersView, AuditView, DashboardView, LikertView, SetupView, SignInView,
};

#[server]
pub async fn load_sign_in() -> Result<SignInView, ServerFnError> {
    Ok(server::sign_in())
}

#[server]
pub async fn load_setup(token: String) -> Result<SetupView, ServerFnError> {
    server::setup(token)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[server]
pub async fn load_admin_home() -> Result<AdminHome, ServerFnError> {
    server::home().await.map_err(server::signed_in_or_redirect)
}

#[server]
pub async fn load_dashboard(study: String) -> Result<DashboardView, ServerFnError> {
    server::dashboard(&study)
        .await
        .map_err(server::signed_in_or_redirect)
}

#[server]
pub async fn load_answers(
    study: String,
    question: String,
    setting: Option<String>,
) -> Result<AnswersView, ServerFnError> {
    server::answers(&study, &question, setting)
        .await
        .map_err(server::signed_in_or_redirect)
}

#[server]
pub async fn load_likert(study: String) -> Result<LikertView, ServerFnError> {
    server::likert(&study)
        .await
        .map_err(server::signed_in_or_redirect)
}

/// The newest 500 audit log entries; owners only. Nothing in the app edits the log.
#[server]
pub async fn load_audit_log() -> Result<AuditView, ServerFnError> {
    server::audit_log()
        .await
        .map_err(server::signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use leptos::prelude::{ServerFnError, use_context};

    use super::super::labels::{LABEL_QUESTIONS, participant_label};
    use super::super::likert::{Distribution, LikertItem, grouped};
    use super::super::session::{Staff, now};
    use super::super::view::*;
    use crate::error::AppError;
    use crate::forms::RejectedForm;
    use crate::study::{QuestionKind, Study};
    use crate::survey::api::server::{app_state, request_headers};
    use crate::survey::flow::{CONSENT_STEP, describe_answer, page_step, total_steps};
    use crate::survey::view::RadioOption;

    /// Not signed in: a page load is redirected (302) to sign in; a call from a script gets 401
    /// (plus the redirect hint the client router follows).
    pub fn signed_in_or_redirect(error: AppError) -> ServerFnError {
        if matches!(error, AppError::NotSignedIn) {
            leptos_axum::redirect("/admin/sign-in");
            let page_load = request_headers()
                .get(axum::http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"));
            if page_load {
                return ServerFnError::ServerError(error.to_string());
            }
        }
        error.into_server_fn_error()
    }

    async fn staff() -> Result<(crate::state::AppState, Staff), AppError> {
        let state = app_state()?;
        let staff = Staff::from_headers(&state, &request_headers()).await?;
        Ok((state, staff))
    }

    fn bar(staff: &Staff) -> StaffBar {
        StaffBar {
            email: staff.record.email.clone(),
            role: staff.role.as_str().to_owned(),
        }
    }

    /// The email typed into a rejected account form, and its errors; empty on a first visit.
    fn rejected_account_form() -> (String, Vec<crate::survey::view::FieldError>) {
        use_context::<RejectedForm>()
            .map(|r| {
                (
                    r.values.get("email").cloned().unwrap_or_default(),
                    r.summary(),
                )
            })
            .unwrap_or_default()
    }

    pub fn sign_in() -> SignInView {
        let (email, errors) = rejected_account_form();
        SignInView { email, errors }
    }

    pub async fn setup(token: String) -> Result<SetupView, AppError> {
        let state = app_state()?;
        let usable = match crate::secret_token::SecretToken::parse(&token) {
            Some(parsed) => {
                state
                    .storage
                    .setup_link_is_usable(&parsed.storage_hash(), now())
                    .await?
            }
            None => false,
        };
        let (email, errors) = rejected_account_form();
        Ok(SetupView {
            token,
            usable,
            email,
            errors,
        })
    }

    pub async fn home() -> Result<AdminHome, AppError> {
        let (state, staff) = staff().await?;
        let mut studies = Vec::new();
        if staff.role.reads_research_data() {
            for study in state.studies.iter() {
                let progress = state.storage.study_progress(&study.slug).await?;
                studies.push(StudySummary {
                    slug: study.slug.clone(),
                    title: study.title.clone(),
                    started: progress.started,
                    submitted: progress.submitted,
                });
            }
        }
        Ok(AdminHome {
            staff: bar(&staff),
            research_access: staff.role.reads_research_data(),
            is_owner: staff.role == super::super::accounts::Role::Owner,
            studies,
        })
    }

    pub async fn dashboard(slug: &str) -> Result<DashboardView, AppError> {
        let (state, staff) = staff().await?;
        staff.require_research_access()?;
        let study = state.studies.get(slug).ok_or(AppError::UnknownStudy)?;
        let progress = state.storage.study_progress(slug).await?;
        let stopped_at = step_titles(&study)
            .into_iter()
            .map(|(step, title)| {
                let count = progress
                    .in_progress_by_step
                    .iter()
                    .find(|(s, _)| *s == step as i64)
                    .map_or(0, |(_, n)| *n);
                StepCount { step, title, count }
            })
            .collect();
        Ok(DashboardView {
            staff: bar(&staff),
            slug: study.slug.clone(),
            title: study.title.clone(),
            started: progress.started,
            submitted: progress.submitted,
            in_progress: progress.started - progress.submitted,
            completion_percent: (progress.started > 0)
                .then(|| progress.submitted * 100 / progress.started),
            stopped_at,
            submitted_per_day: progress
                .submitted_per_day
                .into_iter()
                .map(|(day, count)| DayCount { day, count })
                .collect(),
            questions: study
                .questions()
                .filter(|(_, q)| matches!(q.kind, QuestionKind::Text { .. }))
                .map(|(page, q)| QuestionLink {
                    id: q.id.clone(),
                    page_title: page.title.clone(),
                    label: q.label.clone(),
                })
                .collect(),
        })
    }

    /// Every step with its number, for the drop-off chart.
    fn step_titles(study: &Study) -> Vec<(usize, String)> {
        let mut steps = vec![(CONSENT_STEP, "Information and consent".to_owned())];
        steps.extend(
            study
                .pages
                .iter()
                .enumerate()
                .map(|(i, page)| (page_step(i), page.title.clone())),
        );
        steps.push((total_steps(study), "Check your answers".to_owned()));
        steps
    }

    pub async fn answers(
        slug: &str,
        question_id: &str,
        setting: Option<String>,
    ) -> Result<AnswersView, AppError> {
        let (state, staff) = staff().await?;
        staff.require_research_access()?;
        let study = state.studies.get(slug).ok_or(AppError::UnknownStudy)?;
        let question = study.question(question_id).ok_or(AppError::UnknownStep)?;
        let setting = setting.filter(|s| !s.is_empty());
        let mut wanted: Vec<&str> = LABEL_QUESTIONS.to_vec();
        wanted.push(question_id);
        let submitted = state.storage.submitted_answers(slug, &wanted).await?;
        let rows = submitted
            .iter()
            .filter(|p| setting.is_none() || p.answers.get("setting") == setting.as_ref())
            .filter_map(|p| {
                let answer = p.answers.get(question_id)?;
                Some(AnswerRow {
                    participant: participant_label(p.participant_number, &p.answers),
                    answer: describe_answer(question, answer),
                })
            })
            .collect();
        let settings = match study.question("setting").map(|q| &q.kind) {
            Some(QuestionKind::Choice { options }) => options
                .iter()
                .map(|o| RadioOption {
                    value: o.value.clone(),
                    label: o.label.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let detail = format!(
            "study {slug}, question {question_id}, setting {}",
            setting.as_deref().unwrap_or("any")
        );
        state
            .storage
            .audit(now(), &staff.record.email, "viewed answers", &detail)
            .await?;
        Ok(AnswersView {
            staff: bar(&staff),
            slug: slug.to_owned(),
            study_title: study.title.clone(),
            question_id: question_id.to_owned(),
            question_label: question.label.clone(),
            setting,
            settings,
            rows,
        })
    }

    fn choice_options(study: &Study, question_id: &str) -> Vec<(String, String)> {
        match study.question(question_id).map(|q| &q.kind) {
            Some(QuestionKind::Choice { options }) => options
                .iter()
                .map(|o| (o.value.clone(), o.label.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub async fn likert(slug: &str) -> Result<LikertView, AppError> {
        let (state, staff) = staff().await?;
        staff.require_research_access()?;
        let study = state.studies.get(slug).ok_or(AppError::UnknownStudy)?;
        let items: Vec<_> = study
            .questions()
            .filter_map(|(page, q)| match &q.kind {
                QuestionKind::Likert { labels } => Some((page, q, labels)),
                _ => None,
            })
            .collect();
        let mut wanted: Vec<&str> = vec!["setting", "role"];
        wanted.extend(items.iter().map(|(_, q, _)| q.id.as_str()));
        let participants = state.storage.submitted_answers(slug, &wanted).await?;
        let (settings, roles) = (
            choice_options(&study, "setting"),
            choice_options(&study, "role"),
        );
        let min = state.min_group_size;
        let items = items
            .into_iter()
            .map(|(page, q, labels)| {
                let points = labels.len();
                let answers = participants
                    .iter()
                    .filter_map(|p| p.answers.get(&q.id)?.parse().ok());
                LikertItem {
                    id: q.id.clone(),
                    label: q.label.clone(),
                    page_title: page.title.clone(),
                    scale: labels.clone(),
                    overall: Distribution::of(points, answers),
                    by_setting: grouped(points, &q.id, &participants, "setting", &settings, min),
                    by_role: grouped(points, &q.id, &participants, "role", &roles, min),
                }
            })
            .collect();
        Ok(LikertView {
            staff: bar(&staff),
            slug: slug.to_owned(),
            title: study.title.clone(),
            min_group_size: min,
            items,
        })
    }

    const AUDIT_ENTRIES_SHOWN: i64 = 500;

    pub async fn audit_log() -> Result<AuditView, AppError> {
        let (state, staff) = staff().await?;
        staff.require_owner()?;
        let entries = state
            .storage
            .audit_entries(AUDIT_ENTRIES_SHOWN)
            .await?
            .into_iter()
            .map(|(at, actor, action, detail)| AuditEntry {
                at: chrono::DateTime::from_timestamp(at, 0).map_or_else(
                    || at.to_string(),
                    |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
                ),
                actor,
                action,
                detail,
            })
            .collect();
        Ok(AuditView {
            staff: bar(&staff),
            entries,
        })
    }
}
