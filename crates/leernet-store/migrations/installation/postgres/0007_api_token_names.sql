-- A personal access token's name, given when it is made ("R-script dashboard"), so that
-- a person with several tokens knows which one to revoke (issue 22). Keep in step with
-- ../sqlite/2026120790_api_token_names.sql.
--
-- Tokens made before names existed keep an empty name (the list says "no name"). The
-- length is bounded here as well as in leernet-app (`tokens::MAX_NAME_CHARS`).
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '' CHECK (char_length(name) <= 100);
