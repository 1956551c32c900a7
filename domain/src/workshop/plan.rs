//! What a workshop asks: a list of steps, each a page of the study (the vignette, a situation)
//! and the questions of that page the room answers there.

use serde::{Deserialize, Serialize};

use crate::study::{QuestionKind, Study};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStep {
    pub page: String,
    #[serde(default)]
    pub questions: Vec<String>,
}

/// The steps of a workshop, checked against its study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan(Vec<PlanStep>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("Choose at least one page for the workshop")]
    Empty,
    #[error("The study has no page \"{0}\"")]
    NoSuchPage(String),
    #[error("The page \"{page}\" has no question \"{question}\"")]
    NoSuchQuestion { page: String, question: String },
    #[error("\"{0}\" asks how long someone has worked, which a workshop does not ask")]
    NotForARoom(String),
    #[error("The workshop's plan cannot be read: {0}")]
    Unreadable(String),
}

impl Plan {
    /// Checks steps against the study: each page is the study's, each question is on its page
    /// and is one a room can answer (text, a rating, a choice).
    pub fn check(steps: Vec<PlanStep>, study: &Study) -> Result<Self, PlanError> {
        if steps.is_empty() {
            return Err(PlanError::Empty);
        }
        for step in &steps {
            let (_, page) = study
                .page(&step.page)
                .ok_or_else(|| PlanError::NoSuchPage(step.page.clone()))?;
            for id in &step.questions {
                let question = page
                    .questions
                    .iter()
                    .find(|question| question.id == id.as_str())
                    .ok_or_else(|| PlanError::NoSuchQuestion {
                        page: step.page.clone(),
                        question: id.clone(),
                    })?;
                if matches!(question.kind, QuestionKind::Duration) {
                    return Err(PlanError::NotForARoom(id.clone()));
                }
            }
        }
        Ok(Self(steps))
    }

    /// The plan a new workshop starts from: every page after the questions about the
    /// participant, each with all its questions.
    pub fn default_for(study: &Study) -> Self {
        let describes_participants =
            |id: &str| study.demographics.iter().any(|d| d.as_str() == id);
        let steps = study
            .pages
            .iter()
            .filter(|page| !page.questions.iter().any(|q| describes_participants(q.id.as_str())))
            .map(|page| PlanStep {
                page: page.slug.clone(),
                questions: page
                    .questions
                    .iter()
                    .filter(|q| !matches!(q.kind, QuestionKind::Duration))
                    .map(|q| q.id.to_string())
                    .collect(),
            })
            .collect();
        Self(steps)
    }

    pub fn steps(&self) -> &[PlanStep] {
        &self.0
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).expect("steps serialise")
    }

    /// A stored plan, checked again against the version of the study it was made for.
    pub fn from_json(json: &str, study: &Study) -> Result<Self, PlanError> {
        let steps: Vec<PlanStep> =
            serde_json::from_str(json).map_err(|error| PlanError::Unreadable(error.to_string()))?;
        Self::check(steps, study)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sam() -> Study {
        Study::parse("sam.toml", include_str!("../../../studies/sam.toml")).unwrap()
    }

    #[test]
    fn the_default_plan_skips_the_questions_about_the_participant() {
        let plan = Plan::default_for(&sam());
        let pages: Vec<&str> = plan.steps().iter().map(|s| s.page.as_str()).collect();
        assert!(!pages.contains(&"about-you"), "{pages:?}");
        assert_eq!(pages.first(), Some(&"before-you-start"));
        let money = plan.steps().iter().find(|s| s.page == "scenario-money").unwrap();
        assert!(money.questions.contains(&"money_support".to_owned()));
        let again = Plan::from_json(&plan.to_json(), &sam()).unwrap();
        assert_eq!(again, plan);
    }

    #[test]
    fn a_plan_is_checked_against_its_study() {
        let step = |page: &str, questions: &[&str]| PlanStep {
            page: page.into(),
            questions: questions.iter().map(|q| (*q).to_owned()).collect(),
        };
        let study = sam();
        assert_eq!(Plan::check(vec![], &study), Err(PlanError::Empty));
        assert_eq!(
            Plan::check(vec![step("nowhere", &[])], &study),
            Err(PlanError::NoSuchPage("nowhere".into()))
        );
        assert!(matches!(
            Plan::check(vec![step("sam", &["money_support"])], &study),
            Err(PlanError::NoSuchQuestion { .. })
        ));
        assert_eq!(
            Plan::check(vec![step("about-you", &["experience"])], &study),
            Err(PlanError::NotForARoom("experience".into()))
        );
        assert!(Plan::check(vec![step("sam", &[]), step("scenario-money", &["money_support"])], &study).is_ok());
    }
}
