-- The person a speaker of a document is (issue 20: "speakers can be linked to people"): a
-- transcript's label ("Anna", "Interviewer") linked to an account of the study, or to someone
-- invited by address only (their address, lower case). A privacy export of that person holds
-- the turns they spoke; their erase masks them. One row per linked speaker label of a
-- document. Keep in step with ../postgres/2026121051_speaker_people.sql: the store suite runs on
-- both.
CREATE TABLE document_speaker_people (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    speaker TEXT NOT NULL,
    person_id INTEGER REFERENCES persons(id) ON DELETE CASCADE,
    email TEXT,
    PRIMARY KEY (document_id, speaker),
    CHECK ((person_id IS NULL) <> (email IS NULL))
);
CREATE INDEX document_speaker_people_person ON document_speaker_people(person_id);
