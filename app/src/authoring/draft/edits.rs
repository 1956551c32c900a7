//! The draft forms' posts read as edits: each form sends `action` and its fields. Reading checks
//! what a form alone can check (dates, numbers, option lines); the study as a whole is checked
//! before it is published.

use chrono::NaiveDate;
use domain::study::{
    ChoiceOption, Draft, DraftError, NewQuestionKind, QuestionEdit, Study, StudyText,
};

/// A form's problem: the id of its field and what is wrong.
pub type Problem = (String, String);

pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    pub fn get(&self, name: &str) -> &str {
        crate::form_posts::form_value(&self.0, name)
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    fn ticked(&self, name: &str) -> bool {
        self.get(name) == "yes"
    }

    /// The values as typed, to show again with a problem.
    pub fn values(&self) -> std::collections::HashMap<String, String> {
        self.0.iter().cloned().collect()
    }
}

pub enum Edit {
    About {
        summary: String,
    },
    Information {
        title: String,
        body: String,
    },
    Consent {
        statement: String,
    },
    Thanks {
        title: String,
        body: String,
    },
    Participants {
        demographics: Vec<String>,
        label_format: String,
    },
    Order {
        design: String,
        dealt: Vec<String>,
    },
    Schedule {
        days: [Option<NaiveDate>; 3],
    },
    AddPage {
        slug: String,
        title: String,
        after: Option<String>,
    },
    MovePage {
        slug: String,
        earlier: bool,
    },
    RemovePage {
        slug: String,
    },
    AddVariant {
        id: String,
        label: String,
    },
    RemoveVariant {
        id: String,
    },
    Page {
        slug: String,
        title: String,
        body: String,
        variants: Vec<(String, String, String)>,
    },
    AddQuestion {
        page: String,
        id: String,
        kind: NewQuestionKind,
        label: String,
    },
    Question {
        id: String,
        edit: Box<QuestionEdit>,
        confirmed_adapting: bool,
    },
    RemoveQuestion {
        id: String,
    },
    Source {
        text: String,
    },
}

impl Edit {
    /// Reads the form; `variant_ids` are the draft's variants, whose texts a page form carries.
    pub fn read(fields: &Fields, variant_ids: &[String]) -> Result<Self, Problem> {
        let text = |name: &str| fields.get(name).replace("\r\n", "\n");
        let required = |name: &str, what: &str| {
            let value = text(name);
            if value.trim().is_empty() {
                Err((name.to_owned(), format!("Enter {what}")))
            } else {
                Ok(value.trim().to_owned())
            }
        };
        Ok(match fields.get("action") {
            "about" => Self::About {
                summary: text("summary").trim().to_owned(),
            },
            "information" => Self::Information {
                title: required("information_title", "a title for the information page")?,
                body: required("information_body", "the information participants read")?,
            },
            "consent" => Self::Consent {
                statement: required("consent_statement", "the statement participants agree to")?,
            },
            "thanks" => Self::Thanks {
                title: required("thanks_title", "a title for the last page")?,
                body: required("thanks_body", "what the last page says")?,
            },
            "participants" => Self::Participants {
                demographics: fields.all("demographic"),
                label_format: text("label_format").trim().to_owned(),
            },
            "order" => Self::Order {
                design: match fields.get("design") {
                    design @ ("fixed" | "all-orders" | "latin-square") => design.to_owned(),
                    _ => return Err(("design-fixed".into(), "Choose how the order is set".into())),
                },
                dealt: fields.all("dealt"),
            },
            "schedule" => Self::Schedule {
                days: [
                    day(fields, "open_from")?,
                    day(fields, "open_until")?,
                    day(fields, "answers_until")?,
                ],
            },
            "add-page" => Self::AddPage {
                slug: required("new_page_slug", "a short name for the page's address")?,
                title: required("new_page_title", "the page's title")?,
                after: Some(fields.get("after").to_owned()).filter(|after| !after.is_empty()),
            },
            "move-up" | "move-down" => Self::MovePage {
                slug: fields.get("page").to_owned(),
                earlier: fields.get("action") == "move-up",
            },
            "remove-page" => Self::RemovePage {
                slug: fields.get("page").to_owned(),
            },
            "add-variant" => Self::AddVariant {
                id: required("variant_id", "a short name for the variant")?,
                label: required("variant_label", "what the variant changes, for researchers")?,
            },
            "remove-variant" => Self::RemoveVariant {
                id: fields.get("variant").to_owned(),
            },
            "page" => Self::Page {
                slug: fields.get("page").to_owned(),
                title: required("title", "the page's title")?,
                body: text("body"),
                variants: variant_ids
                    .iter()
                    .map(|id| {
                        let title = text(&format!("variant-{id}-title")).trim().to_owned();
                        (id.clone(), title, text(&format!("variant-{id}-body")))
                    })
                    .collect(),
            },
            "add-question" => Self::AddQuestion {
                page: fields.get("page").to_owned(),
                id: required("new_question_id", "a short name for the question")?,
                kind: NewQuestionKind::parse(fields.get("new_question_kind")).ok_or_else(|| {
                    (
                        "new_question_kind-text".to_owned(),
                        "Choose the kind of question".to_owned(),
                    )
                })?,
                label: required("new_question_label", "the question")?,
            },
            "question" => question_edit(fields)?,
            "remove-question" => Self::RemoveQuestion {
                id: fields.get("question").to_owned(),
            },
            "source" => Self::Source {
                text: required("source", "the study file")?,
            },
            other => {
                return Err((
                    "action".into(),
                    format!(
                        "This form cannot be read (\"{other}\"). Reload the page and try again"
                    ),
                ));
            }
        })
    }

    /// The field a problem applying this edit is shown at.
    pub fn field(&self) -> String {
        match self {
            Self::AddPage { .. } => "new_page_slug".into(),
            Self::AddVariant { .. } => "variant_id".into(),
            Self::AddQuestion { .. } => "new_question_id".into(),
            Self::Question { id, .. } => format!("q-{id}-label"),
            Self::Source { .. } => "source".into(),
            Self::Page { .. } => "title".into(),
            _ => "action".into(),
        }
    }

    /// Changes the draft. `published` is the newest version, which a reworded consent and an
    /// instrument question are compared with.
    pub fn apply(&self, draft: &mut Draft, published: Option<&Study>) -> Result<(), String> {
        match self {
            Self::About { summary } => draft.set_study_text(StudyText::Summary, summary),
            Self::Information { title, body } => {
                draft.set_study_text(StudyText::InformationTitle, title);
                draft.set_study_text(StudyText::InformationBody, body);
            }
            Self::Consent { statement } => draft.set_consent_statement(statement, published),
            Self::Thanks { title, body } => {
                draft.set_study_text(StudyText::ThanksTitle, title);
                draft.set_study_text(StudyText::ThanksBody, body);
            }
            Self::Participants {
                demographics,
                label_format,
            } => {
                draft.set_participants(demographics, label_format);
            }
            Self::Order { design, dealt } => {
                let in_page_order: Vec<String> = draft
                    .pages()
                    .into_iter()
                    .map(|page| page.slug)
                    .filter(|slug| dealt.contains(slug))
                    .collect();
                draft.set_scenario_order(design, &in_page_order);
            }
            Self::Schedule { days } => draft.set_schedule(*days),
            Self::AddPage { slug, title, after } => {
                draft
                    .add_page(slug, title, after.as_deref())
                    .map_err(said)?;
            }
            Self::MovePage { slug, earlier } => draft.move_page(slug, *earlier).map_err(said)?,
            Self::RemovePage { slug } => draft.remove_page(slug).map_err(said)?,
            Self::AddVariant { id, label } => draft.add_variant(id, label).map_err(said)?,
            Self::RemoveVariant { id } => draft.remove_variant(id).map_err(said)?,
            Self::Page {
                slug,
                title,
                body,
                variants,
            } => {
                draft.set_page_text(slug, title, body).map_err(said)?;
                for (id, title, body) in variants {
                    draft
                        .set_variant_page(id, slug, title, body)
                        .map_err(said)?;
                }
            }
            Self::AddQuestion {
                page,
                id,
                kind,
                label,
            } => {
                draft.add_question(page, id, *kind, label).map_err(said)?;
            }
            Self::Question {
                id,
                edit,
                confirmed_adapting,
            } => {
                let current = draft
                    .pages()
                    .into_iter()
                    .flat_map(|page| page.questions)
                    .find(|question| &question.id == id)
                    .ok_or_else(|| said(DraftError::NoSuchQuestion(id.clone())))?;
                let reworded = current.label.trim() != edit.label.trim();
                if current.from_instrument && reworded && !confirmed_adapting && !current.adapted {
                    return Err(format!(
                        "This question quotes the published instrument ({}). To change its wording, tick \"I am adapting the published wording\"",
                        published
                            .map_or("see the study's citation", |study| study.citation.as_str())
                    ));
                }
                let mut edit = (**edit).clone();
                edit.adapted = current.from_instrument && (current.adapted || *confirmed_adapting);
                draft.set_question(id, &edit).map_err(said)?;
            }
            Self::RemoveQuestion { id } => draft.remove_question(id).map_err(said)?,
            Self::Source { text } => {
                let replaced = Draft::parse(text).map_err(said)?;
                if replaced.slug() != draft.slug() {
                    return Err(format!(
                        "The slug is \"{}\" and cannot change here: to make a new study, copy this one from its Versions page",
                        draft.slug()
                    ));
                }
                *draft = replaced;
            }
        }
        Ok(())
    }
}

fn said(error: DraftError) -> String {
    error.to_string()
}

fn day(fields: &Fields, name: &str) -> Result<Option<NaiveDate>, Problem> {
    let text = fields.get(name).trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            (
                name.to_owned(),
                "Enter a date as year-month-day, for example 2027-01-31".to_owned(),
            )
        })
}

fn question_edit(fields: &Fields) -> Result<Edit, Problem> {
    let id = fields.get("question").to_owned();
    let name = |field: &str| format!("q-{id}-{field}");
    let text = |field: &str| {
        fields
            .get(&name(field))
            .replace("\r\n", "\n")
            .trim()
            .to_owned()
    };
    let label = text("label");
    if label.is_empty() {
        return Err((name("label"), "Enter the question".into()));
    }
    let max_chars = match text("max_chars").as_str() {
        "" => None,
        limit => Some(limit.replace(',', "").parse::<usize>().map_err(|_| {
            (
                name("max_chars"),
                "Enter the longest answer as a number of characters, for example 2000".to_owned(),
            )
        })?),
    };
    let kind = fields.get(&name("kind"));
    let options = (kind == "choice")
        .then(|| options(&text("options")).map_err(|problem| (name("options"), problem)))
        .transpose()?;
    let scale = (kind == "likert")
        .then(|| text("scale"))
        .filter(|scale| !scale.is_empty());
    Ok(Edit::Question {
        edit: Box::new(QuestionEdit {
            label,
            short_label: text("short_label"),
            hint: text("hint"),
            theme: text("theme"),
            required: fields.ticked(&name("required")),
            asked: fields.ticked(&name("asked")),
            max_chars,
            scale,
            options,
            adapted: false,
        }),
        confirmed_adapting: fields.ticked(&name("adapted")),
        id,
    })
}

/// Choice options written one a line as "value: label".
fn options(text: &str) -> Result<Vec<ChoiceOption>, String> {
    let options: Vec<ChoiceOption> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(index, line)| {
            let (value, label) = line.split_once(':').ok_or_else(|| {
                format!(
                    "Option {} needs a value and a label, as \"value: label\"",
                    index + 1
                )
            })?;
            Ok(ChoiceOption {
                value: value.trim().to_owned(),
                label: label.trim().to_owned(),
            })
        })
        .collect::<Result<_, String>>()?;
    if options.len() < 2 {
        return Err("Give at least two options, one a line, as \"value: label\"".into());
    }
    Ok(options)
}

/// Options as their text area shows them.
pub fn options_text(options: &[ChoiceOption]) -> String {
    options
        .iter()
        .map(|option| format!("{}: {}", option.value, option.label))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn option_lines_read_as_values_and_labels() {
        let read = options("yes: Yes\n\nno: No, not yet\n").unwrap();
        assert_eq!(read[1].label, "No, not yet");
        assert!(
            options("yes Yes\nno: No")
                .unwrap_err()
                .starts_with("Option 1")
        );
        assert!(options("yes: Yes").is_err());
    }

    #[test]
    fn a_bad_date_names_its_field() {
        let form = fields(&[("action", "schedule"), ("open_from", "31/01/2027")]);
        let Err((field, _)) = Edit::read(&form, &[]) else {
            panic!("accepted a bad date")
        };
        assert_eq!(field, "open_from");
    }

    #[test]
    fn an_instrument_question_is_reworded_only_when_confirmed() {
        let sam = include_str!("../../../../studies/sam.toml");
        let published = Study::parse("sam", sam).unwrap();
        let mut draft = Draft::parse(sam).unwrap();
        let mut form = vec![
            ("action", "question"),
            ("question", "r2"),
            ("q-r2-kind", "text"),
            ("q-r2-label", "What would help Sam recover?"),
            ("q-r2-required", "yes"),
            ("q-r2-asked", "yes"),
        ];
        let edit = Edit::read(&fields(&form), &[]).ok().unwrap();
        let refused = edit.apply(&mut draft, Some(&published)).unwrap_err();
        assert!(refused.contains("published instrument"), "{refused}");
        form.push(("q-r2-adapted", "yes"));
        let edit = Edit::read(&fields(&form), &[]).ok().unwrap();
        edit.apply(&mut draft, Some(&published)).unwrap();
        let study = Study::parse("draft", &draft.text()).unwrap();
        let r2 = study.question("r2").unwrap();
        assert!(r2.adapted);
        assert_eq!(r2.label, "What would help Sam recover?");
    }
}
