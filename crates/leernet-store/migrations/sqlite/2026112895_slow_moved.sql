-- A confirmed slow-question candidate of the coding register can be moved into its
-- network's slow-question log once: which log entry it became, who moved it and when.
-- Keep in step with the other back end's file of this name: the store suite runs on both.
ALTER TABLE slow_question_confirmations ADD COLUMN moved_to BIGINT REFERENCES ws_slow_questions(id);
ALTER TABLE slow_question_confirmations ADD COLUMN moved_by BIGINT REFERENCES persons(id);
ALTER TABLE slow_question_confirmations ADD COLUMN moved_at BIGINT;
