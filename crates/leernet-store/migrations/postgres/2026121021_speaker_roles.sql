-- The role a speaker of a document speaks in (issue 20, retrieval): passages are filtered
-- by it ("what did facilitators say about the agenda?"). One row per speaker label of a
-- document; a speaker without a row has no known role. Keep in step with
-- ../sqlite/2026121021_speaker_roles.sql: the store suite runs on both.
CREATE TABLE document_speakers (
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    speaker TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('interviewer', 'facilitator', 'member', 'researcher', 'coordinator', 'other')),
    PRIMARY KEY (document_id, speaker)
);

-- Retrieval cuts passages per code and finds each passage's turn by position.
CREATE INDEX document_turns_start ON document_turns(document_id, start_pos);
