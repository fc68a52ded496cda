-- Rotation planner: request history, numbered plan versions and per-rotation decisions.
-- Every status change of a rotation request, oldest first: who changed it, when and why.
CREATE TABLE IF NOT EXISTS rotation_request_events (
    request_id   VARCHAR NOT NULL,
    status       VARCHAR NOT NULL
        CHECK (status IN ('requested', 'proposed', 'approved', 'declined', 'withdrawn')),
    changed_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    changed_by   VARCHAR NOT NULL,
    plan_version INTEGER,
    note         VARCHAR
);

-- One row per saved plan: the inputs and policy it was made from, what the solver said and the
-- figures the manager saw, so a decision can be traced later.
CREATE TABLE IF NOT EXISTS rotation_plan_versions (
    version       INTEGER PRIMARY KEY,
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    created_by    VARCHAR NOT NULL,
    status        VARCHAR NOT NULL DEFAULT 'proposed'
        CHECK (status IN ('proposed', 'approved', 'declined')),
    policy        JSON NOT NULL,
    inputs        JSON NOT NULL,
    solver_status VARCHAR NOT NULL,
    solver        VARCHAR NOT NULL,
    objective     DOUBLE,
    bound         DOUBLE,
    gap           DOUBLE,
    seconds       DOUBLE NOT NULL,
    message       VARCHAR NOT NULL,
    figures       JSON
);

-- The rotations of a plan version and the manager's decision on each, with its rationale.
CREATE TABLE IF NOT EXISTS rotation_plan_rotations (
    version     INTEGER NOT NULL,
    person_id   VARCHAR NOT NULL,
    home_team   VARCHAR NOT NULL,
    host_team   VARCHAR NOT NULL,
    quarter     INTEGER NOT NULL CHECK (quarter >= 1),
    request_id  VARCHAR,
    committed   BOOLEAN NOT NULL DEFAULT false,
    learning    DOUBLE NOT NULL DEFAULT 0,
    skills      VARCHAR,
    decision    VARCHAR NOT NULL DEFAULT 'pending'
        CHECK (decision IN ('pending', 'approved', 'declined')),
    rationale   VARCHAR,
    decided_at  TIMESTAMP,
    decided_by  VARCHAR,
    PRIMARY KEY (version, person_id, host_team, quarter)
);
