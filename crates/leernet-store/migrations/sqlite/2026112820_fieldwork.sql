-- Fieldwork: login sessions, login throttling, and what an invitation needs beyond its token.
-- Keep in step with ../postgres/2026112820_fieldwork.sql: the store suite runs on both.

-- A login session. The cookie holds a random secret; the store keeps only its SHA-256, so a
-- copy of the database does not let anyone log in. Times are Unix seconds.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_person ON sessions(person_id);

-- Failed logins, per account ("account:<e-mail>") and per address ("address:<ip>"), so that
-- several app instances throttle together.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures(subject, at);

-- network: the network questionnaire of one network; member: a member's link (anonymous,
-- or for the e-mail address given). page: where the respondent left off (0-based).
ALTER TABLE invitations ADD COLUMN kind TEXT NOT NULL DEFAULT 'member' CHECK (kind IN ('network', 'member'));
ALTER TABLE invitations ADD COLUMN email TEXT;
ALTER TABLE invitations ADD COLUMN page INTEGER NOT NULL DEFAULT 0;
CREATE INDEX invitations_wave ON invitations(wave_id, network_id);
CREATE INDEX responses_wave ON responses(wave_id);
