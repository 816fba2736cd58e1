-- Documents as sources of coding beside the open answers (issue 20): interviews, focus
-- groups, session reports, policy documents. The text is stored once, normalised (no BOM,
-- \n line endings); every position is a Unicode code point, half-open [start, end).
-- Keep in step with ../postgres/2026120710_documents.sql: the store suite runs on both.

-- A document of the study; optionally of a network, a Werkplaats and a wave. chars is the
-- text's length in code points (checked on insert, so spans can be checked without reading
-- the text); sha256 of the text finds a text that is stored already (the store refuses a
-- second copy of a text that is not empty; a source of another tool may be empty).
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('interview', 'focus_group', 'session_report', 'policy_document', 'other')),
    network_id INTEGER REFERENCES networks(id),
    workplace_id INTEGER REFERENCES workplaces(id),
    wave_id INTEGER REFERENCES waves(id),
    held_on TEXT,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    body TEXT NOT NULL,
    chars INTEGER NOT NULL CHECK (chars >= 0),
    sha256 TEXT NOT NULL
);
CREATE INDEX documents_sha256 ON documents(sha256);

-- The speaker turns of a transcript, in order: the span of what is said (without the label).
CREATE TABLE document_turns (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    speaker TEXT NOT NULL,
    start_pos INTEGER NOT NULL CHECK (start_pos >= 0),
    end_pos INTEGER NOT NULL CHECK (end_pos >= start_pos),
    PRIMARY KEY (document_id, position)
);

-- A code applied to a span of a document by a coder, as codings are to a span of an answer.
CREATE TABLE document_codings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start_pos INTEGER NOT NULL CHECK (start_pos >= 0),
    end_pos INTEGER NOT NULL CHECK (end_pos > start_pos),
    code_id INTEGER NOT NULL REFERENCES codes(id),
    coder_id INTEGER NOT NULL REFERENCES persons(id),
    memo TEXT NOT NULL DEFAULT ''
);
CREATE INDEX document_codings_document ON document_codings(document_id);
CREATE INDEX document_codings_code ON document_codings(code_id);

-- A code that is a folder in another tool's code tree (REFI-QDA isCodable="false"): it
-- groups codes and is not itself applied. Kept so that an exported project has the tree it
-- was imported with.
ALTER TABLE codes ADD COLUMN folder INTEGER NOT NULL DEFAULT 0 CHECK (folder IN (0, 1));

-- Memos (REFI-QDA notes): on the study, or on a code or a document. The author is kept
-- (NULL when not known); an erase of the author leaves the memo, now of an erased person.
CREATE TABLE memos (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id INTEGER REFERENCES persons(id),
    code_id INTEGER REFERENCES codes(id),
    document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    CHECK (code_id IS NULL OR document_id IS NULL)
);
