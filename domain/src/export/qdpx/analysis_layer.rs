//! The thematic analysis inside the REFI-QDA project: the coders as Users; each of the
//! researchers' codes as a Code, placed under its theme (themes are non-codable parent Codes,
//! subthemes inside them, codes in no theme under a "Miscellaneous" parent) and inside its
//! parent code when both are placed under the same theme, so the code tree survives where the
//! themes allow; with a Set per theme naming all its codes, since a code can be in several
//! themes but a Code has one place; every
//! coding the downloader may see as a PlainTextSelection of its answer, signed by its coder;
//! and every memo as a Note, referred to from what it is about (a code, a theme, an answer, a
//! coding) or, for the journal, familiarisation notes, participants and pairs of themes, from
//! the project; and the thematic map as a Graph.
//!
//! Codings are held in memory (a few dozen bytes each), grouped by answer until the answer is
//! read; their positions are moved as the answer's accepted findings are replaced by
//! descriptors, exactly as in the extracts table.

use std::collections::{BTreeSet, HashMap};

use uuid::Uuid;

use super::{Guids, push_code_tree, push_guid, xml};
use crate::export::memos::{answer_of, date_time, memo_title, shows_memo};
use crate::analysis::Blinding;
use crate::analysis::map::NodeKind;
use crate::ids::{QuestionId, StudySlug};
use crate::redaction::apply::{Replacement, span_after_redaction};
use crate::storage::{
    CodeRecord, CodingRecord, MemoRecord, Storage, StorageError, ThemeRecord, in_tree_order,
};

/// Where the parent Code of the codes in no theme gets its GUID.
const MISCELLANEOUS: &str = "miscellaneous";

/// A coding placed in its exported answer.
struct PlacedCoding {
    id: String,
    code: String,
    coder: Option<String>,
    at: i64,
    start: usize,
    end: usize,
}

pub(super) struct AnalysisLayer {
    codes: Vec<CodeRecord>,
    themes: Vec<ThemeRecord>,
    memos: Vec<MemoRecord>,
    users: BTreeSet<String>,
    /// The codings of answers not read yet, by participant and question.
    unplaced: HashMap<(i64, QuestionId), Vec<CodingRecord>>,
    /// The codings of answers read, by the answer's source GUID.
    placed: HashMap<Uuid, Vec<PlacedCoding>>,
    /// The memos on answers (by source GUID) and on codings (by coding id), as Note GUIDs.
    answer_notes: HashMap<Uuid, Vec<Uuid>>,
    coding_notes: HashMap<String, Vec<Uuid>>,
}

impl AnalysisLayer {
    /// The study's analysis as `blinding` shows it to the downloader.
    pub async fn load(
        storage: &Storage,
        study: &StudySlug,
        blinding: &Blinding,
        guids: &Guids,
    ) -> Result<Self, StorageError> {
        let analysis = storage.analysis();
        let codings = analysis.codings_seen_by(study, blinding).await?;
        let mut layer = Self::new(
            analysis.codes(study).await?,
            analysis.themes(study).await?,
            analysis.memos_of_study(study).await?,
            codings,
        );
        layer.link_memos(guids, blinding);
        Ok(layer)
    }

    fn new(
        codes: Vec<CodeRecord>,
        themes: Vec<ThemeRecord>,
        memos: Vec<MemoRecord>,
        codings: Vec<CodingRecord>,
    ) -> Self {
        let mut users = BTreeSet::new();
        let mut unplaced: HashMap<(i64, QuestionId), Vec<CodingRecord>> = HashMap::new();
        for coding in codings {
            users.extend(coding.coder.clone());
            unplaced
                .entry((coding.participant_number, coding.question.clone()))
                .or_default()
                .push(coding);
        }
        Self {
            codes,
            themes,
            memos,
            users,
            unplaced,
            placed: HashMap::new(),
            answer_notes: HashMap::new(),
            coding_notes: HashMap::new(),
        }
    }

    /// Keeps the memos the downloader may see (see `shows_memo`), their authors among the
    /// Users, and notes where each memo on an answer or a coding is referred to from.
    fn link_memos(&mut self, guids: &Guids, blinding: &Blinding) {
        let visible: BTreeSet<&str> = self
            .unplaced
            .values()
            .flatten()
            .map(|coding| coding.id.as_str())
            .collect();
        self.memos
            .retain(|memo| shows_memo(memo, &visible, blinding));
        let authors = self.memos.iter().filter_map(|memo| memo.author.clone());
        self.users.extend(authors);
        for memo in &self.memos {
            let note = guids.note(&memo.id);
            if let Some(coding) = memo.subject.strip_prefix("coding:") {
                self.coding_notes
                    .entry(coding.to_owned())
                    .or_default()
                    .push(note);
            } else if let Some((participant, question)) = answer_of(&memo.subject) {
                let source = guids.source_uuid(participant, question);
                self.answer_notes.entry(source).or_default().push(note);
            }
        }
    }

    /// Places the codings of `participant`'s answer `stored` to `question` (whose source is
    /// `source`) in the answer as exported, with `replacements` made.
    pub fn place(
        &mut self,
        (participant, question): (i64, &QuestionId),
        source: Uuid,
        stored: &str,
        replacements: &[Replacement],
    ) {
        let Some(codings) = self.unplaced.remove(&(participant, question.clone())) else {
            return;
        };
        let length = stored.chars().count();
        let placed = codings.into_iter().filter_map(|coding| {
            // A coding of an answer changed since (flagged in the extracts table) keeps its
            // place as far as the text still reaches.
            let span = (coding.start.min(length), coding.end.min(length));
            let (start, end) = span_after_redaction(stored, span, replacements);
            (start < end).then_some(PlacedCoding {
                id: coding.id,
                code: coding.code,
                coder: coding.coder,
                at: coding.at,
                start,
                end,
            })
        });
        self.placed.insert(source, placed.collect());
    }

    /// The Users element: every coder and memo writer, named by their email.
    pub fn users_xml(&self, guids: &Guids) -> String {
        if self.users.is_empty() {
            return String::new();
        }
        let mut out = String::from("<Users>\n");
        for email in &self.users {
            out.push_str(&format!(
                "<User guid=\"{}\" name=\"{}\"/>\n",
                guids.user(email),
                xml(email)
            ));
        }
        out.push_str("</Users>\n");
        out
    }

    pub fn has_codes(&self) -> bool {
        !self.codes.is_empty() || !self.themes.is_empty()
    }

    /// The themes as parent Codes, each holding its subthemes and the codes that are first in
    /// it, then the codes in no theme under the miscellaneous parent.
    pub fn codes_xml(&self, guids: &Guids) -> String {
        let mut out = String::new();
        let homes = self.homes();
        let mut drawn = BTreeSet::new();
        for theme in self.themes.iter().filter(|t| self.is_top_level(t)) {
            self.push_theme(&mut out, theme, guids, &homes, &mut drawn);
        }
        let homeless = |code: &CodeRecord| !homes.contains_key(code.id.as_str());
        if self.codes.iter().any(homeless) {
            out.push_str(&format!(
                "<Code guid=\"{}\" name=\"Miscellaneous: codes in no theme yet\" isCodable=\"false\">\n",
                guids.theme_code(MISCELLANEOUS),
            ));
            self.push_codes_placed_at(&mut out, None, guids, &homes);
            out.push_str("</Code>\n");
        }
        out
    }

    /// The codes placed under `home` (a theme, or None for the miscellaneous parent), each
    /// inside its parent code when that is placed there too, at the top otherwise.
    fn push_codes_placed_at(
        &self,
        out: &mut String,
        home: Option<&str>,
        guids: &Guids,
        homes: &HashMap<&str, &str>,
    ) {
        let placed: Vec<&CodeRecord> = (self.codes.iter())
            .filter(|code| homes.get(code.id.as_str()).copied() == home)
            .collect();
        push_code_tree(out, guids, in_tree_order(&placed), |out, code| {
            self.push_note_refs(out, &format!("code:{}", code.id), guids);
        });
    }

    /// A theme is drawn at the top when it has no overarching theme, or one that is gone.
    fn is_top_level(&self, theme: &ThemeRecord) -> bool {
        theme
            .parent
            .as_ref()
            .is_none_or(|parent| !self.themes.iter().any(|t| &t.id == parent))
    }

    /// The theme each code is drawn under: the first that holds it, top-level themes first,
    /// each followed by its subthemes.
    fn homes(&self) -> HashMap<&str, &str> {
        let mut order: Vec<&ThemeRecord> = Vec::new();
        let mut stack: Vec<&ThemeRecord> = self
            .themes
            .iter()
            .filter(|t| self.is_top_level(t))
            .rev()
            .collect();
        while let Some(theme) = stack.pop() {
            if order.iter().any(|seen| seen.id == theme.id) {
                continue;
            }
            order.push(theme);
            stack.extend(self.subthemes(&theme.id).rev());
        }
        let mut homes = HashMap::new();
        for theme in order {
            for code in &theme.codes {
                homes.entry(code.as_str()).or_insert(theme.id.as_str());
            }
        }
        homes
    }

    fn subthemes<'a>(
        &'a self,
        parent: &'a str,
    ) -> impl DoubleEndedIterator<Item = &'a ThemeRecord> + 'a {
        self.themes
            .iter()
            .filter(move |t| t.parent.as_deref() == Some(parent))
    }

    fn push_theme<'a>(
        &'a self,
        out: &mut String,
        theme: &'a ThemeRecord,
        guids: &Guids,
        homes: &HashMap<&str, &str>,
        drawn: &mut BTreeSet<&'a str>,
    ) {
        if !drawn.insert(theme.id.as_str()) {
            return;
        }
        out.push_str(&format!(
            "<Code guid=\"{}\" name=\"{}\" isCodable=\"false\"><Description>{}</Description>",
            guids.theme_code(&theme.id),
            xml(&theme_code_name(&theme.name)),
            xml(&describe_theme(theme)),
        ));
        self.push_note_refs(out, &format!("theme:{}", theme.id), guids);
        out.push('\n');
        for subtheme in self.subthemes(&theme.id) {
            self.push_theme(out, subtheme, guids, homes, drawn);
        }
        self.push_codes_placed_at(out, Some(theme.id.as_str()), guids, homes);
        out.push_str("</Code>\n");
    }

    fn push_note_refs(&self, out: &mut String, subject: &str, guids: &Guids) {
        for memo in self.memos.iter().filter(|m| m.subject == subject) {
            push_note_ref(out, guids.note(&memo.id));
        }
    }

    /// The answer's codings as selections, then the NoteRefs of the memos on it: what its
    /// TextSource holds after the whole-answer selection.
    pub fn push_source_parts(&self, out: &mut String, source: Uuid, guids: &Guids) {
        for coding in self.placed.get(&source).into_iter().flatten() {
            out.push_str("<PlainTextSelection guid=\"");
            push_guid(out, guids.analysis_selection(&coding.id));
            out.push_str(&format!(
                "\" startPosition=\"{}\" endPosition=\"{}\"",
                coding.start, coding.end
            ));
            let signed = coding.coder.as_deref().map(|coder| {
                format!(
                    " creatingUser=\"{}\" creationDateTime=\"{}\"",
                    guids.user(coder),
                    date_time(coding.at)
                )
            });
            let signed = signed.unwrap_or_default();
            out.push_str(&signed);
            out.push_str("><Coding guid=\"");
            push_guid(out, guids.analysis_coding(&coding.id));
            out.push('"');
            out.push_str(&signed);
            out.push_str("><CodeRef targetGUID=\"");
            out.push_str(&guids.analysis_code(&coding.code));
            out.push_str("\"/>");
            for note in self.coding_notes.get(&coding.id).into_iter().flatten() {
                push_note_ref(out, *note);
            }
            out.push_str("</Coding></PlainTextSelection>");
        }
        for note in self.answer_notes.get(&source).into_iter().flatten() {
            push_note_ref(out, *note);
        }
    }

    /// Each memo's text, for its Note's file in the project's sources folder.
    pub fn note_files<'a>(&'a self, guids: &'a Guids) -> impl Iterator<Item = (Uuid, &'a str)> {
        self.memos
            .iter()
            .map(|memo| (guids.note(&memo.id), memo.body.as_str()))
    }

    /// The Notes element: every memo, oldest first, its text in its file (QualCoder takes a Note
    /// as a journal only so), named by what it is about (a name once: QualCoder stops at a
    /// repeated one) and always dated (QualCoder stops at an undated one).
    pub fn notes_xml(&self, guids: &Guids, study: &crate::study::Study) -> String {
        if self.memos.is_empty() {
            return String::new();
        }
        let mut out = String::from("<Notes>\n");
        let mut names: HashMap<String, usize> = HashMap::new();
        for memo in &self.memos {
            let name = memo_title(memo, &self.codes, &self.themes, study);
            let seen = names.entry(name.clone()).or_default();
            *seen += 1;
            let name = match *seen {
                1 => name,
                n => format!("{name} ({n})"),
            };
            let guid = guids.note(&memo.id);
            out.push_str(&format!(
                "<Note guid=\"{guid}\" name=\"{}\" plainTextPath=\"internal://{guid}.txt\"",
                xml(&name)
            ));
            if let Some(author) = &memo.author {
                out.push_str(&format!(" creatingUser=\"{}\"", guids.user(author)));
            }
            out.push_str(&format!(" creationDateTime=\"{}\"/>\n", date_time(memo.at)));
        }
        out.push_str("</Notes>\n");
        out
    }

    /// A Set per theme naming every code in it.
    pub fn sets_xml(&self, guids: &Guids) -> String {
        let mut out = String::new();
        for theme in &self.themes {
            out.push_str(&format!(
                "<Set guid=\"{}\" name=\"{}\"><Description>{}</Description>",
                guids.theme_set(&theme.id),
                xml(&theme_code_name(&theme.name)),
                xml(&theme.central_concept),
            ));
            for code in &theme.codes {
                out.push_str(&format!(
                    "<MemberCode targetGUID=\"{}\"/>",
                    guids.analysis_code(code)
                ));
            }
            out.push_str("</Set>\n");
        }
        out
    }

    /// The thematic map as the project's Graph: a Vertex per box, standing for its theme's or
    /// code's Code, and an Edge from a theme to what it holds.
    pub fn graph_xml(&self, guids: &Guids) -> String {
        let map = crate::storage::thematic_map(&self.themes, &self.codes);
        if map.nodes.is_empty() {
            return String::new();
        }
        let vertex = |index: usize| guids.uuid(&["vertex/", &index.to_string()]);
        let mut out = format!(
            "<Graphs>\n<Graph guid=\"{}\" name=\"Thematic map\">\n",
            guids.uuid(&["graph/thematic-map"])
        );
        for (index, node) in map.nodes.iter().enumerate() {
            let (represented, shape) = match node.kind {
                NodeKind::Theme | NodeKind::Subtheme => {
                    (guids.theme_code(&node.stands_for), "RoundedRectangle")
                }
                NodeKind::Miscellaneous => (guids.theme_code(MISCELLANEOUS), "RoundedRectangle"),
                NodeKind::Code => (guids.analysis_code(&node.stands_for), "Rectangle"),
            };
            out.push_str(&format!(
                "<Vertex guid=\"{}\" representedGUID=\"{represented}\" name=\"{}\" firstX=\"{}\" firstY=\"{}\" secondX=\"{}\" secondY=\"{}\" shape=\"{shape}\"/>\n",
                vertex(index),
                xml(&node.label),
                node.x,
                node.y,
                node.x + node.width,
                node.y + node.height,
            ));
        }
        for &(from, to) in &map.edges {
            out.push_str(&format!(
                "<Edge guid=\"{}\" sourceVertex=\"{}\" targetVertex=\"{}\" direction=\"OneWay\"/>\n",
                guids.uuid(&["edge/", &from.to_string(), "/", &to.to_string()]),
                vertex(from),
                vertex(to),
            ));
        }
        out.push_str("</Graph>\n</Graphs>\n");
        out
    }

    /// The project's NoteRefs: the memos about no code, theme, answer or coding.
    pub fn project_note_refs_xml(&self, guids: &Guids) -> String {
        let mut out = String::new();
        let of_project = |memo: &&MemoRecord| {
            let kind = memo.subject.split(':').next().unwrap_or_default();
            matches!(kind, "journal" | "dataset" | "question" | "participant" | "pair")
        };
        for memo in self.memos.iter().filter(of_project) {
            push_note_ref(&mut out, guids.note(&memo.id));
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }
}

fn push_note_ref(out: &mut String, note: Uuid) {
    out.push_str("<NoteRef targetGUID=\"");
    push_guid(out, note);
    out.push_str("\"/>");
}

fn theme_code_name(theme: &str) -> String {
    format!("Theme: {theme}")
}

/// A theme's central organising concept, status and definition, a line each.
fn describe_theme(theme: &ThemeRecord) -> String {
    let definition = &theme.definition;
    [
        ("Central organising concept", theme.central_concept.as_str()),
        ("Status", theme.status.as_str()),
        ("Definition", definition.definition.as_str()),
        ("Scope", definition.scope.as_str()),
        ("Boundaries", definition.boundaries.as_str()),
    ]
    .into_iter()
    .filter(|(_, text)| !text.is_empty())
        .map(|(label, text)| format!("{label}: {text}"))
        .collect::<Vec<_>>()
        .join("\n")
}
