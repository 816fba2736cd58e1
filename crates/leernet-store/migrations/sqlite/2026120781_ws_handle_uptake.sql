-- Handles taken up (issue 26): from its handreiking a network marks a handle as "we work on
-- this", says what it did and when, and later whether it helped (1 not, 2 a little, 3 clearly,
-- 4 a lot) with a sentence. The next wave's analysis relates change to it.
-- Keep in step with ../postgres/2026120781_ws_handle_uptake.sql.
-- handle_key: a key of content/handles.toml; dates are yyyy-mm-dd ('' for none).
CREATE TABLE ws_handle_uptake (
    id INTEGER PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES networks(id),
    handle_key TEXT NOT NULL,
    started_on TEXT NOT NULL,
    what_done TEXT NOT NULL DEFAULT '',
    done_on TEXT NOT NULL DEFAULT '',
    helped INTEGER CHECK (helped BETWEEN 1 AND 4),
    helped_text TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    UNIQUE (network_id, handle_key)
);
