-- A code's inclusion and exclusion criteria and examples, in Dutch and English, and its
-- colour (#RRGGBB, upper-case hex digits, as leernet_core::Colour stores it). And every
-- version of a codebook: each logged change of its codes writes the next version with a
-- JSON snapshot of the whole codebook after the change, in the change's own transaction.
-- Keep in step with the other back end's file of this name: the store suite runs on both.
ALTER TABLE codes ADD COLUMN inclusion_nl TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN inclusion_en TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN exclusion_nl TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN exclusion_en TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN examples_nl TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN examples_en TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN colour TEXT
    CHECK (colour IS NULL OR (length(colour) = 7 AND colour GLOB '#[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]'));

-- Version 1 is the codebook as it was made (person_id NULL: an import or the demo, or a
-- codebook that existed before versions were kept); person_id is NULL after an erase too.
CREATE TABLE codebook_versions (
    id INTEGER PRIMARY KEY,
    codebook_id INTEGER NOT NULL REFERENCES codebooks(id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    at INTEGER,
    person_id INTEGER REFERENCES persons(id),
    reason TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    UNIQUE (codebook_id, version)
);
