-- The data generation: a counter every write that can change a figure bumps in its own
-- transaction (`generation.rs`), so that the web app recomputes the study's figures once per
-- change and every instance on one database sees the change. It is the sum of a few slots,
-- each write bumping one, so that concurrent survey saves on PostgreSQL do not all queue on
-- one row's lock. Bookkeeping, not data: a backup leaves it out.
CREATE TABLE store_generation (
    slot BIGINT PRIMARY KEY,
    value BIGINT NOT NULL
);
