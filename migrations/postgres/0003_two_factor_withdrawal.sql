-- Two-factor sign-in for staff; withdrawal and completion time for participants.

-- The shared secret of an account's authenticator app (base32), once set up; the last time step
-- a code was accepted for, so that no code works twice.
ALTER TABLE staff ADD COLUMN totp_secret TEXT;
ALTER TABLE staff ADD COLUMN totp_last_step BIGINT;

-- One-time recovery codes; only their SHA-256 is stored.
CREATE TABLE staff_recovery_codes (
    staff_id  TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (staff_id, code_hash)
);

-- How far a session has got: password given, waiting for a code ('second_factor'), waiting for
-- two-factor to be set up ('two_factor_setup'), or signed in ('full').
ALTER TABLE staff_sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'second_factor';

-- The SHA-256 of the participant's withdrawal code (derived from their private link).
ALTER TABLE responses ADD COLUMN withdrawal_hash TEXT;
CREATE UNIQUE INDEX responses_by_withdrawal_hash ON responses (withdrawal_hash);

-- Completion time without a stored clock time: while in progress, the start minute is kept
-- shifted by an amount only the participant's private link can reproduce; at submit it becomes
-- whole minutes taken, and the shifted start is cleared.
ALTER TABLE responses ADD COLUMN masked_start_minute BIGINT;
ALTER TABLE responses ADD COLUMN minutes_to_complete BIGINT;

-- Links an owner sends to a new account, to set its password once, within a week.
CREATE TABLE staff_invites (
    token_hash TEXT PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
