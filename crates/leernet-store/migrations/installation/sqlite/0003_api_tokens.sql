-- Personal access tokens of the JSON API (issue 22). Keep in step with
-- ../postgres/0003_api_tokens.sql. (0002 is reserved for the login's move to the
-- installation.)
--
-- A token is known by the SHA-256 of its secret (hex): the database never holds a usable
-- token. It acts for one account, with that account's roles, and no more.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    revoked_at INTEGER
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);
