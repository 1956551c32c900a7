//! The write-up pack as Markdown (CommonMark with a GitHub-style table for the method log).

use std::fmt::Write;

use super::{WriteUp, lines, summary};

pub(in crate::export) fn write_up_markdown(pack: &WriteUp) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Themes: {}\n", text(&pack.study_title));
    let _ = writeln!(out, "{}\n", text(&summary(pack)));
    out.push_str("## Themes\n\n");
    if pack.themes.is_empty() {
        out.push_str("No themes yet.\n\n");
    }
    for theme in &pack.themes {
        let level = if theme.within.is_some() { "####" } else { "###" };
        let _ = writeln!(out, "{level} {}\n", text(&theme.name));
        for (name, value) in theme.facts() {
            let value = lines(value).collect::<Vec<_>>().join(" ");
            let _ = writeln!(out, "- {}", text(&format!("{name}: {value}")));
        }
        out.push('\n');
        if !theme.codes.is_empty() {
            out.push_str("Codes:\n\n");
            for (path, definition) in &theme.codes {
                match definition.trim() {
                    "" => {
                        let _ = writeln!(out, "- {}", text(path));
                    }
                    definition => {
                        let _ = writeln!(out, "- {}: {}", text(path), text(definition));
                    }
                }
            }
            out.push('\n');
        }
        for quote in &theme.extracts {
            for line in lines(&quote.words) {
                let _ = writeln!(out, "> {}", text(line));
            }
            let _ = writeln!(
                out,
                ">\n> — {} ({})\n",
                text(&quote.label),
                text(&quote.question)
            );
        }
    }
    out.push_str("## Method log\n\n");
    if pack.log.is_empty() {
        out.push_str("Nothing has been logged yet.\n");
        return out;
    }
    out.push_str("| When | Who | What | Detail |\n| --- | --- | --- | --- |\n");
    for line in &pack.log {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            text(&line.at),
            text(&line.by),
            text(&line.action),
            text(&line.detail)
        );
    }
    out
}

/// Text that Markdown prints as written: its markup characters escaped, on one line.
fn text(words: &str) -> String {
    let mut out = String::with_capacity(words.len());
    for c in words.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::*;

    #[test]
    fn the_markdown_has_each_theme_its_quotes_with_labels_and_the_log_escaped() {
        let markdown = write_up_markdown(&sample::write_up());
        assert!(markdown.starts_with("# Themes: Sam: positive risk-taking\n"), "{markdown}");
        assert!(markdown.contains("### Recovery is personal\n"), "{markdown}");
        assert!(markdown.contains("#### Small steps\n"), "{markdown}");
        assert!(markdown.contains("- Subtheme of: Recovery is personal"), "{markdown}");
        assert!(
            markdown.contains("- Definition: Workers describe recovery as Sam's. Not the service's."),
            "{markdown}"
        );
        assert!(markdown.contains("- Hope / Own goals: Sam names the goal"), "{markdown}");
        assert!(
            markdown.contains("> let \\*Sam\\* decide \\<now\\> \\& \\# later\n>\n> — P3: Inpatient SW (What does recovery mean?)"),
            "{markdown}"
        );
        assert!(markdown.contains("One discarded theme is left out."), "{markdown}");
        assert!(
            markdown.contains("29 participants; 3 codes in use; 12 codings by 2 coders."),
            "{markdown}"
        );
        assert!(
            markdown.contains("| 2026-12-06 10:00 UTC | a@example.org | code added | Hope \\| pipes |"),
            "{markdown}"
        );
    }
}
