-- The unique index on responses (wave_id, respondent) already serves every lookup by wave:
-- a second index on wave_id alone only cost each stored response another index entry
-- (an import of a million responses wrote it a million times).
DROP INDEX responses_wave;
