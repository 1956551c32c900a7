//! The memos as researchers' tools read them: a row per memo and journal entry, saying in words
//! what it is about (the same words name it as a Note in the REFI-QDA project), with the
//! participant and question it concerns where it concerns one, its author and when it was
//! written. Like the other analysis exports it holds what the downloader may see: a memo on a
//! coding goes with the coding, and independent mode keeps other coders' interpretive memos
//! back until release.

use std::collections::BTreeSet;

use crate::analysis::Blinding;
use crate::storage::{CodeRecord, MemoRecord, Storage, StorageError, ThemeRecord};
use crate::study::Study;

pub(super) const MEMO_HEADER: [&str; 7] = [
    "kind",
    "about",
    "participant",
    "question",
    "author",
    "written",
    "memo",
];

/// Whether a memo goes with what the downloader sees: one on a coding only with the coding, and
/// in independent mode another coder's memos on answers and participants only once released.
pub(super) fn shows_memo(
    memo: &MemoRecord,
    visible_codings: &BTreeSet<&str>,
    blinding: &Blinding,
) -> bool {
    let with_its_coding = memo
        .subject
        .strip_prefix("coding:")
        .is_none_or(|coding| visible_codings.contains(coding));
    with_its_coding && blinding.shows_memo(&memo.subject, memo.author.as_deref())
}

/// The participant number and question of an "answer:<number>:<question>" subject.
pub(super) fn answer_of(subject: &str) -> Option<(&str, &str)> {
    subject.strip_prefix("answer:")?.split_once(':')
}

/// What a memo is about, in words: "Memo on code Hope", "Reflexive journal".
pub(super) fn memo_title(
    memo: &MemoRecord,
    codes: &[CodeRecord],
    themes: &[ThemeRecord],
    study: &Study,
) -> String {
    let code_name = |id: &str| {
        codes
            .iter()
            .find(|c| c.id == id)
            .map_or("a code", |c| c.name.as_str())
            .to_owned()
    };
    let theme_name = |id: &str| {
        themes
            .iter()
            .find(|t| t.id == id)
            .map_or("a theme", |t| t.name.as_str())
            .to_owned()
    };
    let subject = memo.subject.as_str();
    let (kind, rest) = subject.split_once(':').unwrap_or((subject, ""));
    match kind {
        "journal" => "Reflexive journal".to_owned(),
        "dataset" => "Familiarisation: the dataset".to_owned(),
        "question" => format!("Familiarisation: question {rest}"),
        "code" => format!("Memo on code {}", code_name(rest)),
        "theme" => format!("Memo on theme {}", theme_name(rest)),
        "participant" => format!("Memo on P{rest}"),
        "answer" => match answer_of(subject) {
            Some((participant, question)) => format!("Memo on P{participant} {question}"),
            None => "Memo on an answer".to_owned(),
        },
        "coding" => "Memo on a coding".to_owned(),
        "pair" => {
            let (theme, published) = rest.split_once(':').unwrap_or((rest, ""));
            let published = study
                .themes
                .iter()
                .flat_map(|t| t.with_subthemes())
                .find(|t| t.id == published)
                .map_or(published, |t| t.name.as_str());
            let relation = memo.relation.as_deref().unwrap_or("compared");
            format!(
                "Our theme {} and the published theme {published}: {relation}",
                theme_name(theme)
            )
        }
        _ => format!("Memo on {subject}"),
    }
}

/// An xsd:dateTime in UTC, to the second.
pub(super) fn date_time(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A row per memo `blinding` lets the downloader see, oldest first, under `MEMO_HEADER`.
pub(super) async fn memo_rows(
    storage: &Storage,
    study: &Study,
    blinding: &Blinding,
) -> Result<Vec<[String; 7]>, StorageError> {
    let analysis = storage.analysis();
    let memos = analysis.memos_of_study(&study.slug).await?;
    if memos.is_empty() {
        return Ok(Vec::new());
    }
    let codings = analysis.codings_seen_by(&study.slug, blinding).await?;
    let visible: BTreeSet<&str> = codings.iter().map(|c| c.id.as_str()).collect();
    let (codes, themes) = (
        analysis.codes(&study.slug).await?,
        analysis.themes(&study.slug).await?,
    );
    let concerns = |memo: &MemoRecord| -> (String, String) {
        let (kind, rest) = memo.subject.split_once(':').unwrap_or_default();
        match kind {
            "participant" => (format!("P{rest}"), String::new()),
            "answer" => answer_of(&memo.subject)
                .map(|(participant, question)| (format!("P{participant}"), question.to_owned()))
                .unwrap_or_default(),
            "question" => (String::new(), rest.to_owned()),
            "coding" => codings
                .iter()
                .find(|coding| coding.id == rest)
                .map(|coding| {
                    (
                        format!("P{}", coding.participant_number),
                        coding.question.to_string(),
                    )
                })
                .unwrap_or_default(),
            _ => Default::default(),
        }
    };
    Ok(memos
        .iter()
        .filter(|memo| shows_memo(memo, &visible, blinding))
        .map(|memo| {
            let kind = memo.subject.split(':').next().unwrap_or_default();
            let (participant, question) = concerns(memo);
            [
                kind.to_owned(),
                memo_title(memo, &codes, &themes, study),
                participant,
                question,
                memo.author.clone().unwrap_or_default(),
                date_time(memo.at),
                memo.body.clone(),
            ]
        })
        .collect())
}
