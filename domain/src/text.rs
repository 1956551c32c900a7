//! Plain-text helpers shared by the server and the browser bundle.

/// A day as participants read it: "3 May 2026".
#[cfg(feature = "server")]
pub fn long_day(day: chrono::NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// Writes a count the way people read it: 5,000.
pub fn with_thousands(number: usize) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Escapes text for HTML. Needed where the renderer does not escape for us (textarea content).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Shows a length of experience the way the study's quotes do: "14 months", "3.5 years".
pub fn describe_months(total: u32) -> String {
    match total {
        1 => "1 month".into(),
        0..24 => format!("{total} months"),
        _ => {
            let years = f64::from(total) / 12.0;
            let rounded = (years * 10.0).round() / 10.0;
            if rounded.fract() == 0.0 {
                format!("{rounded:.0} years")
            } else {
                format!("{rounded:.1} years")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{describe_months, escape_html, with_thousands};

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape_html("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn counts_are_grouped_in_thousands() {
        assert_eq!(with_thousands(0), "0");
        assert_eq!(with_thousands(999), "999");
        assert_eq!(with_thousands(5_000), "5,000");
        assert_eq!(with_thousands(100_000), "100,000");
        assert_eq!(with_thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn experience_reads_like_the_papers_labels() {
        assert_eq!(describe_months(14), "14 months");
        assert_eq!(describe_months(1), "1 month");
        assert_eq!(describe_months(24), "2 years");
        assert_eq!(describe_months(42), "3.5 years");
    }
}
