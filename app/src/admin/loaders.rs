//! Server functions of the researcher area. Each staff page's loader names the extractor of who
//! may see it (`crate::auth`); sign-in, first-start setup and invitation pages need no session.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::signed_in_or_redirect;

use super::data::{
    AdminHome, AnswersView, AuditView, DashboardView, InviteView, LikertView, RemoveMemberView,
    ResponseView, ResponsesView, SecondFactorView, SetupView, SignInView, TeamView, TwoFactorStep,
};

#[server]
pub async fn load_sign_in(next: Option<String>) -> Result<SignInView, ServerFnError> {
    Ok(load::sign_in(next).await)
}

#[server]
pub async fn load_second_factor(next: Option<String>) -> Result<SecondFactorView, ServerFnError> {
    load::second_factor(next)
        .await
        .map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_two_factor_setup() -> Result<TwoFactorStep, ServerFnError> {
    load::two_factor_setup()
        .await
        .map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_setup(token: String) -> Result<SetupView, ServerFnError> {
    load::setup(token)
        .await
        .map_err(|e| e.into_server_fn_error())
}

#[server]
pub async fn load_admin_home() -> Result<AdminHome, ServerFnError> {
    load::home().await.map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_dashboard(study: String) -> Result<DashboardView, ServerFnError> {
    load::dashboard(&study).await.map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_answers(
    study: String,
    question: String,
    setting: Option<String>,
    role: Option<String>,
    band: Option<String>,
) -> Result<AnswersView, ServerFnError> {
    let query = load::FilterQuery {
        setting,
        role,
        band,
        status: None,
    };
    load::answers(&study, &question, query)
        .await
        .map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_responses(
    study: String,
    setting: Option<String>,
    role: Option<String>,
    band: Option<String>,
    status: Option<String>,
    page: Option<String>,
    deleted: Option<String>,
) -> Result<ResponsesView, ServerFnError> {
    let query = load::FilterQuery {
        setting,
        role,
        band,
        status,
    };
    load::responses(&study, query, page, deleted.is_some())
        .await
        .map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_response(study: String, id: String) -> Result<ResponseView, ServerFnError> {
    load::response(&study, &id)
        .await
        .map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_likert(study: String) -> Result<LikertView, ServerFnError> {
    load::likert(&study).await.map_err(signed_in_or_redirect)
}

/// The accounts, for owners to manage.
#[server]
pub async fn load_team(done: Option<String>) -> Result<TeamView, ServerFnError> {
    load::team(done.as_deref())
        .await
        .map_err(signed_in_or_redirect)
}

#[server]
pub async fn load_remove_member(id: String) -> Result<RemoveMemberView, ServerFnError> {
    load::remove_member(&id)
        .await
        .map_err(signed_in_or_redirect)
}

/// The page an invited person sets their password on.
#[server]
pub async fn load_invite(token: String) -> Result<InviteView, ServerFnError> {
    load::invite(token)
        .await
        .map_err(|e| e.into_server_fn_error())
}

/// The newest 500 audit log entries; owners only. Nothing in the app edits the log.
#[server]
pub async fn load_audit_log() -> Result<AuditView, ServerFnError> {
    load::audit_log().await.map_err(signed_in_or_redirect)
}

#[cfg(feature = "ssr")]
pub(crate) mod load {
    use leptos::prelude::use_context;

    use super::super::data::*;
    pub use super::super::filters::FilterQuery;
    use super::super::filters::{ResponseFilter, choice_options, filter_choices};
    use super::super::likert::{Distribution, LikertItem, grouped};
    use super::super::posts::FreshRecoveryCodes;
    use crate::auth::{
        AnySession, Owner, PendingSecondFactor, PendingTwoFactorSetup, Researcher, SignedIn,
        in_server_fn, is_staff_address,
    };
    use crate::error::AppError;
    use crate::form_posts::RejectedForm;
    use domain::accounts::two_factor::{TotpSecret, qr_code_svg};
    use domain::audit::{Actor, AuditAction};
    use domain::clock::day_of;
    use domain::participants::{LABEL_QUESTIONS, participant_label, unsubmitted_label};

    use crate::context::app_state;
    use domain::answer::describe_answer;
    use domain::journey::{CONSENT_STEP, page_step, total_steps};
    use domain::study::{QuestionKind, Study};

    /// The email typed into a rejected account form, and its errors; empty on a first visit.
    fn rejected_account_form() -> (String, Vec<crate::components::FieldError>) {
        use_context::<RejectedForm>()
            .map(|r| {
                (
                    r.values.get("email").cloned().unwrap_or_default(),
                    r.summary(),
                )
            })
            .unwrap_or_default()
    }

    /// The sign-in form; a session already past the password goes on to its next step.
    pub async fn sign_in(next: Option<String>) -> SignInView {
        if let Ok((_, AnySession(staff))) = in_server_fn::<AnySession>().await {
            leptos_axum::redirect(staff.stage.landing_path());
        }
        let (email, errors) = rejected_account_form();
        SignInView {
            email,
            errors,
            next: way_back(next),
        }
    }

    pub async fn second_factor(next: Option<String>) -> Result<SecondFactorView, AppError> {
        in_server_fn::<PendingSecondFactor>().await?;
        Ok(SecondFactorView {
            errors: rejected_account_form().1,
            next: way_back(next),
        })
    }

    /// The page to return to after signing in: from the address, or from the form just refused.
    fn way_back(next: Option<String>) -> Option<String> {
        next.or_else(|| use_context::<RejectedForm>().and_then(|r| r.values.get("next").cloned()))
            .filter(|next| is_staff_address(next))
    }

    pub async fn two_factor_setup() -> Result<TwoFactorStep, AppError> {
        if let Some(fresh) = use_context::<FreshRecoveryCodes>() {
            return Ok(TwoFactorStep::RecoveryCodes(fresh.0));
        }
        let (_, PendingTwoFactorSetup(staff)) = in_server_fn::<PendingTwoFactorSetup>().await?;
        let secret = TotpSecret::offered_during(&staff.token);
        Ok(TwoFactorStep::Setup(TwoFactorSetupView {
            qr_svg: qr_code_svg(&secret.provisioning_uri(&staff.record.email)),
            secret: secret.grouped_for_typing(),
            email: staff.record.email,
            errors: rejected_account_form().1,
        }))
    }

    pub async fn setup(token: String) -> Result<SetupView, AppError> {
        let state = app_state()?;
        let usable = match domain::secret_token::SecretToken::parse(&token) {
            Some(parsed) => {
                state
                    .storage
                    .setup_link_is_usable(&parsed.storage_hash(), state.clock.now())
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
        let (state, SignedIn(staff)) = in_server_fn::<SignedIn>().await?;
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
            staff: StaffBar::of(&staff),
            research_access: staff.role.reads_research_data(),
            is_owner: staff.role == domain::accounts::Role::Owner,
            studies,
        })
    }

    pub async fn dashboard(slug: &str) -> Result<DashboardView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = state.study(slug)?;
        let progress = state.storage.study_progress(slug).await?;
        let minimum = state.min_group_size;
        let small_groups =
            domain::export::small_groups::small_groups_of(&state.storage, slug, minimum).await?;
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
            staff: StaffBar::of(&staff),
            slug: study.slug.clone(),
            title: study.title.clone(),
            started: progress.started,
            submitted: progress.submitted,
            in_progress: progress.started - progress.submitted,
            completion_percent: (progress.started > 0)
                .then(|| progress.submitted * 100 / progress.started),
            median_minutes: median(&progress.minutes_to_complete),
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
            small_group_warning: domain::export::small_groups::warning(&small_groups, minimum),
            exports: domain::export::ExportFormat::ALL
                .iter()
                .map(|format| ExportLink {
                    format: format.slug().to_owned(),
                    description: format.description().to_owned(),
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

    /// The middle value of sorted whole numbers; the lower middle of an even count.
    fn median(sorted: &[i64]) -> Option<i64> {
        sorted.get(sorted.len().saturating_sub(1) / 2).copied()
    }

    pub async fn answers(
        slug: &str,
        question_id: &str,
        query: FilterQuery,
    ) -> Result<AnswersView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = state.study(slug)?;
        let question = study
            .question(question_id)
            .ok_or(AppError::UnknownQuestion)?;
        let filter = ResponseFilter::parse(&study, query)?;
        let mut wanted: Vec<&str> = LABEL_QUESTIONS.to_vec();
        wanted.push(question_id);
        let submitted = state.storage.submitted_answers(slug, &wanted).await?;
        let rows = submitted
            .iter()
            .filter(|p| filter.admits(&p.answers, true))
            .filter_map(|p| {
                let answer = p.answers.get(question_id)?;
                Some(AnswerRow {
                    participant: participant_label(p.participant_number, &p.answers),
                    answer: describe_answer(question, answer),
                })
            })
            .collect();
        let detail = format!(
            "study {slug}, question {question_id}, {}",
            filter.describe()
        );
        state
            .audit(
                Actor::Staff(&staff.record.email),
                AuditAction::ViewedAnswers,
                &detail,
            )
            .await?;
        Ok(AnswersView {
            staff: StaffBar::of(&staff),
            slug: slug.to_owned(),
            study_title: study.title.clone(),
            question_id: question_id.to_owned(),
            question_label: question.label.clone(),
            filters: filter_choices(&study, &filter, false),
            rows,
        })
    }

    const RESPONSES_PER_PAGE: usize = 50;

    fn page_number(page: Option<String>) -> Result<usize, AppError> {
        match page.filter(|p| !p.is_empty()) {
            None => Ok(1),
            Some(text) => text
                .parse()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| AppError::BadForm(format!("There is no page \"{text}\"."))),
        }
    }

    pub async fn responses(
        slug: &str,
        query: FilterQuery,
        page: Option<String>,
        deleted: bool,
    ) -> Result<ResponsesView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = state.study(slug)?;
        let filter = ResponseFilter::parse(&study, query)?;
        let page = page_number(page)?;
        let matching: Vec<_> = state
            .storage
            .response_overviews(slug, &LABEL_QUESTIONS)
            .await?
            .into_iter()
            .filter(|r| filter.admits(&r.labels, r.submitted_on.is_some()))
            .collect();
        let pages = matching.len().div_ceil(RESPONSES_PER_PAGE).max(1);
        let steps = step_titles(&study);
        let rows = matching
            .iter()
            .skip((page - 1) * RESPONSES_PER_PAGE)
            .take(RESPONSES_PER_PAGE)
            .map(|r| ResponseRow {
                id: r.id.clone(),
                label: response_label(r.participant_number, &r.labels),
                status: status_words(r.submitted_on.is_some()),
                started_on: r.started_on.format("%Y-%m-%d").to_string(),
                submitted_on: r.submitted_on.map(|d| d.format("%Y-%m-%d").to_string()),
                reached: reached_words(&steps, r.step_reached),
            })
            .collect();
        let detail = format!("study {slug}, {}, page {page}", filter.describe());
        state
            .audit(
                Actor::Staff(&staff.record.email),
                AuditAction::ViewedResponses,
                &detail,
            )
            .await?;
        Ok(ResponsesView {
            staff: StaffBar::of(&staff),
            slug: slug.to_owned(),
            study_title: study.title.clone(),
            filter_query: filter.query_string(),
            filters: filter_choices(&study, &filter, true),
            matching: matching.len(),
            page,
            pages,
            rows,
            deleted,
        })
    }

    fn response_label(
        number: Option<i64>,
        labels: &std::collections::BTreeMap<String, String>,
    ) -> String {
        match number {
            Some(number) => participant_label(number, labels),
            None => unsubmitted_label(labels),
        }
    }

    fn status_words(submitted: bool) -> String {
        if submitted {
            "Submitted"
        } else {
            "In progress"
        }
        .to_owned()
    }

    fn reached_words(steps: &[(usize, String)], reached: i64) -> String {
        let title = steps
            .iter()
            .find(|(step, _)| *step as i64 == reached)
            .map_or("", |(_, title)| title.as_str());
        format!("{reached} of {}: {title}", steps.len())
    }

    pub async fn response(slug: &str, id: &str) -> Result<ResponseView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = state.study(slug)?;
        let record = state
            .storage
            .response_in_study(slug, id)
            .await?
            .ok_or(AppError::UnknownResponse)?;
        let answers = state.storage.answers(&record.id).await?;
        let labels = LABEL_QUESTIONS
            .iter()
            .filter_map(|q| Some((q.to_string(), answers.get(*q)?.clone())))
            .collect();
        let label = response_label(record.participant_number, &labels);
        let sections = study
            .pages
            .iter()
            .filter(|page| !page.questions.is_empty())
            .map(|page| AnswerSection {
                title: page.title.clone(),
                rows: page
                    .questions
                    .iter()
                    .map(|q| {
                        let answer = answers.get(&q.id).map(|a| describe_answer(q, a));
                        (q.label.clone(), answer)
                    })
                    .collect(),
            })
            .collect();
        state
            .audit(
                Actor::Staff(&staff.record.email),
                AuditAction::ViewedResponse,
                &format!("study {slug}, {label}"),
            )
            .await?;
        Ok(ResponseView {
            staff: StaffBar::of(&staff),
            slug: slug.to_owned(),
            study_title: study.title.clone(),
            id: record.id,
            status: status_words(record.submitted_on.is_some()),
            started_on: record.started_on.format("%Y-%m-%d").to_string(),
            submitted_on: record
                .submitted_on
                .map(|d| d.format("%Y-%m-%d").to_string()),
            minutes_to_complete: record.minutes_to_complete,
            label,
            sections,
        })
    }

    pub async fn likert(slug: &str) -> Result<LikertView, AppError> {
        let (state, Researcher(staff)) = in_server_fn::<Researcher>().await?;
        let study = state.study(slug)?;
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
        let pairs = |question| {
            choice_options(&study, question)
                .into_iter()
                .map(|o| (o.value, o.label))
                .collect::<Vec<_>>()
        };
        let (settings, roles) = (pairs("setting"), pairs("role"));
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
            staff: StaffBar::of(&staff),
            slug: slug.to_owned(),
            title: study.title.clone(),
            min_group_size: min,
            items,
        })
    }

    pub async fn team(done: Option<&str>) -> Result<TeamView, AppError> {
        let (state, Owner(staff)) = in_server_fn::<Owner>().await?;
        let members = state
            .storage
            .list_staff()
            .await?
            .into_iter()
            .map(|m| TeamMember {
                is_you: m.id == staff.record.id,
                added_on: day_of(m.created_at),
                invited: !m.has_password,
                id: m.id,
                email: m.email,
                role: m.role,
                two_factor: m.two_factor,
            })
            .collect();
        let rejected = use_context::<RejectedForm>().unwrap_or_default();
        let typed = |name: &str| rejected.values.get(name).cloned().unwrap_or_default();
        let notice = match done {
            Some("reset") => Some(
                "Two-factor sign-in was reset. The account sets it up again at its next sign-in."
                    .to_owned(),
            ),
            Some("removed") => Some("The account was removed.".to_owned()),
            _ => None,
        };
        Ok(TeamView {
            staff: StaffBar::of(&staff),
            members,
            email: typed("email"),
            role: typed("role"),
            errors: rejected.summary(),
            invitation: use_context::<Invitation>(),
            notice,
        })
    }

    pub async fn remove_member(id: &str) -> Result<RemoveMemberView, AppError> {
        let (state, Owner(staff)) = in_server_fn::<Owner>().await?;
        let member = state
            .storage
            .staff_by_id(id)
            .await?
            .ok_or(AppError::UnknownAccount)?;
        Ok(RemoveMemberView {
            staff: StaffBar::of(&staff),
            id: member.id,
            email: member.email,
        })
    }

    pub async fn invite(token: String) -> Result<InviteView, AppError> {
        let state = app_state()?;
        let email = match domain::secret_token::SecretToken::parse(&token) {
            Some(link) => state
                .storage
                .invited_staff(&link.storage_hash(), state.clock.now())
                .await?
                .map(|member| member.email),
            None => None,
        };
        Ok(InviteView {
            token,
            email,
            errors: rejected_account_form().1,
        })
    }

    const AUDIT_ENTRIES_SHOWN: i64 = 500;

    pub async fn audit_log() -> Result<AuditView, AppError> {
        let (state, Owner(staff)) = in_server_fn::<Owner>().await?;
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
            staff: StaffBar::of(&staff),
            entries,
        })
    }
}
