//! The words a room used most, for the projector's word cloud: each word counted once per answer
//! (so one long answer cannot fill the cloud), common English words and the study's own
//! fictional names left out.

use std::collections::BTreeMap;

/// Words too common to say anything about what a room thinks.
const STOP_WORDS: &[&str] = &[
    "about", "above", "after", "again", "against", "all", "also", "and", "any", "are", "aren't",
    "because", "been", "before", "being", "below", "between", "both", "but", "can", "can't",
    "cannot", "could", "couldn't", "did", "didn't", "does", "doesn't", "doing", "don't", "down",
    "during", "each", "even", "ever", "few", "first", "for", "from", "further", "get", "gets",
    "getting", "going", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "her",
    "here", "hers", "herself", "him", "himself", "his", "how", "i'd", "i'll", "i'm", "i've",
    "into", "isn't", "it's", "its", "itself", "just", "let", "let's", "like", "make", "may",
    "might", "more", "most", "much", "must", "mustn't", "myself", "need", "needs", "nor", "not",
    "now", "off", "once", "one", "only", "other", "ought", "our", "ours", "ourselves", "out",
    "over", "own", "really", "same", "shan't", "she", "should", "shouldn't", "some", "still",
    "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves", "then",
    "there", "there's", "these", "they", "they'd", "they'll", "they're", "they've", "thing",
    "things", "think", "this", "those", "through", "too", "under", "until", "very", "was",
    "wasn't", "way", "we'd", "we'll", "we're", "we've", "well", "were", "weren't", "what",
    "what's", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "won't",
    "would", "wouldn't", "yes", "you", "you'd", "you'll", "you're", "you've", "your", "yours",
    "yourself", "yourselves",
];

/// Shorter words say too little.
const MIN_CHARS: usize = 3;

/// The `limit` words used in most answers, with how many answers used each; ties in
/// alphabetical order. `also_drop` are further words to leave out (any case), such as the
/// vignette's person.
pub fn most_used<'a>(
    answers: impl IntoIterator<Item = &'a str>,
    also_drop: &[String],
    limit: usize,
) -> Vec<(String, usize)> {
    let dropped: Vec<String> = also_drop.iter().map(|w| w.to_lowercase()).collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for answer in answers {
        let mut words: Vec<String> = words_of(answer)
            .filter(|word| {
                word.chars().count() >= MIN_CHARS
                    && !word.chars().all(|c| c.is_ascii_digit())
                    && !STOP_WORDS.contains(&word.as_str())
                    && !dropped.contains(word)
            })
            .collect();
        words.sort_unstable();
        words.dedup();
        for word in words {
            *counts.entry(word).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    ranked.sort_by(|(a, a_count), (b, b_count)| b_count.cmp(a_count).then(a.cmp(b)));
    ranked.truncate(limit);
    ranked
}

/// Lowercase words, apostrophes kept inside a word ("don't") and a possessive "'s" dropped.
fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|word| word.replace('’', "'").trim_matches('\'').to_lowercase())
        .map(|word| word.strip_suffix("'s").map(str::to_owned).unwrap_or(word))
        .filter(|word| !word.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_answer_counts_a_word_once_and_common_words_and_names_are_left_out() {
        let answers = [
            "Support Sam to budget: budget weekly, budget with the appointee.",
            "I would talk with Sam about a weekly budget.",
            "Sam’s choice. Respect Sam's choice; 2 weeks trial.",
        ];
        let words = most_used(answers, &["Sam".to_owned()], 4);
        let expected = [("budget", 2), ("weekly", 2), ("appointee", 1), ("choice", 1)];
        let expected: Vec<(String, usize)> =
            expected.iter().map(|(w, n)| ((*w).to_owned(), *n)).collect();
        assert_eq!(words, expected);
    }
}
