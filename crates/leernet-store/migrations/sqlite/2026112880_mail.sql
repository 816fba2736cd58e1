-- Invitations sent by e-mail: when the app last sent an invitation's link to its address
-- (Unix seconds; NULL: never sent by the app). Sending again is a researcher's explicit choice.
-- Keep in step with ../postgres/2026112880_mail.sql: the store suite runs on both.
ALTER TABLE invitations ADD COLUMN sent_at INTEGER;
