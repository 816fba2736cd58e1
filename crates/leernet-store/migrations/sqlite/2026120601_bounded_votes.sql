-- The dots on a topic are bounded by the largest allowance a round can have (20), so that no
-- sum of them can overflow: a member's vote of 9223372036854775807 dots once made every later
-- total of that topic fail, and with it the network's pages, exports and the study report.
-- Rows over the bound can only come from that attack (no round allows them) and are removed.
-- SQLite cannot add a CHECK to a table, so the table is made anew with it.
CREATE TABLE ws_votes_bounded (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES ws_rounds(id),
    topic_id INTEGER NOT NULL REFERENCES ws_topics(id),
    person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
    dots INTEGER NOT NULL CHECK (dots BETWEEN 1 AND 20),
    UNIQUE (topic_id, person_id)
);
INSERT INTO ws_votes_bounded (id, round_id, topic_id, person_id, dots)
    SELECT id, round_id, topic_id, person_id, dots FROM ws_votes WHERE dots BETWEEN 1 AND 20;
DROP TABLE ws_votes;
ALTER TABLE ws_votes_bounded RENAME TO ws_votes;
CREATE INDEX ws_votes_round ON ws_votes(round_id, person_id);
