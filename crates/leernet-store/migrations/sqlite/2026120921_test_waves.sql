-- A questionnaire's hidden test wave (issue 18): the wave that test links belong to, one per
-- instrument, always open. Its invitations and responses never count: the store's reads
-- that feed figures, pages, reports, exports and response rates (`waves`, `responses`,
-- `responses_page`, `response_counts`, `invitations`) leave test waves out, so no caller
-- can forget to. 1: a test wave; 0: every wave made before and every real wave.
-- Keep in step with ../postgres/2026120921_test_waves.sql.
ALTER TABLE waves ADD COLUMN test INTEGER NOT NULL DEFAULT 0 CHECK (test IN (0, 1));
