//! A draft of a study: its file being edited in the researcher area one form at a time. Edits
//! change the TOML document in place, keeping its comments and layout, so the file a researcher
//! downloads after publishing still reads like the one they started from. A draft may be invalid
//! while it is edited; `Study::parse` checks it before it is published.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value, value};

use super::definition::{ChoiceOption, Study};
use crate::ids::is_identifier;

/// What an edit could not do; the draft is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("The draft is not a readable study file: {0}")]
    NotToml(String),
    #[error("The study has no page \"{0}\"")]
    NoSuchPage(String),
    #[error("The study has no question \"{0}\"")]
    NoSuchQuestion(String),
    #[error("The study has no variant \"{0}\"")]
    NoSuchVariant(String),
    #[error("\"{0}\" is already used in this study: choose another")]
    Taken(String),
    #[error(
        "\"{0}\" cannot be used: use up to 64 lower-case letters, digits, - or _, starting with a letter"
    )]
    NotAnIdentifier(String),
}

/// The study texts that are one field each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudyText {
    Title,
    Summary,
    InformationTitle,
    InformationBody,
    ConsentStatement,
    ThanksTitle,
    ThanksBody,
}

impl StudyText {
    fn path(self) -> (Option<&'static str>, &'static str) {
        match self {
            Self::Title => (None, "title"),
            Self::Summary => (None, "summary"),
            Self::InformationTitle => (Some("information"), "title"),
            Self::InformationBody => (Some("information"), "body"),
            Self::ConsentStatement => (Some("consent"), "statement"),
            Self::ThanksTitle => (Some("thanks"), "title"),
            Self::ThanksBody => (Some("thanks"), "body"),
        }
    }
}

/// The kinds of question a draft can add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewQuestionKind {
    Text,
    Likert,
    Choice,
    Duration,
}

impl NewQuestionKind {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "text" => Some(Self::Text),
            "likert" => Some(Self::Likert),
            "choice" => Some(Self::Choice),
            "duration" => Some(Self::Duration),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Likert => "likert",
            Self::Choice => "choice",
            Self::Duration => "duration",
        }
    }
}

/// A page of the draft as its editor shows it: raw Markdown, every question (asked or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftPage {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub questions: Vec<DraftQuestion>,
}

/// A question of the draft with every field its form edits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DraftQuestion {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub short_label: String,
    pub hint: String,
    pub theme: String,
    pub required: bool,
    /// False for a question kept in the file but not asked (`enabled = false`).
    pub asked: bool,
    pub max_chars: Option<usize>,
    pub scale: String,
    pub options: Vec<ChoiceOption>,
    pub from_instrument: bool,
    pub adapted: bool,
}

/// A variant of the vignette, with its own words for some pages (title, body) by page slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftVariant {
    pub id: String,
    pub label: String,
    pub pages: BTreeMap<String, (String, String)>,
}

/// What a question's form sets. Empty optional texts remove their field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuestionEdit {
    pub label: String,
    pub short_label: String,
    pub hint: String,
    pub theme: String,
    pub required: bool,
    pub asked: bool,
    pub max_chars: Option<usize>,
    pub scale: Option<String>,
    pub options: Option<Vec<ChoiceOption>>,
    /// Set when the researcher confirmed that an instrument question's wording is adapted.
    pub adapted: bool,
}

/// A study file being edited.
#[derive(Debug, Clone)]
pub struct Draft {
    document: DocumentMut,
}

impl Draft {
    pub fn parse(text: &str) -> Result<Self, DraftError> {
        let document = text
            .parse::<DocumentMut>()
            .map_err(|error| DraftError::NotToml(error.message().to_owned()))?;
        Ok(Self { document })
    }

    /// The file as it now reads.
    pub fn text(&self) -> String {
        self.document.to_string()
    }

    pub fn slug(&self) -> String {
        text_at(self.document.as_table(), "slug")
    }

    /// Makes the draft a new study: its own slug and title, version 1.0.0.
    pub fn make_copy(&mut self, slug: &str, title: &str) {
        self.document["slug"] = value(slug);
        self.document["title"] = value(title);
        self.document["version"] = value("1.0.0");
    }

    /// The names of the study's rating scales.
    pub fn scale_names(&self) -> Vec<String> {
        self.document
            .get("scales")
            .and_then(Item::as_table_like)
            .map(|scales| scales.iter().map(|(name, _)| name.to_owned()).collect())
            .unwrap_or_default()
    }

    pub fn citation(&self) -> String {
        text_at(self.document.as_table(), "citation")
    }

    pub fn study_text(&self, field: StudyText) -> String {
        match field.path() {
            (None, key) => text_at(self.document.as_table(), key),
            (Some(section), key) => self
                .document
                .get(section)
                .and_then(Item::as_table_like)
                .and_then(|table| table.get(key))
                .and_then(Item::as_str)
                .unwrap_or_default()
                .to_owned(),
        }
    }

    /// Sets one study text; an empty summary is removed.
    pub fn set_study_text(&mut self, field: StudyText, text: &str) {
        match field.path() {
            (None, key) if text.is_empty() && field == StudyText::Summary => {
                self.document.remove(key);
            }
            (None, key) => self.document[key] = value(multiline(text)),
            (Some(section), key) => {
                let table = table_entry(self.document.as_table_mut(), section);
                table[key] = value(multiline(text));
            }
        }
    }

    /// Rewords the consent statement. Consent is given to a wording, so a statement that differs
    /// from the published one gets a consent version of its own; the published statement gets
    /// the published version back.
    pub fn set_consent_statement(&mut self, statement: &str, published: Option<&Study>) {
        self.set_study_text(StudyText::ConsentStatement, statement);
        let Some(published) = published else { return };
        let version = if statement.trim() == published.consent_statement.trim() {
            published.consent_version.clone()
        } else {
            next_consent_version(&published.consent_version)
        };
        table_entry(self.document.as_table_mut(), "consent")["version"] = value(version);
    }

    pub fn consent_version(&self) -> String {
        self.document
            .get("consent")
            .and_then(|consent| consent.get("version"))
            .and_then(Item::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    pub fn pages(&self) -> Vec<DraftPage> {
        let Some(pages) = self.document.get("pages").and_then(Item::as_array_of_tables) else {
            return Vec::new();
        };
        pages.iter().map(draft_page).collect()
    }

    pub fn page(&self, slug: &str) -> Option<DraftPage> {
        self.pages().into_iter().find(|page| page.slug == slug)
    }

    pub fn set_page_text(&mut self, slug: &str, title: &str, body: &str) -> Result<(), DraftError> {
        let page = self.page_mut(slug)?;
        page["title"] = value(title);
        page["body"] = value(multiline(body));
        Ok(())
    }

    /// Adds an empty page after the page `after` (at the end when None).
    pub fn add_page(
        &mut self,
        slug: &str,
        title: &str,
        after: Option<&str>,
    ) -> Result<(), DraftError> {
        require_identifier(slug)?;
        if self.pages().iter().any(|page| page.slug == slug) {
            return Err(DraftError::Taken(slug.to_owned()));
        }
        let index = match after {
            Some(after) => self.page_index(after)? + 1,
            None => self.pages().len(),
        };
        let mut page = Table::new();
        page["slug"] = value(slug);
        page["title"] = value(title);
        page["body"] = value("");
        pages_mut(&mut self.document).insert(index, page);
        self.renumber_tables();
        Ok(())
    }

    /// Removes a page with its questions, and every mention of it in the scenario order and the
    /// variants.
    pub fn remove_page(&mut self, slug: &str) -> Result<(), DraftError> {
        let index = self.page_index(slug)?;
        pages_mut(&mut self.document).remove(index);
        if let Some(order) = self.document.get_mut("scenario_order")
            && let Some(pages) = order.get_mut("pages").and_then(Item::as_array_mut)
        {
            pages.retain(|page| page.as_str() != Some(slug));
        }
        for variant in variants_mut(&mut self.document).iter_mut() {
            if let Some(pages) = variant.get_mut("pages").and_then(Item::as_table_like_mut) {
                pages.remove(slug);
            }
        }
        Ok(())
    }

    /// Moves a page one place earlier (`earlier`) or later; at either end nothing moves.
    pub fn move_page(&mut self, slug: &str, earlier: bool) -> Result<(), DraftError> {
        let index = self.page_index(slug)?;
        let pages = pages_mut(&mut self.document);
        let to = if earlier {
            index.checked_sub(1)
        } else {
            Some(index + 1).filter(|to| *to < pages.len())
        };
        if let Some(to) = to {
            let page = pages.remove(index);
            pages.insert(to, page);
            self.renumber_tables();
        }
        Ok(())
    }

    pub fn add_question(
        &mut self,
        page_slug: &str,
        id: &str,
        kind: NewQuestionKind,
        label: &str,
    ) -> Result<(), DraftError> {
        require_identifier(id)?;
        if self.question_position(id).is_some() {
            return Err(DraftError::Taken(id.to_owned()));
        }
        let first_scale = self.scale_names().into_iter().next();
        let page = self.page_mut(page_slug)?;
        let mut question = Table::new();
        question["id"] = value(id);
        question["kind"] = value(kind.name());
        question["label"] = value(label);
        // A start the author changes: a rating question needs a scale, a choice its options.
        match kind {
            NewQuestionKind::Likert => {
                if let Some(scale) = first_scale {
                    question["scale"] = value(scale);
                }
            }
            NewQuestionKind::Choice => {
                let options = [("yes", "Yes"), ("no", "No")].map(|(value, label)| ChoiceOption {
                    value: value.into(),
                    label: label.into(),
                });
                question["options"] = value(options_array(&options));
            }
            NewQuestionKind::Text | NewQuestionKind::Duration => {}
        }
        let questions = page
            .entry("questions")
            .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
        if let Some(questions) = questions.as_array_of_tables_mut() {
            questions.push(question);
        }
        self.renumber_tables();
        Ok(())
    }

    pub fn remove_question(&mut self, id: &str) -> Result<(), DraftError> {
        let (page, index) = self
            .question_position(id)
            .ok_or_else(|| DraftError::NoSuchQuestion(id.to_owned()))?;
        if let Some(questions) = pages_mut(&mut self.document)
            .get_mut(page)
            .and_then(|page| page.get_mut("questions"))
            .and_then(Item::as_array_of_tables_mut)
        {
            questions.remove(index);
        }
        Ok(())
    }

    pub fn set_question(&mut self, id: &str, edit: &QuestionEdit) -> Result<(), DraftError> {
        let question = self.question_mut(id)?;
        question["label"] = value(edit.label.as_str());
        for (key, text) in [
            ("short_label", &edit.short_label),
            ("hint", &edit.hint),
            ("theme", &edit.theme),
        ] {
            set_or_remove(question, key, (!text.trim().is_empty()).then(|| value(text)));
        }
        set_or_remove(question, "required", (!edit.required).then(|| value(false)));
        set_or_remove(question, "enabled", (!edit.asked).then(|| value(false)));
        set_or_remove(question, "adapted", edit.adapted.then(|| value(true)));
        if question.get("kind").and_then(Item::as_str) == Some("text") {
            let limit = edit.max_chars.and_then(|limit| i64::try_from(limit).ok());
            set_or_remove(question, "max_chars", limit.map(value));
        }
        if let Some(scale) = &edit.scale {
            question["scale"] = value(scale.as_str());
        }
        if let Some(options) = &edit.options {
            question["options"] = value(options_array(options));
        }
        Ok(())
    }

    /// The scenario order's design (`fixed` where the file has none) and the pages it deals.
    pub fn scenario_order(&self) -> (String, Vec<String>) {
        let Some(order) = self.document.get("scenario_order") else {
            return ("fixed".to_owned(), Vec::new());
        };
        let design = order
            .get("design")
            .and_then(Item::as_str)
            .unwrap_or("fixed");
        let pages = order
            .get("pages")
            .and_then(Item::as_array)
            .map(|pages| pages.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        (design.to_owned(), pages)
    }

    /// Sets the order design and its pages, listed in the order the study shows them.
    pub fn set_scenario_order(&mut self, design: &str, pages: &[String]) {
        let order = table_entry(self.document.as_table_mut(), "scenario_order");
        order["design"] = value(design);
        order["pages"] = value(pages.iter().map(String::as_str).collect::<Array>());
    }

    /// The questions that describe participants, and the label format that names them.
    pub fn participants(&self) -> (Vec<String>, String) {
        let participants = self.document.get("participants");
        let demographics = participants
            .and_then(|p| p.get("demographics"))
            .and_then(Item::as_array)
            .map(|ids| ids.iter().filter_map(|id| id.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let format = participants
            .and_then(|p| p.get("label"))
            .and_then(|label| label.get("format"))
            .and_then(Item::as_str)
            .unwrap_or_default()
            .to_owned();
        (demographics, format)
    }

    pub fn set_participants(&mut self, demographics: &[String], label_format: &str) {
        let participants = table_entry(self.document.as_table_mut(), "participants");
        participants["demographics"] =
            value(demographics.iter().map(String::as_str).collect::<Array>());
        let label = table_entry(participants, "label");
        set_or_remove(
            label,
            "format",
            (!label_format.trim().is_empty()).then(|| value(label_format)),
        );
    }

    /// The days the study opens, closes, and last takes answers; None where not set.
    pub fn schedule(&self) -> [Option<NaiveDate>; 3] {
        let day = |key: &str| {
            let item = self.document.get("schedule")?.get(key)?;
            let text = item.as_str().map(str::to_owned).or_else(|| {
                item.as_value()
                    .and_then(Value::as_datetime)
                    .map(ToString::to_string)
            })?;
            NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()
        };
        [day("open_from"), day("open_until"), day("answers_until")]
    }

    pub fn set_schedule(&mut self, days: [Option<NaiveDate>; 3]) {
        if days.iter().all(Option::is_none) {
            self.document.remove("schedule");
            return;
        }
        let schedule = table_entry(self.document.as_table_mut(), "schedule");
        for (key, day) in ["open_from", "open_until", "answers_until"].into_iter().zip(days) {
            let day = day.and_then(|day| day.to_string().parse::<toml_edit::Datetime>().ok());
            set_or_remove(schedule, key, day.map(value));
        }
    }

    pub fn variants(&self) -> Vec<DraftVariant> {
        let Some(variants) = self.document.get("variants").and_then(Item::as_array_of_tables) else {
            return Vec::new();
        };
        variants.iter().map(draft_variant).collect()
    }

    pub fn add_variant(&mut self, id: &str, label: &str) -> Result<(), DraftError> {
        require_identifier(id)?;
        if self.variants().iter().any(|variant| variant.id == id) {
            return Err(DraftError::Taken(id.to_owned()));
        }
        let mut variant = Table::new();
        variant["id"] = value(id);
        variant["label"] = value(label);
        variants_mut(&mut self.document).push(variant);
        self.renumber_tables();
        Ok(())
    }

    pub fn remove_variant(&mut self, id: &str) -> Result<(), DraftError> {
        let index = self.variant_index(id)?;
        variants_mut(&mut self.document).remove(index);
        if variants_mut(&mut self.document).is_empty() {
            self.document.remove("variants");
        }
        Ok(())
    }

    /// Sets how a variant words a page; empty texts fall back to the page's own.
    pub fn set_variant_page(
        &mut self,
        id: &str,
        page_slug: &str,
        title: &str,
        body: &str,
    ) -> Result<(), DraftError> {
        self.page_index(page_slug)?;
        let index = self.variant_index(id)?;
        let variant = variants_mut(&mut self.document)
            .get_mut(index)
            .ok_or_else(|| DraftError::NoSuchVariant(id.to_owned()))?;
        let pages = table_entry(variant, "pages");
        if title.trim().is_empty() && body.trim().is_empty() {
            pages.remove(page_slug);
        } else {
            let text = table_entry(pages, page_slug);
            set_or_remove(text, "title", (!title.trim().is_empty()).then(|| value(title)));
            set_or_remove(
                text,
                "body",
                (!body.trim().is_empty()).then(|| value(multiline(body))),
            );
        }
        if pages.is_empty() {
            variant.remove("pages");
        }
        self.renumber_tables();
        Ok(())
    }

    fn page_index(&self, slug: &str) -> Result<usize, DraftError> {
        self.pages()
            .iter()
            .position(|page| page.slug == slug)
            .ok_or_else(|| DraftError::NoSuchPage(slug.to_owned()))
    }

    fn page_mut(&mut self, slug: &str) -> Result<&mut Table, DraftError> {
        let index = self.page_index(slug)?;
        pages_mut(&mut self.document)
            .get_mut(index)
            .ok_or_else(|| DraftError::NoSuchPage(slug.to_owned()))
    }

    /// The page index and question index of the question `id`.
    fn question_position(&self, id: &str) -> Option<(usize, usize)> {
        self.pages().iter().enumerate().find_map(|(page, draft)| {
            draft
                .questions
                .iter()
                .position(|question| question.id == id)
                .map(|index| (page, index))
        })
    }

    fn question_mut(&mut self, id: &str) -> Result<&mut Table, DraftError> {
        let (page, index) = self
            .question_position(id)
            .ok_or_else(|| DraftError::NoSuchQuestion(id.to_owned()))?;
        pages_mut(&mut self.document)
            .get_mut(page)
            .and_then(|page| page.get_mut("questions"))
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|questions| questions.get_mut(index))
            .ok_or_else(|| DraftError::NoSuchQuestion(id.to_owned()))
    }

    fn variant_index(&self, id: &str) -> Result<usize, DraftError> {
        self.variants()
            .iter()
            .position(|variant| variant.id == id)
            .ok_or_else(|| DraftError::NoSuchVariant(id.to_owned()))
    }

    /// Writes tables out in the order the document holds them. toml_edit places each table by
    /// the position it was read at, so a moved or new table would otherwise print in its old
    /// place (or after the last table), away from the page it belongs to.
    fn renumber_tables(&mut self) {
        let mut next = 0;
        renumber(self.document.as_table_mut(), &mut next);
    }
}

fn renumber(table: &mut Table, next: &mut isize) {
    if !table.is_dotted() {
        table.set_position(Some(*next));
        *next += 1;
    }
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(inner) => renumber(inner, next),
            Item::ArrayOfTables(tables) => {
                for inner in tables.iter_mut() {
                    renumber(inner, next);
                }
            }
            _ => {}
        }
    }
}

/// The consent version after `published`: a trailing number counts up ("sam-consent-1" →
/// "sam-consent-2"), otherwise "-2" is added.
pub fn next_consent_version(published: &str) -> String {
    let digits = published.len() - published.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (stem, number) = published.split_at(published.len() - digits);
    match number.parse::<u64>() {
        Ok(number) => format!("{stem}{}", number + 1),
        Err(_) => format!("{published}-2"),
    }
}

fn require_identifier(id: &str) -> Result<(), DraftError> {
    if is_identifier(id) {
        Ok(())
    } else {
        Err(DraftError::NotAnIdentifier(id.to_owned()))
    }
}

fn text_at(table: &Table, key: &str) -> String {
    table
        .get(key)
        .and_then(Item::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn bool_at(table: &Table, key: &str, default: bool) -> bool {
    table.get(key).and_then(Item::as_bool).unwrap_or(default)
}

/// The table at `key`, made when missing (or when something else was there).
fn table_entry<'t>(parent: &'t mut Table, key: &str) -> &'t mut Table {
    let item = parent.entry(key).or_insert(Item::Table(Table::new()));
    if !item.is_table() {
        let inline = item.as_inline_table().cloned();
        *item = Item::Table(inline.map(InlineTable::into_table).unwrap_or_default());
    }
    item.as_table_mut().expect("made a table above")
}

fn pages_mut(document: &mut DocumentMut) -> &mut ArrayOfTables {
    array_of_tables(document, "pages")
}

fn variants_mut(document: &mut DocumentMut) -> &mut ArrayOfTables {
    array_of_tables(document, "variants")
}

fn array_of_tables<'d>(document: &'d mut DocumentMut, key: &str) -> &'d mut ArrayOfTables {
    let item = document
        .entry(key)
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    if !item.is_array_of_tables() {
        *item = Item::ArrayOfTables(ArrayOfTables::new());
    }
    item.as_array_of_tables_mut()
        .expect("made an array of tables above")
}

fn set_or_remove(table: &mut Table, key: &str, item: Option<Item>) {
    match item {
        Some(item) => {
            table[key] = item;
        }
        None => {
            table.remove(key);
        }
    }
}

/// Text with line breaks written as a multi-line string, as study files write bodies.
fn multiline(text: &str) -> Value {
    let text = text.replace("\r\n", "\n");
    let mut formatted = Value::from(text.as_str());
    if text.contains('\n') && !text.contains("\"\"\"") && !text.contains('\\') {
        let body = if text.ends_with('\n') {
            text
        } else {
            format!("{text}\n")
        };
        if let Ok(parsed) = format!("\"\"\"\n{body}\"\"\"").parse::<Value>() {
            formatted = parsed;
        }
    }
    formatted
}

fn options_array(options: &[ChoiceOption]) -> Array {
    let mut array: Array = options
        .iter()
        .map(|option| {
            let mut entry = InlineTable::new();
            entry.insert("value", option.value.as_str().into());
            entry.insert("label", option.label.as_str().into());
            Value::InlineTable(entry)
        })
        .collect();
    for entry in array.iter_mut() {
        entry.decor_mut().set_prefix("\n  ");
    }
    array.set_trailing(",\n");
    array.set_trailing_comma(false);
    array
}

fn draft_page(page: &Table) -> DraftPage {
    let questions = page
        .get("questions")
        .and_then(Item::as_array_of_tables)
        .map(|questions| questions.iter().map(draft_question).collect())
        .unwrap_or_default();
    DraftPage {
        slug: text_at(page, "slug"),
        title: text_at(page, "title"),
        body: text_at(page, "body"),
        questions,
    }
}

fn draft_question(question: &Table) -> DraftQuestion {
    let options = question
        .get("options")
        .and_then(Item::as_array)
        .map(|options| {
            options
                .iter()
                .filter_map(Value::as_inline_table)
                .map(|option| ChoiceOption {
                    value: inline_text(option, "value"),
                    label: inline_text(option, "label"),
                })
                .collect()
        })
        .unwrap_or_default();
    DraftQuestion {
        id: text_at(question, "id"),
        kind: text_at(question, "kind"),
        label: text_at(question, "label"),
        short_label: text_at(question, "short_label"),
        hint: text_at(question, "hint"),
        theme: text_at(question, "theme"),
        required: bool_at(question, "required", true),
        asked: bool_at(question, "enabled", true),
        max_chars: question
            .get("max_chars")
            .and_then(Item::as_integer)
            .and_then(|limit| usize::try_from(limit).ok()),
        scale: text_at(question, "scale"),
        options,
        from_instrument: question.get("source").and_then(Item::as_str) == Some("instrument"),
        adapted: bool_at(question, "adapted", false),
    }
}

fn inline_text(table: &InlineTable, key: &str) -> String {
    table
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn draft_variant(variant: &Table) -> DraftVariant {
    let pages = variant
        .get("pages")
        .and_then(Item::as_table_like)
        .map(|pages| {
            pages
                .iter()
                .map(|(slug, text)| {
                    let field = |key: &str| {
                        text.get(key)
                            .and_then(Item::as_str)
                            .unwrap_or_default()
                            .to_owned()
                    };
                    (slug.to_owned(), (field("title"), field("body")))
                })
                .collect()
        })
        .unwrap_or_default();
    DraftVariant {
        id: text_at(variant, "id"),
        label: text_at(variant, "label"),
        pages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAM: &str = include_str!("../../../studies/sam.toml");

    fn sam() -> Draft {
        Draft::parse(SAM).unwrap()
    }

    fn checked(draft: &Draft) -> Study {
        Study::parse("draft", &draft.text()).unwrap_or_else(|error| panic!("{error}\n{}", draft.text()))
    }

    #[test]
    fn an_untouched_draft_is_the_file_byte_for_byte() {
        assert_eq!(sam().text(), SAM);
    }

    #[test]
    fn a_body_with_line_breaks_stays_a_multi_line_string() {
        let mut draft = sam();
        draft.set_study_text(StudyText::InformationBody, "First line.\n\n**Second** line.");
        let text = draft.text();
        assert!(text.contains("body = \"\"\"\nFirst line.\n\n**Second** line.\n\"\"\""), "{text}");
        let study = checked(&draft);
        assert!(study.information_html.contains("<strong>Second</strong>"));
        // Comments elsewhere are kept.
        assert!(text.contains("# The Sam study: the default study of the platform."));
    }

    #[test]
    fn a_reworded_consent_gets_the_next_consent_version_and_the_old_wording_its_own_back() {
        let published = Study::parse("sam", SAM).unwrap();
        let mut draft = sam();
        draft.set_consent_statement("I agree to take part.", Some(&published));
        assert_eq!(draft.consent_version(), "sam-consent-2");
        assert_eq!(checked(&draft).consent_statement, "I agree to take part.");
        draft.set_consent_statement(&published.consent_statement, Some(&published));
        assert_eq!(draft.consent_version(), "sam-consent-1");
        assert_eq!(next_consent_version("consent"), "consent-2");
        assert_eq!(next_consent_version("v9"), "v10");
    }

    #[test]
    fn a_page_added_moved_and_removed_keeps_its_questions_with_it() {
        let mut draft = sam();
        draft.add_page("scenario-work", "A job offer", Some("scenario-social")).unwrap();
        draft.set_page_text("scenario-work", "A job offer", "Sam is offered a job.\nIt starts soon.").unwrap();
        draft
            .add_question("scenario-work", "work_right_thing", NewQuestionKind::Text, "What would you do?")
            .unwrap();
        draft.move_page("scenario-work", true).unwrap();
        let study = checked(&draft);
        let slugs: Vec<&str> = study.pages.iter().map(|page| page.slug.as_str()).collect();
        let at = slugs.iter().position(|slug| *slug == "scenario-work").unwrap();
        assert_eq!(slugs[at + 1], "scenario-social");
        assert_eq!(study.pages[at].questions[0].id.as_str(), "work_right_thing");
        // The new question follows its own page in the file, not the last page.
        let text = draft.text();
        assert!(text.find("id = \"work_right_thing\"").unwrap() < text.find("slug = \"scenario-social\"").unwrap());

        draft.remove_page("scenario-work").unwrap();
        assert!(checked(&draft).question("work_right_thing").is_none());
        assert_eq!(
            draft.add_page("sam", "Again", None),
            Err(DraftError::Taken("sam".into()))
        );
        assert_eq!(
            draft.add_page("Not A Slug", "Again", None),
            Err(DraftError::NotAnIdentifier("Not A Slug".into()))
        );
    }

    #[test]
    fn removing_a_dealt_page_takes_it_out_of_the_scenario_order_and_the_variants() {
        let mut draft = sam();
        let dealt: Vec<String> = ["scenario-money", "scenario-medication", "scenario-social"]
            .map(String::from)
            .into();
        draft.set_scenario_order("all-orders", &dealt);
        draft.add_variant("she", "Sam as she").unwrap();
        draft.add_variant("he", "Sam as he").unwrap();
        draft.set_variant_page("she", "scenario-money", "", "She wants her money back.").unwrap();
        draft.set_variant_page("she", "sam", "", "Sam is in her late twenties.\nShe cooks.").unwrap();
        let study = checked(&draft);
        assert_eq!(study.variants.len(), 2);
        assert!(study.scenario_order.is_some());

        draft.remove_page("scenario-money").unwrap();
        assert_eq!(draft.scenario_order().1, ["scenario-medication", "scenario-social"]);
        assert_eq!(draft.variants()[0].pages.keys().collect::<Vec<_>>(), ["sam"]);
        checked(&draft);

        draft.remove_variant("he").unwrap();
        draft.remove_variant("she").unwrap();
        assert!(!draft.text().contains("[[variants]]"));
    }

    #[test]
    fn a_question_edit_sets_and_removes_its_fields() {
        let mut draft = sam();
        let mut edit = QuestionEdit {
            label: "How long have you done this job?".into(),
            hint: String::new(),
            required: false,
            asked: true,
            ..QuestionEdit::default()
        };
        draft.set_question("experience", &edit).unwrap();
        let question = draft.page("about-you").unwrap().questions[2].clone();
        assert_eq!(question.label, "How long have you done this job?");
        assert_eq!(question.hint, "");
        assert!(!question.required);

        edit.options = Some(vec![
            ChoiceOption { value: "yes".into(), label: "Yes".into() },
            ChoiceOption { value: "no".into(), label: "No".into() },
        ]);
        edit.label = "Have you had training?".into();
        draft.set_question("recovery_training", &edit).unwrap();
        let study = checked(&draft);
        assert!(study.question("recovery_training").is_some(), "asked now");
        assert_eq!(draft.page("about-you").unwrap().questions[4].options.len(), 2);

        edit.max_chars = Some(200);
        edit.label = "What may that mean?".into();
        edit.adapted = true;
        draft.set_question("r1", &edit).unwrap();
        let r1 = checked(&draft).question("r1").cloned().unwrap();
        assert!(r1.adapted);
        assert!(matches!(r1.kind, crate::study::QuestionKind::Text { max_chars: 200 }));
        assert_eq!(draft.remove_question("nope"), Err(DraftError::NoSuchQuestion("nope".into())));
        draft.remove_question("r1").unwrap();
        assert!(checked(&draft).question("r1").is_none());
    }

    #[test]
    fn schedule_and_participants_round_trip() {
        let mut draft = sam();
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        draft.set_schedule([day("2027-01-04"), day("2027-03-31"), None]);
        assert_eq!(draft.schedule(), [day("2027-01-04"), day("2027-03-31"), None]);
        let study = checked(&draft);
        assert_eq!(study.schedule.open_from, day("2027-01-04"));
        draft.set_schedule([None, None, None]);
        assert!(!draft.text().contains("\n[schedule]"));

        let format = "{role} ({experience})";
        draft.set_participants(&["role".to_owned()], format);
        assert_eq!(draft.participants(), (vec!["role".to_owned()], format.to_owned()));
        assert_eq!(checked(&draft).demographics.len(), 1);
    }

    #[test]
    fn text_that_is_not_toml_is_refused() {
        assert!(matches!(Draft::parse("slug = "), Err(DraftError::NotToml(_))));
    }
}
