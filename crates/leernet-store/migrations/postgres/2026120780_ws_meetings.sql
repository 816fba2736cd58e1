-- Sessions as meetings (issue 26): a start and end time, an online link, and what a calendar
-- needs to carry updates and cancellations through; a private calendar feed per person.
-- Keep in step with ../sqlite/2026120780_ws_meetings.sql.
--
-- Times are local wall-clock times in Europe/Amsterdam ("HH:MM", '' when not set), next to
-- the existing local date; the iCalendar files convert them to UTC when they are written.
-- sequence: the iCalendar SEQUENCE, raised by every change a calendar should carry.
-- cancelled: 1 when the facilitator cancelled the session (kept, shown as cancelled).
ALTER TABLE ws_sessions ADD COLUMN start_time TEXT NOT NULL DEFAULT '';
ALTER TABLE ws_sessions ADD COLUMN end_time TEXT NOT NULL DEFAULT '';
ALTER TABLE ws_sessions ADD COLUMN link TEXT NOT NULL DEFAULT '';
ALTER TABLE ws_sessions ADD COLUMN sequence BIGINT NOT NULL DEFAULT 0 CHECK (sequence >= 0);
ALTER TABLE ws_sessions ADD COLUMN cancelled BIGINT NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1));

-- A person's private calendar feed: only the SHA-256 of the secret in the link is kept, so a
-- copy of the database does not open anyone's feed. One feed per person; renewing replaces
-- it, revoking deletes it.
CREATE TABLE ws_calendar_feeds (
    person_id BIGINT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
