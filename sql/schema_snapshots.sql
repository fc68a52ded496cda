-- The data lifecycle. Runs after the other schema files (sorted by name): the needs_decision
-- view reads the planners' tables.

-- The matrix as each snapshot stored it: nothing a later load brings is written over these
-- (ratings_history, which holds the ratings themselves, is in schema.sql). No keys: each is
-- a copy of a keyed table, and an index over every snapshot's rows would make each load
-- slower than the last.
CREATE TABLE IF NOT EXISTS people_history (
    snapshot    INTEGER NOT NULL,
    person_id   VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    team        VARCHAR NOT NULL,
    discipline  VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS skills_history (
    snapshot    INTEGER NOT NULL,
    skill_id    VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    discipline  VARCHAR NOT NULL,
    critical    BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS targets_history (
    snapshot    INTEGER NOT NULL,
    team        VARCHAR NOT NULL,
    skill_id    VARCHAR NOT NULL,
    min_level   TINYINT NOT NULL,
    min_people  INTEGER NOT NULL,
    origin      VARCHAR NOT NULL
);

-- The highest number ever handed out per kind of id, so a deleted id is never issued again.
CREATE TABLE IF NOT EXISTS id_counters (
    name        VARCHAR PRIMARY KEY,
    last        INTEGER NOT NULL
);

-- Work in progress that refers to someone or something the stored matrix no longer has. The
-- items stay as they are; a manager decides what becomes of them. An item drops out of this
-- view once it is decided (request withdrawn or declined, rotation or pair declined) or once
-- a later load brings back what it refers to.
CREATE OR REPLACE VIEW needs_decision AS
WITH teams AS (
    SELECT DISTINCT team FROM people
),
open_requests AS (
    SELECT * FROM requests WHERE status IN ('requested', 'proposed', 'approved')
),
-- The latest word on each rotation over all versions, read as committed_rotations.sql does.
rotation_words AS (
    SELECT *, row_number() OVER (PARTITION BY person_id, host_team, quarter
                                 ORDER BY decided_at DESC NULLS LAST, version DESC) AS newest
    FROM rotation_plan_rotations
    WHERE decision <> 'pending'
),
live_rotations AS (
    SELECT 'approved rotation' AS kind, version, person_id, host_team, quarter, request_id
    FROM rotation_words WHERE newest = 1 AND decision = 'approved'
    UNION ALL
    SELECT 'proposed rotation', version, person_id, host_team, quarter, request_id
    FROM rotation_plan_rotations
    WHERE decision = 'pending'
      AND version = (SELECT max(version) FROM rotation_plan_versions)
),
accepted_pairs AS (
    SELECT * FROM (
        SELECT *, row_number() OVER (PARTITION BY mentor_id, mentee_id, skill_id
                                     ORDER BY decided_at DESC, rowid DESC) AS newest
        FROM mentoring_decisions
    ) WHERE newest = 1 AND decision = 'accepted'
),
plan_people AS (
    SELECT plan_id, person_id AS who FROM hiring_plan_actions WHERE person_id IS NOT NULL
    UNION SELECT plan_id, mentor_id FROM hiring_plan_actions WHERE mentor_id IS NOT NULL
),
plan_teams AS (
    SELECT plan_id, team FROM hiring_plan_actions
    UNION SELECT plan_id, from_team FROM hiring_plan_actions WHERE from_team IS NOT NULL
),
-- A saved what-if scenario names people it removes and teams it freezes (skills/plans/hiring/
-- scenarios.py writes it as JSON).
scenario_people AS (
    SELECT name, unnest(json_extract_string(definition, '$.removed_people[*]')) AS who
    FROM hiring_scenarios
),
scenario_teams AS (
    SELECT name, unnest(json_extract_string(definition, '$.frozen_teams[*]')) AS team
    FROM hiring_scenarios
),
reasons AS (
    SELECT 'request' AS kind, request_id AS item, request_id,
           person_id || ' is no longer in the matrix' AS reason
    FROM open_requests WHERE person_id NOT IN (SELECT person_id FROM people)
    UNION ALL
    SELECT 'request', request_id, request_id, 'team ' || host_team || ' is no longer in the matrix'
    FROM open_requests WHERE host_team <> '' AND host_team NOT IN (SELECT team FROM teams)
    UNION ALL
    SELECT 'request', request_id, request_id,
           'skill ' || skill_id || ' is no longer in the skill list'
    FROM open_requests
    WHERE skill_id IS NOT NULL AND skill_id NOT IN (SELECT skill_id FROM skills)
    UNION ALL
    SELECT kind, 'v' || version || ': ' || person_id || ' to ' || host_team || ' in Q' || quarter,
           request_id, person_id || ' is no longer in the matrix'
    FROM live_rotations WHERE person_id NOT IN (SELECT person_id FROM people)
    UNION ALL
    SELECT kind, 'v' || version || ': ' || person_id || ' to ' || host_team || ' in Q' || quarter,
           request_id, 'team ' || host_team || ' is no longer in the matrix'
    FROM live_rotations WHERE host_team NOT IN (SELECT team FROM teams)
    UNION ALL
    SELECT r.kind, 'v' || r.version || ': ' || r.person_id || ' to ' || r.host_team || ' in Q'
           || r.quarter, r.request_id, r.person_id || ' is now a member of ' || r.host_team
    FROM live_rotations r JOIN people p ON p.person_id = r.person_id AND p.team = r.host_team
    UNION ALL
    SELECT 'mentoring pair', mentor_id || ' mentors ' || mentee_id || ' in ' || skill_id, NULL,
           mentor_id || ' is no longer in the matrix'
    FROM accepted_pairs WHERE mentor_id NOT IN (SELECT person_id FROM people)
    UNION ALL
    SELECT 'mentoring pair', mentor_id || ' mentors ' || mentee_id || ' in ' || skill_id, NULL,
           mentee_id || ' is no longer in the matrix'
    FROM accepted_pairs WHERE mentee_id NOT IN (SELECT person_id FROM people)
    UNION ALL
    SELECT 'mentoring pair', mentor_id || ' mentors ' || mentee_id || ' in ' || skill_id, NULL,
           'skill ' || skill_id || ' is no longer in the skill list'
    FROM accepted_pairs WHERE skill_id NOT IN (SELECT skill_id FROM skills)
    UNION ALL
    SELECT 'hiring plan', 'plan ' || h.plan_id || ' (' || h.scenario || ')', NULL,
           x.who || ' is no longer in the matrix'
    FROM plan_people x JOIN hiring_plans h USING (plan_id)
    WHERE x.who NOT IN (SELECT person_id FROM people)
    UNION ALL
    SELECT 'hiring plan', 'plan ' || h.plan_id || ' (' || h.scenario || ')', NULL,
           'team ' || x.team || ' is no longer in the matrix'
    FROM plan_teams x JOIN hiring_plans h USING (plan_id)
    WHERE x.team NOT IN (SELECT team FROM teams)
    UNION ALL
    SELECT 'hiring scenario', name, NULL, who || ' is no longer in the matrix'
    FROM scenario_people WHERE who NOT IN (SELECT person_id FROM people)
    UNION ALL
    SELECT 'hiring scenario', name, NULL, 'team ' || team || ' is no longer in the matrix'
    FROM scenario_teams WHERE team NOT IN (SELECT team FROM teams)
)
SELECT kind, item, any_value(request_id) AS request_id,
       string_agg(DISTINCT reason, '; ' ORDER BY reason) AS reason
FROM reasons
GROUP BY kind, item;
