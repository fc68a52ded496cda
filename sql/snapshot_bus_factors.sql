-- Per snapshot and critical skill (critical as that snapshot said): its practitioners.
SELECT s.snapshot, s.skill_id, s.name,
       count(r.person_id) FILTER (WHERE r.level >= $practitioner_level)::INTEGER AS bus_factor
FROM skills_history s
LEFT JOIN ratings_history r ON r.snapshot = s.snapshot AND r.skill_id = s.skill_id
WHERE s.critical
GROUP BY ALL
ORDER BY s.snapshot, s.skill_id;
