-- Older files: rebuild ratings without its primary key (see schema.sql), keeping every row.
-- Runs in one transaction; the views over ratings bind by name and read the new table.
CREATE TABLE ratings_unkeyed (
    person_id   VARCHAR NOT NULL,
    skill_id    VARCHAR NOT NULL,
    level       TINYINT NOT NULL CHECK (level BETWEEN 0 AND 4),
    interest    TINYINT NOT NULL DEFAULT 0 CHECK (interest BETWEEN 0 AND 3),
    assessed_on DATE
);
INSERT INTO ratings_unkeyed SELECT person_id, skill_id, level, interest, assessed_on FROM ratings;
DROP TABLE ratings;
ALTER TABLE ratings_unkeyed RENAME TO ratings;
