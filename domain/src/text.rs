//! Plain-text helpers shared by the server and the browser bundle.

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

#[cfg(test)]
mod tests {
    use super::with_thousands;

    #[test]
    fn counts_are_grouped_in_thousands() {
        assert_eq!(with_thousands(0), "0");
        assert_eq!(with_thousands(999), "999");
        assert_eq!(with_thousands(5_000), "5,000");
        assert_eq!(with_thousands(100_000), "100,000");
        assert_eq!(with_thousands(1_234_567), "1,234,567");
    }
}
