use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::label::{ParticipantLabel, RawLabel};
use super::order::{RawScenarioOrder, ScenarioOrder, balanced_cell};
use super::schedule::{Admission, RawSchedule, Schedule};
use super::themes::{RawTheme, Theme};
use super::variants::{RawVariant, Variant};
use super::{locate, render_markdown};
use crate::ids::{QuestionId, StudySlug, is_identifier};

/// The longest free-text answer accepted when a question sets no limit of its own.
pub const DEFAULT_MAX_CHARS: usize = 5_000;
const LARGEST_MAX_CHARS: usize = 100_000;

/// Why a study file could not be loaded: the file, the line when the text has one to point at,
/// the field and the problem.
#[derive(Debug, thiserror::Error)]
pub struct StudyError {
    pub file: String,
    pub line: Option<usize>,
    pub field: String,
    pub problem: String,
}

impl std::fmt::Display for StudyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}: line {line}: {}: {}", self.file, self.field, self.problem),
            None => write!(f, "{}: {}: {}", self.file, self.field, self.problem),
        }
    }
}

impl StudyError {
    /// An error about the whole file or folder, with no line to point at.
    fn whole(file: impl Into<String>, field: &str, problem: String) -> Self {
        Self {
            file: file.into(),
            line: None,
            field: field.into(),
            problem,
        }
    }
}

/// What a participant is dealt at consent and keeps: their scenario order (page slugs,
/// space-separated) and their variant's id; None where the study deals none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dealt {
    pub scenario_order: Option<String>,
    pub variant: Option<String>,
}

impl Dealt {
    /// The place (from 1) the page with this slug was shown in, when an order was dealt.
    pub fn place_of(&self, page_slug: &str) -> Option<usize> {
        let order = self.scenario_order.as_deref()?;
        order.split(' ').position(|slug| slug == page_slug).map(|i| i + 1)
    }
}

/// A validated study, with its Markdown already rendered to safe HTML.
#[derive(Debug, Clone)]
pub struct Study {
    pub slug: StudySlug,
    pub title: String,
    pub version: String,
    pub citation: String,
    pub information_title: String,
    pub information_html: String,
    pub consent_version: String,
    pub consent_statement: String,
    pub pages: Vec<Page>,
    pub thanks_title: String,
    pub thanks_html: String,
    pub redaction: RedactionWords,
    /// How lists name a participant ("P17: Inpatient SW, 14 months experience").
    pub participant_label: ParticipantLabel,
    /// The questions about who participants are: counted together in the small-group check,
    /// offered as groups in charts.
    pub demographics: Vec<QuestionId>,
    /// The scenario pages that change places between participants; None when the order is fixed.
    pub scenario_order: Option<ScenarioOrder>,
    /// Versions of the vignette dealt at consent; empty when everyone reads the same words.
    pub variants: Vec<Variant>,
    /// The days the study takes new participants and answers.
    pub schedule: Schedule,
    /// A sentence or two for the start page: who the study is for and how long it takes.
    pub summary: Option<String>,
    /// The published study's themes, for workshops to set a room's answers beside; often empty.
    pub themes: Vec<Theme>,
    /// The file as it was read, so researchers can export exactly what participants saw.
    pub source: String,
    /// The catalogue's number for this wording (1, 2, … as published; 0 for a file not yet in
    /// the catalogue). A response is pinned to the number it started on.
    pub version_number: i64,
}

/// Words that steer the identifier detectors for this study's answers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionWords {
    /// Names to look for in answers (for example the study site's staff), in any case.
    #[serde(default)]
    pub names: Vec<String>,
    /// Capitalised words that identify no one here, such as the vignette's own fictional people.
    #[serde(default)]
    pub not_names: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub title: String,
    pub body_html: String,
    /// Only the questions that are switched on.
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: QuestionId,
    pub label: String,
    /// A name of a few words for filters and charts ("Work setting"), where the label is long.
    pub short_label: Option<String>,
    pub hint: Option<String>,
    pub required: bool,
    pub from_instrument: bool,
    /// An instrument question whose wording the study adapts (`adapted = true`), knowingly.
    pub adapted: bool,
    pub theme: Option<String>,
    pub kind: QuestionKind,
}

impl Question {
    /// Whether it is answered in the participant's own words (free text).
    pub fn is_written(&self) -> bool {
        matches!(self.kind, QuestionKind::Text { .. })
    }

    /// The short label, or the label where there is none.
    pub fn short_name(&self) -> &str {
        self.short_label.as_deref().unwrap_or(&self.label)
    }
}

#[derive(Debug, Clone)]
pub enum QuestionKind {
    Text {
        max_chars: usize,
    },
    Likert {
        labels: Vec<String>,
    },
    Choice {
        options: Vec<ChoiceOption>,
    },
    /// A length of time in whole months, asked as years and months.
    Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
}

/// All loaded studies, by slug. The first loaded is the one the start page offers.
#[derive(Debug, Clone, Default)]
pub struct Studies {
    /// The newest version of each study: the one new participants are shown.
    by_slug: BTreeMap<StudySlug, Arc<Study>>,
    /// Every version the catalogue holds, for the responses that started on it.
    versions: BTreeMap<(StudySlug, i64), Arc<Study>>,
    default_slug: Option<StudySlug>,
}

impl Studies {
    /// Loads every `*.toml` file in a folder, in name order, stopping at the first invalid one.
    pub fn load_dir(dir: &Path, default_slug: &str) -> Result<Self, StudyError> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            StudyError::whole(
                dir.display().to_string(),
                "(folder)",
                format!("cannot read the studies folder: {e}"),
            )
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        files.sort();
        let mut studies = Studies::default();
        for file in files {
            studies.insert(Study::load(&file)?);
        }
        if studies.get(default_slug).is_none() {
            return Err(StudyError::whole(
                dir.display().to_string(),
                "(folder)",
                format!("no study with slug \"{default_slug}\" was found"),
            ));
        }
        studies.default_slug = StudySlug::parse(default_slug).ok();
        Ok(studies)
    }

    /// Adds a study version; the one with the highest number becomes the study's current one.
    pub fn insert(&mut self, study: Study) {
        self.default_slug.get_or_insert_with(|| study.slug.clone());
        let study = Arc::new(study);
        self.versions.insert(
            (study.slug.clone(), study.version_number),
            Arc::clone(&study),
        );
        let newer = self
            .by_slug
            .get(&study.slug)
            .is_none_or(|current| current.version_number <= study.version_number);
        if newer {
            self.by_slug.insert(study.slug.clone(), study);
        }
    }

    /// The catalogue's versions, read back: each definition must still load. The default study
    /// is the files' one (`default_slug`), which the catalogue must hold.
    pub fn from_catalogue(
        stored: impl IntoIterator<Item = (StudySlug, i64, String)>,
        default_slug: &str,
    ) -> Result<Self, StudyError> {
        let mut studies = Studies::default();
        for (slug, number, definition) in stored {
            let mut study =
                Study::parse(&format!("catalogue: {slug} version {number}"), &definition)?;
            study.version_number = number;
            studies.insert(study);
        }
        studies.default_slug = Some(StudySlug::parse(default_slug).map_err(|_| {
            StudyError::whole(
                "catalogue",
                "(default study)",
                format!("\"{default_slug}\" is not a study slug"),
            )
        })?);
        if studies.default_study().is_none() {
            return Err(StudyError::whole(
                "catalogue",
                "(default study)",
                format!("no study with slug \"{default_slug}\" is in the catalogue"),
            ));
        }
        Ok(studies)
    }

    /// The newest version of the study at `slug`.
    pub fn get(&self, slug: impl AsRef<str>) -> Option<Arc<Study>> {
        self.by_slug.get(slug.as_ref()).cloned()
    }

    /// The version `number` of the study at `slug`, as a response that started on it needs it.
    pub fn version(&self, slug: &StudySlug, number: i64) -> Option<Arc<Study>> {
        self.versions.get(&(slug.clone(), number)).cloned()
    }

    /// Every version of the study at `slug`, oldest first.
    pub fn versions_of(&self, slug: &StudySlug) -> Vec<Arc<Study>> {
        self.versions
            .range((slug.clone(), i64::MIN)..=(slug.clone(), i64::MAX))
            .map(|(_, study)| study.clone())
            .collect()
    }

    /// The studies that take new participants on `today`, newest versions, the default first.
    pub fn open_on(&self, today: chrono::NaiveDate) -> Vec<Arc<Study>> {
        let not_default = |study: &Arc<Study>| Some(&study.slug) != self.default_slug.as_ref();
        let mut open: Vec<Arc<Study>> = self
            .by_slug
            .values()
            .filter(|study| study.schedule.admission(today) == Admission::Open)
            .cloned()
            .collect();
        open.sort_by_key(not_default);
        open
    }

    pub fn default_study(&self) -> Option<Arc<Study>> {
        self.default_slug
            .as_ref()
            .and_then(|slug| self.get(slug.as_str()))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Study>> {
        self.by_slug.values()
    }
}

impl Study {
    pub fn load(path: &Path) -> Result<Self, StudyError> {
        let file = path.display().to_string();
        let source = std::fs::read_to_string(path).map_err(|e| {
            StudyError::whole(file.clone(), "(file)", format!("cannot read the file: {e}"))
        })?;
        Self::parse(&file, &source)
    }

    /// Parses and validates a study file's text; `file` names it in errors.
    pub fn parse(file: &str, source: &str) -> Result<Self, StudyError> {
        let raw: RawStudy = toml::from_str(source).map_err(|e| {
            let (line, field) = toml_error_place(&e, source);
            StudyError {
                file: file.to_owned(),
                line,
                field,
                problem: e.message().to_owned(),
            }
        })?;
        raw.validate(source).map_err(|(field, problem)| StudyError {
            file: file.to_owned(),
            line: locate::line_of(source, &field),
            field,
            problem,
        })
    }

    pub fn page(&self, slug: &str) -> Option<(usize, &Page)> {
        self.pages
            .iter()
            .enumerate()
            .find(|(_, page)| page.slug == slug)
    }

    /// The questions that label participants or describe them, each once: what lists of
    /// responses read besides the answers they show.
    pub fn participant_questions(&self) -> Vec<QuestionId> {
        let mut ids = self.participant_label.questions().to_vec();
        for id in &self.demographics {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        ids
    }

    /// True when participants are dealt an order or a variant at consent.
    pub fn deals_anything(&self) -> bool {
        self.scenario_order.is_some() || !self.variants.is_empty()
    }

    /// What the `draw`-th participant of a study version's counter (with its `salt`) is dealt:
    /// a scenario order and a variant, each balanced on its own, so that each stays within one
    /// of the others however many are dealt.
    pub fn deal(&self, draw: u64, salt: u64) -> Dealt {
        let variant_salt = salt.rotate_left(32) ^ 0xA076_1D64_78BD_642F;
        Dealt {
            scenario_order: self.scenario_order.as_ref().map(|o| o.dealt(draw, salt)),
            variant: (!self.variants.is_empty()).then(|| {
                let chosen = balanced_cell(draw, variant_salt, self.variants.len());
                self.variants[chosen].id.clone()
            }),
        }
    }

    /// The variant with this id.
    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|variant| variant.id == id)
    }

    /// The study as a participant meets it, with what they were dealt at consent; None when
    /// what is stored does not fit the study.
    pub fn as_dealt(&self, dealt: &Dealt) -> Option<Self> {
        let mut pages = match (&self.scenario_order, &dealt.scenario_order) {
            (Some(order), Some(stored)) => order.arrange(&self.pages, &order.read(stored)?),
            (_, None) => self.pages.clone(),
            (None, Some(_)) => return None,
        };
        if let Some(id) = &dealt.variant {
            self.variant(id)?.reword(&mut pages);
        }
        Some(Self {
            pages,
            ..self.clone()
        })
    }

    pub fn questions(&self) -> impl Iterator<Item = (&Page, &Question)> {
        self.pages
            .iter()
            .flat_map(|page| page.questions.iter().map(move |q| (page, q)))
    }

    /// The questions answered in the participant's own words, in the study's order.
    pub fn written_questions(&self) -> impl Iterator<Item = &Question> {
        self.questions()
            .map(|(_, question)| question)
            .filter(|question| question.is_written())
    }

    /// The theme or subtheme with this id.
    pub fn theme(&self, id: &str) -> Option<&Theme> {
        self.themes
            .iter()
            .flat_map(Theme::with_subthemes)
            .find(|theme| theme.id == id)
    }

    pub fn question(&self, id: impl AsRef<str>) -> Option<&Question> {
        let id = id.as_ref();
        self.questions().map(|(_, q)| q).find(|q| q.id == id)
    }

    /// The questions that quote the instrument in `earlier` too, are worded differently here, and
    /// are not marked `adapted`: a change of the published instrument's wording that must be made
    /// knowingly. Each with the line of the question in this study's text.
    pub fn unmarked_instrument_changes(&self, earlier: &Study) -> Vec<WordingChange> {
        self.questions()
            .map(|(_, q)| q)
            .filter(|q| q.from_instrument && !q.adapted)
            .filter_map(|q| {
                let before = earlier.question(&q.id)?;
                (before.from_instrument && before.label != q.label).then(|| WordingChange {
                    question: q.id.clone(),
                    line: locate::line_of_question(&self.source, q.id.as_str()),
                    before: before.label.clone(),
                })
            })
            .collect()
    }
}

/// An instrument question worded differently from an earlier version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordingChange {
    pub question: QuestionId,
    /// The question's line in the new text.
    pub line: Option<usize>,
    /// Its wording before.
    pub before: String,
}

/// The line and the field a TOML error is about (for a missing field, the one to add); "(file)"
/// when it is about no field in particular.
fn toml_error_place(error: &toml::de::Error, source: &str) -> (Option<usize>, String) {
    let span = error.span();
    let line = span.as_ref().map(|span| locate::line_at(source, span.start));
    let at = span.and_then(|span| locate::field_at(source, span.start));
    let missing = error
        .message()
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (at, missing) {
        (Some(at), Some(missing)) => (line, format!("{at}.{missing}")),
        // A top-level field is missing: the whole file is the place.
        (None, Some(missing)) => (None, missing.to_owned()),
        (Some(at), None) => (line, at),
        (None, None) => (line, "(file)".into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStudy {
    slug: String,
    title: String,
    version: String,
    citation: String,
    information: RawSection,
    consent: RawConsent,
    #[serde(default)]
    scales: BTreeMap<String, RawScale>,
    pages: Vec<RawPage>,
    thanks: RawSection,
    #[serde(default)]
    redaction: RedactionWords,
    #[serde(default)]
    participants: RawParticipants,
    scenario_order: Option<RawScenarioOrder>,
    #[serde(default)]
    variants: Vec<RawVariant>,
    #[serde(default)]
    schedule: RawSchedule,
    summary: Option<String>,
    #[serde(default)]
    themes: Vec<RawTheme>,
}

/// Who a participant is: how lists name them, and which questions describe them.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawParticipants {
    #[serde(default)]
    label: RawLabel,
    #[serde(default)]
    demographics: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    title: String,
    body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConsent {
    version: String,
    statement: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    labels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    slug: String,
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    kind: RawKind,
    label: String,
    hint: Option<String>,
    #[serde(default = "yes")]
    required: bool,
    #[serde(default = "yes")]
    enabled: bool,
    max_chars: Option<usize>,
    scale: Option<String>,
    #[serde(default)]
    options: Vec<ChoiceOption>,
    source: Option<String>,
    #[serde(default)]
    adapted: bool,
    theme: Option<String>,
    short_label: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RawKind {
    Text,
    Likert,
    Choice,
    Duration,
}

pub(super) type Invalid = (String, String);

pub(super) fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Invalid {
    (field.into(), problem.into())
}

pub(super) fn require_text(field: &str, value: &str) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    Ok(())
}

pub(super) fn require_identifier(field: &str, value: &str) -> Result<(), Invalid> {
    if !is_identifier(value) {
        let problem = crate::ids::IdError::NotAnIdentifier(value.to_owned());
        return Err(invalid(field, problem.to_string()));
    }
    Ok(())
}

/// Page slugs that the survey's own steps use in addresses.
const RESERVED_PAGE_SLUGS: [&str; 3] = ["check", "thanks", "consent"];

impl RawStudy {
    fn validate(self, source: &str) -> Result<Study, Invalid> {
        let slug = StudySlug::parse(self.slug).map_err(|e| invalid("slug", e.to_string()))?;
        require_text("title", &self.title)?;
        require_text("version", &self.version)?;
        require_text("citation", &self.citation)?;
        require_text("information.title", &self.information.title)?;
        require_text("information.body", &self.information.body)?;
        require_text("consent.version", &self.consent.version)?;
        require_text("consent.statement", &self.consent.statement)?;
        require_text("thanks.title", &self.thanks.title)?;
        require_text("thanks.body", &self.thanks.body)?;
        for (name, scale) in &self.scales {
            validate_scale(&format!("scales.{name}"), scale)?;
        }
        if self.pages.is_empty() {
            return Err(invalid("pages", "a study needs at least one page"));
        }
        let mut page_slugs = HashSet::new();
        let mut question_ids = HashSet::new();
        let mut pages = Vec::with_capacity(self.pages.len());
        for (index, page) in self.pages.into_iter().enumerate() {
            let field = format!("pages[{index}]");
            require_identifier(&format!("{field}.slug"), &page.slug)?;
            if RESERVED_PAGE_SLUGS.contains(&page.slug.as_str())
                || !page_slugs.insert(page.slug.clone())
            {
                return Err(invalid(
                    format!("{field}.slug"),
                    format!("\"{}\" is reserved or used twice", page.slug),
                ));
            }
            require_text(&format!("{field}.title"), &page.title)?;
            let mut questions = Vec::new();
            for (q_index, question) in page.questions.into_iter().enumerate() {
                let q_field = format!("{field}.questions[{q_index}]");
                if !question_ids.insert(question.id.clone()) {
                    return Err(invalid(
                        format!("{q_field}.id"),
                        format!("\"{}\" is used twice", question.id),
                    ));
                }
                let parsed = question.validate(&q_field, &self.scales)?;
                if let Some(parsed) = parsed {
                    questions.push(parsed);
                }
            }
            pages.push(Page {
                slug: page.slug,
                title: page.title,
                body_html: render_markdown(&page.body),
                questions,
            });
        }
        let participants = self.participants;
        let participant_label = participants.label.validate(&pages)?;
        let demographics =
            declared_questions("participants.demographics", participants.demographics, &pages)?;
        let scenario_order = match self.scenario_order {
            Some(raw) => raw.validate(&pages)?,
            None => None,
        };
        let variants = super::variants::validate(self.variants, &pages)?;
        if self.summary.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(invalid("summary", "must not be empty when it is given"));
        }
        Ok(Study {
            scenario_order,
            variants,
            schedule: self.schedule.validate()?,
            summary: self.summary,
            themes: super::themes::check_themes(self.themes)?,
            slug,
            participant_label,
            demographics,
            title: self.title,
            version: self.version,
            citation: self.citation,
            information_title: self.information.title,
            information_html: render_markdown(&self.information.body),
            consent_version: self.consent.version,
            consent_statement: self.consent.statement,
            pages,
            thanks_title: self.thanks.title,
            thanks_html: render_markdown(&self.thanks.body),
            redaction: self.redaction,
            source: source.to_owned(),
            version_number: 0,
        })
    }
}

/// The questions a `[participants]` list names: each a choice or a duration asked in the study,
/// at most once.
fn declared_questions(
    field: &str,
    ids: Vec<String>,
    pages: &[Page],
) -> Result<Vec<QuestionId>, Invalid> {
    let mut declared: Vec<QuestionId> = Vec::with_capacity(ids.len());
    for (i, id) in ids.into_iter().enumerate() {
        let item = format!("{field}[{i}]");
        let question = pages
            .iter()
            .flat_map(|page| &page.questions)
            .find(|question| question.id == id.as_str())
            .ok_or_else(|| invalid(&item, format!("no question \"{id}\" is asked in this study")))?;
        if !matches!(
            question.kind,
            QuestionKind::Choice { .. } | QuestionKind::Duration
        ) {
            return Err(invalid(&item, format!("\"{id}\" must be a choice or duration question")));
        }
        if declared.contains(&question.id) {
            return Err(invalid(&item, format!("\"{id}\" is listed twice")));
        }
        declared.push(question.id.clone());
    }
    Ok(declared)
}

fn validate_scale(field: &str, scale: &RawScale) -> Result<(), Invalid> {
    if !(2..=11).contains(&scale.labels.len()) {
        return Err(invalid(
            format!("{field}.labels"),
            "a scale needs between 2 and 11 labels",
        ));
    }
    for (i, label) in scale.labels.iter().enumerate() {
        require_text(&format!("{field}.labels[{i}]"), label)?;
    }
    Ok(())
}

impl RawQuestion {
    /// Returns the question, or None when it is switched off.
    fn validate(
        self,
        field: &str,
        scales: &BTreeMap<String, RawScale>,
    ) -> Result<Option<Question>, Invalid> {
        let id = QuestionId::parse(self.id).map_err(|e| invalid(format!("{field}.id"), e.to_string()))?;
        require_text(&format!("{field}.label"), &self.label)?;
        let from_instrument = match self.source.as_deref() {
            None => false,
            Some("instrument") => true,
            Some(other) => {
                return Err(invalid(
                    format!("{field}.source"),
                    format!("\"{other}\" is not known; use \"instrument\" or leave it out"),
                ));
            }
        };
        if self.adapted && !from_instrument {
            return Err(invalid(
                format!("{field}.adapted"),
                "only a question with source = \"instrument\" can be adapted from it",
            ));
        }
        let kind = match self.kind {
            RawKind::Text => {
                let max_chars = self.max_chars.unwrap_or(DEFAULT_MAX_CHARS);
                if !(1..=LARGEST_MAX_CHARS).contains(&max_chars) {
                    return Err(invalid(
                        format!("{field}.max_chars"),
                        format!("must be between 1 and {LARGEST_MAX_CHARS}"),
                    ));
                }
                QuestionKind::Text { max_chars }
            }
            RawKind::Likert => {
                let name = self.scale.as_deref().ok_or_else(|| {
                    invalid(format!("{field}.scale"), "a likert question needs a scale")
                })?;
                let scale = scales.get(name).ok_or_else(|| {
                    invalid(
                        format!("{field}.scale"),
                        format!("no scale named \"{name}\" under [scales]"),
                    )
                })?;
                QuestionKind::Likert {
                    labels: scale.labels.clone(),
                }
            }
            RawKind::Choice => {
                if self.options.len() < 2 {
                    return Err(invalid(
                        format!("{field}.options"),
                        "a choice question needs at least two options",
                    ));
                }
                let mut seen = HashSet::new();
                for (i, option) in self.options.iter().enumerate() {
                    require_identifier(&format!("{field}.options[{i}].value"), &option.value)?;
                    require_text(&format!("{field}.options[{i}].label"), &option.label)?;
                    if !seen.insert(option.value.as_str()) {
                        return Err(invalid(format!("{field}.options[{i}].value"), "used twice"));
                    }
                }
                QuestionKind::Choice {
                    options: self.options,
                }
            }
            RawKind::Duration => QuestionKind::Duration,
        };
        if !self.enabled {
            return Ok(None);
        }
        Ok(Some(Question {
            id,
            label: self.label,
            hint: self.hint,
            required: self.required,
            from_instrument,
            adapted: self.adapted,
            theme: self.theme,
            short_label: self.short_label,
            kind,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sam_source() -> String {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../studies/sam.toml"))
            .unwrap()
    }

    #[test]
    fn the_sam_study_loads() {
        let study = Study::parse("sam.toml", &sam_source()).unwrap();
        assert_eq!(study.slug, "sam");
        assert_eq!(study.pages.len(), 7);
        let vignette = study.page("sam").unwrap().1;
        let words = study
            .source
            .split("[[pages]]")
            .nth(3)
            .unwrap()
            .split_whitespace()
            .count();
        assert!(words > 250, "vignette section is {words} words");
        assert_eq!(vignette.questions.len(), 3);
        assert_eq!(
            study.question("r3").unwrap().label,
            "What may hinder Sam's recovery, as you see it?"
        );
        assert!(
            study.question("nation").is_none(),
            "nation is switched off by default"
        );
    }

    fn error_for(edit: impl Fn(String) -> String) -> StudyError {
        Study::parse("broken.toml", &edit(sam_source())).unwrap_err()
    }

    #[test]
    fn an_unknown_scale_names_the_field() {
        let error = error_for(|s| s.replacen("scale = \"support\"", "scale = \"nope\"", 1));
        assert_eq!(error.file, "broken.toml");
        assert_eq!(error.field, "pages[3].questions[2].scale");
        assert!(error.problem.contains("nope"), "{error}");
    }

    #[test]
    fn a_duplicate_question_id_is_rejected() {
        let error = error_for(|s| s.replacen("id = \"r2\"", "id = \"r1\"", 1));
        assert_eq!(error.field, "pages[2].questions[1].id");
    }

    #[test]
    fn an_empty_consent_statement_is_rejected() {
        let error = error_for(|s| {
            s.replace(
                "statement = \"I have read the information about this study and I agree that my answers are used for research.\"",
                "statement = \"  \"",
            )
        });
        assert_eq!(error.field, "consent.statement");
    }

    #[test]
    fn a_missing_field_is_reported_by_toml() {
        let error = error_for(|s| s.replacen("version = \"1.0.0\"", "", 1));
        assert!(error.problem.contains("version"), "{error}");
        assert!(error.to_string().starts_with("broken.toml: "));
    }

    #[test]
    fn a_bad_limit_is_rejected() {
        let error = error_for(|s| s.replacen("id = \"r1\"\n", "id = \"r1\"\nmax_chars = 0\n", 1));
        assert_eq!(error.field, "pages[2].questions[0].max_chars");
    }

    #[test]
    fn the_study_declares_who_participants_are() {
        let study = Study::parse("sam.toml", &sam_source()).unwrap();
        let ids = |list: &[QuestionId]| list.iter().map(QuestionId::to_string).collect::<Vec<_>>();
        assert_eq!(
            ids(study.participant_label.questions()),
            ["setting", "role", "experience"]
        );
        assert_eq!(ids(&study.demographics), ["setting", "role", "experience"]);
    }

    #[test]
    fn participant_questions_must_be_asked_choices_or_durations_listed_once() {
        let declared = "demographics = [\"setting\", \"role\", \"experience\"]";
        let with = |list: &'static str| {
            move |s: String| s.replacen(declared, &format!("demographics = [{list}]"), 1)
        };
        let unknown = error_for(with("\"setting\", \"shoe_size\""));
        assert_eq!(unknown.field, "participants.demographics[1]");
        assert!(unknown.problem.contains("shoe_size"), "{unknown}");
        let switched_off = error_for(with("\"nation\""));
        assert_eq!(switched_off.field, "participants.demographics[0]");
        let free_text = error_for(with("\"r1\""));
        assert!(free_text.problem.contains("choice or duration"), "{free_text}");
        let twice = error_for(with("\"role\", \"role\""));
        assert_eq!(twice.field, "participants.demographics[1]");
        assert!(twice.problem.contains("twice"), "{twice}");
    }

    const ORDERED: &str = "pages = [\"scenario-money\", \"scenario-medication\", \"scenario-social\"]";

    fn with_order(design: &'static str, pages: &'static str) -> impl Fn(String) -> String {
        move |s: String| {
            s.replacen("design = \"fixed\"", &format!("design = \"{design}\""), 1)
                .replacen(ORDERED, &format!("pages = [{pages}]"), 1)
        }
    }

    #[test]
    fn a_balanced_order_deals_the_listed_pages_in_their_places() {
        let all = "\"scenario-money\", \"scenario-medication\", \"scenario-social\"";
        let fixed = Study::parse("sam.toml", &sam_source()).unwrap();
        assert!(fixed.scenario_order.is_none());
        let source = with_order("all-orders", all)(sam_source());
        let study = Study::parse("sam.toml", &source).unwrap();
        let order = study.scenario_order.as_ref().unwrap();
        assert_eq!(order.order_count(), 6);
        let dealt = |order: &str| Dealt {
            scenario_order: Some(order.to_owned()),
            variant: None,
        };
        let shown = study.as_dealt(&dealt("scenario-social scenario-money scenario-medication")).unwrap();
        let slugs: Vec<&str> = shown.pages.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["about-you", "before-you-start", "sam", "scenario-social", "scenario-money", "scenario-medication", "your-views"]
        );
        assert!(study.as_dealt(&dealt("scenario-social scenario-money")).is_none());
        assert!(fixed.as_dealt(&dealt("scenario-social scenario-money scenario-medication")).is_none());
        let latin = Study::parse("sam.toml", &with_order("latin-square", all)(sam_source())).unwrap();
        assert_eq!(latin.scenario_order.unwrap().order_count(), 6);
    }

    #[test]
    fn a_scenario_order_must_name_pages_of_the_study_once() {
        let unknown = error_for(with_order("all-orders", "\"scenario-money\", \"scenario-pub\""));
        assert_eq!(unknown.field, "scenario_order.pages[1]");
        assert!(unknown.problem.contains("scenario-pub"), "{unknown}");
        let twice = error_for(with_order("latin-square", "\"sam\", \"sam\""));
        assert_eq!(twice.field, "scenario_order.pages[1]");
        assert!(twice.problem.contains("twice"), "{twice}");
        let alone = error_for(with_order("all-orders", "\"sam\""));
        assert_eq!(alone.field, "scenario_order.pages");
        assert!(alone.problem.contains("between 2 and 6"), "{alone}");
        let unknown_design = error_for(with_order("random", "\"sam\", \"scenario-money\""));
        assert_eq!(unknown_design.field, "scenario_order.design");
        assert!(unknown_design.line.is_some(), "{unknown_design}");
        assert!(unknown_design.problem.contains("latin-square"), "{unknown_design}");
    }

    /// Two versions of the vignette: the file's own, and Sam as "they" with the page retitled.
    pub(crate) const TWO_VARIANTS: &str = "
[[variants]]
id = \"she\"
label = \"Sam described as she\"

[[variants]]
id = \"they\"
label = \"Sam described as they\"
[variants.pages.sam]
title = \"Meet Sam (they)\"
body = \"Sam is 27. **They** have just moved into a flat of their own.\"
";

    #[test]
    fn a_variant_rewords_only_its_own_pages() {
        let study = Study::parse("sam.toml", &(sam_source() + TWO_VARIANTS)).unwrap();
        assert_eq!(study.variants.len(), 2);
        assert!(study.deals_anything());
        let they = study
            .as_dealt(&Dealt { scenario_order: None, variant: Some("they".into()) })
            .unwrap();
        let (_, vignette) = they.page("sam").unwrap();
        assert_eq!(vignette.title, "Meet Sam (they)");
        assert!(vignette.body_html.contains("<strong>They</strong>"), "{}", vignette.body_html);
        assert_eq!(they.page("scenario-money").unwrap().1.body_html, study.page("scenario-money").unwrap().1.body_html);
        let she = study
            .as_dealt(&Dealt { scenario_order: None, variant: Some("she".into()) })
            .unwrap();
        assert_eq!(she.page("sam").unwrap().1.body_html, study.page("sam").unwrap().1.body_html);
        assert!(study.as_dealt(&Dealt { scenario_order: None, variant: Some("he".into()) }).is_none());
    }

    #[test]
    fn deals_keep_orders_and_variants_each_within_one() {
        let source = with_order("all-orders", "\"scenario-money\", \"scenario-medication\", \"scenario-social\"")(sam_source()) + TWO_VARIANTS;
        let study = Study::parse("sam.toml", &source).unwrap();
        let mut orders: BTreeMap<String, i64> = BTreeMap::new();
        let mut variants: BTreeMap<String, i64> = BTreeMap::new();
        let mut pairs: BTreeMap<(String, String), i64> = BTreeMap::new();
        for draw in 1..=1_000u64 {
            let dealt = study.deal(draw, 0x5EED);
            let (order, variant) = (dealt.scenario_order.unwrap(), dealt.variant.unwrap());
            *orders.entry(order.clone()).or_default() += 1;
            *variants.entry(variant.clone()).or_default() += 1;
            *pairs.entry((order, variant)).or_default() += 1;
            let spread = |counts: &BTreeMap<String, i64>| {
                counts.values().max().unwrap() - counts.values().min().unwrap()
            };
            if orders.len() == 6 {
                assert!(spread(&orders) <= 1, "orders after {draw}: {orders:?}");
            }
            if variants.len() == 2 {
                assert!(spread(&variants) <= 1, "variants after {draw}: {variants:?}");
            }
        }
        assert_eq!(pairs.len(), 12, "every order meets every variant: {pairs:?}");
    }

    #[test]
    fn variants_are_checked_against_the_study() {
        let one = "\n[[variants]]\nid = \"she\"\nlabel = \"She\"\n";
        let error = Study::parse("broken.toml", &(sam_source() + one)).unwrap_err();
        assert_eq!(error.field, "variants");
        let twice = TWO_VARIANTS.replace("id = \"they\"", "id = \"she\"");
        let error = Study::parse("broken.toml", &(sam_source() + &twice)).unwrap_err();
        assert_eq!(error.field, "variants[1].id");
        let unknown = TWO_VARIANTS.replace("[variants.pages.sam]", "[variants.pages.pub]");
        let error = Study::parse("broken.toml", &(sam_source() + &unknown)).unwrap_err();
        assert_eq!(error.field, "variants[1].pages.pub");
        let bad_id = TWO_VARIANTS.replace("id = \"they\"", "id = \"They!\"");
        let error = Study::parse("broken.toml", &(sam_source() + &bad_id)).unwrap_err();
        assert_eq!(error.field, "variants[1].id");
    }
}
