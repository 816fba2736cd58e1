-- A workspace e-mail is claimed before it is sent (claimed_at) and marked sent only after
-- the mail server took it (sent_at). A claim lapses after a while, so a message whose
-- sender died between claiming and sending goes out with the next send instead of being
-- lost. Before, claiming set sent_at itself.
-- Keep in step with the other back end's file of this name: the store suite runs on both.
ALTER TABLE ws_outbox ADD COLUMN claimed_at BIGINT;
