-- The login throttle, counted before the password is checked. One row per (account, address)
-- pair, one per account (address '') and one per address (account ''); each counts the
-- attempts of its current window. An attempt is counted by one upsert per row, in one
-- transaction, before the password hash is computed, so a burst of parallel attempts cannot
-- pass a limit together (login_failures recorded failures after the hash, and 30 parallel
-- attempts all got through). window_len doubles each time a window was used up (backoff).
-- account is the lower-cased address typed at the login; address the client's IP address
-- (IPv6 by /64). Replaces login_failures.
DROP TABLE login_failures;
CREATE TABLE login_throttle (
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    window_len BIGINT NOT NULL,
    PRIMARY KEY (account, address)
);
