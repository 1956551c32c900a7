//! What a participant's private link, and only it, can reproduce: their withdrawal code, and the
//! shift that hides when they started (so completion time is known without storing a clock time).

use crate::secret_token::{HandCode, SecretToken};

/// Withdrawal codes are stored hashed for this purpose.
pub const WITHDRAWAL_PURPOSE: &str = "withdrawal";

pub fn withdrawal_code(token: &SecretToken) -> HandCode {
    let derived = token.derive(WITHDRAWAL_PURPOSE);
    let mut first = [0u8; 8];
    first.copy_from_slice(&derived[..8]);
    HandCode::from_bytes(&first)
}

fn start_shift(token: &SecretToken) -> i64 {
    let derived = token.derive("start-clock");
    i64::from(u32::from_be_bytes([
        derived[0], derived[1], derived[2], derived[3],
    ]))
}

/// The whole minute a Unix time falls in.
pub fn minute_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(60)
}

/// The start minute as stored: meaningless without the private link.
pub fn masked_start(token: &SecretToken, start_minute: i64) -> i64 {
    start_minute + start_shift(token)
}

/// The masked start of `old`'s response as `new` masks it, for a link that is replaced.
pub fn remasked_start(old: &SecretToken, new: &SecretToken, masked_start: i64) -> i64 {
    masked_start - start_shift(old) + start_shift(new)
}

/// Whole minutes from the masked start to `now_minute`.
pub fn minutes_since(token: &SecretToken, masked_start: i64, now_minute: i64) -> i64 {
    (now_minute - (masked_start - start_shift(token))).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_reproduces_the_code_and_the_time_taken() {
        let token = SecretToken::generate();
        assert_eq!(withdrawal_code(&token), withdrawal_code(&token));
        assert_ne!(
            withdrawal_code(&token),
            withdrawal_code(&SecretToken::generate())
        );
        let start = 29_000_000;
        let stored = masked_start(&token, start);
        assert_eq!(minutes_since(&token, stored, start + 23), 23);
        let other = SecretToken::generate();
        assert_ne!(
            stored,
            masked_start(&other, start),
            "the stored value hides the start"
        );
        let remasked = remasked_start(&token, &other, stored);
        assert_eq!(remasked, masked_start(&other, start));
        assert_eq!(minutes_since(&other, remasked, start + 23), 23);
    }
}
