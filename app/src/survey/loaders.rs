//! Server functions the survey pages load and save through.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::data::{ConsentView, LandingView, StepView, WithdrawalView};

#[server]
pub async fn load_landing(study: Option<String>) -> Result<LandingView, ServerFnError> {
    load::landing(study)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[server]
pub async fn load_consent(study: String) -> Result<ConsentView, ServerFnError> {
    load::consent(&study).map_err(|e| e.into_server_fn_error())
}

#[server]
pub async fn load_step(
    token: String,
    step: String,
    return_to: Option<String>,
) -> Result<StepView, ServerFnError> {
    load::step(&token, &step, return_to.as_deref())
        .await
        .map_err(|e| e.into_server_fn_error())
}

/// Saves some fields of one page as the participant types. Checked exactly as Continue checks them.
#[server(input = Json)]
pub async fn save_fields(
    token: String,
    step: String,
    fields: Vec<(String, String)>,
) -> Result<(), ServerFnError> {
    load::save(&token, &step, &fields)
        .await
        .map_err(|e| e.into_server_fn_error())
}

/// The withdrawal page: the code form, or (after a right code) the confirmation.
#[server]
pub async fn load_withdrawal() -> Result<WithdrawalView, ServerFnError> {
    Ok(load::withdrawal())
}

#[cfg(feature = "ssr")]
pub(crate) mod load {
    use leptos::prelude::use_context;

    use super::super::data::*;
    use super::super::flow::*;
    use crate::context::{app_state, request_headers, site_url};
    use crate::cookies::cookie_value;
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use domain::journey::*;

    pub fn withdrawal() -> WithdrawalView {
        use_context::<WithdrawalView>().unwrap_or_else(|| {
            let rejected = use_context::<RejectedForm>().unwrap_or_default();
            WithdrawalView::EnterCode {
                code: rejected.values.get("code").cloned().unwrap_or_default(),
                errors: rejected.summary(),
            }
        })
    }

    pub async fn landing(slug: Option<String>) -> Result<LandingView, AppError> {
        let state = app_state()?;
        let study = match slug {
            Some(slug) => state.studies.get(&slug),
            None => state.studies.default_study(),
        }
        .ok_or(AppError::UnknownStudy)?;
        let headers = request_headers();
        let mut resume_href = None;
        if let Some(token) = cookie_value(&headers, &resume_cookie_name(&study.slug)) {
            // A stale or foreign cookie simply means there is nothing to resume.
            if let Ok(participant) = Participant::find(&state, token).await
                && participant.record.submitted_on.is_none()
            {
                resume_href = Some(participant.resume_href());
            }
        }
        Ok(LandingView {
            study_slug: study.slug.to_string(),
            title: study.title.clone(),
            resume_href,
        })
    }

    pub fn consent(slug: &str) -> Result<ConsentView, AppError> {
        let state = app_state()?;
        let study = state.studies.get(slug).ok_or(AppError::UnknownStudy)?;
        let rejected = use_context::<RejectedForm>();
        Ok(ConsentView {
            frame: frame(FrameInput {
                study: &study,
                step: CONSENT_STEP,
                back_href: Some(format!("/s/{slug}")),
                resume_url: None,
            }),
            study_slug: study.slug.to_string(),
            title: study.information_title.clone(),
            information_html: study.information_html.clone(),
            statement: study.consent_statement.clone(),
            errors: rejected
                .as_ref()
                .map(RejectedForm::summary)
                .unwrap_or_default(),
        })
    }

    pub async fn step(
        token: &str,
        step: &str,
        return_to: Option<&str>,
    ) -> Result<StepView, AppError> {
        let state = app_state()?;
        let participant = Participant::find(&state, token).await?;
        if let Some(day) = participant.record.submitted_on {
            return Ok(StepView::Submitted(submitted_view(
                &participant.study,
                day,
                &participant.token,
            )));
        }
        let answers = state
            .storage
            .responses()
            .answers(&participant.record.id)
            .await?;
        let rejected = use_context::<RejectedForm>();
        let resume_url = format!(
            "{}{}",
            site_url(&state, &request_headers()),
            participant.resume_href()
        );
        if step == CHECK_STEP_SLUG || step == THANKS_STEP_SLUG {
            return Ok(StepView::Check(check_view(
                &participant,
                &answers,
                rejected.is_some(),
                resume_url,
            )));
        }
        let (index, _) = participant.study.page(step).ok_or(AppError::UnknownStep)?;
        let return_to_check = return_to == Some(CHECK_STEP_SLUG);
        Ok(StepView::Questions(questions_view(
            &participant,
            index,
            &answers,
            rejected.as_ref(),
            return_to_check,
            resume_url,
        )))
    }

    pub async fn save(
        token: &str,
        step: &str,
        fields: &[(String, String)],
    ) -> Result<(), AppError> {
        let state = app_state()?;
        let participant = Participant::find(&state, token).await?;
        if participant.record.submitted_on.is_some() {
            return Err(AppError::AlreadySubmitted);
        }
        let (index, page) = participant.study.page(step).ok_or(AppError::UnknownStep)?;
        let form = read_page_form(page, fields)?;
        if let Some((_, message)) = form.typing_errors.first() {
            return Err(AppError::BadForm(message.clone()));
        }
        let current_step = i64::try_from(page_step(index)).unwrap_or(i64::MAX);
        state
            .storage
            .responses()
            .save_answers(
                &participant.record.id,
                &form.changes,
                current_step,
                state.clock.today(),
            )
            .await?;
        Ok(())
    }
}
