-- The registry, instruments, waves, invitations, responses and qualitative coding.
-- Keep in step with ../postgres/0001_foundation.sql: the store suite runs on both.
CREATE TABLE workplaces (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT ''
);

CREATE TABLE networks (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    workplace_id INTEGER NOT NULL REFERENCES workplaces(id)
);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('researcher', 'coordinator', 'facilitator', 'member')),
    password_hash TEXT
);

CREATE TABLE person_networks (
    person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    network_id INTEGER NOT NULL REFERENCES networks(id),
    PRIMARY KEY (person_id, network_id)
);

CREATE TABLE instruments (
    id INTEGER PRIMARY KEY,
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    title_nl TEXT NOT NULL,
    title_en TEXT NOT NULL,
    file_name TEXT NOT NULL,
    workbook BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    UNIQUE (form_id, version)
);

CREATE TABLE waves (
    id INTEGER PRIMARY KEY,
    instrument_id INTEGER NOT NULL REFERENCES instruments(id),
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    UNIQUE (instrument_id, name)
);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    wave_id INTEGER NOT NULL REFERENCES waves(id),
    network_id INTEGER NOT NULL REFERENCES networks(id),
    token TEXT NOT NULL UNIQUE,
    person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL
);

CREATE TABLE responses (
    id INTEGER PRIMARY KEY,
    wave_id INTEGER NOT NULL REFERENCES waves(id),
    network_id INTEGER NOT NULL REFERENCES networks(id),
    respondent TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted')),
    answers TEXT NOT NULL,
    UNIQUE (wave_id, respondent)
);

CREATE TABLE codebooks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE codes (
    id INTEGER PRIMARY KEY,
    codebook_id INTEGER NOT NULL REFERENCES codebooks(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    parent_id INTEGER REFERENCES codes(id),
    name_nl TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description_nl TEXT NOT NULL,
    description_en TEXT NOT NULL,
    UNIQUE (codebook_id, key)
);

CREATE TABLE codings (
    id INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    start_pos INTEGER NOT NULL CHECK (start_pos >= 0),
    end_pos INTEGER NOT NULL CHECK (end_pos >= start_pos),
    code_id INTEGER NOT NULL REFERENCES codes(id),
    coder_id INTEGER NOT NULL REFERENCES persons(id),
    memo TEXT NOT NULL DEFAULT ''
);
CREATE INDEX codings_response ON codings(response_id);

-- Facts about the study as a whole (title, whether it is fictional), one row per key.
CREATE TABLE study_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
