-- Privacy and audit: the append-only audit log, each wave's retention date, and the
-- pseudonyms a wave's respondents were given.
-- Keep in step with ../postgres/2026112840_privacy.sql: the store suite runs on both.

-- Who exported, erased, pseudonymised, changed a role, opened or closed a wave, and when.
-- at: Unix seconds. actor: "person:<id>", "cli:<os user>" or "system". subject: ids such as
-- "person:12" or "wave:3", never an answer, a name or an e-mail address.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);

-- Append-only for real: the database itself refuses to change or remove an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- A wave's personal data is kept until (and including) this ISO date; `leernet retention
-- apply` removes it on any later day.
CREATE TABLE wave_retention (
    wave_id INTEGER PRIMARY KEY REFERENCES waves(id) ON DELETE CASCADE,
    keep_until TEXT NOT NULL
);

-- The stable code (P-XXXXXXXX) of a pseudonymised response's respondent. The code is a keyed
-- hash of the e-mail address; the key lives in the researcher's key file, not here.
CREATE TABLE pseudonyms (
    response_id INTEGER PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
    code TEXT NOT NULL
);
