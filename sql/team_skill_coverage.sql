-- Team x skill for large organisations: members, practitioners and the mean level.
-- $teams / $disciplines: lists to keep, or NULL for all.
WITH scope AS (
    SELECT person_id, team FROM people
    WHERE $teams::VARCHAR[] IS NULL OR list_contains($teams::VARCHAR[], team)
),
sizes AS (
    SELECT team, count(*)::INTEGER AS members FROM scope GROUP BY team
),
chosen AS (
    SELECT * FROM skills
    WHERE $disciplines::VARCHAR[] IS NULL OR list_contains($disciplines::VARCHAR[], discipline)
),
rated AS (
    SELECT p.team, r.skill_id,
           count(*) FILTER (WHERE r.level >= $practitioner_level)::INTEGER AS practitioners,
           sum(r.level)::DOUBLE AS level_sum
    FROM ratings r JOIN scope p USING (person_id)
    GROUP BY p.team, r.skill_id
)
SELECT z.team, s.skill_id, s.name AS skill_name, s.discipline AS skill_discipline, s.critical,
       z.members,
       coalesce(r.practitioners, 0)::INTEGER                     AS practitioners,
       round(coalesce(r.level_sum, 0) / z.members, 2)            AS mean_level
FROM sizes z
CROSS JOIN chosen s
LEFT JOIN rated r ON r.team = z.team AND r.skill_id = s.skill_id
ORDER BY z.team, s.discipline, s.name;
