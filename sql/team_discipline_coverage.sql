-- Team x discipline: critical skills the team has a practitioner of, and how its targets stand.
-- coverage is NULL where a discipline has no critical skills.
WITH teams AS (
    SELECT DISTINCT team FROM people
    WHERE $teams::VARCHAR[] IS NULL OR list_contains($teams::VARCHAR[], team)
),
disciplines AS (
    SELECT DISTINCT discipline FROM skills
    WHERE $disciplines::VARCHAR[] IS NULL OR list_contains($disciplines::VARCHAR[], discipline)
),
held AS (
    SELECT DISTINCT p.team, r.skill_id
    FROM ratings r JOIN people p USING (person_id)
    WHERE r.level >= $practitioner_level
),
coverage AS (
    SELECT t.team, d.discipline,
           count(c.skill_id)::INTEGER AS critical_skills,
           count(h.skill_id)::INTEGER AS covered
    FROM teams t
    CROSS JOIN disciplines d
    LEFT JOIN skills c ON c.discipline = d.discipline AND c.critical
    LEFT JOIN held h ON h.team = t.team AND h.skill_id = c.skill_id
    GROUP BY t.team, d.discipline
),
targets AS (
    SELECT team, discipline,
           count(*)::INTEGER                               AS targets,
           count(*) FILTER (WHERE missing > 0)::INTEGER    AS targets_unmet,
           sum(missing)::INTEGER                           AS people_missing
    FROM target_status
    GROUP BY team, discipline
)
SELECT c.team, c.discipline, c.critical_skills, c.covered,
       round(c.covered / nullif(c.critical_skills, 0), 4) AS coverage,
       coalesce(g.targets, 0)::INTEGER             AS targets,
       coalesce(g.targets_unmet, 0)::INTEGER       AS targets_unmet,
       coalesce(g.people_missing, 0)::INTEGER      AS people_missing
FROM coverage c
LEFT JOIN targets g USING (team, discipline)
ORDER BY c.team, c.discipline;
