-- When a response was last written (seconds since 1970, UTC, by the database's clock), for
-- the JSON API's `updated_since` filter (issue 22). A default and a trigger keep it, so
-- that every way a response is written — the survey's saves, imports, the API, edits,
-- pseudonymising — keeps it without each writer passing a time; a row written with a value
-- of its own (a restored backup) keeps that value. Rows from before this migration count as
-- written now. Keep in step with ../sqlite/2026120750_response_updated_at.sql.
ALTER TABLE responses ADD COLUMN updated_at BIGINT
    DEFAULT (CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT));

CREATE FUNCTION responses_rewritten() RETURNS trigger AS $$
BEGIN
    IF NEW.answers IS DISTINCT FROM OLD.answers OR NEW.status IS DISTINCT FROM OLD.status
       OR NEW.network_id IS DISTINCT FROM OLD.network_id THEN
        NEW.updated_at := CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER responses_rewritten BEFORE UPDATE ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_rewritten();
