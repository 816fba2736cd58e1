-- People and structure in the browser (issue 18, item 1): a role in a study can be
-- deactivated and made active again (the role and everything the person did stay), one-time
-- links let a person set their own password (an invitation, "wachtwoord vergeten"), and
-- Werkplaatsen and networks can be archived (never deleted: past waves' figures keep them).
-- Keep in step with ../sqlite/0006_people.sql.

ALTER TABLE study_roles ADD COLUMN active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE workplaces ADD COLUMN archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
ALTER TABLE networks ADD COLUMN archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));

-- A link is known by the SHA-256 of its secret (hex), as a session and an API token are:
-- the database never holds a usable link. Used once (`used_at`), and never after `expires_at`.
CREATE TABLE account_links (
    secret_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX account_links_account ON account_links(account_id);
