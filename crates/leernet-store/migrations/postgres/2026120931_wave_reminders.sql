-- Waves at scale (issue 18, item 3): an invitation can be revoked (its link stops working;
-- a response already given stays) and is reminded at most once (`reminded_at`, set when a
-- reminder is claimed, before it is sent, so neither the web app nor `leernet notify send`
-- ever mails the same reminder twice); a wave may remind by itself, `remind_after_days`
-- after an invitation was mailed (NULL: no schedule). Unix seconds.
-- Keep in step with ../sqlite/2026120931_wave_reminders.sql.
ALTER TABLE invitations ADD COLUMN revoked_at BIGINT;
ALTER TABLE invitations ADD COLUMN reminded_at BIGINT;
ALTER TABLE waves ADD COLUMN remind_after_days BIGINT;
