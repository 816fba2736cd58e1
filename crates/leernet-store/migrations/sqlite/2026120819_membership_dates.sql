-- When a person's membership of a network began and ended (seconds since 1970, UTC), so
-- that the workspace's indicators rest on who was a member at the date of each session
-- (issue 19): adding or removing an account later leaves every past attendance figure as
-- it was. NULL `member_from`: a member from before anything was logged (every link made
-- before this migration, and links made when a study is seeded); NULL `member_until`: a
-- member now. An ended link stays, with its `member_until`.
-- Keep in step with ../postgres/2026120819_membership_dates.sql.
ALTER TABLE person_networks ADD COLUMN member_from INTEGER;
ALTER TABLE person_networks ADD COLUMN member_until INTEGER;
