//! A workshop's answers as a CSV file for the trainer: one row per phone, question and round, the
//! phones numbered in the order they joined (nothing else about them is known), with the answer's
//! label for ratings and choices and what the facilitator decided about written answers.

use super::csv::push_record;
use crate::storage::{Decision, RoomAnswer};
use crate::study::{QuestionKind, Study};

pub const WORKSHOP_CSV_HEADER: [&str; 9] = [
    "phone",
    "vignette_variant",
    "question_id",
    "question",
    "round",
    "value",
    "answer",
    "on_screen",
    "theme",
];

/// The CSV text; `phones` are (token hash, version of the vignette dealt) in join order.
pub fn workshop_answers_csv(
    study: &Study,
    phones: &[(String, Option<String>)],
    answers: &[RoomAnswer],
) -> String {
    let mut rows: Vec<(usize, usize, &RoomAnswer)> = answers
        .iter()
        .map(|answer| {
            let phone = phones
                .iter()
                .position(|(hash, _)| *hash == answer.token_hash)
                .map_or(0, |index| index + 1);
            let order = study
                .questions()
                .position(|(_, q)| q.id == answer.question.as_str())
                .unwrap_or(usize::MAX);
            (phone, order, answer)
        })
        .collect();
    rows.sort_by_key(|(phone, order, answer)| (*phone, *order, answer.round));
    let mut text = String::new();
    push_record(&mut text, WORKSHOP_CSV_HEADER);
    for (phone, _, answer) in rows {
        let question = study.question(&answer.question);
        let label = question.map_or("", |q| q.label.as_str());
        let written = question.is_some_and(|q| matches!(q.kind, QuestionKind::Text { .. }));
        let (on_screen, theme) = match (&answer.decision, written) {
            (_, false) => ("", None),
            (Decision::Waiting, true) => ("waiting", None),
            (Decision::Hidden, true) => ("no", None),
            (Decision::Shown { theme }, true) => ("yes", theme.as_deref()),
        };
        let theme_name = theme.and_then(|id| study.theme(id)).map(|t| t.name.as_str());
        let answer_label = question.map_or(String::new(), |q| label_of(&q.kind, &answer.text));
        let variant = phone
            .checked_sub(1)
            .and_then(|index| phones[index].1.as_deref());
        push_record(
            &mut text,
            [
                format!("P{phone}").as_str(),
                variant.unwrap_or(""),
                answer.question.as_str(),
                label,
                answer.round.to_string().as_str(),
                answer.text.as_str(),
                answer_label.as_str(),
                on_screen,
                theme_name.unwrap_or(""),
            ],
        );
    }
    text
}

/// What a rating's or a choice's value reads as; a written answer is its own words.
fn label_of(kind: &QuestionKind, value: &str) -> String {
    match kind {
        QuestionKind::Likert { labels } => value
            .parse::<usize>()
            .ok()
            .and_then(|point| labels.get(point.checked_sub(1)?))
            .cloned()
            .unwrap_or_default(),
        QuestionKind::Choice { options } => options
            .iter()
            .find(|option| option.value == value)
            .map(|option| option.label.clone())
            .unwrap_or_default(),
        QuestionKind::Text { .. } | QuestionKind::Duration => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sam() -> Study {
        let source =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../studies/sam.toml"))
                .unwrap();
        Study::parse("sam.toml", &source).unwrap()
    }

    fn answer(phone: &str, question: &str, text: &str, decision: Decision) -> RoomAnswer {
        RoomAnswer {
            token_hash: phone.to_owned(),
            question: question.to_owned(),
            round: 1,
            text: text.to_owned(),
            decision,
        }
    }

    #[test]
    fn rows_are_by_phone_in_join_order_then_question_with_labels_and_decisions() {
        let phones = [("first".to_owned(), None), ("second".to_owned(), Some("she".to_owned()))];
        let answers = [
            answer("second", "money_support", "5", Decision::Waiting),
            answer(
                "first",
                "money_right_thing",
                "=Agree a budget, with Sam",
                Decision::Shown {
                    theme: Some("support-system".into()),
                },
            ),
            answer("first", "money_support", "4", Decision::Waiting),
        ];
        let csv = workshop_answers_csv(&sam(), &phones, &answers);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "phone,vignette_variant,question_id,question,round,value,answer,on_screen,theme");
        assert!(lines[1].starts_with("P1,,money_right_thing,"), "{csv}");
        // A formula-like answer is neutralised; the theme is named.
        assert!(
            lines[1].ends_with(
                ",1,\"'=Agree a budget, with Sam\",\"'=Agree a budget, with Sam\",yes,Importance of a support-system"
            ),
            "{csv}"
        );
        assert!(lines[2].starts_with("P1,,money_support,") && lines[2].ends_with(",4,Support,,"), "{csv}");
        assert!(lines[3].starts_with("P2,she,money_support,") && lines[3].ends_with(",5,Strongly support,,"), "{csv}");
        assert_eq!(lines.len(), 4);
    }
}
