-- Team x discipline: critical skills the team holds at >= 3, and how its targets stand.
WITH teams AS (
    SELECT DISTINCT team FROM people
    WHERE $teams::VARCHAR[] IS NULL OR list_contains($teams::VARCHAR[], team)
),
critical AS (
    SELECT skill_id, discipline FROM skills
    WHERE critical
      AND ($disciplines::VARCHAR[] IS NULL OR list_contains($disciplines::VARCHAR[], discipline))
),
held AS (
    SELECT DISTINCT p.team, r.skill_id
    FROM ratings r JOIN people p USING (person_id)
    WHERE r.level >= 3
),
coverage AS (
    SELECT t.team, c.discipline,
           count(*)::INTEGER          AS critical_skills,
           count(h.skill_id)::INTEGER AS covered
    FROM teams t
    CROSS JOIN critical c
    LEFT JOIN held h ON h.team = t.team AND h.skill_id = c.skill_id
    GROUP BY ALL
),
targets AS (
    SELECT team, discipline,
           count(*)::INTEGER                               AS targets,
           count(*) FILTER (WHERE missing > 0)::INTEGER    AS targets_unmet,
           sum(missing)::INTEGER                           AS people_missing
    FROM target_status
    GROUP BY ALL
)
SELECT c.team, c.discipline, c.critical_skills, c.covered,
       round(c.covered / c.critical_skills, 4)     AS coverage,
       coalesce(g.targets, 0)::INTEGER             AS targets,
       coalesce(g.targets_unmet, 0)::INTEGER       AS targets_unmet,
       coalesce(g.people_missing, 0)::INTEGER      AS people_missing
FROM coverage c
LEFT JOIN targets g USING (team, discipline)
ORDER BY c.team, c.discipline;
