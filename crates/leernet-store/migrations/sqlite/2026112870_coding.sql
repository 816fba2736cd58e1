-- Coding in the browser: assignments of answers to coders (blind double coding), decisions
-- on auto-coding suggestions, consensus codings, the log of coding decisions, and coders'
-- confirmations of slow-question candidates.
-- Keep in step with ../postgres/2026112870_coding.sql: the store suite runs on both.

-- A lead (the researcher who made it) gives the answers to one open question to one or more
-- coders. Times are Unix seconds.
CREATE TABLE coding_assignments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    question TEXT NOT NULL,
    codebook_id INTEGER NOT NULL REFERENCES codebooks(id),
    lead_id INTEGER NOT NULL REFERENCES persons(id),
    created_at INTEGER NOT NULL
);

-- The answers of an assignment, in queue order.
CREATE TABLE coding_assignment_items (
    assignment_id INTEGER NOT NULL REFERENCES coding_assignments(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    PRIMARY KEY (assignment_id, position),
    UNIQUE (assignment_id, response_id)
);

-- The coders of an assignment; finished_at is set once, when the coder says they are done.
CREATE TABLE coding_assignment_coders (
    assignment_id INTEGER NOT NULL REFERENCES coding_assignments(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES persons(id),
    finished_at INTEGER,
    PRIMARY KEY (assignment_id, coder_id)
);

-- A coding made in an assignment carries it; a consensus coding (consensus = 1) is the
-- settled reading of an answer, made by the lead (coder_id), and is what the analysis uses
-- where it exists. Codings from before (imports, the demo) have neither.
ALTER TABLE codings ADD COLUMN assignment_id INTEGER REFERENCES coding_assignments(id);
ALTER TABLE codings ADD COLUMN consensus INTEGER NOT NULL DEFAULT 0 CHECK (consensus IN (0, 1));
CREATE INDEX codings_assignment ON codings(assignment_id, coder_id);

-- What a coder did with an auto-coding suggestion: accepted (then coding_id is the coding
-- it became) or rejected. A suggestion nobody decided on stays a suggestion.
CREATE TABLE coding_suggestion_decisions (
    id INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES coding_assignments(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES persons(id),
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    code_id INTEGER NOT NULL REFERENCES codes(id),
    start_pos INTEGER NOT NULL,
    end_pos INTEGER NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    coding_id INTEGER REFERENCES codings(id) ON DELETE SET NULL,
    at INTEGER NOT NULL,
    UNIQUE (assignment_id, coder_id, response_id, code_id, start_pos, end_pos)
);

-- Every decision about coding: who, when, what, why (consensus settlements, codebook
-- changes, assignments made and finished). Never holds answer text.
CREATE TABLE coding_decisions (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL CHECK (kind IN ('assignment', 'finished', 'consensus', 'code_added', 'code_changed')),
    assignment_id INTEGER REFERENCES coding_assignments(id) ON DELETE CASCADE,
    response_id INTEGER REFERENCES responses(id) ON DELETE CASCADE,
    code_id INTEGER REFERENCES codes(id),
    what TEXT NOT NULL,
    why TEXT NOT NULL
);
CREATE INDEX coding_decisions_assignment ON coding_decisions(assignment_id);

-- A coder's verdict on a slow-question candidate the rules flagged in an answer: the
-- register per network. The workspace's slow-question log is separate (linked later).
CREATE TABLE slow_question_confirmations (
    id INTEGER PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES networks(id),
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    start_pos INTEGER NOT NULL CHECK (start_pos >= 0),
    end_pos INTEGER NOT NULL CHECK (end_pos > start_pos),
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected')),
    coder_id INTEGER NOT NULL REFERENCES persons(id),
    at INTEGER NOT NULL,
    UNIQUE (response_id, question, start_pos, end_pos)
);
CREATE INDEX slow_question_confirmations_network ON slow_question_confirmations(network_id);
