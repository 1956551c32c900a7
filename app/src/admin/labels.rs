//! Participant labels as the study's paper writes them: "P17: Inpatient SW, 14 months experience".

use std::collections::BTreeMap;

use crate::survey::answer::describe_months;

pub const LABEL_QUESTIONS: [&str; 3] = ["setting", "role", "experience"];

pub fn participant_label(number: i64, answers: &BTreeMap<String, String>) -> String {
    let setting = match answers.get("setting").map(String::as_str) {
        Some("community") => "Community",
        Some("inpatient") => "Inpatient",
        _ => "Other setting",
    };
    let role = match answers.get("role").map(String::as_str) {
        Some("support_worker") => format!("{setting} SW"),
        Some("senior_support_worker") => format!("Senior {setting} SW"),
        _ => format!("{setting} staff"),
    };
    let experience = answers
        .get("experience")
        .and_then(|m| m.parse::<u32>().ok())
        .map(|months| {
            let text = describe_months(months);
            if text.ends_with("years") {
                format!(", {text}' experience")
            } else {
                format!(", {text} experience")
            }
        });
    format!("P{number}: {role}{}", experience.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::participant_label;

    fn answers(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn labels_read_like_the_paper() {
        let inpatient = answers(&[
            ("setting", "inpatient"),
            ("role", "support_worker"),
            ("experience", "14"),
        ]);
        assert_eq!(
            participant_label(17, &inpatient),
            "P17: Inpatient SW, 14 months experience"
        );
        let senior = answers(&[
            ("setting", "community"),
            ("role", "senior_support_worker"),
            ("experience", "24"),
        ]);
        assert_eq!(
            participant_label(25, &senior),
            "P25: Senior Community SW, 2 years' experience"
        );
        assert_eq!(
            participant_label(3, &answers(&[])),
            "P3: Other setting staff"
        );
    }
}
