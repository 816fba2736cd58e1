-- Responses to the profile (issue 26, member checking): before the report is final, a
-- network's facilitator and members read its profile and handreiking and say whether they
-- recognise it ('yes' herkenbaar, 'partly' deels herkenbaar, 'no' niet herkenbaar) with a
-- sentence. One row per person, network and wave (the wave the network questionnaire's
-- figures rest on, by name); a new response replaces the person's earlier one: the latest
-- counts. An erased person's rows are deleted (privacy erase).
-- Keep in step with ../postgres/2026120911_profile_responses.sql.
CREATE TABLE ws_profile_responses (
    id INTEGER PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES networks(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    wave TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('yes', 'partly', 'no')),
    reason TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    UNIQUE (network_id, person_id, wave)
);
