-- The installation: accounts, studies, roles per study, the network registry and the
-- installation's audit log. Keep in step with ../postgres/0001_installation.sql: the
-- installation story (tests/it/installation_story.rs) runs on both.
--
-- The ids of accounts, Werkplaatsen and networks are the ids of the `persons`,
-- `workplaces` and `networks` rows every study holds for them (its projection).

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    lang TEXT NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en'))
);

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

-- Where a study's database is: an SQLite file (`sqlite`, a path relative to the folder of
-- the installation's file unless absolute) or a schema of the installation's PostgreSQL
-- database (`postgres_schema`).
CREATE TABLE studies (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title_nl TEXT NOT NULL,
    title_en TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'archived')),
    location_kind TEXT NOT NULL CHECK (location_kind IN ('sqlite', 'postgres_schema')),
    location TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (location_kind, location)
);

-- The networks that take part in a study (their `networks` rows are in its database).
CREATE TABLE study_networks (
    study_id INTEGER NOT NULL REFERENCES studies(id),
    network_id INTEGER NOT NULL REFERENCES networks(id),
    PRIMARY KEY (study_id, network_id)
);

-- One role per account and study, with the networks it is for.
CREATE TABLE study_roles (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    study_id INTEGER NOT NULL REFERENCES studies(id),
    role TEXT NOT NULL CHECK (role IN ('researcher', 'coordinator', 'facilitator', 'member')),
    PRIMARY KEY (account_id, study_id)
);

CREATE TABLE study_role_networks (
    account_id INTEGER NOT NULL,
    study_id INTEGER NOT NULL,
    network_id INTEGER NOT NULL REFERENCES networks(id),
    PRIMARY KEY (account_id, study_id, network_id),
    FOREIGN KEY (account_id, study_id) REFERENCES study_roles(account_id, study_id) ON DELETE CASCADE
);

-- Append-only, as a study's audit log: studies made, archived or adopted, roles given and
-- taken, passwords set, networks and Werkplaatsen registered.
CREATE TABLE installation_audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER installation_audit_no_update BEFORE UPDATE ON installation_audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER installation_audit_no_delete BEFORE DELETE ON installation_audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
