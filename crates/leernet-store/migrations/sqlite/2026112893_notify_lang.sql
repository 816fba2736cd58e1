-- The language a person's workspace e-mails are written in: the language of the page on which
-- they set their opt-ins ('nl' or 'en'; NULL: not known, the message is Dutch).
-- Keep in step with ../postgres/2026112893_notify_lang.sql: the store suite runs on both.
ALTER TABLE ws_notify ADD COLUMN lang TEXT;
