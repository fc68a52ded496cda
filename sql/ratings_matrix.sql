-- People x skills in long form for the heatmap; unrated pairs are level 0.
WITH scope AS (
    SELECT * FROM people
    WHERE $teams::VARCHAR[] IS NULL OR list_contains($teams::VARCHAR[], team)
    ORDER BY team, name, person_id
    LIMIT $max_people
),
chosen AS (
    SELECT * FROM skills
    WHERE $disciplines::VARCHAR[] IS NULL OR list_contains($disciplines::VARCHAR[], discipline)
)
SELECT p.person_id, p.name, p.team, p.discipline AS person_discipline,
       s.skill_id, s.name AS skill_name, s.discipline AS skill_discipline, s.critical,
       coalesce(r.level, 0)::INTEGER    AS level,
       coalesce(r.interest, 0)::INTEGER AS interest
FROM scope p
CROSS JOIN chosen s
LEFT JOIN ratings r ON r.person_id = p.person_id AND r.skill_id = s.skill_id
ORDER BY p.team, p.name, p.person_id, s.discipline, s.name;
