-- The dots on a topic are bounded by the largest allowance a round can have (20), so that no
-- sum of them can overflow: a member's vote of 9223372036854775807 dots once made every later
-- total of that topic fail, and with it the network's pages, exports and the study report.
-- Rows over the bound can only come from that attack (no round allows them) and are removed.
DELETE FROM ws_votes WHERE dots > 20;
ALTER TABLE ws_votes ADD CONSTRAINT ws_votes_dots_bounded CHECK (dots BETWEEN 1 AND 20);
