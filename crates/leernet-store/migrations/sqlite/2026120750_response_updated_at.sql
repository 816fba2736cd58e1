-- When a response was last written (seconds since 1970, UTC, by the database's clock), for
-- the JSON API's `updated_since` filter (issue 22). Set by triggers, so that every way a
-- response is written — the survey's saves, imports, the API, edits, pseudonymising — keeps
-- it without each writer passing a time; a row written with a value of its own (a restored
-- backup) keeps that value. Rows from before this migration count as written now.
-- Keep in step with ../postgres/2026120750_response_updated_at.sql.
ALTER TABLE responses ADD COLUMN updated_at INTEGER;
UPDATE responses SET updated_at = CAST(strftime('%s', 'now') AS INTEGER);

CREATE TRIGGER responses_written AFTER INSERT ON responses
WHEN NEW.updated_at IS NULL
BEGIN
    UPDATE responses SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;

CREATE TRIGGER responses_rewritten AFTER UPDATE OF answers, status, network_id ON responses
BEGIN
    UPDATE responses SET updated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
