-- The practice workspace of a learning network: sessions, attendance, agenda rounds with dot
-- voting, the slow-question log, value-creation stories, and e-mail opt-ins with an outbox.
-- Keep in step with ../postgres/2026112850_workspace.sql: the store suite runs on both.
--
-- People are referenced with ON DELETE SET NULL throughout: when a person is erased, their
-- contributions stay as anonymous rows, so a network's counts (attendance, questions brought
-- in, votes cast) do not change. Texts of an erased person are blanked (erased = 1).

-- A session planned or held. date: ISO yyyy-mm-dd. method: a key of content/methods.toml;
-- model: the named intervision model, when the method has one. held: 0 planned, 1 recorded.
CREATE TABLE ws_sessions (
    id INTEGER PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES networks(id),
    date TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    online INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
    method TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    report TEXT NOT NULL DEFAULT '',
    held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1)),
    created_by INTEGER REFERENCES persons(id) ON DELETE SET NULL
);
CREATE INDEX ws_sessions_network ON ws_sessions(network_id, date);

-- Who was present. person_id becomes NULL when the person is erased: the count stays.
CREATE TABLE ws_attendance (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES ws_sessions(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
    UNIQUE (session_id, person_id)
);

-- A round of the co-created agenda: members propose topics and spread their dots.
CREATE TABLE ws_rounds (
    id INTEGER PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES networks(id),
    title TEXT NOT NULL,
    votes_per_member INTEGER NOT NULL CHECK (votes_per_member BETWEEN 1 AND 20),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at INTEGER NOT NULL,
    closed_at INTEGER
);
CREATE INDEX ws_rounds_network ON ws_rounds(network_id);

-- A proposed topic. from_member: proposed by a member (1) or by the facilitator (0), kept
-- when the proposer is erased. session_id: the session it was scheduled into.
CREATE TABLE ws_topics (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES ws_rounds(id),
    title TEXT NOT NULL,
    proposer_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
    from_member INTEGER NOT NULL CHECK (from_member IN (0, 1)),
    chosen INTEGER NOT NULL DEFAULT 0 CHECK (chosen IN (0, 1)),
    session_id INTEGER REFERENCES ws_sessions(id) ON DELETE SET NULL,
    erased INTEGER NOT NULL DEFAULT 0 CHECK (erased IN (0, 1))
);
CREATE INDEX ws_topics_round ON ws_topics(round_id);

-- Dots on a topic. One row per voter and topic; person_id NULL after erasure.
CREATE TABLE ws_votes (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES ws_rounds(id),
    topic_id INTEGER NOT NULL REFERENCES ws_topics(id),
    person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
    dots INTEGER NOT NULL CHECK (dots > 0),
    UNIQUE (topic_id, person_id)
);
CREATE INDEX ws_votes_round ON ws_votes(round_id, person_id);

-- What a session treated: scheduled topics and the facilitator's own items.
CREATE TABLE ws_agenda_items (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES ws_sessions(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    topic_id INTEGER REFERENCES ws_topics(id) ON DELETE SET NULL,
    from_member INTEGER NOT NULL CHECK (from_member IN (0, 1))
);
CREATE INDEX ws_agenda_session ON ws_agenda_items(session_id);

-- The slow-question log. anonymous = 1: the author is kept only so that the author can edit,
-- export and erase it; no page, export or log shows it to anyone else. themes: code keys,
-- comma-separated. response_id, question, start_pos, end_pos: the open answer it was moved
-- from by a coder (code points, like codings).
CREATE TABLE ws_slow_questions (
    id INTEGER PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES networks(id),
    text TEXT NOT NULL,
    author_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
    anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    session_id INTEGER REFERENCES ws_sessions(id) ON DELETE SET NULL,
    themes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('new', 'explored', 'taken_to_practice', 'parked')),
    followup TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    erased INTEGER NOT NULL DEFAULT 0 CHECK (erased IN (0, 1)),
    response_id INTEGER REFERENCES responses(id) ON DELETE SET NULL,
    question TEXT,
    start_pos INTEGER CHECK (start_pos >= 0),
    end_pos INTEGER CHECK (end_pos >= start_pos)
);
CREATE INDEX ws_slow_questions_network ON ws_slow_questions(network_id);

-- Value-creation stories, tagged with Wenger-Trayner's cycles (comma-separated keys:
-- immediate, potential, applied, realised, reframing).
CREATE TABLE ws_stories (
    id INTEGER PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES networks(id),
    author_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    cycles TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    erased INTEGER NOT NULL DEFAULT 0 CHECK (erased IN (0, 1))
);
CREATE INDEX ws_stories_network ON ws_stories(network_id);

-- E-mail opt-ins (off unless a row says otherwise) and the messages waiting to be sent.
CREATE TABLE ws_notify (
    person_id INTEGER PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    on_round INTEGER NOT NULL DEFAULT 0 CHECK (on_round IN (0, 1)),
    on_session INTEGER NOT NULL DEFAULT 0 CHECK (on_session IN (0, 1))
);
CREATE TABLE ws_outbox (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    network_id INTEGER NOT NULL REFERENCES networks(id),
    kind TEXT NOT NULL CHECK (kind IN ('round_opened', 'session_planned')),
    subject_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX ws_outbox_unsent ON ws_outbox(sent_at, id);
