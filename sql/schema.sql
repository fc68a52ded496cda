-- The stored organisation. A load replaces the matrix (people, skills, ratings, targets) in one
-- transaction; requests belong to the organisation and are only added or updated by a load.
CREATE TABLE IF NOT EXISTS people (
    person_id   VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    team        VARCHAR NOT NULL,
    discipline  VARCHAR NOT NULL,
    role        VARCHAR,
    manager_id  VARCHAR,
    email       VARCHAR
);

CREATE TABLE IF NOT EXISTS skills (
    skill_id    VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    discipline  VARCHAR NOT NULL,
    critical    BOOLEAN NOT NULL DEFAULT false,
    description VARCHAR
);

-- One row per load: when, by whom, from which input (SHA-256 of its bytes) and how much.
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot    INTEGER PRIMARY KEY,
    loaded_at   TIMESTAMP NOT NULL,
    loaded_by   VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    sha256      VARCHAR,            -- NULL when the input was not read from bytes
    people      INTEGER NOT NULL,
    teams       INTEGER NOT NULL,
    skills      INTEGER NOT NULL,
    ratings     INTEGER NOT NULL,
    targets     INTEGER NOT NULL,
    requests    INTEGER NOT NULL,   -- requests the file carried (added or updated)
    warnings    VARCHAR[] NOT NULL
);

-- Every snapshot's ratings: a load writes its ratings once, here, and `ratings` is the newest
-- snapshot's. A copy per snapshot in a second table doubled the cost of every load of a large
-- matrix (benchmarks/bench_import.py); DuckDB skips the older snapshots' row groups when it
-- reads the view. A missing rating means level 0; only rated pairs are stored. One rating per
-- (person, skill) is the importer's rule, checked before any load
-- (skills/ingest/validation.py): no key checks it again. Files from before keep every rating
-- (sql/ratings_into_history.sql).
CREATE TABLE IF NOT EXISTS ratings_history (
    snapshot    INTEGER NOT NULL,
    person_id   VARCHAR NOT NULL,
    skill_id    VARCHAR NOT NULL,
    level       TINYINT NOT NULL CHECK (level BETWEEN 0 AND 4),
    interest    TINYINT NOT NULL DEFAULT 0 CHECK (interest BETWEEN 0 AND 3),
    assessed_on DATE
);

CREATE OR REPLACE VIEW ratings AS
SELECT person_id, skill_id, level, interest, assessed_on
FROM ratings_history
WHERE snapshot = (SELECT coalesce(max(snapshot), 0) FROM snapshots);

-- origin is 'file' when the dataset set the target, 'default' when crosstrain derived it.
CREATE TABLE IF NOT EXISTS targets (
    team        VARCHAR NOT NULL,
    skill_id    VARCHAR NOT NULL,
    min_level   TINYINT NOT NULL CHECK (min_level BETWEEN 1 AND 4),
    min_people  INTEGER NOT NULL CHECK (min_people >= 1),
    origin      VARCHAR NOT NULL,
    PRIMARY KEY (team, skill_id)
);

CREATE TABLE IF NOT EXISTS requests (
    request_id       VARCHAR PRIMARY KEY,
    person_id        VARCHAR NOT NULL,
    host_team        VARCHAR NOT NULL,
    skill_id         VARCHAR,
    earliest_quarter INTEGER NOT NULL CHECK (earliest_quarter >= 1),
    latest_quarter   INTEGER NOT NULL CHECK (latest_quarter >= earliest_quarter),
    priority         TINYINT NOT NULL CHECK (priority BETWEEN 1 AND 3),
    note             VARCHAR,
    status           VARCHAR NOT NULL DEFAULT 'requested'
);

-- Every (team, skill) target with how many members meet it now.
CREATE OR REPLACE VIEW target_status AS
SELECT
    t.team,
    t.skill_id,
    s.name       AS skill_name,
    s.discipline,
    s.critical,
    t.min_level,
    t.min_people,
    t.origin,
    count(m.person_id)::INTEGER                         AS have,
    greatest(0, t.min_people - count(m.person_id))::INTEGER AS missing
FROM targets t
JOIN skills s USING (skill_id)
LEFT JOIN (
    SELECT p.team, r.skill_id, r.level, r.person_id
    FROM ratings r JOIN people p USING (person_id)
) m ON m.team = t.team AND m.skill_id = t.skill_id AND m.level >= t.min_level
GROUP BY t.team, t.skill_id, s.name, s.discipline, s.critical, t.min_level, t.min_people, t.origin;
