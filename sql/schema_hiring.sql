-- Hiring planner: what-if scenarios saved by name, and saved plans with their actions.
CREATE TABLE IF NOT EXISTS hiring_scenarios (
    name        VARCHAR PRIMARY KEY,
    definition  VARCHAR NOT NULL,   -- the scenario as JSON (see skills/scenarios.py)
    saved_at    TIMESTAMP NOT NULL,
    saved_by    VARCHAR NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS hiring_plan_ids START 1;

-- One row per saved plan: its scenario, the options it ran with and how good it is.
CREATE TABLE IF NOT EXISTS hiring_plans (
    plan_id      INTEGER PRIMARY KEY DEFAULT nextval('hiring_plan_ids'),
    scenario     VARCHAR NOT NULL,
    saved_at     TIMESTAMP NOT NULL,
    saved_by     VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,
    cost         DOUBLE,
    bound        DOUBLE,
    gap          DOUBLE,
    hires        INTEGER NOT NULL,
    greedy_cost  DOUBLE,
    seconds      DOUBLE NOT NULL,
    options      VARCHAR NOT NULL   -- the HiringOptions as JSON
);

-- One row per action and skill, as the CSV export has them.
CREATE TABLE IF NOT EXISTS hiring_plan_actions (
    plan_id      INTEGER NOT NULL,
    row_no       INTEGER NOT NULL,
    action       VARCHAR NOT NULL CHECK (action IN ('hire', 'grow', 'move')),
    team         VARCHAR NOT NULL,
    discipline   VARCHAR,
    skill_id     VARCHAR NOT NULL,
    level        TINYINT NOT NULL,
    person_id    VARCHAR,
    hire_no      INTEGER,
    cost         DOUBLE NOT NULL,
    from_team    VARCHAR,
    mentor_id    VARCHAR,
    explanation  VARCHAR NOT NULL,
    PRIMARY KEY (plan_id, row_no)
);
