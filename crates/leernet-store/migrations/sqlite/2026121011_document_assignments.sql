-- Blind double coding of documents as of answers (issue 20): an assignment may cover
-- documents instead of the answers to one question (then its question is ''), the coders'
-- codings of its documents stay apart from the study's document codings until the lead
-- settles them, and the settled reading is an ordinary document coding that carries the
-- assignment. The coding decisions log names the document a settlement was about.
-- Keep in step with ../postgres/2026121011_document_assignments.sql: the store suite runs on both.

-- The documents of an assignment, in queue order.
CREATE TABLE coding_assignment_documents (
    assignment_id INTEGER NOT NULL REFERENCES coding_assignments(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (assignment_id, position),
    UNIQUE (assignment_id, document_id)
);

-- A coder's own coding of a span of a document in an assignment (blind: no figure, report
-- or other coder reads these; the lead sees them side by side once every coder finished).
CREATE TABLE assignment_document_codings (
    id INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES coding_assignments(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start_pos INTEGER NOT NULL CHECK (start_pos >= 0),
    end_pos INTEGER NOT NULL CHECK (end_pos > start_pos),
    code_id INTEGER NOT NULL REFERENCES codes(id),
    coder_id INTEGER NOT NULL REFERENCES persons(id),
    memo TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assignment_document_codings_coder ON assignment_document_codings(assignment_id, coder_id);

-- A settled (consensus) document coding carries its assignment; others have none.
ALTER TABLE document_codings ADD COLUMN assignment_id INTEGER REFERENCES coding_assignments(id);
CREATE INDEX document_codings_assignment ON document_codings(assignment_id, document_id);

-- The document a logged decision was about (a consensus on a document).
ALTER TABLE coding_decisions ADD COLUMN document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE;

-- A document's number of words, counted once from its text (which never changes).
CREATE TABLE document_words (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    words INTEGER NOT NULL CHECK (words >= 0)
);
