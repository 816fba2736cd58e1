-- Login sessions and the login throttle of the installation: one login for every study
-- (issue "Many studies on one installation", step 2). The same tables as a study's
-- `sessions` and `login_throttle` (see sessions.rs); a study's own tables are no longer
-- read once the web app serves an installation. Keep in step with ../sqlite/0002_sessions.sql.

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_person ON sessions(person_id);

CREATE TABLE login_throttle (
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    window_len BIGINT NOT NULL,
    PRIMARY KEY (account, address)
);
