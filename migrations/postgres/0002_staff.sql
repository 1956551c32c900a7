-- Researchers, owners and trainers: accounts, sessions and the audit log. Staff are not anonymous,
-- so these tables keep exact times (Unix seconds); still no IP address is stored.
CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,            -- lower-cased
    password_hash TEXT NOT NULL,                   -- argon2id, PHC string
    role          TEXT NOT NULL CHECK (role IN ('owner', 'researcher', 'trainer')),
    created_at    BIGINT NOT NULL
);

-- Kept in the database so that several app instances share them.
CREATE TABLE staff_sessions (
    token_hash   TEXT PRIMARY KEY,                 -- SHA-256 of the cookie's token
    staff_id     TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

-- One-time links that create the first owner.
CREATE TABLE setup_links (
    token_hash TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

-- Failed sign-ins per account, to throttle guessing.
CREATE TABLE sign_in_failures (
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    at       BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_staff ON sign_in_failures (staff_id, at);

-- Who did what, when. Nothing in the app updates or deletes these rows.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at     BIGINT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
