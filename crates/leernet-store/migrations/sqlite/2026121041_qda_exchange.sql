-- REFI-QDA exchange (issue 20, item 5): what a .qdpx from another tool brings and leernet
-- has no place for otherwise, kept so that an export writes it again, and the GUIDs that make
-- a second import of the same file find what the first one stored. Keep in step with
-- ../postgres/2026121041_qda_exchange.sql: the store suite runs on both.

-- The GUID a code had in an imported file: the next import of that file finds the code.
CREATE TABLE qda_code_guids (
    guid TEXT PRIMARY KEY,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE
);

-- Other tools' variables (REFI-QDA Variables) of the values kept below, with their type.
CREATE TABLE qda_variables (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('Text', 'Boolean', 'Integer', 'Float', 'Date', 'DateTime')),
    description TEXT NOT NULL DEFAULT ''
);

-- Cases of imported files. A case named like a network is that network's (network_id):
-- the network's own sources belong to it without a row below.
CREATE TABLE qda_cases (
    id INTEGER PRIMARY KEY,
    guid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    network_id INTEGER REFERENCES networks(id) ON DELETE SET NULL
);
CREATE TABLE qda_case_values (
    case_id INTEGER NOT NULL REFERENCES qda_cases(id) ON DELETE CASCADE,
    variable TEXT NOT NULL REFERENCES qda_variables(name),
    value TEXT NOT NULL,
    PRIMARY KEY (case_id, variable)
);
CREATE TABLE qda_case_documents (
    case_id INTEGER NOT NULL REFERENCES qda_cases(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    PRIMARY KEY (case_id, document_id)
);
CREATE TABLE qda_case_answers (
    case_id INTEGER NOT NULL REFERENCES qda_cases(id) ON DELETE CASCADE,
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    PRIMARY KEY (case_id, response_id, question)
);

-- Values of other tools' variables on documents (kind, network and date are the document's
-- own columns).
CREATE TABLE qda_document_values (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    variable TEXT NOT NULL REFERENCES qda_variables(name),
    value TEXT NOT NULL,
    PRIMARY KEY (document_id, variable)
);
